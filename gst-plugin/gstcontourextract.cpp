// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// contourextract: a GstVideoFilter over higfa::extract_contour.

/**
 * SECTION:element-contourextract
 * @title: contourextract
 *
 * contourextract computes the edge map of each frame with higfa::extract_contour (Canny on the
 * luma after an optional Gaussian pre-blur, with fixed or median-derived thresholds and optional
 * thinning). With `output=meta` (the default) the frame passes through unchanged and carries a
 * GstHigfaContourMeta: a GRAY8 0/255 edge map of the frame's size plus the settings used, which
 * higfasampler takes as its contour guidance. With `output=contour` the frame itself is replaced
 * by the edge map (white edges on black, in the input's format) so it can be looked at. Every
 * property maps one-to-one to a field of higfa::ContourOptions and can be changed while playing.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=10 pattern=ball \
 *     ! video/x-raw,format=GRAY8,width=64,height=64 ! contourextract output=contour \
 *     ! videoconvert ! pngenc ! multifilesink location=contour-%03d.png
 * ]| writes the edge maps of ten frames of a moving ball as PNG files (the line of
 * pipelines/contour-preview.txt with its output directory left out).
 */

#include "gstcontourextract.h"

#include <gst/video/video.h>
#include <higfa/contour.h>
#include <higfa/image_view.h>

#include <exception>
#include <stdexcept>
#include <string>

#include "gsthigfameta.h"
#include "gsthigfautil.h"

GST_DEBUG_CATEGORY_STATIC(gst_contour_extract_debug);
#define GST_CAT_DEFAULT gst_contour_extract_debug

#define DEFAULT_PROP_BLUR_SIZE 3
#define DEFAULT_PROP_BLUR_SIGMA 0.0
#define DEFAULT_PROP_LOW_THRESHOLD 50.0
#define DEFAULT_PROP_HIGH_THRESHOLD 150.0
#define DEFAULT_PROP_AUTO_THRESHOLD FALSE
#define DEFAULT_PROP_AUTO_SIGMA 0.33
#define DEFAULT_PROP_L2_GRADIENT FALSE
#define DEFAULT_PROP_THINNING FALSE
#define DEFAULT_PROP_OUTPUT GST_CONTOUR_EXTRACT_OUTPUT_META

#define MAX_BLUR_SIZE 99
#define MAX_BLUR_SIGMA 100.0
#define MAX_THRESHOLD 1000.0

// The property defaults are the library's: a change there must be made here too.
namespace {
constexpr higfa::ContourOptions kLibraryDefaults{};
static_assert(DEFAULT_PROP_BLUR_SIZE == kLibraryDefaults.blur_size, "blur-size default");
static_assert(DEFAULT_PROP_BLUR_SIGMA == kLibraryDefaults.blur_sigma, "blur-sigma default");
static_assert(DEFAULT_PROP_LOW_THRESHOLD == kLibraryDefaults.low_threshold, "low-threshold");
static_assert(DEFAULT_PROP_HIGH_THRESHOLD == kLibraryDefaults.high_threshold, "high-threshold");
static_assert(static_cast<bool>(DEFAULT_PROP_AUTO_THRESHOLD) == kLibraryDefaults.auto_threshold,
              "auto-threshold default");
static_assert(DEFAULT_PROP_AUTO_SIGMA == kLibraryDefaults.auto_sigma, "auto-sigma default");
static_assert(static_cast<bool>(DEFAULT_PROP_L2_GRADIENT) == kLibraryDefaults.l2_gradient,
              "l2-gradient default");
static_assert(static_cast<bool>(DEFAULT_PROP_THINNING) == kLibraryDefaults.thinning,
              "thinning default");
}  // namespace

enum {
  PROP_0,
  PROP_BLUR_SIZE,
  PROP_BLUR_SIGMA,
  PROP_LOW_THRESHOLD,
  PROP_HIGH_THRESHOLD,
  PROP_AUTO_THRESHOLD,
  PROP_AUTO_SIGMA,
  PROP_L2_GRADIENT,
  PROP_THINNING,
  PROP_OUTPUT,
};

static GstStaticPadTemplate sink_template =
    GSTHIGFA_VIDEO_PAD_TEMPLATE("sink", GST_PAD_SINK, GSTHIGFA_VIDEO_FORMATS);
static GstStaticPadTemplate src_template =
    GSTHIGFA_VIDEO_PAD_TEMPLATE("src", GST_PAD_SRC, GSTHIGFA_VIDEO_FORMATS);

namespace {

// C++ state lives behind a pointer: GObject never runs constructors on the instance struct.
struct ContourExtractState {
  // Guarded by the object lock.
  higfa::ContourOptions options;
  GstContourExtractOutput output = DEFAULT_PROP_OUTPUT;
  // Streaming thread only (set_info / transform / stop).
  GstVideoInfo gray_info{};                // GRAY8 at the negotiated size: the edge map's layout
  GstVideoConverter *converter = nullptr;  // GRAY8 -> the negotiated format, output=contour
};

}  // namespace

struct _GstContourExtract {
  GstVideoFilter parent;
  ContourExtractState *state;
};

G_DEFINE_TYPE(GstContourExtract, gst_contour_extract, GST_TYPE_VIDEO_FILTER)
GST_ELEMENT_REGISTER_DEFINE(contourextract, "contourextract", GST_RANK_NONE,
                            GST_TYPE_CONTOUR_EXTRACT)

GType gst_contour_extract_output_get_type(void) {
  static const GEnumValue values[] = {
      {GST_CONTOUR_EXTRACT_OUTPUT_META,
       "Pass the frame through unchanged and attach a GstHigfaContourMeta", "meta"},
      {GST_CONTOUR_EXTRACT_OUTPUT_CONTOUR,
       "Replace the frame by its edge map (white edges on black, same format), for viewing",
       "contour"},
      {0, nullptr, nullptr},
  };
  static const GType type = g_enum_register_static("GstContourExtractOutput", values);
  return type;
}

namespace {

higfa::ContourOptions snapshot_options(GstContourExtract *self) {
  gsthigfa::ObjectLock lock(self);
  return self->state->options;
}

// The library's verdict on `options`: empty when valid, else what is wrong.
std::string validation_error(const higfa::ContourOptions &options) {
  try {
    higfa::validate(options);
    return {};
  } catch (const std::exception &e) {
    return e.what();
  }
}

// The meta's parameters: the options, with the thresholds the frame actually used (with
// auto-threshold, the median-derived ones).
GstHigfaContourParams to_params(const higfa::ContourOptions &o,
                                const higfa::ContourThresholds &used) {
  return GstHigfaContourParams{o.blur_size,      o.blur_sigma, used.low,      used.high,
                               o.auto_threshold, o.auto_sigma, o.l2_gradient, o.thinning};
}

// Applies a property change to a copy of the options and keeps it unless it is invalid while the
// element runs. Stopped, settings may pass through invalid combinations (low-threshold is set
// before high-threshold); start() checks the final one.
template <typename Apply>
void update_options(GstContourExtract *self, const GParamSpec *pspec, Apply apply) {
  std::string error;
  bool running = false;
  {
    gsthigfa::ObjectLock lock(self);
    higfa::ContourOptions candidate = self->state->options;
    apply(candidate);
    error = validation_error(candidate);
    running = GST_STATE(self) >= GST_STATE_PAUSED;
    if (error.empty() || !running) self->state->options = candidate;
  }
  if (!error.empty() && running)
    g_warning("contourextract: %s refused while running, the settings would be invalid: %s",
              pspec->name, error.c_str());
  else if (!error.empty())
    GST_INFO_OBJECT(self, "%s set; settings not valid yet (checked at start): %s", pspec->name,
                    error.c_str());
}

// The edge map of `frame` in `gray_info`'s layout (GRAY8, rows padded to 4 bytes, padding 0).
GstBuffer *extract_edges(GstContourExtract *self, GstVideoFrame *frame,
                         const higfa::ContourOptions &options,
                         higfa::ContourThresholds *used = nullptr) {
  const GstVideoInfo *info = &self->state->gray_info;
  GstBuffer *edges = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(info), nullptr);
  gst_buffer_memset(edges, 0, 0, GST_VIDEO_INFO_SIZE(info));
  try {
    gsthigfa::MappedBuffer map(edges, GST_MAP_WRITE);
    if (!map.ok()) throw std::runtime_error("could not map the edge map for writing");
    const higfa::ImageView dst{map.info().data, GST_VIDEO_INFO_WIDTH(info),
                               GST_VIDEO_INFO_HEIGHT(info), GST_VIDEO_INFO_PLANE_STRIDE(info, 0),
                               higfa::PixelFormat::kGray8};
    const higfa::ContourThresholds t =
        higfa::extract_contour(gst_higfa_frame_view(frame), dst, options);
    if (used != nullptr) *used = t;
  } catch (...) {
    gst_buffer_unref(edges);
    throw;
  }
  return edges;
}

void post_extract_error(GstContourExtract *self, const char *what) {
  GST_ELEMENT_ERROR(self, STREAM, FAILED,
                    ("Could not extract the contour of a frame: %s. Check the contour properties "
                     "and the input frames.",
                     what),
                    ("higfa::extract_contour failed: %s", what));
}

// Writes the edge map of `in` into `out` (same size, the negotiated format).
void render_contour(GstContourExtract *self, GstVideoFrame *in, GstVideoFrame *out,
                    const higfa::ContourOptions &options) {
  if (GST_VIDEO_FRAME_FORMAT(out) == GST_VIDEO_FORMAT_GRAY8) {
    higfa::extract_contour(gst_higfa_frame_view(in), gst_higfa_frame_view(out), options);
    return;
  }
  GstBuffer *edges = extract_edges(self, in, options);
  bool mapped = false;
  {
    gsthigfa::MappedFrame gray(&self->state->gray_info, edges, GST_MAP_READ);
    mapped = gray.ok();
    // Grey to colour is GStreamer's conversion: edges 255 become white, alpha opaque.
    if (mapped) gst_video_converter_frame(self->state->converter, gray.frame(), out);
  }
  gst_buffer_unref(edges);
  if (!mapped) throw std::runtime_error("could not map the edge map");
}

}  // namespace

namespace {

using Options = higfa::ContourOptions;

// The properties that are contour options.
constexpr gsthigfa::Field<Options> kOptionFields[] = {
    gsthigfa::field<Options, &Options::blur_size>(PROP_BLUR_SIZE),
    gsthigfa::field<Options, &Options::blur_sigma>(PROP_BLUR_SIGMA),
    gsthigfa::field<Options, &Options::low_threshold>(PROP_LOW_THRESHOLD),
    gsthigfa::field<Options, &Options::high_threshold>(PROP_HIGH_THRESHOLD),
    gsthigfa::field<Options, &Options::auto_threshold>(PROP_AUTO_THRESHOLD),
    gsthigfa::field<Options, &Options::auto_sigma>(PROP_AUTO_SIGMA),
    gsthigfa::field<Options, &Options::l2_gradient>(PROP_L2_GRADIENT),
    gsthigfa::field<Options, &Options::thinning>(PROP_THINNING),
};

}  // namespace

static void gst_contour_extract_set_property(GObject *object, guint prop_id, const GValue *value,
                                             GParamSpec *pspec) {
  auto *self = GST_CONTOUR_EXTRACT(object);
  if (prop_id == PROP_OUTPUT) {
    const auto output = static_cast<GstContourExtractOutput>(g_value_get_enum(value));
    {
      gsthigfa::ObjectLock lock(self);
      self->state->output = output;
    }
    // The base class picks transform_ip (meta) or transform (contour) per buffer from this.
    gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self),
                                    output == GST_CONTOUR_EXTRACT_OUTPUT_META);
    return;
  }
  if (prop_id == PROP_BLUR_SIZE) {
    // Oddness is not expressible as a GParamSpec range: ask the library about the value alone.
    Options alone;
    alone.blur_size = g_value_get_int(value);
    const std::string error = validation_error(alone);
    if (!error.empty()) {
      g_warning("contourextract: blur-size %d refused: %s", alone.blur_size, error.c_str());
      return;
    }
  }
  bool known = false;
  update_options(self, pspec, [&](Options &o) {
    known = gsthigfa::set_field(kOptionFields, o, prop_id, value);
  });
  if (!known) G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

static void gst_contour_extract_get_property(GObject *object, guint prop_id, GValue *value,
                                             GParamSpec *pspec) {
  auto *self = GST_CONTOUR_EXTRACT(object);
  gsthigfa::ObjectLock lock(self);
  if (prop_id == PROP_OUTPUT)
    g_value_set_enum(value, self->state->output);
  else if (!gsthigfa::get_field(kOptionFields, self->state->options, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

static gboolean gst_contour_extract_start(GstBaseTransform *trans) {
  auto *self = GST_CONTOUR_EXTRACT(trans);
  const std::string error = validation_error(snapshot_options(self));
  if (!error.empty()) {
    GST_ELEMENT_ERROR(self, LIBRARY, SETTINGS,
                      ("Invalid contourextract settings: %s. Fix the blur-size, blur-sigma, "
                       "low-threshold, high-threshold or auto-sigma property.",
                       error.c_str()),
                      ("higfa::validate(ContourOptions) refused the settings: %s", error.c_str()));
    return FALSE;
  }
  return TRUE;
}

static gboolean gst_contour_extract_stop(GstBaseTransform *trans) {
  auto *self = GST_CONTOUR_EXTRACT(trans);
  g_clear_pointer(&self->state->converter, gst_video_converter_free);
  return TRUE;
}

// Lets a GstController drive the properties (they are GST_PARAM_CONTROLLABLE).
static void gst_contour_extract_before_transform(GstBaseTransform *trans, GstBuffer *buffer) {
  const GstClockTime stream_time =
      gst_segment_to_stream_time(&trans->segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buffer));
  if (GST_CLOCK_TIME_IS_VALID(stream_time)) gst_object_sync_values(GST_OBJECT(trans), stream_time);
}

static gboolean gst_contour_extract_set_info(GstVideoFilter *filter, GstCaps *,
                                             GstVideoInfo *in_info, GstCaps *,
                                             GstVideoInfo *out_info) {
  auto *self = GST_CONTOUR_EXTRACT(filter);
  ContourExtractState *state = self->state;
  GstVideoInfo *gray = &state->gray_info;
  gst_video_info_set_format(gray, GST_VIDEO_FORMAT_GRAY8, GST_VIDEO_INFO_WIDTH(in_info),
                            GST_VIDEO_INFO_HEIGHT(in_info));
  // The converter only converts colour: everything but the format must match.
  GST_VIDEO_INFO_FPS_N(gray) = GST_VIDEO_INFO_FPS_N(in_info);
  GST_VIDEO_INFO_FPS_D(gray) = GST_VIDEO_INFO_FPS_D(in_info);
  GST_VIDEO_INFO_PAR_N(gray) = GST_VIDEO_INFO_PAR_N(in_info);
  GST_VIDEO_INFO_PAR_D(gray) = GST_VIDEO_INFO_PAR_D(in_info);
  GST_VIDEO_INFO_INTERLACE_MODE(gray) = GST_VIDEO_INFO_INTERLACE_MODE(in_info);
  g_clear_pointer(&state->converter, gst_video_converter_free);
  if (GST_VIDEO_INFO_FORMAT(out_info) != GST_VIDEO_FORMAT_GRAY8) {
    state->converter = gst_video_converter_new(gray, out_info, nullptr);
    if (state->converter == nullptr) {
      GST_ERROR_OBJECT(self, "no GRAY8 -> %s converter", GST_VIDEO_INFO_NAME(out_info));
      return FALSE;
    }
  }
  GST_DEBUG_OBJECT(self, "negotiated %s %dx%d", GST_VIDEO_INFO_NAME(in_info),
                   GST_VIDEO_INFO_WIDTH(in_info), GST_VIDEO_INFO_HEIGHT(in_info));
  return TRUE;
}

// output=meta: the frame is left as it is; its edge map is attached as a contour meta.
static GstFlowReturn gst_contour_extract_transform_frame_ip(GstVideoFilter *filter,
                                                            GstVideoFrame *frame) {
  auto *self = GST_CONTOUR_EXTRACT(filter);
  const higfa::ContourOptions options = snapshot_options(self);
  GstBuffer *edges = nullptr;
  higfa::ContourThresholds used;
  try {
    edges = extract_edges(self, frame, options, &used);
  } catch (const std::exception &e) {
    post_extract_error(self, e.what());
    return GST_FLOW_ERROR;
  }
  const GstHigfaContourParams params = to_params(options, used);
  const GstVideoInfo *gray = &self->state->gray_info;
  gst_buffer_add_higfa_contour_meta(frame->buffer, edges, GST_VIDEO_INFO_WIDTH(gray),
                                    GST_VIDEO_INFO_HEIGHT(gray),
                                    GST_VIDEO_INFO_PLANE_STRIDE(gray, 0), &params);
  gst_buffer_unref(edges);
  return GST_FLOW_OK;
}

// output=contour: the outgoing frame is the edge map.
static GstFlowReturn gst_contour_extract_transform_frame(GstVideoFilter *filter,
                                                         GstVideoFrame *in_frame,
                                                         GstVideoFrame *out_frame) {
  auto *self = GST_CONTOUR_EXTRACT(filter);
  const higfa::ContourOptions options = snapshot_options(self);
  try {
    render_contour(self, in_frame, out_frame, options);
  } catch (const std::exception &e) {
    post_extract_error(self, e.what());
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

static void gst_contour_extract_finalize(GObject *object) {
  auto *self = GST_CONTOUR_EXTRACT(object);
  if (self->state->converter != nullptr) gst_video_converter_free(self->state->converter);
  gsthigfa::finalize_state<GstContourExtract, &gst_contour_extract_parent_class>(object);
}

// Strengths: changeable while playing and drivable by a GstController.
static const GParamFlags kStrengthFlags =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                             GST_PARAM_MUTABLE_PLAYING | GST_PARAM_CONTROLLABLE);

static void gst_contour_extract_install_blur_properties(GObjectClass *gobject_class) {
  const GParamFlags flags = kStrengthFlags;
  g_object_class_install_property(
      gobject_class, PROP_BLUR_SIZE,
      g_param_spec_int("blur-size", "Blur size",
                       "Gaussian pre-blur kernel size in pixels, odd, 0-99 (even sizes are "
                       "refused); 0 disables the pre-blur",
                       0, MAX_BLUR_SIZE, DEFAULT_PROP_BLUR_SIZE, flags));
  g_object_class_install_property(
      gobject_class, PROP_BLUR_SIGMA,
      g_param_spec_double("blur-sigma", "Blur sigma",
                          "Gaussian pre-blur standard deviation in pixels, 0-100; 0 derives it "
                          "from blur-size",
                          0.0, MAX_BLUR_SIGMA, DEFAULT_PROP_BLUR_SIGMA, flags));
}

static void gst_contour_extract_install_threshold_properties(GObjectClass *gobject_class) {
  const GParamFlags flags = kStrengthFlags;
  g_object_class_install_property(
      gobject_class, PROP_LOW_THRESHOLD,
      g_param_spec_double("low-threshold", "Low threshold",
                          "Canny hysteresis low threshold on the gradient magnitude (8-bit "
                          "levels), 0-1000, at most high-threshold; 0 keeps every weak edge "
                          "connected to a strong one. Ignored when auto-threshold is set",
                          0.0, MAX_THRESHOLD, DEFAULT_PROP_LOW_THRESHOLD, flags));
  g_object_class_install_property(
      gobject_class, PROP_HIGH_THRESHOLD,
      g_param_spec_double("high-threshold", "High threshold",
                          "Canny hysteresis high threshold on the gradient magnitude (8-bit "
                          "levels), 0-1000, at least low-threshold; 0 makes every non-flat pixel "
                          "a strong edge. Ignored when auto-threshold is set",
                          0.0, MAX_THRESHOLD, DEFAULT_PROP_HIGH_THRESHOLD, flags));
  g_object_class_install_property(
      gobject_class, PROP_AUTO_THRESHOLD,
      g_param_spec_boolean("auto-threshold", "Auto threshold",
                           "Derive both thresholds from the frame's median grey level m as "
                           "(1 - auto-sigma) * m and (1 + auto-sigma) * m instead of "
                           "low-threshold / high-threshold",
                           DEFAULT_PROP_AUTO_THRESHOLD, flags));
  g_object_class_install_property(
      gobject_class, PROP_AUTO_SIGMA,
      g_param_spec_double("auto-sigma", "Auto sigma",
                          "Relative spread of the auto thresholds around the median (fraction), "
                          "0-1; 0 makes both thresholds the median. Used only with auto-threshold",
                          0.0, 1.0, DEFAULT_PROP_AUTO_SIGMA, flags));
}

static void gst_contour_extract_install_mode_properties(GObjectClass *gobject_class) {
  const GParamFlags flags = kStrengthFlags;
  g_object_class_install_property(
      gobject_class, PROP_L2_GRADIENT,
      g_param_spec_boolean("l2-gradient", "L2 gradient",
                           "Use the exact L2 gradient magnitude sqrt(gx^2 + gy^2) instead of "
                           "|gx| + |gy| (off: L1)",
                           DEFAULT_PROP_L2_GRADIENT, flags));
  g_object_class_install_property(
      gobject_class, PROP_THINNING,
      g_param_spec_boolean("thinning", "Thinning",
                           "Thin the edges to one pixel (Zhang-Suen) after Canny (off: Canny's "
                           "own edges)",
                           DEFAULT_PROP_THINNING, flags));
  g_object_class_install_property(
      gobject_class, PROP_OUTPUT,
      g_param_spec_enum("output", "Output",
                        "What leaves the element: the input frame with a contour meta (meta), or "
                        "the edge map itself as the frame, white on black (contour)",
                        GST_TYPE_CONTOUR_EXTRACT_OUTPUT, DEFAULT_PROP_OUTPUT,
                        static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                 GST_PARAM_MUTABLE_PLAYING)));
}

static void gst_contour_extract_class_init(GstContourExtractClass *klass) {
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS(klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS(klass);

  GST_DEBUG_CATEGORY_INIT(gst_contour_extract_debug, "contourextract", 0,
                          "higfa contour extraction");

  gobject_class->set_property = gst_contour_extract_set_property;
  gobject_class->get_property = gst_contour_extract_get_property;
  gobject_class->finalize = gst_contour_extract_finalize;
  gst_contour_extract_install_blur_properties(gobject_class);
  gst_contour_extract_install_threshold_properties(gobject_class);
  gst_contour_extract_install_mode_properties(gobject_class);

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gsthigfa::set_element_metadata(
      element_class, "Contour extraction", "Filter/Analyzer/Video",
      "Edge map of each frame (Canny with pre-blur, fixed or median-derived thresholds, optional "
      "thinning), attached as a contour meta or emitted as the frame");

  trans_class->start = GST_DEBUG_FUNCPTR(gst_contour_extract_start);
  trans_class->stop = GST_DEBUG_FUNCPTR(gst_contour_extract_stop);
  trans_class->before_transform = GST_DEBUG_FUNCPTR(gst_contour_extract_before_transform);
  filter_class->set_info = GST_DEBUG_FUNCPTR(gst_contour_extract_set_info);
  filter_class->transform_frame = GST_DEBUG_FUNCPTR(gst_contour_extract_transform_frame);
  filter_class->transform_frame_ip = GST_DEBUG_FUNCPTR(gst_contour_extract_transform_frame_ip);

  gst_type_mark_as_plugin_api(GST_TYPE_CONTOUR_EXTRACT_OUTPUT, static_cast<GstPluginAPIFlags>(0));
}

static void gst_contour_extract_init(GstContourExtract *self) {
  self->state = new ContourExtractState();
  gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self),
                                  DEFAULT_PROP_OUTPUT == GST_CONTOUR_EXTRACT_OUTPUT_META);
}
