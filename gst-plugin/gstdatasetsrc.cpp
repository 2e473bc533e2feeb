// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// datasetsrc: decoded frames with a label meta from an ImageFolder tree or a CSV/JSONL manifest.

/**
 * SECTION:element-datasetsrc
 * @title: datasetsrc
 *
 * Reads a labelled image dataset, either an ImageFolder tree (#GstDatasetSrc:location,
 * `root/<class>/[subdirs/]<file>`) or a CSV/JSONL manifest of (path, label) rows
 * (#GstDatasetSrc:manifest), and pushes each image as one decoded frame (GRAY8 for grey images,
 * RGB for colour ones, at the image's own size, framerate 0/1; caps change with the image) with a
 * #GstHigfaLabelMeta (class id, class name, file, source id, index). A file's format is told by
 * its content, not its name: PNG, JPEG, BMP, TIFF, WebP, PBM/PGM/PPM/PAM/PFM, Sun raster,
 * Radiance HDR, JPEG 2000 and OpenEXR are read where the build's OpenCV decodes them. Each
 * image's width x height is read from its header first; one over #GstDatasetSrc:max-pixels is
 * never decoded. The source id is the path under the root (or the manifest's folder) without its
 * extension ("Coat/img1"); files that would share one keep their extension ("Coat/rgb.bmp",
 * "Coat/rgb.tiff"), so ids, and the seeds and output names made from them, are unique. Frames
 * carry no timestamps (a dataset has no timeline, so a synchronising sink never waits); the
 * buffer offset counts the frames pushed. The class list is the #GstDatasetSrc:labels-file, the
 * #GstDatasetSrc:bundle's classes, or else the sorted folder names (the sorted labels of a
 * manifest); a folder matches a class whose name, or whose name with '/' replaced by '_', it
 * equals. A label outside the class list fails the start. Image i of the sorted listing belongs to
 * shard i % #GstDatasetSrc:shard-count. Every file under a class folder is read or reported: one
 * that is not an image, in an unsupported format, too large, empty, truncated, corrupt or
 * unreadable (or a manifest row repeating a file) is a warning naming it and a counted skip
 * (#GstDatasetSrc:skipped), or an error with skip-unreadable=false; hidden files are counted
 * silently. The #GstDatasetSrc:summary counts them by reason and is posted as a
 * "higfa-dataset-summary" element message at the end of each pass. At the end comes EOS, or with
 * #GstDatasetSrc:loop the first image again.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 datasetsrc location=data/samples bundle=models/fashion-mnist \
 *   ! fgclassifier bundle=models/fashion-mnist ! confidencefilter threshold=0.5 \
 *   ! datasetsink location=out/classify-filter
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>
#include <higfa/dataset.h>
#include <higfa/manifest.h>

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "gstdatasetsrc.h"
#include "gsthigfameta.h"
#include "gsthigfautil.h"

GST_DEBUG_CATEGORY_STATIC(gst_dataset_src_debug);
#define GST_CAT_DEFAULT gst_dataset_src_debug

#define DEFAULT_PROP_LOCATION nullptr
#define DEFAULT_PROP_MANIFEST nullptr
#define DEFAULT_PROP_LABELS_FILE nullptr
#define DEFAULT_PROP_BUNDLE nullptr
#define DEFAULT_PROP_SHARD_INDEX 0
#define DEFAULT_PROP_SHARD_COUNT 1
#define DEFAULT_PROP_LOOP FALSE
#define DEFAULT_PROP_SKIP_UNREADABLE TRUE
#define DEFAULT_PROP_MAX_PIXELS higfa::kDefaultMaxPixels
static_assert(DEFAULT_PROP_MAX_PIXELS == higfa::DecodeLimits{}.max_pixels,
              "max-pixels defaults to the library's pixel limit");

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_MANIFEST,
  PROP_LABELS_FILE,
  PROP_BUNDLE,
  PROP_SHARD_INDEX,
  PROP_SHARD_COUNT,
  PROP_LOOP,
  PROP_SKIP_UNREADABLE,
  PROP_SKIPPED,
  PROP_COUNT,
  PROP_MAX_PIXELS,
  PROP_SUMMARY,
};

namespace {

struct Settings {
  std::string location;
  std::string manifest;
  std::string labels_file;
  std::string bundle;
  int shard_index = DEFAULT_PROP_SHARD_INDEX;
  int shard_count = DEFAULT_PROP_SHARD_COUNT;
  bool loop = DEFAULT_PROP_LOOP;
  bool skip_unreadable = DEFAULT_PROP_SKIP_UNREADABLE;
  guint64 max_pixels = DEFAULT_PROP_MAX_PIXELS;
};

// Every reason a file is not read, in summary order.
constexpr higfa::SkipReason kReasons[] = {
    higfa::SkipReason::kNotAnImage, higfa::SkipReason::kUnsupportedFormat,
    higfa::SkipReason::kTooLarge,   higfa::SkipReason::kCorrupt,
    higfa::SkipReason::kUnreadable, higfa::SkipReason::kDuplicate,
    higfa::SkipReason::kHidden,
};
constexpr std::size_t kNumReasons = sizeof kReasons / sizeof kReasons[0];

// What became of the files since the start (each pass of a loop adds).
struct Counts {
  guint64 read = 0;
  guint64 by_reason[kNumReasons] = {};
  guint64& of(higfa::SkipReason r) {
    for (std::size_t i = 0; i < kNumReasons; ++i) {
      if (kReasons[i] == r) return by_reason[i];
    }
    return by_reason[0];  // unreachable: kReasons lists every reason
  }
  // Files not read, hidden ones aside.
  guint64 skipped() const {
    guint64 n = 0;
    for (std::size_t i = 0; i < kNumReasons; ++i) {
      if (kReasons[i] != higfa::SkipReason::kHidden) n += by_reason[i];
    }
    return n;
  }
};

// The C++ state of one element; new'd in _init, deleted in _finalize.
struct State {
  Settings settings;  // object lock
  Counts counts;      // object lock
  guint64 count = 0;  // object lock: images in this shard, set in start()
  // Set in start(); used by the streaming thread only.
  std::vector<higfa::DatasetEntry> entries;
  std::vector<higfa::SkippedFile> listed_skips;  // this shard's files that are no entries
  std::size_t next = 0;
  std::size_t next_skip = 0;
  bool pushed_this_pass = false;  // a loop over only unreadable files must still end
  guint64 offset = 0;
  GstVideoInfo info;
  bool have_info = false;
};

}  // namespace

struct _GstDatasetSrc {
  GstPushSrc parent;
  State* state;
};

GST_ELEMENT_REGISTER_DEFINE(datasetsrc, "datasetsrc", GST_RANK_NONE, GST_TYPE_DATASET_SRC);

G_DEFINE_TYPE(GstDatasetSrc, gst_dataset_src, GST_TYPE_PUSH_SRC);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS("video/x-raw, format = (string) { GRAY8, RGB }, width = (int) [ 1, max ], "
                    "height = (int) [ 1, max ], framerate = (fraction) 0/1"));

namespace {

State& state_of(GObject* object) { return *GST_DATASET_SRC(object)->state; }

template <auto Member>
constexpr gsthigfa::Field<State> setting(guint prop_id) {
  return gsthigfa::field<State, &State::settings, Member>(prop_id);
}

constexpr gsthigfa::Field<State> kFields[] = {
    setting<&Settings::location>(PROP_LOCATION),
    setting<&Settings::manifest>(PROP_MANIFEST),
    setting<&Settings::labels_file>(PROP_LABELS_FILE),
    setting<&Settings::bundle>(PROP_BUNDLE),
    setting<&Settings::shard_index>(PROP_SHARD_INDEX),
    setting<&Settings::shard_count>(PROP_SHARD_COUNT),
    setting<&Settings::loop>(PROP_LOOP),
    setting<&Settings::skip_unreadable>(PROP_SKIP_UNREADABLE),
    setting<&Settings::max_pixels>(PROP_MAX_PIXELS),
    gsthigfa::read_only<State, &State::count>(PROP_COUNT),
};

}  // namespace

static void gst_dataset_src_set_property(GObject* object, guint prop_id, const GValue* value,
                                         GParamSpec* pspec) {
  if (GST_STATE(object) > GST_STATE_READY) {
    GST_WARNING_OBJECT(object, "%s can only be set in the NULL or READY state", pspec->name);
    return;
  }
  gsthigfa::set_property<State, kFields, state_of>(object, prop_id, value, pspec);
}

// "higfa-dataset-summary, files=(guint64), read=(guint64), skipped=(guint64), then one guint64
// per reason: not-an-image, unsupported-format, too-large, corrupt, unreadable, duplicate,
// hidden". files = read + skipped + hidden. Caller holds the object lock.
static GstStructure* summary_structure_locked(const Counts& c) {
  const guint64 hidden = c.by_reason[kNumReasons - 1];
  GstStructure* s = gst_structure_new("higfa-dataset-summary", "files", G_TYPE_UINT64,
                                      c.read + c.skipped() + hidden, "read", G_TYPE_UINT64, c.read,
                                      "skipped", G_TYPE_UINT64, c.skipped(), nullptr);
  for (std::size_t i = 0; i < kNumReasons; ++i) {
    gst_structure_set(s, higfa::skip_reason_name(kReasons[i]), G_TYPE_UINT64, c.by_reason[i],
                      nullptr);
  }
  return s;
}

static void gst_dataset_src_get_property(GObject* object, guint prop_id, GValue* value,
                                         GParamSpec* pspec) {
  const State& st = state_of(object);
  gsthigfa::ObjectLock lock(object);
  if (prop_id == PROP_SKIPPED) {
    g_value_set_uint64(value, st.counts.skipped());
  } else if (prop_id == PROP_SUMMARY) {
    g_value_take_boxed(value, summary_structure_locked(st.counts));
  } else if (!gsthigfa::get_field(kFields, st, prop_id, value)) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
}

// The class list a bundle imposes, or none; false (with an element error) if it cannot be read.
// Only the manifest is read, once per process: a bundle an element beside this one holds lends
// its parse.
static bool bundle_classes(GstDatasetSrc* self, const std::string& bundle,
                           std::vector<std::string>* classes) {
  if (bundle.empty()) {
    return true;
  }
  try {
    *classes = higfa::shared_manifest(bundle)->class_names;
    return true;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(
        self, RESOURCE, NOT_FOUND,
        ("Could not read the class list of the model bundle \"%s\": %s", bundle.c_str(), e.what()),
        ("higfa::shared_manifest: %s", e.what()));
    return false;
  }
}

static gboolean gst_dataset_src_start(GstBaseSrc* src) {
  GstDatasetSrc* self = GST_DATASET_SRC(src);
  State& st = *self->state;
  GST_OBJECT_LOCK(self);
  const Settings s = st.settings;
  st.counts = Counts();
  st.count = 0;
  GST_OBJECT_UNLOCK(self);
  st.entries.clear();
  st.listed_skips.clear();
  st.next = 0;
  st.next_skip = 0;
  st.offset = 0;
  st.pushed_this_pass = false;
  st.have_info = false;

  if (s.location.empty() == s.manifest.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
                      ("Set exactly one of location (an ImageFolder root directory) and manifest "
                       "(a CSV or JSONL file)."),
                      ("location \"%s\", manifest \"%s\"", s.location.c_str(), s.manifest.c_str()));
    return FALSE;
  }
  std::vector<std::string> classes;
  if (!bundle_classes(self, s.bundle, &classes)) {
    return FALSE;
  }
  higfa::Dataset ds;
  try {
    ds = higfa::open_dataset({s.location, s.manifest, s.labels_file, classes});
    st.entries = higfa::shard_entries(ds.entries, s.shard_index, s.shard_count);
    st.listed_skips = higfa::shard_skipped(ds.skipped, s.shard_index, s.shard_count);
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Cannot read the dataset: %s", e.what()),
                      ("higfa::open_dataset / higfa::shard_entries: %s", e.what()));
    return FALSE;
  }
  if (ds.entries.empty()) {
    GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND,
                        ("The dataset \"%s\" holds no image.",
                         (s.location.empty() ? s.manifest : s.location).c_str()),
                        (nullptr));
  }
  GST_INFO_OBJECT(self,
                  "%zu images and %zu other files in %zu classes; shard %d of %d has %zu and %zu",
                  ds.entries.size(), ds.skipped.size(), ds.class_names.size(), s.shard_index,
                  s.shard_count, st.entries.size(), st.listed_skips.size());
  GST_OBJECT_LOCK(self);
  st.count = st.entries.size();
  GST_OBJECT_UNLOCK(self);
  return TRUE;
}

static gboolean gst_dataset_src_stop(GstBaseSrc* src) {
  State& st = *GST_DATASET_SRC(src)->state;
  st.entries.clear();
  st.entries.shrink_to_fit();
  st.listed_skips.clear();
  st.listed_skips.shrink_to_fit();
  st.have_info = false;
  return TRUE;
}

static gboolean gst_dataset_src_is_seekable(GstBaseSrc*) { return FALSE; }

// Caps follow the decoded images (set in create()), so there is nothing to agree on before the
// first one; later, a reconfigure re-sends the current caps.
static gboolean gst_dataset_src_negotiate(GstBaseSrc* src) {
  State& st = *GST_DATASET_SRC(src)->state;
  if (!st.have_info) {
    return TRUE;
  }
  GstCaps* caps = gst_video_info_to_caps(&st.info);
  const gboolean ok = gst_base_src_set_caps(src, caps);
  gst_caps_unref(caps);
  return ok;
}

// Sets new caps when the image's format or size differs from the current ones.
static GstFlowReturn ensure_caps(GstDatasetSrc* self, const higfa::DecodedImage& img,
                                 const std::string& path) {
  State& st = *self->state;
  const GstVideoFormat format =
      img.format == higfa::PixelFormat::kGray8 ? GST_VIDEO_FORMAT_GRAY8 : GST_VIDEO_FORMAT_RGB;
  if (st.have_info && GST_VIDEO_INFO_FORMAT(&st.info) == format &&
      GST_VIDEO_INFO_WIDTH(&st.info) == img.width &&
      GST_VIDEO_INFO_HEIGHT(&st.info) == img.height) {
    return GST_FLOW_OK;
  }
  GstVideoInfo info;
  gst_video_info_set_format(&info, format, static_cast<guint>(img.width),
                            static_cast<guint>(img.height));
  GST_VIDEO_INFO_FPS_N(&info) = 0;
  GST_VIDEO_INFO_FPS_D(&info) = 1;
  GstCaps* caps = gst_video_info_to_caps(&info);
  GstPad* pad = GST_BASE_SRC_PAD(self);
  const gboolean ok =
      gst_pad_peer_query_accept_caps(pad, caps) && gst_base_src_set_caps(GST_BASE_SRC(self), caps);
  if (!ok) {
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
                      ("Downstream does not accept %s frames of %dx%d (the image \"%s\").",
                       gst_video_format_to_string(format), img.width, img.height, path.c_str()),
                      ("caps %" GST_PTR_FORMAT " not accepted", static_cast<void*>(caps)));
    gst_caps_unref(caps);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  gst_caps_unref(caps);
  st.info = info;
  st.have_info = true;
  return GST_FLOW_OK;
}

// A buffer holding `img` in the current caps' layout, with the entry's label.
static GstBuffer* make_buffer(State& st, higfa::DecodedImage& img, const higfa::DatasetEntry& e) {
  GstBuffer* buf = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&st.info), nullptr);
  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &st.info, buf, GST_MAP_WRITE)) {
    gst_buffer_unref(buf);
    return nullptr;
  }
  const higfa::ImageView src = img.view();
  const std::size_t row = static_cast<std::size_t>(src.stride);
  auto* dst = static_cast<guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0));
  const gint dst_stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
  for (int y = 0; y < src.height; ++y) {
    std::memcpy(dst + static_cast<std::ptrdiff_t>(y) * dst_stride,
                src.data + static_cast<std::ptrdiff_t>(y) * src.stride, row);
  }
  gst_video_frame_unmap(&frame);
  GST_BUFFER_PTS(buf) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DTS(buf) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION(buf) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_OFFSET(buf) = st.offset;
  GST_BUFFER_OFFSET_END(buf) = st.offset + 1;
  ++st.offset;
  gst_buffer_add_higfa_label_meta(buf, e.class_id, e.label.c_str(), e.path.c_str(),
                                  e.source_id.c_str(), e.index);
  return buf;
}

// Counts a file that is not read under its reason with a warning (a hidden one silently), or
// fails the stream with skip-unreadable=false; true means go on.
static bool skip_file(GstDatasetSrc* self, higfa::SkipReason reason, const std::string& why) {
  const char* name = higfa::skip_reason_name(reason);
  GST_OBJECT_LOCK(self);
  const bool hidden = reason == higfa::SkipReason::kHidden;
  const bool skip = hidden || self->state->settings.skip_unreadable;
  if (skip) {
    ++self->state->counts.of(reason);
  }
  GST_OBJECT_UNLOCK(self);
  if (hidden) {
    GST_DEBUG_OBJECT(self, "%s", why.c_str());
  } else if (skip) {
    GST_ELEMENT_WARNING(self, RESOURCE, READ, ("Skipped a file (%s): %s", name, why.c_str()),
                        ("higfa::open_dataset / higfa::decode_image: %s", name));
  } else {
    GST_ELEMENT_ERROR(self, RESOURCE, READ,
                      ("Could not read a file (%s): %s (set skip-unreadable=true to skip such "
                       "files).",
                       name, why.c_str()),
                      ("higfa::open_dataset / higfa::decode_image: %s", name));
  }
  return skip;
}

// The end of a pass: the summary goes on the bus; true if a loop starts the next pass.
static bool end_pass(GstDatasetSrc* self) {
  State& st = *self->state;
  GST_OBJECT_LOCK(self);
  const bool loop = st.settings.loop;
  GstStructure* summary = summary_structure_locked(st.counts);
  GST_OBJECT_UNLOCK(self);
  gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), summary));
  if (!loop || !st.pushed_this_pass) {
    return false;
  }
  st.next = 0;
  st.next_skip = 0;
  st.pushed_this_pass = false;
  return true;
}

// Decodes entry `e` into `img`; false (the file counted or the stream failed) if it is not read.
static bool decode_entry(GstDatasetSrc* self, const higfa::DatasetEntry& e,
                         higfa::DecodedImage* img, bool* failed) {
  GST_OBJECT_LOCK(self);
  const higfa::DecodeLimits limits{self->state->settings.max_pixels};
  GST_OBJECT_UNLOCK(self);
  try {
    *img = higfa::decode_image(e.path, limits);
    return true;
  } catch (const higfa::ImageDecodeError& ex) {
    *failed = !skip_file(self, ex.reason(), ex.what());
  } catch (const std::exception& ex) {
    *failed = !skip_file(self, higfa::SkipReason::kCorrupt, ex.what());
  }
  return false;
}

static GstFlowReturn gst_dataset_src_create(GstPushSrc* src, GstBuffer** outbuf) {
  GstDatasetSrc* self = GST_DATASET_SRC(src);
  State& st = *self->state;
  for (;;) {
    const bool entries_left = st.next < st.entries.size();
    if (!entries_left && st.next_skip >= st.listed_skips.size()) {
      if (!end_pass(self)) {
        return GST_FLOW_EOS;
      }
      continue;
    }
    // The files that are no entries come in listing order, between the entries.
    if (st.next_skip < st.listed_skips.size() &&
        (!entries_left || st.listed_skips[st.next_skip].before <= st.entries[st.next].index)) {
      const higfa::SkippedFile& f = st.listed_skips[st.next_skip++];
      if (!skip_file(self, f.reason, f.detail)) {
        return GST_FLOW_ERROR;
      }
      continue;
    }
    const higfa::DatasetEntry& e = st.entries[st.next++];
    higfa::DecodedImage img;
    bool failed = false;
    if (!decode_entry(self, e, &img, &failed)) {
      if (failed) {
        return GST_FLOW_ERROR;
      }
      continue;
    }
    const GstFlowReturn ret = ensure_caps(self, img, e.path);
    if (ret != GST_FLOW_OK) {
      return ret;
    }
    *outbuf = make_buffer(st, img, e);
    if (*outbuf == nullptr) {
      GST_ELEMENT_ERROR(self, CORE, FAILED, ("Could not map an output buffer."), (nullptr));
      return GST_FLOW_ERROR;
    }
    GST_OBJECT_LOCK(self);
    ++st.counts.read;
    GST_OBJECT_UNLOCK(self);
    st.pushed_this_pass = true;
    return GST_FLOW_OK;
  }
}

static void install_properties(GObjectClass* gobject_class) {
  const auto ready = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                              GST_PARAM_MUTABLE_READY);
  const auto readonly = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property(
      gobject_class, PROP_LOCATION,
      g_param_spec_string("location", "Location",
                          "Root directory of an ImageFolder tree root/<class>/<image>; NULL: use "
                          "manifest (exactly one of the two is set)",
                          DEFAULT_PROP_LOCATION, ready));
  g_object_class_install_property(
      gobject_class, PROP_MANIFEST,
      g_param_spec_string("manifest", "Manifest",
                          "CSV (path,label; .csv) or JSONL ({\"path\", \"label\"} per line) file "
                          "listing the images, paths relative to its directory; NULL: use location",
                          DEFAULT_PROP_MANIFEST, ready));
  g_object_class_install_property(
      gobject_class, PROP_LABELS_FILE,
      g_param_spec_string("labels-file", "Labels file",
                          "Text file with one class name per line in class-id order; NULL: the "
                          "bundle's classes, else the sorted folder names (manifest: labels)",
                          DEFAULT_PROP_LABELS_FILE, ready));
  g_object_class_install_property(
      gobject_class, PROP_BUNDLE,
      g_param_spec_string("bundle", "Model bundle",
                          "Model bundle directory whose manifest.json class list the labels must "
                          "belong to (class ids follow it); NULL: no model check",
                          DEFAULT_PROP_BUNDLE, ready));
  g_object_class_install_property(
      gobject_class, PROP_SHARD_INDEX,
      g_param_spec_int("shard-index", "Shard index",
                       "This source's shard, 0 .. shard-count - 1: it reads the images i of the "
                       "sorted listing with i % shard-count == shard-index (0: the first shard)",
                       0, G_MAXINT - 1, DEFAULT_PROP_SHARD_INDEX, ready));
  g_object_class_install_property(
      gobject_class, PROP_SHARD_COUNT,
      g_param_spec_int("shard-count", "Shard count",
                       "Number of shards the dataset is split into, 1 .. G_MAXINT (1: no sharding)",
                       1, G_MAXINT, DEFAULT_PROP_SHARD_COUNT, ready));
  g_object_class_install_property(
      gobject_class, PROP_LOOP,
      g_param_spec_boolean("loop", "Loop",
                           "Start again from the first image at the end instead of sending EOS "
                           "(bound the run with num-buffers)",
                           DEFAULT_PROP_LOOP, ready));
  g_object_class_install_property(
      gobject_class, PROP_SKIP_UNREADABLE,
      g_param_spec_boolean(
          "skip-unreadable", "Skip unreadable",
          "TRUE: a file that is not read (not an image, unsupported, over "
          "max-pixels, empty, truncated, corrupt, unreadable, listed twice) is a "
          "warning and a counted skip; FALSE: it is an error that stops the stream",
          DEFAULT_PROP_SKIP_UNREADABLE, ready));
  g_object_class_install_property(
      gobject_class, PROP_MAX_PIXELS,
      g_param_spec_uint64("max-pixels", "Maximum pixels",
                          "Largest width x height decoded, read from the image's header before "
                          "decoding; a larger image is skipped as too-large (0: no limit; the "
                          "default, 64 Mpx = 8192 x 8192, admits any camera photo of the usual "
                          "datasets, 192 MiB decoded as RGB)",
                          0, G_MAXUINT64, DEFAULT_PROP_MAX_PIXELS, ready));
  gsthigfa::install_counter(gobject_class, PROP_SKIPPED, "skipped", "Skipped",
                            "Files not read since the start, whatever the reason, hidden ones "
                            "aside (files, 0 .. G_MAXUINT64; see summary for the reasons)");
  g_object_class_install_property(
      gobject_class, PROP_SUMMARY,
      g_param_spec_boxed("summary", "Summary",
                         "What became of the files since the start (read-only): a "
                         "higfa-dataset-summary structure with files, read, skipped and one "
                         "count per reason (not-an-image, unsupported-format, too-large, corrupt, "
                         "unreadable, duplicate, hidden); posted as an element message at the "
                         "end of each pass",
                         GST_TYPE_STRUCTURE, readonly));
  gsthigfa::install_counter(
      gobject_class, PROP_COUNT, "count", "Count",
      "Images in this shard, listed at the start (0 before the start or for an empty shard)");
}

static void gst_dataset_src_class_init(GstDatasetSrcClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseSrcClass* basesrc_class = GST_BASE_SRC_CLASS(klass);
  GstPushSrcClass* pushsrc_class = GST_PUSH_SRC_CLASS(klass);

  gobject_class->set_property = gst_dataset_src_set_property;
  gobject_class->get_property = gst_dataset_src_get_property;
  gobject_class->finalize = gsthigfa::finalize_state<GstDatasetSrc, &gst_dataset_src_parent_class>;
  install_properties(gobject_class);

  gst_element_class_add_static_pad_template(element_class, &src_template);
  gsthigfa::set_element_metadata(
      element_class, "Labelled dataset source", "Source/Video",
      "Reads an ImageFolder tree or a CSV/JSONL manifest of labelled images as decoded frames "
      "with a label meta");

  basesrc_class->start = GST_DEBUG_FUNCPTR(gst_dataset_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR(gst_dataset_src_stop);
  basesrc_class->is_seekable = GST_DEBUG_FUNCPTR(gst_dataset_src_is_seekable);
  basesrc_class->negotiate = GST_DEBUG_FUNCPTR(gst_dataset_src_negotiate);
  pushsrc_class->create = GST_DEBUG_FUNCPTR(gst_dataset_src_create);

  GST_DEBUG_CATEGORY_INIT(gst_dataset_src_debug, "datasetsrc", 0, "higfa labelled dataset source");
}

static void gst_dataset_src_init(GstDatasetSrc* self) {
  self->state = new State();
  gst_base_src_set_format(GST_BASE_SRC(self), GST_FORMAT_TIME);
  gst_base_src_set_live(GST_BASE_SRC(self), FALSE);
}
