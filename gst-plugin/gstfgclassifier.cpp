// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// fgclassifier: fine-grained classification of frames into a classification meta (top-k, label
// score).

/**
 * SECTION:element-fgclassifier
 * @title: fgclassifier
 *
 * Classifies every frame with a fine-grained classifier (a model bundle's, or a standalone
 * TorchScript classifier whose preprocessing a JSON file declares) and attaches a
 * #GstHigfaClassificationMeta: the top-k class ids, names and probabilities and, when the frame
 * carries an intended label (gst_higfa_buffer_get_intended_label(): the class of a generated
 * frame's #GstHigfaProvenanceMeta, else its #GstHigfaLabelMeta), that label's probability. Pixels
 * pass through untouched. With batch-size above 1 frames are held until a batch is full and
 * classified in one forward; a partial batch is classified at EOS, at a caps or segment change and
 * on a drain query, and discarded on a flush. With pseudo-label-threshold above 0, a frame without
 * a label gets a label meta with its top-1 class when the top-1 probability reaches the threshold.
 *
 * A bundle may hold two classifiers: the guidance classifier that higfasampler's classifier
 * guidance climbs, and an independent filter classifier (docs/bundles.md §2). With the default
 * classifier=auto, fgclassifier runs the filter classifier where the bundle has one, so that a
 * downstream confidencefilter does not ask the very model whose gradient shaped the image (a
 * guided sample can be adversarial to it: confident, yet not what a human sees).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 datasetsrc location=data/samples bundle=models/fashion-mnist \
 *   ! fgclassifier bundle=models/fashion-mnist top-k=3 batch-size=8 \
 *   ! confidencefilter name=f rule=label-score+top-1 threshold=0.5 \
 *   ! datasetsink location=out/kept  f.reject_src ! queue ! datasetsink location=out/rejected
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>
#include <higfa/classifier.h>
#include <higfa/error.h>
#include <higfa/runtime.h>

#include <atomic>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "gstfgclassifier.h"
#include "gsthigfameta.h"
#include "gsthigfautil.h"

GST_DEBUG_CATEGORY_STATIC(gst_fg_classifier_debug);
#define GST_CAT_DEFAULT gst_fg_classifier_debug

#define DEFAULT_PROP_BUNDLE nullptr
#define DEFAULT_PROP_MODEL nullptr
#define DEFAULT_PROP_CLASSIFIER GST_HIGFA_BUNDLE_CLASSIFIER_AUTO
#define DEFAULT_PROP_DEVICE "cpu"
#define DEFAULT_PROP_THREADS 0
#define DEFAULT_PROP_TOP_K 5
#define DEFAULT_PROP_BATCH_SIZE 1
#define DEFAULT_PROP_PSEUDO_LABEL_THRESHOLD 0.0

// The library's default for what it has an option for; batch-size, pseudo-label-threshold,
// device and threads are the element's own settings.
static_assert(DEFAULT_PROP_TOP_K == higfa::ImageClassifier::kDefaultTopK, "top-k default");

enum {
  PROP_0,
  PROP_BUNDLE,
  PROP_MODEL,
  PROP_CLASSIFIER,
  PROP_DEVICE,
  PROP_THREADS,
  PROP_TOP_K,
  PROP_BATCH_SIZE,
  PROP_PSEUDO_LABEL_THRESHOLD,
  PROP_CLASSIFIED,
  PROP_PSEUDO_LABELLED,
};

namespace {

constexpr GParamFlags kReady =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
constexpr GParamFlags kPlaying = static_cast<GParamFlags>(
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

// Everything the properties set; guarded by the object lock, copied once per batch.
struct Settings {
  std::string bundle;
  std::string model;
  GstHigfaBundleClassifier classifier = DEFAULT_PROP_CLASSIFIER;
  std::string device = DEFAULT_PROP_DEVICE;
  gint threads = DEFAULT_PROP_THREADS;
  guint top_k = DEFAULT_PROP_TOP_K;
  guint batch_size = DEFAULT_PROP_BATCH_SIZE;
  gdouble pseudo_label_threshold = DEFAULT_PROP_PSEUDO_LABEL_THRESHOLD;
};

// The C++ state of one element; new'd in _init, deleted in _finalize.
struct State {
  Settings settings;  // object lock
  // Set in start() and cleared in stop(), with the streaming thread stopped; a bundle's
  // classifier is the process's shared one (higfa::shared_classifier).
  std::shared_ptr<const higfa::ImageClassifier> classifier;
  std::string source;  // the bundle directory (and which classifier) or model file, for messages
  std::atomic<guint64> classified{0};
  std::atomic<guint64> pseudo_labelled{0};
  // Streaming-thread state.
  GstVideoInfo info;
  bool have_info = false;
  std::vector<GstBuffer*> pending;  // writable, waiting for a full batch
  std::deque<GstBuffer*> ready;     // classified, handed out by generate_output
};

void clear_buffers(State* st) {
  for (GstBuffer* b : st->pending) gst_buffer_unref(b);
  for (GstBuffer* b : st->ready) gst_buffer_unref(b);
  st->pending.clear();
  st->ready.clear();
}

}  // namespace

struct _GstFgClassifier {
  GstBaseTransform parent;
  State* state;
};

GST_ELEMENT_REGISTER_DEFINE(fgclassifier, "fgclassifier", GST_RANK_NONE, GST_TYPE_FG_CLASSIFIER);

G_DEFINE_TYPE(GstFgClassifier, gst_fg_classifier, GST_TYPE_BASE_TRANSFORM);

static GstStaticPadTemplate sink_template =
    GSTHIGFA_VIDEO_PAD_TEMPLATE("sink", GST_PAD_SINK, GSTHIGFA_VIDEO_FORMATS);

static GstStaticPadTemplate src_template =
    GSTHIGFA_VIDEO_PAD_TEMPLATE("src", GST_PAD_SRC, GSTHIGFA_VIDEO_FORMATS);

// ---------------------------------------------------------------------------------------------
// Properties.

namespace {

State& state_of(GObject* object) { return *GST_FG_CLASSIFIER(object)->state; }

constexpr gsthigfa::Field<State> kFields[] = {
    gsthigfa::field<State, &State::settings, &Settings::bundle>(PROP_BUNDLE),
    gsthigfa::field<State, &State::settings, &Settings::model>(PROP_MODEL),
    gsthigfa::field<State, &State::settings, &Settings::classifier>(PROP_CLASSIFIER),
    gsthigfa::field<State, &State::settings, &Settings::threads>(PROP_THREADS),
    gsthigfa::field<State, &State::settings, &Settings::top_k>(PROP_TOP_K),
    gsthigfa::field<State, &State::settings, &Settings::batch_size>(PROP_BATCH_SIZE),
    gsthigfa::field<State, &State::settings, &Settings::pseudo_label_threshold>(
        PROP_PSEUDO_LABEL_THRESHOLD),
    gsthigfa::read_only<State, &State::classified>(PROP_CLASSIFIED),
    gsthigfa::read_only<State, &State::pseudo_labelled>(PROP_PSEUDO_LABELLED),
};

}  // namespace

// device: NULL is the default device, and the name reads back as set.
static void gst_fg_classifier_set_property(GObject* object, guint prop_id, const GValue* value,
                                           GParamSpec* pspec) {
  if (prop_id != PROP_DEVICE) {
    gsthigfa::set_property<State, kFields, state_of>(object, prop_id, value, pspec);
    return;
  }
  gsthigfa::ObjectLock lock(object);
  state_of(object).settings.device = gsthigfa::string_or(value, DEFAULT_PROP_DEVICE);
}

static void gst_fg_classifier_get_property(GObject* object, guint prop_id, GValue* value,
                                           GParamSpec* pspec) {
  if (prop_id != PROP_DEVICE) {
    gsthigfa::get_property<State, kFields, state_of>(object, prop_id, value, pspec);
    return;
  }
  gsthigfa::ObjectLock lock(object);
  g_value_set_string(value, state_of(object).settings.device.c_str());
}

// ---------------------------------------------------------------------------------------------
// Start and stop: the classifier lives from start() to stop().

static constexpr higfa::BundleClassifier to_library(GstHigfaBundleClassifier which) {
  switch (which) {
    case GST_HIGFA_BUNDLE_CLASSIFIER_GUIDANCE:
      return higfa::BundleClassifier::kGuidance;
    case GST_HIGFA_BUNDLE_CLASSIFIER_FILTER:
      return higfa::BundleClassifier::kFilter;
    case GST_HIGFA_BUNDLE_CLASSIFIER_AUTO:
      break;
  }
  return higfa::BundleClassifier::kAuto;
}

static std::string joined_class_names(const higfa::ImageClassifier& c) {
  std::string out;
  for (const std::string& name : c.class_names()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

static gboolean gst_fg_classifier_start(GstBaseTransform* trans) {
  GstFgClassifier* self = GST_FG_CLASSIFIER(trans);
  State* st = self->state;
  Settings s;
  {
    gsthigfa::ObjectLock lock(self);
    s = st->settings;
  }
  if (s.bundle.empty() == s.model.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
                      ("No classifier: set either the bundle property (a model bundle directory) "
                       "or the model property (a TorchScript classifier file), not both."),
                      ("bundle=\"%s\" model=\"%s\"", s.bundle.c_str(), s.model.c_str()));
    return FALSE;
  }
  torch::Device device = torch::kCPU;
  try {
    device = higfa::parse_device(s.device);
    if (s.threads > 0) higfa::set_num_threads(s.threads);
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, SETTINGS, ("Invalid fgclassifier settings: %s", e.what()),
                      ("higfa::parse_device / higfa::set_num_threads: %s", e.what()));
    return FALSE;
  }
  st->source = s.bundle.empty() ? s.model : s.bundle;
  try {
    if (!s.bundle.empty()) {
      const higfa::BundleClassifier which =
          higfa::resolve_bundle_classifier(s.bundle, to_library(s.classifier));
      st->source = s.bundle + " (" + higfa::to_string(which) + " classifier)";
      st->classifier = higfa::shared_classifier(s.bundle, device, which);
    } else if (s.classifier == GST_HIGFA_BUNDLE_CLASSIFIER_FILTER) {
      throw higfa::InvalidArgument(
          "classifier=filter names a bundle's filter classifier, and no bundle is set (model "
          "is a standalone classifier file)");
    } else
      st->classifier = std::make_shared<const higfa::ImageClassifier>(higfa::ImageClassifier::load(
          s.model, higfa::ImageClassifier::spec_path_for(s.model), device));
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(
        self, RESOURCE, NOT_FOUND,
        ("Could not load the classifier \"%s\": %s", st->source.c_str(), e.what()),
        ("%s: %s", s.bundle.empty() ? "higfa::ImageClassifier::load" : "higfa::shared_classifier",
         e.what()));
    return FALSE;
  }
  st->classified = 0;
  st->pseudo_labelled = 0;
  GST_INFO_OBJECT(self, "classifier %s: %d classes (%s) on %s", st->source.c_str(),
                  st->classifier->num_classes(), joined_class_names(*st->classifier).c_str(),
                  s.device.c_str());
  return TRUE;
}

static gboolean gst_fg_classifier_stop(GstBaseTransform* trans) {
  State* st = GST_FG_CLASSIFIER(trans)->state;
  clear_buffers(st);
  st->classifier.reset();
  st->have_info = false;
  return TRUE;
}

static gboolean gst_fg_classifier_set_caps(GstBaseTransform* trans, GstCaps* incaps,
                                           GstCaps* /*outcaps*/) {
  State* st = GST_FG_CLASSIFIER(trans)->state;
  st->have_info = gst_video_info_from_caps(&st->info, incaps);
  return st->have_info;
}

// ---------------------------------------------------------------------------------------------
// Labels and metas.

// The class id of a label given by name (preferred: it survives different class orders) or id.
// Returns -1 for "no label", -2 after posting an error.
static int gst_fg_classifier_class_of(GstFgClassifier* self, const char* what, gint class_id,
                                      const gchar* class_name) {
  const higfa::ImageClassifier& c = *self->state->classifier;
  if (class_name != nullptr && class_name[0] != '\0') {
    const int id = c.class_id(class_name);
    if (id >= 0) return id;
    GST_ELEMENT_ERROR(
        self, STREAM, FAILED,
        ("Unknown class \"%s\" in the frame's %s: the classifier \"%s\" has the "
         "classes %s",
         class_name, what, self->state->source.c_str(), joined_class_names(c).c_str()),
        ("%s class_name not in the classifier's class list", what));
    return -2;
  }
  if (class_id < 0) return -1;
  if (class_id < c.num_classes()) return class_id;
  GST_ELEMENT_ERROR(
      self, STREAM, FAILED,
      ("Unknown class id %d in the frame's %s: the classifier \"%s\" has %d classes "
       "(ids 0..%d)",
       class_id, what, self->state->source.c_str(), c.num_classes(), c.num_classes() - 1),
      ("%s class_id out of range and no class_name", what));
  return -2;
}

// The intended label of `buf` (gst_higfa_buffer_get_intended_label: a generated frame's
// provenance, else its label meta) as a class id of the classifier.
static int gst_fg_classifier_label_of(GstFgClassifier* self, GstBuffer* buf) {
  gint class_id = -1;
  const gchar* class_name = nullptr;
  const GstHigfaLabelSource from = gst_higfa_buffer_get_intended_label(buf, &class_id, &class_name);
  if (from == GST_HIGFA_LABEL_SOURCE_NONE) return -1;
  return gst_fg_classifier_class_of(
      self, from == GST_HIGFA_LABEL_SOURCE_PROVENANCE ? "provenance" : "label", class_id,
      class_name);
}

// Gives an unlabelled frame its top-1 class as label (filling a label meta of unknown class, or
// adding one). Returns the new label.
static int gst_fg_classifier_pseudo_label(GstFgClassifier* self, GstBuffer* buf,
                                          const higfa::Classification& c) {
  const int top1 = c.ids.front();
  const std::string& name = self->state->classifier->class_names().at(static_cast<size_t>(top1));
  GstHigfaLabelMeta* meta = gst_buffer_get_higfa_label_meta(buf);
  if (meta != nullptr) {
    meta->class_id = top1;
    g_free(meta->class_name);
    meta->class_name = g_strdup(name.c_str());
  } else {
    const guint64 index = GST_BUFFER_OFFSET_IS_VALID(buf) ? GST_BUFFER_OFFSET(buf) : 0;
    gst_buffer_add_higfa_label_meta(buf, top1, name.c_str(), nullptr, nullptr, index);
  }
  self->state->pseudo_labelled++;
  GST_LOG_OBJECT(self, "pseudo-labelled %" GST_PTR_FORMAT " as %s (%.3f)",
                 static_cast<gpointer>(buf), name.c_str(), c.scores.front());
  return top1;
}

// Writes one frame's classification meta (and pseudo-label). Returns FALSE after an error.
static gboolean gst_fg_classifier_annotate(GstFgClassifier* self, GstBuffer* buf,
                                           const higfa::Classification& c, double pseudo) {
  int label = gst_fg_classifier_label_of(self, buf);
  if (label == -2) return FALSE;
  if (label == -1 && pseudo > 0.0 && c.scores.front() >= pseudo)
    label = gst_fg_classifier_pseudo_label(self, buf, c);
  const auto& names = self->state->classifier->class_names();
  std::vector<const gchar*> name_ptrs;
  for (int id : c.ids) name_ptrs.push_back(names.at(static_cast<size_t>(id)).c_str());
  const double label_score = label >= 0 ? c.probs.at(static_cast<size_t>(label)) : -1.0;
  gst_buffer_add_higfa_classification_meta(buf, static_cast<guint>(c.ids.size()), c.ids.data(),
                                           name_ptrs.data(), c.scores.data(), label, label_score);
  return TRUE;
}

// ---------------------------------------------------------------------------------------------
// Batching: submit_input_buffer queues, classify_pending runs one forward, generate_output and
// drain hand the frames on in their input order.

// Maps the pending frames, classifies them in one call and moves them, annotated, to `ready`.
static GstFlowReturn gst_fg_classifier_classify_pending(GstFgClassifier* self) {
  State* st = self->state;
  if (st->pending.empty()) return GST_FLOW_OK;
  int top_k = 0;
  double pseudo = 0.0;
  {
    gsthigfa::ObjectLock lock(self);
    top_k = static_cast<int>(st->settings.top_k);
    pseudo = st->settings.pseudo_label_threshold;
  }
  if (!st->have_info) {
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, (nullptr), ("frames before caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  std::vector<higfa::Classification> results;
  {
    std::deque<gsthigfa::MappedFrame> frames;  // mapped until the end of this block
    std::vector<higfa::ImageView> views;
    for (GstBuffer* buf : st->pending) {
      frames.emplace_back(&st->info, buf, GST_MAP_READ);
      if (!frames.back().ok()) {
        GST_ELEMENT_ERROR(
            self, STREAM, FAILED, ("Could not map a frame for reading."),
            ("gst_video_frame_map failed on %" GST_PTR_FORMAT, static_cast<gpointer>(buf)));
        return GST_FLOW_ERROR;
      }
      views.push_back(frames.back().view());
    }
    try {
      results = st->classifier->classify(views, top_k);
    } catch (const std::exception& e) {
      GST_ELEMENT_ERROR(
          self, LIBRARY, FAILED, ("Classification failed: %s", e.what()),
          ("higfa::ImageClassifier::classify on %zu frame(s): %s", views.size(), e.what()));
      return GST_FLOW_ERROR;
    }
  }
  for (size_t i = 0; i < st->pending.size(); ++i) {
    if (!gst_fg_classifier_annotate(self, st->pending[i], results[i], pseudo))
      return GST_FLOW_ERROR;
  }
  st->classified += st->pending.size();
  st->ready.insert(st->ready.end(), st->pending.begin(), st->pending.end());
  st->pending.clear();
  return GST_FLOW_OK;
}

static GstFlowReturn gst_fg_classifier_submit_input_buffer(GstBaseTransform* trans,
                                                           gboolean is_discont, GstBuffer* input) {
  GstFgClassifier* self = GST_FG_CLASSIFIER(trans);
  State* st = self->state;
  // The base class negotiates, does QoS and leaves the buffer in queued_buf.
  GstFlowReturn ret = GST_BASE_TRANSFORM_CLASS(gst_fg_classifier_parent_class)
                          ->submit_input_buffer(trans, is_discont, input);
  if (ret != GST_FLOW_OK || trans->queued_buf == nullptr) return ret;
  st->pending.push_back(gst_buffer_make_writable(trans->queued_buf));
  trans->queued_buf = nullptr;
  guint batch_size = 0;
  {
    gsthigfa::ObjectLock lock(self);
    batch_size = st->settings.batch_size;
  }
  if (st->pending.size() < batch_size) return GST_FLOW_OK;
  ret = gst_fg_classifier_classify_pending(self);
  if (ret != GST_FLOW_OK) clear_buffers(st);
  return ret;
}

static GstFlowReturn gst_fg_classifier_generate_output(GstBaseTransform* trans,
                                                       GstBuffer** outbuf) {
  State* st = GST_FG_CLASSIFIER(trans)->state;
  *outbuf = nullptr;
  if (!st->ready.empty()) {
    *outbuf = st->ready.front();
    st->ready.pop_front();
  }
  return GST_FLOW_OK;
}

// Classifies a partial batch and pushes every held frame downstream, before a serialized event.
static GstFlowReturn gst_fg_classifier_drain(GstFgClassifier* self) {
  State* st = self->state;
  GstFlowReturn ret = gst_fg_classifier_classify_pending(self);
  if (ret != GST_FLOW_OK) {
    clear_buffers(st);
    return ret;
  }
  if (!st->ready.empty()) GST_DEBUG_OBJECT(self, "draining %zu frame(s)", st->ready.size());
  while (!st->ready.empty()) {
    GstBuffer* buf = st->ready.front();
    st->ready.pop_front();
    ret = gst_pad_push(GST_BASE_TRANSFORM_SRC_PAD(self), buf);
    if (ret != GST_FLOW_OK) {
      GST_DEBUG_OBJECT(self, "drain push: %s", gst_flow_get_name(ret));
      clear_buffers(st);
      return ret;
    }
  }
  return GST_FLOW_OK;
}

static gboolean gst_fg_classifier_sink_event(GstBaseTransform* trans, GstEvent* event) {
  GstFgClassifier* self = GST_FG_CLASSIFIER(trans);
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_EOS:
    case GST_EVENT_CAPS:
    case GST_EVENT_SEGMENT:
    case GST_EVENT_GAP:
    case GST_EVENT_STREAM_START:
      if (gst_fg_classifier_drain(self) == GST_FLOW_ERROR &&
          GST_EVENT_TYPE(event) != GST_EVENT_EOS) {
        gst_event_unref(event);
        return FALSE;
      }
      break;
    case GST_EVENT_FLUSH_STOP:
      clear_buffers(self->state);
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS(gst_fg_classifier_parent_class)->sink_event(trans, event);
}

static gboolean gst_fg_classifier_query(GstBaseTransform* trans, GstPadDirection direction,
                                        GstQuery* query) {
  if (direction == GST_PAD_SINK && GST_QUERY_TYPE(query) == GST_QUERY_DRAIN)
    gst_fg_classifier_drain(GST_FG_CLASSIFIER(trans));
  return GST_BASE_TRANSFORM_CLASS(gst_fg_classifier_parent_class)->query(trans, direction, query);
}

// ---------------------------------------------------------------------------------------------
// GObject boilerplate.

static void gst_fg_classifier_finalize(GObject* object) {
  GstFgClassifier* self = GST_FG_CLASSIFIER(object);
  clear_buffers(self->state);
  gsthigfa::finalize_state<GstFgClassifier, &gst_fg_classifier_parent_class>(object);
}

GType gst_higfa_bundle_classifier_get_type(void) {
  static const GEnumValue values[] = {
      {GST_HIGFA_BUNDLE_CLASSIFIER_AUTO,
       "The bundle's filter classifier where it has one, else its guidance classifier", "auto"},
      {GST_HIGFA_BUNDLE_CLASSIFIER_GUIDANCE, "The guidance classifier (files.classifier)",
       "guidance"},
      {GST_HIGFA_BUNDLE_CLASSIFIER_FILTER, "The filter classifier (files.filter_classifier)",
       "filter"},
      {0, nullptr, nullptr}};
  static const GType type = g_enum_register_static("GstHigfaBundleClassifier", values);
  return type;
}

static void gst_fg_classifier_class_init(GstFgClassifierClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseTransformClass* trans_class = GST_BASE_TRANSFORM_CLASS(klass);

  gobject_class->set_property = gst_fg_classifier_set_property;
  gobject_class->get_property = gst_fg_classifier_get_property;
  gobject_class->finalize = gst_fg_classifier_finalize;

  g_object_class_install_property(
      gobject_class, PROP_BUNDLE,
      g_param_spec_string("bundle", "Bundle",
                          "Model bundle directory whose classifier (the one the classifier "
                          "property picks, with the manifest's input spec and class names) is "
                          "used, loaded at start; NULL: use model (exactly one of bundle and "
                          "model must be set)",
                          DEFAULT_PROP_BUNDLE, kReady));
  g_object_class_install_property(
      gobject_class, PROP_MODEL,
      g_param_spec_string("model", "Model",
                          "Standalone TorchScript classifier file (forward(x) -> logits) whose "
                          "class names and preprocessing are in the JSON file of the same name "
                          "with extension .json, loaded at start; NULL: use bundle",
                          DEFAULT_PROP_MODEL, kReady));
  g_object_class_install_property(
      gobject_class, PROP_CLASSIFIER,
      g_param_spec_enum("classifier", "Classifier",
                        "Which of the bundle's classifiers: auto runs the filter classifier "
                        "(files.filter_classifier, independent of the one guidance climbs) "
                        "where the bundle has one, else the guidance classifier; filter on a "
                        "bundle without one is an error at start",
                        GST_TYPE_HIGFA_BUNDLE_CLASSIFIER, DEFAULT_PROP_CLASSIFIER, kReady));
  g_object_class_install_property(
      gobject_class, PROP_DEVICE,
      g_param_spec_string("device", "Device",
                          "LibTorch device: \"cpu\", \"cuda\" or \"cuda:N\"; a device this build "
                          "or machine lacks is an error at start",
                          DEFAULT_PROP_DEVICE, kReady));
  g_object_class_install_property(
      gobject_class, PROP_THREADS,
      g_param_spec_int("threads", "Threads",
                       "LibTorch intra-op threads, set for the whole process at start (count, "
                       "0..1024); 0 leaves LibTorch's setting",
                       0, 1024, DEFAULT_PROP_THREADS, kReady));
  g_object_class_install_property(
      gobject_class, PROP_TOP_K,
      g_param_spec_uint("top-k", "Top k",
                        "Classes recorded per frame, best first (count, 1..1000), clamped to the "
                        "classifier's number of classes",
                        1, 1000, DEFAULT_PROP_TOP_K, kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_BATCH_SIZE,
      g_param_spec_uint("batch-size", "Batch size",
                        "Frames classified in one forward (count, 1..1024); frames are held "
                        "until a batch is full, a partial batch goes at EOS or a caps change; 1 "
                        "classifies each frame as it comes",
                        1, 1024, DEFAULT_PROP_BATCH_SIZE, kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_PSEUDO_LABEL_THRESHOLD,
      g_param_spec_double("pseudo-label-threshold", "Pseudo-label threshold",
                          "Give a frame without a label a label meta with its top-1 class when "
                          "the top-1 probability is at least this (probability, 0..1); 0 "
                          "disables pseudo-labelling",
                          0.0, 1.0, DEFAULT_PROP_PSEUDO_LABEL_THRESHOLD, kPlaying));
  gsthigfa::install_counter(gobject_class, PROP_CLASSIFIED, "classified", "Classified",
                            "Frames classified since start (count; read-only)");
  gsthigfa::install_counter(gobject_class, PROP_PSEUDO_LABELLED, "pseudo-labelled",
                            "Pseudo-labelled",
                            "Frames given a pseudo-label since start (count; read-only)");

  gsthigfa::set_element_metadata(
      element_class, "Fine-grained classifier", "Filter/Analyzer/Video",
      "Classifies frames with a fine-grained classifier and attaches the top-k classes and the "
      "intended label's score as a classification meta");
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_type_mark_as_plugin_api(GST_TYPE_HIGFA_BUNDLE_CLASSIFIER, static_cast<GstPluginAPIFlags>(0));

  trans_class->start = GST_DEBUG_FUNCPTR(gst_fg_classifier_start);
  trans_class->stop = GST_DEBUG_FUNCPTR(gst_fg_classifier_stop);
  trans_class->set_caps = GST_DEBUG_FUNCPTR(gst_fg_classifier_set_caps);
  trans_class->submit_input_buffer = GST_DEBUG_FUNCPTR(gst_fg_classifier_submit_input_buffer);
  trans_class->generate_output = GST_DEBUG_FUNCPTR(gst_fg_classifier_generate_output);
  trans_class->sink_event = GST_DEBUG_FUNCPTR(gst_fg_classifier_sink_event);
  trans_class->query = GST_DEBUG_FUNCPTR(gst_fg_classifier_query);

  GST_DEBUG_CATEGORY_INIT(gst_fg_classifier_debug, "fgclassifier", 0,
                          "HiGFA fine-grained classifier");
}

static void gst_fg_classifier_init(GstFgClassifier* self) {
  self->state = new State();
  gst_video_info_init(&self->state->info);
  // Pixels are never modified: the base class stays in passthrough and the metas are added to
  // writable (shallow) copies in submit_input_buffer.
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), TRUE);
}
