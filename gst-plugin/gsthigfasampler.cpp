// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfasampler: HiGFA guided diffusion sampling, N generated frames per input frame.

/**
 * SECTION:element-higfasampler
 * @title: higfasampler
 *
 * Generates #GstHigfaSampler:samples-per-image synthetic frames for every input frame with the
 * HiGFA sampler of libhigfa (design §4): class guidance, the frame's contour (from a
 * #GstHigfaContourMeta, e.g. added by contourextract) under a per-sample seeded random
 * transform, and confidence-modulated classifier guidance in the final steps. The intended class
 * comes from the frame's #GstHigfaLabelMeta, else from #GstHigfaSampler:class; a frame with
 * neither is an error, or a counted skip with missing-label=skip. Outputs are at the model's
 * resolution and carry a provenance meta and a copy of the label meta. Sample i of a frame is
 * seeded higfa::derive_seed(seed, source id, i); the source id is the label meta's source_id, or
 * "<stream-id>-<input offset>" (the input's buffer offset, else its index in the stream) without
 * one, so a sharded run draws exactly what a single run would. A flush or a stop during
 * sampling cancels it between two steps.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 datasetsrc location=data bundle=models/fashion-mnist ! contourextract \
 *   ! higfasampler bundle=models/fashion-mnist samples-per-image=4 num-inference-steps=50 seed=0 \
 *   ! fgclassifier bundle=models/fashion-mnist ! confidencefilter threshold=0.5 \
 *   ! datasetsink location=out
 * ]| (pipelines/augment-dataset.txt)
 */

#include "gsthigfasampler.h"

#include <gst/video/video.h>
#include <higfa/bundle.h>
#include <higfa/error.h>
#include <higfa/runtime.h>
#include <higfa/sample_frames.h>
#include <higfa/sampler.h>

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gsthigfameta.h"
#include "gsthigfaprovenance.h"
#include "gsthigfasamplersettings.h"
#include "gsthigfautil.h"

GST_DEBUG_CATEGORY_STATIC(gst_higfa_sampler_debug);
#define GST_CAT_DEFAULT gst_higfa_sampler_debug

namespace {

// The C++ state of one element; new'd in _init, deleted in _finalize.
struct State {
  GstHigfaSamplerSettings settings = gst_higfa_sampler_default_settings();  // object lock
  // Set in start() and cleared in stop(), with the streaming thread stopped.
  std::optional<higfa::ModelBundle> bundle;
  int default_class_id = -1;  // from the class property; -1: none
  // The bundle's output format, for caps queries from other threads; object lock, 0: no bundle.
  int out_width = 0;
  int out_height = 0;
  int out_channels = 0;
  std::atomic<bool> cancel{false};
  std::atomic<guint64> processed{0};
  std::atomic<guint64> generated{0};
  std::atomic<guint64> skipped{0};
  // Streaming-thread state.
  GstSegment segment;
  GstVideoInfo in_info;
  bool have_in_info = false;
  GstVideoInfo out_info;
  bool have_out_caps = false;
  guint64 out_offset = 0;
  guint64 inputs = 0;
};

// The label of one input frame, resolved against the bundle.
struct Label {
  int class_id = -1;
  std::string class_name;
  std::string source_id;
  std::string source_path;
  guint64 source_index = 0;
};

}  // namespace

struct _GstHigfaSampler {
  GstElement parent;
  GstPad* sinkpad;
  GstPad* srcpad;
  State* state;
};

GST_ELEMENT_REGISTER_DEFINE(higfasampler, "higfasampler", GST_RANK_NONE, GST_TYPE_HIGFA_SAMPLER);

G_DEFINE_TYPE(GstHigfaSampler, gst_higfa_sampler, GST_TYPE_ELEMENT);

#define SINK_FORMATS "{ GRAY8, RGB, BGR, RGBA, BGRx }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(SINK_FORMATS)));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE("{ GRAY8, RGB }")));

namespace {

std::string joined_class_names(const higfa::BundleManifest& m) {
  std::string out;
  for (const std::string& name : m.class_names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Properties (the table is in gsthigfasamplersettings.cpp).

static void gst_higfa_sampler_set_property(GObject* object, guint prop_id, const GValue* value,
                                           GParamSpec* pspec) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(object);
  GST_OBJECT_LOCK(self);
  const gboolean known = gst_higfa_sampler_settings_set(&self->state->settings, prop_id, value);
  GST_OBJECT_UNLOCK(self);
  if (!known) G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

static void gst_higfa_sampler_get_property(GObject* object, guint prop_id, GValue* value,
                                           GParamSpec* pspec) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(object);
  State* st = self->state;
  switch (prop_id) {
    case PROP_PROCESSED:
      g_value_set_uint64(value, st->processed.load());
      return;
    case PROP_GENERATED:
      g_value_set_uint64(value, st->generated.load());
      return;
    case PROP_SKIPPED:
      g_value_set_uint64(value, st->skipped.load());
      return;
    default:
      break;
  }
  GST_OBJECT_LOCK(self);
  const gboolean known = gst_higfa_sampler_settings_get(&st->settings, prop_id, value);
  GST_OBJECT_UNLOCK(self);
  if (!known) G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

// ---------------------------------------------------------------------------------------------
// Start and stop.

// Checks the device and the options, sets the thread count and loads the bundle into the state.
// Posts an error and returns FALSE on failure.
static gboolean gst_higfa_sampler_load(GstHigfaSampler* self, const GstHigfaSamplerSettings& s) {
  State* st = self->state;
  if (s.bundle.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("No model bundle: set the bundle property."),
                      ("bundle is NULL"));
    return FALSE;
  }
  const higfa::SamplerOptions options = gst_higfa_sampler_settings_options(&s);
  torch::Device device = torch::kCPU;
  try {
    device = higfa::parse_device(s.device);
    if (s.threads > 0) higfa::set_num_threads(s.threads);
    higfa::validate(options);
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, SETTINGS, ("Invalid higfasampler settings: %s", e.what()),
                      ("higfa::validate / higfa::parse_device: %s", e.what()));
    return FALSE;
  }
  try {
    st->bundle = higfa::ModelBundle::load(s.bundle, device);
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
                      ("Could not load the model bundle \"%s\": %s", s.bundle.c_str(), e.what()),
                      ("higfa::ModelBundle::load: %s", e.what()));
    return FALSE;
  }
  try {
    higfa::Sampler probe(*st->bundle, options);  // can the sampler drive this bundle at all?
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, INIT,
                      ("The model bundle \"%s\" cannot be sampled: %s", s.bundle.c_str(), e.what()),
                      ("higfa::Sampler::Sampler: %s", e.what()));
    st->bundle.reset();
    return FALSE;
  }
  return TRUE;
}

// Loads the bundle and resolves the class property. Posts an error and returns FALSE on failure,
// so that READY->PAUSED fails.
static gboolean gst_higfa_sampler_start(GstHigfaSampler* self) {
  State* st = self->state;
  GST_OBJECT_LOCK(self);
  const GstHigfaSamplerSettings s = st->settings;
  GST_OBJECT_UNLOCK(self);
  if (!gst_higfa_sampler_load(self, s)) return FALSE;
  const higfa::BundleManifest& m = st->bundle->manifest();
  st->default_class_id = -1;
  if (!s.class_name.empty()) {
    st->default_class_id = st->bundle->class_id(s.class_name);
    if (st->default_class_id < 0) {
      GST_ELEMENT_ERROR(self, LIBRARY, SETTINGS,
                        ("Unknown class \"%s\": the bundle \"%s\" has the classes %s",
                         s.class_name.c_str(), s.bundle.c_str(), joined_class_names(m).c_str()),
                        ("class property not in the bundle's class list"));
      st->bundle.reset();
      return FALSE;
    }
  }
  GST_OBJECT_LOCK(self);
  st->out_width = m.image.width;
  st->out_height = m.image.height;
  st->out_channels = m.image.channels;
  GST_OBJECT_UNLOCK(self);
  gst_segment_init(&st->segment, GST_FORMAT_TIME);
  st->cancel = false;
  st->processed = st->generated = st->skipped = 0;
  st->have_in_info = st->have_out_caps = false;
  st->out_offset = st->inputs = 0;
  GST_INFO_OBJECT(self, "loaded bundle %s (%dx%d, %d channel(s), %d classes) on %s",
                  s.bundle.c_str(), m.image.width, m.image.height, m.image.channels, m.num_classes,
                  s.device.c_str());
  return TRUE;
}

static void gst_higfa_sampler_stop(GstHigfaSampler* self) {
  State* st = self->state;
  GST_OBJECT_LOCK(self);
  st->out_width = st->out_height = st->out_channels = 0;
  GST_OBJECT_UNLOCK(self);
  st->bundle.reset();
  st->default_class_id = -1;
  st->have_in_info = false;
  st->have_out_caps = false;
}

static GstStateChangeReturn gst_higfa_sampler_change_state(GstElement* element,
                                                           GstStateChange transition) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(element);
  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!gst_higfa_sampler_start(self)) return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      // Before the pads deactivate: they wait for the streaming thread, which may be sampling.
      self->state->cancel = true;
      break;
    default:
      break;
  }
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(gst_higfa_sampler_parent_class)->change_state(element, transition);
  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_higfa_sampler_stop(self);
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (ret == GST_STATE_CHANGE_FAILURE) gst_higfa_sampler_stop(self);
      break;
    default:
      break;
  }
  return ret;
}

// ---------------------------------------------------------------------------------------------
// Caps, events and queries.

// The output caps: the bundle's resolution and channels (NULL without a bundle); the input
// framerate times N (0/1 if the input's is unknown; any if `in` is NULL: before negotiation).
static GstCaps* gst_higfa_sampler_output_caps(GstHigfaSampler* self, const GstVideoInfo* in) {
  State* st = self->state;
  GST_OBJECT_LOCK(self);
  const int width = st->out_width, height = st->out_height, channels = st->out_channels;
  const gint n = static_cast<gint>(st->settings.samples_per_image);
  GST_OBJECT_UNLOCK(self);
  if (width == 0) return nullptr;
  GstCaps* caps =
      gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, channels == 1 ? "GRAY8" : "RGB",
                          "width", G_TYPE_INT, width, "height", G_TYPE_INT, height, nullptr);
  if (in == nullptr) {
    gst_caps_set_simple(caps, "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, nullptr);
    return caps;
  }
  gint num = 0, den = 1;
  if (in->fps_n > 0 && in->fps_d > 0 && in->fps_n <= G_MAXINT / n) {
    num = in->fps_n * n;
    den = in->fps_d;
  }
  gst_caps_set_simple(caps, "framerate", GST_TYPE_FRACTION, num, den, "pixel-aspect-ratio",
                      GST_TYPE_FRACTION, 1, 1, nullptr);
  return caps;
}

static gboolean gst_higfa_sampler_set_caps(GstHigfaSampler* self, GstCaps* caps) {
  State* st = self->state;
  GstVideoInfo in;
  if (!st->bundle || !gst_video_info_from_caps(&in, caps)) {
    GST_WARNING_OBJECT(self, "cannot accept caps %" GST_PTR_FORMAT, static_cast<gpointer>(caps));
    return FALSE;
  }
  GstCaps* out_caps = gst_higfa_sampler_output_caps(self, &in);
  if (out_caps == nullptr) return FALSE;
  GstVideoInfo out;
  gboolean ok =
      gst_video_info_from_caps(&out, out_caps) && gst_pad_set_caps(self->srcpad, out_caps);
  GST_DEBUG_OBJECT(self, "output caps %" GST_PTR_FORMAT ": %s", static_cast<gpointer>(out_caps),
                   ok ? "set" : "refused");
  gst_caps_unref(out_caps);
  if (ok) {
    st->in_info = in;
    st->have_in_info = true;
    st->out_info = out;
    st->have_out_caps = true;
  }
  return ok;
}

static gboolean gst_higfa_sampler_sink_event(GstPad* pad, GstObject* parent, GstEvent* event) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(parent);
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_CAPS: {
      GstCaps* caps;
      gst_event_parse_caps(event, &caps);
      const gboolean ok = gst_higfa_sampler_set_caps(self, caps);
      gst_event_unref(event);
      return ok;
    }
    case GST_EVENT_FLUSH_START:
      // Not serialized: arrives while the streaming thread may be inside a sampler call.
      self->state->cancel = true;
      break;
    case GST_EVENT_FLUSH_STOP:
      self->state->cancel = false;
      gst_segment_init(&self->state->segment, GST_FORMAT_TIME);
      break;
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment(event, &self->state->segment);
      break;
    default:
      break;
  }
  // Segments pass unchanged: every output lies inside its input's time span. EOS is serialized,
  // so it follows the last input's outputs.
  return gst_pad_event_default(pad, parent, event);
}

static gboolean gst_higfa_sampler_src_query(GstPad* pad, GstObject* parent, GstQuery* query) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(parent);
  if (GST_QUERY_TYPE(query) != GST_QUERY_CAPS) return gst_pad_query_default(pad, parent, query);
  // The current caps once negotiated (fixed caps), else what the bundle will produce.
  GstCaps* caps = gst_pad_get_current_caps(pad);
  if (caps == nullptr) caps = gst_higfa_sampler_output_caps(self, nullptr);
  if (caps == nullptr) return gst_pad_query_default(pad, parent, query);
  GstCaps* filter;
  gst_query_parse_caps(query, &filter);
  if (filter != nullptr) {
    GstCaps* tmp = gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(caps);
    caps = tmp;
  }
  gst_query_set_caps_result(query, caps);
  gst_caps_unref(caps);
  return TRUE;
}

// ---------------------------------------------------------------------------------------------
// Streaming.

enum class LabelResult { kOk, kSkip, kError };

// The source id of a frame without a label meta's source_id: "<stream-id>-<offset>".
static std::string gst_higfa_sampler_fallback_source_id(GstHigfaSampler* self, GstBuffer* buf) {
  gchar* stream_id = gst_pad_get_stream_id(self->sinkpad);
  const guint64 offset =
      GST_BUFFER_OFFSET_IS_VALID(buf) ? GST_BUFFER_OFFSET(buf) : self->state->inputs;
  gchar* id = g_strdup_printf("%s-%" G_GUINT64_FORMAT,
                              stream_id != nullptr ? stream_id : GST_OBJECT_NAME(self), offset);
  std::string out = id;
  g_free(id);
  g_free(stream_id);
  return out;
}

// The intended class: the label meta's class name (or id), else the class property.
static LabelResult gst_higfa_sampler_resolve_label(GstHigfaSampler* self, GstBuffer* buf,
                                                   const GstHigfaSamplerSettings& s, Label* label) {
  State* st = self->state;
  const higfa::BundleManifest& m = st->bundle->manifest();
  const GstHigfaLabelMeta* meta = gst_buffer_get_higfa_label_meta(buf);
  if (meta != nullptr) {
    if (meta->class_name != nullptr && meta->class_name[0] != '\0') {
      label->class_id = st->bundle->class_id(meta->class_name);
      if (label->class_id < 0) {
        GST_ELEMENT_ERROR(self, STREAM, FAILED,
                          ("Unknown class \"%s\" in the frame's label: the bundle \"%s\" has the "
                           "classes %s",
                           meta->class_name, s.bundle.c_str(), joined_class_names(m).c_str()),
                          ("label meta class_name not in the bundle's class list"));
        return LabelResult::kError;
      }
    } else if (meta->class_id >= 0 && meta->class_id < m.num_classes) {
      label->class_id = meta->class_id;
    } else {
      GST_ELEMENT_ERROR(self, STREAM, FAILED,
                        ("Unknown class id %d in the frame's label: the bundle \"%s\" has %d "
                         "classes",
                         meta->class_id, s.bundle.c_str(), m.num_classes),
                        ("label meta without a class name and with an out-of-range class_id"));
      return LabelResult::kError;
    }
    if (meta->source_id != nullptr) label->source_id = meta->source_id;
    if (meta->source_path != nullptr) label->source_path = meta->source_path;
    label->source_index = meta->source_index;
  } else if (st->default_class_id >= 0) {
    label->class_id = st->default_class_id;
  } else if (s.missing_label == GST_HIGFA_MISSING_LABEL_SKIP) {
    GST_WARNING_OBJECT(self, "skipping a frame without a label (offset %" G_GUINT64_FORMAT ")",
                       GST_BUFFER_OFFSET(buf));
    return LabelResult::kSkip;
  } else {
    GST_ELEMENT_ERROR(
        self, STREAM, FAILED,
        ("Frame without a label: it has no label meta and the class property is "
         "not set (set class=NAME, or missing-label=skip to drop such frames)"),
        ("no GstHigfaLabelMeta on buffer %" GST_PTR_FORMAT, static_cast<gpointer>(buf)));
    return LabelResult::kError;
  }
  label->class_name = m.class_names.at(static_cast<size_t>(label->class_id));
  if (label->source_id.empty()) label->source_id = gst_higfa_sampler_fallback_source_id(self, buf);
  return LabelResult::kOk;
}

// The contour (from the contour meta) and, for img2img, the source frame, as library tensors.
// Throws what the library throws; returns FALSE if the frame cannot be mapped.
static gboolean gst_higfa_sampler_prepare(GstHigfaSampler* self, GstBuffer* buf,
                                          const higfa::SamplerOptions& options,
                                          higfa::FrameSamples* frame) {
  State* st = self->state;
  if (const GstHigfaContourMeta* meta = gst_buffer_get_higfa_contour_meta(buf)) {
    GstMapInfo map;
    if (!gst_buffer_map(meta->edges, &map, GST_MAP_READ)) return FALSE;
    higfa::ImageView edges;
    edges.data = map.data;  // read-only by contract: contour_from_edges copies
    edges.width = meta->width;
    edges.height = meta->height;
    edges.stride = meta->stride;
    edges.format = higfa::PixelFormat::kGray8;
    try {
      frame->contour = higfa::contour_from_edges(edges);
    } catch (...) {
      gst_buffer_unmap(meta->edges, &map);
      throw;
    }
    gst_buffer_unmap(meta->edges, &map);
  }
  if (options.strength < 1.0) {
    GstVideoFrame vframe;
    if (!gst_video_frame_map(&vframe, &st->in_info, buf, GST_MAP_READ)) return FALSE;
    try {
      frame->source =
          higfa::source_from_frame(gst_higfa_frame_view(&vframe), st->bundle->manifest());
    } catch (...) {
      gst_video_frame_unmap(&vframe);
      throw;
    }
    gst_video_frame_unmap(&vframe);
  }
  return TRUE;
}

namespace {

// One input frame being sampled: its settings snapshot, label and the library request.
struct Job {
  GstBuffer* in;
  GstHigfaSamplerSettings settings;
  higfa::SamplerOptions options;
  Label label;
  higfa::FrameSamples frame;
};

}  // namespace

// Sample i of n spans the i-th n-th of its input's duration.
static void gst_higfa_sampler_set_timing(GstHigfaSampler* self, const Job& job, guint i,
                                         GstBuffer* out) {
  State* st = self->state;
  const guint n = job.settings.samples_per_image;
  GstClockTime dur = GST_BUFFER_DURATION(job.in);
  if (!GST_CLOCK_TIME_IS_VALID(dur) && st->in_info.fps_n > 0 && st->in_info.fps_d > 0)
    dur = gst_util_uint64_scale_int(GST_SECOND, st->in_info.fps_d, st->in_info.fps_n);
  const GstClockTime pts = GST_BUFFER_PTS(job.in);
  if (GST_CLOCK_TIME_IS_VALID(dur)) {
    const GstClockTime begin = gst_util_uint64_scale_int(dur, i, n);
    const GstClockTime end = gst_util_uint64_scale_int(dur, i + 1, n);
    GST_BUFFER_PTS(out) = GST_CLOCK_TIME_IS_VALID(pts) ? pts + begin : GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION(out) = end - begin;
  } else {
    GST_BUFFER_PTS(out) = pts;
  }
  GST_BUFFER_OFFSET(out) = st->out_offset;
  GST_BUFFER_OFFSET_END(out) = st->out_offset + 1;
  st->out_offset++;
  if (i == 0 && GST_BUFFER_FLAG_IS_SET(job.in, GST_BUFFER_FLAG_DISCONT))
    GST_BUFFER_FLAG_SET(out, GST_BUFFER_FLAG_DISCONT);
}

// The typed provenance of sample i of `job`.
static higfa::Provenance gst_higfa_sampler_provenance(GstHigfaSampler* self, const Job& job,
                                                      guint i, const higfa::SampleResult& result) {
  const higfa::SamplerOptions& o = job.options;
  higfa::Provenance p;
  p.source_id = job.label.source_id;
  p.class_id = job.label.class_id;
  p.class_name = job.label.class_name;
  p.sample_index = i;
  p.seed = result.seed;
  p.transform = result.transform;
  higfa::GuidanceRecord& g = p.guidance;
  g.mode = higfa::to_string(o.mode);
  g.scheduler = higfa::scheduler_kind_name(o.scheduler);
  g.num_inference_steps = o.num_inference_steps;
  g.eta = o.eta;
  g.strength = o.strength;
  g.fine_stage = o.fine_stage;
  g.guidance_scale = o.guidance_scale;
  g.contour_scale = o.contour_scale;
  g.classifier_scale = o.classifier_scale;
  g.text_lo = o.text_modulation.lo;
  g.text_hi = o.text_modulation.hi;
  g.contour_lo = o.contour_modulation.lo;
  g.contour_hi = o.contour_modulation.hi;
  g.classifier_lo = o.classifier_modulation.lo;
  g.classifier_hi = o.classifier_modulation.hi;
  g.gamma = o.gamma;
  g.classifier_gate = o.classifier_gate;
  g.classifier_grad = higfa::to_string(o.classifier_grad);
  g.grad_clip = o.grad_clip;
  g.transform_contour = o.transform_contour;
  if (!result.trace.empty()) {
    const higfa::StepTrace& last = result.trace.back();
    g.has_final_weights = true;
    g.final_weights = higfa::FinalWeights{last.step,
                                          last.text_weight,
                                          last.contour_weight,
                                          last.classifier_weight,
                                          last.modulation_confidence,
                                          last.classifier_applied};
  }
  p.final_confidence = result.final_confidence;
  p.bundle = job.settings.bundle;
  p.bundle_name = self->state->bundle->manifest().name;
  p.base_seed = job.settings.seed;
  p.contour_used = result.contour_used;
  for (const higfa::StepTrace& step : result.trace)
    if (step.confidence >= 0.0) p.confidences.emplace_back(step.step, step.confidence);
  return p;
}

// Adds the provenance meta and a copy of the label. Throws what the library throws.
static void gst_higfa_sampler_add_metas(GstHigfaSampler* self, const Job& job, guint i,
                                        const higfa::SampleResult& result, GstBuffer* out) {
  const Label& label = job.label;
  gst_buffer_add_higfa_label_meta(out, label.class_id, label.class_name.c_str(),
                                  label.source_path.c_str(), label.source_id.c_str(),
                                  label.source_index);
  gst_higfa_buffer_add_provenance(out, gst_higfa_sampler_provenance(self, job, i, result));
}

// Writes sample i into a new output buffer and pushes it.
static GstFlowReturn gst_higfa_sampler_push_sample(GstHigfaSampler* self, const Job& job, guint i,
                                                   const higfa::SampleResult& result) {
  State* st = self->state;
  GstBuffer* out = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&st->out_info), nullptr);
  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &st->out_info, out, GST_MAP_WRITE)) {
    gst_buffer_unref(out);
    GST_ELEMENT_ERROR(self, CORE, FAILED, ("Could not map an output buffer."), (nullptr));
    return GST_FLOW_ERROR;
  }
  bool mapped = true;
  try {
    higfa::tensor_to_image(result.image, gst_higfa_frame_view(&frame),
                           st->bundle->manifest().image.range);
    gst_video_frame_unmap(&frame);
    mapped = false;
    gst_higfa_sampler_add_metas(self, job, i, result, out);
  } catch (...) {
    if (mapped) gst_video_frame_unmap(&frame);
    gst_buffer_unref(out);
    throw;
  }
  gst_higfa_sampler_set_timing(self, job, i, out);
  GST_LOG_OBJECT(self, "pushing sample %u of %s: %" GST_PTR_FORMAT, i, job.label.source_id.c_str(),
                 static_cast<gpointer>(out));
  return gst_pad_push(self->srcpad, out);
}

// Samples one labelled frame in batches of batch-size and pushes the outputs in order.
// Throws what the library throws (higfa::Cancelled when the cancel flag is set).
static GstFlowReturn gst_higfa_sampler_run(GstHigfaSampler* self, Job& job) {
  State* st = self->state;
  higfa::validate(job.options);
  if (!gst_higfa_sampler_prepare(self, job.in, job.options, &job.frame)) {
    GST_ELEMENT_ERROR(self, STREAM, FAILED, ("Could not map an input frame."), (nullptr));
    return GST_FLOW_ERROR;
  }
  job.frame.class_id = job.label.class_id;
  job.frame.source_id = job.label.source_id;
  job.frame.base_seed = job.settings.seed;
  higfa::Sampler sampler(*st->bundle, job.options);
  // The per-step callback: a flush or a stop sets the flag, the sampler throws Cancelled.
  const auto on_step = [st](const auto&...) { return !st->cancel.load(); };
  const guint n = job.settings.samples_per_image;
  for (guint first = 0; first < n; first += job.settings.batch_size) {
    const guint count = MIN(job.settings.batch_size, n - first);
    const std::vector<higfa::SampleRequest> requests =
        higfa::make_requests(job.frame, first, count);
    const std::vector<higfa::SampleResult> results = sampler.sample(requests, on_step);
    st->generated += results.size();
    for (guint k = 0; k < count; ++k) {
      const GstFlowReturn ret = gst_higfa_sampler_push_sample(self, job, first + k, results.at(k));
      if (ret != GST_FLOW_OK) return ret;
    }
  }
  return GST_FLOW_OK;
}

static GstFlowReturn gst_higfa_sampler_process(GstHigfaSampler* self, GstBuffer* buf) {
  State* st = self->state;
  if (!st->have_out_caps || !st->bundle) {
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("No caps before the first frame."), (nullptr));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (GST_BUFFER_PTS_IS_VALID(buf))
    gst_object_sync_values(
        GST_OBJECT(self),
        gst_segment_to_stream_time(&st->segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buf)));
  Job job{buf, {}, {}, {}, {}};
  GST_OBJECT_LOCK(self);
  job.settings = st->settings;
  GST_OBJECT_UNLOCK(self);
  job.options = gst_higfa_sampler_settings_options(&job.settings);
  switch (gst_higfa_sampler_resolve_label(self, buf, job.settings, &job.label)) {
    case LabelResult::kSkip:
      st->skipped++;
      return GST_FLOW_OK;
    case LabelResult::kError:
      return GST_FLOW_ERROR;
    case LabelResult::kOk:
      break;
  }
  try {
    const GstFlowReturn ret = gst_higfa_sampler_run(self, job);
    if (ret == GST_FLOW_OK) st->processed++;
    return ret;
  } catch (const higfa::Cancelled& e) {
    GST_DEBUG_OBJECT(self, "sampling cancelled: %s", e.what());
    return GST_FLOW_FLUSHING;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, STREAM, FAILED,
                      ("Sampling failed for \"%s\" (class %s): %s", job.label.source_id.c_str(),
                       job.label.class_name.c_str(), e.what()),
                      ("libhigfa (validate, contour_from_edges, Sampler::sample): %s", e.what()));
    return GST_FLOW_ERROR;
  }
}

static GstFlowReturn gst_higfa_sampler_chain(GstPad* pad, GstObject* parent, GstBuffer* buf) {
  (void)pad;
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(parent);
  const GstFlowReturn ret = gst_higfa_sampler_process(self, buf);
  self->state->inputs++;
  gst_buffer_unref(buf);
  return ret;
}

// ---------------------------------------------------------------------------------------------
// GObject boilerplate.

static void gst_higfa_sampler_finalize(GObject* object) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS(gst_higfa_sampler_parent_class)->finalize(object);
}

static void gst_higfa_sampler_class_init(GstHigfaSamplerClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  gobject_class->set_property = gst_higfa_sampler_set_property;
  gobject_class->get_property = gst_higfa_sampler_get_property;
  gobject_class->finalize = gst_higfa_sampler_finalize;
  gst_higfa_sampler_install_properties(gobject_class);
  element_class->change_state = GST_DEBUG_FUNCPTR(gst_higfa_sampler_change_state);
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(
      element_class, "HiGFA sampler", "Filter/Effect/Video",
      "Generates N class- and contour-guided diffusion samples per input frame (HiGFA)",
      "The higfa authors");
  gst_type_mark_as_plugin_api(GST_TYPE_HIGFA_GUIDANCE_MODE, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_HIGFA_SCHEDULER, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_HIGFA_CLASSIFIER_GRAD, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_HIGFA_MISSING_LABEL, static_cast<GstPluginAPIFlags>(0));
  GST_DEBUG_CATEGORY_INIT(gst_higfa_sampler_debug, "higfasampler", 0, "HiGFA sampler");
}

static void gst_higfa_sampler_init(GstHigfaSampler* self) {
  self->state = new State();
  gst_segment_init(&self->state->segment, GST_FORMAT_TIME);

  self->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_higfa_sampler_chain));
  gst_pad_set_event_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_higfa_sampler_sink_event));
  gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_set_query_function(self->srcpad, GST_DEBUG_FUNCPTR(gst_higfa_sampler_src_query));
  gst_pad_use_fixed_caps(self->srcpad);
  gst_element_add_pad(GST_ELEMENT(self), self->srcpad);
}
