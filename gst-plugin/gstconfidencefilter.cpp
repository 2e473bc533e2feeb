// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// confidencefilter: keeps frames whose classification supports their intended label.

/**
 * SECTION:element-confidencefilter
 * @title: confidencefilter
 *
 * Keeps a frame when its #GstHigfaClassificationMeta (from fgclassifier) supports the frame's
 * intended label under every selected #GstConfidenceFilter:rule: the label's probability is at
 * least #GstConfidenceFilter:threshold, the label is among the top-k classes, the top-1 class is
 * the label. The label is the one fgclassifier recorded, else the frame's intended label
 * (gst_higfa_buffer_get_intended_label(): a generated frame's #GstHigfaProvenanceMeta, else its
 * #GstHigfaLabelMeta). Kept frames leave on "src"; the others leave on "reject_src" when it
 * is linked and are dropped otherwise; the pad a frame does not take gets a GAP event (for a
 * timestamped frame its time span, else once per segment), so sinks on both branches preroll.
 * Frames without a classification or a label follow #GstConfidenceFilter:missing-meta. Kept and
 * dropped frames are counted per class; the counts are the read-only #GstConfidenceFilter:stats
 * structure and are posted as a "higfa-filter-stats" element message before EOS goes downstream:
 * kept, dropped, missing (guint64) and "classes", an array of "higfa-class" structures (id,
 * name, kept, dropped) in ascending class id: the per-class schema datasetsink's
 * "higfa-dataset-written" shares (gsthigfastats.h).
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

#include <higfa/filter.h>

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "gstconfidencefilter.h"
#include "gsthigfameta.h"
#include "gsthigfastats.h"
#include "gsthigfautil.h"

GST_DEBUG_CATEGORY_STATIC(gst_confidence_filter_debug);
#define GST_CAT_DEFAULT gst_confidence_filter_debug

#define DEFAULT_PROP_RULE GST_CONFIDENCE_FILTER_RULE_LABEL_SCORE
#define DEFAULT_PROP_THRESHOLD 0.5
#define DEFAULT_PROP_TOP_K 1
#define DEFAULT_PROP_MISSING_META GST_CONFIDENCE_FILTER_MISSING_META_ERROR

enum {
  PROP_0,
  PROP_RULE,
  PROP_THRESHOLD,
  PROP_TOP_K,
  PROP_MISSING_META,
  PROP_STATS,
};

static_assert(static_cast<unsigned>(higfa::KeepRule::kLabelScore) ==
                      GST_CONFIDENCE_FILTER_RULE_LABEL_SCORE &&
                  static_cast<unsigned>(higfa::KeepRule::kTopK) ==
                      GST_CONFIDENCE_FILTER_RULE_TOP_K &&
                  static_cast<unsigned>(higfa::KeepRule::kTop1) == GST_CONFIDENCE_FILTER_RULE_TOP_1,
              "the rule flags are higfa::KeepRule's bits");

namespace {

constexpr GParamFlags kPlaying = static_cast<GParamFlags>(
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

// Everything the properties set; guarded by the object lock, copied once per frame.
struct Settings {
  guint rule = DEFAULT_PROP_RULE;
  gdouble threshold = DEFAULT_PROP_THRESHOLD;
  guint top_k = DEFAULT_PROP_TOP_K;
  GstConfidenceFilterMissingMeta missing_meta = DEFAULT_PROP_MISSING_META;
};

struct ClassCount {
  std::string name;
  guint64 kept = 0;
  guint64 dropped = 0;
};

// Counters since READY->PAUSED; object lock.
struct Counts {
  guint64 kept = 0;
  guint64 dropped = 0;
  guint64 missing = 0;
  std::vector<ClassCount> classes;  // indexed by class id
};

// The C++ state of one element; new'd in _init, deleted in _finalize.
struct State {
  Settings settings;  // object lock
  Counts counts;      // object lock
  // Streaming-thread state: the segment's start, and whether each src pad has had a buffer or a
  // GAP since the last segment or flush.
  GstClockTime segment_start = 0;
  bool src_fed = false;
  bool reject_fed = false;
};

// One frame's verdict.
struct Verdict {
  bool keep = true;
  bool missing = false;
  int class_id = -1;  // -1: unknown
  std::string class_name;
  const char* reason = "";
};

}  // namespace

struct _GstConfidenceFilter {
  GstElement parent;
  GstPad* sinkpad;
  GstPad* srcpad;
  GstPad* rejectpad;
  State* state;
};

GST_ELEMENT_REGISTER_DEFINE(confidencefilter, "confidencefilter", GST_RANK_NONE,
                            GST_TYPE_CONFIDENCE_FILTER);

G_DEFINE_TYPE(GstConfidenceFilter, gst_confidence_filter, GST_TYPE_ELEMENT);

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate reject_template =
    GST_STATIC_PAD_TEMPLATE("reject_src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

// ---------------------------------------------------------------------------------------------
// Registered types.

GType gst_confidence_filter_rule_get_type(void) {
  static const GFlagsValue values[] = {
      {GST_CONFIDENCE_FILTER_RULE_LABEL_SCORE,
       "The intended label's probability is at least the threshold", "label-score"},
      {GST_CONFIDENCE_FILTER_RULE_TOP_K, "The intended label is among the top-k classes", "top-k"},
      {GST_CONFIDENCE_FILTER_RULE_TOP_1, "The top-1 class is the intended label", "top-1"},
      {0, nullptr, nullptr}};
  static const GType type = g_flags_register_static("GstConfidenceFilterRule", values);
  return type;
}

GType gst_confidence_filter_missing_meta_get_type(void) {
  static const GEnumValue values[] = {
      {GST_CONFIDENCE_FILTER_MISSING_META_ERROR, "Post an error and stop", "error"},
      {GST_CONFIDENCE_FILTER_MISSING_META_PASS, "Keep the frame (counted as missing)", "pass"},
      {GST_CONFIDENCE_FILTER_MISSING_META_DROP, "Reject the frame (counted as missing)", "drop"},
      {0, nullptr, nullptr}};
  static const GType type = g_enum_register_static("GstConfidenceFilterMissingMeta", values);
  return type;
}

// ---------------------------------------------------------------------------------------------
// Counters.

// "higfa-filter-stats": the totals kept, dropped and missing, and "classes" with kept and
// dropped per class, in the per-class schema of gsthigfastats.h. Caller holds the object lock.
static GstStructure* stats_structure_locked(const Counts& c) {
  GstStructure* s =
      gst_structure_new("higfa-filter-stats", "kept", G_TYPE_UINT64, c.kept, "dropped",
                        G_TYPE_UINT64, c.dropped, "missing", G_TYPE_UINT64, c.missing, nullptr);
  std::vector<gsthigfa::ClassStats> classes;
  for (size_t i = 0; i < c.classes.size(); ++i) {
    const ClassCount& cc = c.classes[i];
    if (cc.kept == 0 && cc.dropped == 0) continue;  // an id no frame had
    classes.push_back(
        {static_cast<gint>(i), cc.name, {{"kept", cc.kept}, {"dropped", cc.dropped}}});
  }
  gsthigfa::set_class_stats(s, std::move(classes));
  return s;
}

static GstStructure* gst_confidence_filter_stats(GstConfidenceFilter* self) {
  gsthigfa::ObjectLock lock(self);
  return stats_structure_locked(self->state->counts);
}

static void gst_confidence_filter_count(GstConfidenceFilter* self, const Verdict& v) {
  gsthigfa::ObjectLock lock(self);
  Counts& c = self->state->counts;
  (v.keep ? c.kept : c.dropped)++;
  if (v.missing) c.missing++;
  if (v.class_id >= 0) {
    if (c.classes.size() <= static_cast<size_t>(v.class_id))
      c.classes.resize(static_cast<size_t>(v.class_id) + 1);
    ClassCount& cc = c.classes[static_cast<size_t>(v.class_id)];
    if (cc.name.empty()) cc.name = v.class_name;
    (v.keep ? cc.kept : cc.dropped)++;
  }
}

// ---------------------------------------------------------------------------------------------
// The per-frame decision.

// The intended label: the one fgclassifier recorded against its classes, else
// gst_higfa_buffer_get_intended_label's (a name is matched against the classes the
// classification carries).
static void gst_confidence_filter_label(GstBuffer* buf, const GstHigfaClassificationMeta* cm,
                                        Verdict* v, double* label_score) {
  gint id = -1;
  const gchar* name = nullptr;
  gst_higfa_buffer_get_intended_label(buf, &id, &name);
  *label_score = -1.0;
  if (cm != nullptr && cm->label_id >= 0) {
    v->class_id = cm->label_id;
    *label_score = cm->label_score;
  } else {
    v->class_id = id;
    for (guint i = 0; cm != nullptr && name != nullptr && i < cm->n; ++i)
      if (g_strcmp0(cm->class_names[i], name) == 0) v->class_id = cm->class_ids[i];
  }
  for (guint i = 0; cm != nullptr && i < cm->n; ++i)
    if (cm->class_ids[i] == v->class_id && cm->class_names[i] && cm->class_names[i][0] != '\0')
      v->class_name = cm->class_names[i];
  if (v->class_name.empty() && name != nullptr) v->class_name = name;
}

// Fills `v`; returns FALSE after posting an error.
static gboolean gst_confidence_filter_decide(GstConfidenceFilter* self, GstBuffer* buf,
                                             const Settings& s, Verdict* v) {
  const GstHigfaClassificationMeta* cm = gst_buffer_get_higfa_classification_meta(buf);
  double label_score = -1.0;
  gst_confidence_filter_label(buf, cm, v, &label_score);
  if (s.rule == 0) return TRUE;  // no rule selected: everything is kept
  if (cm == nullptr || v->class_id < 0) {
    const char* what = cm == nullptr ? "classification meta" : "intended label";
    if (s.missing_meta == GST_CONFIDENCE_FILTER_MISSING_META_ERROR) {
      GST_ELEMENT_ERROR(self, STREAM, FAILED,
                        ("Frame without a %s: put fgclassifier (and a labelled source or its "
                         "pseudo-label-threshold) upstream, or set missing-meta=pass or drop",
                         what),
                        ("no %s on %" GST_PTR_FORMAT, what, static_cast<gpointer>(buf)));
      return FALSE;
    }
    v->missing = true;
    v->keep = s.missing_meta == GST_CONFIDENCE_FILTER_MISSING_META_PASS;
    v->reason = what;
    return TRUE;
  }
  const higfa::KeepOptions options{static_cast<higfa::KeepRule>(s.rule),
                                   static_cast<float>(s.threshold), static_cast<int>(s.top_k)};
  try {
    const std::vector<int> ids(cm->class_ids, cm->class_ids + cm->n);
    const std::vector<float> scores(cm->scores, cm->scores + cm->n);
    const higfa::KeepRule failed =
        higfa::failed_rule(ids, scores, v->class_id, static_cast<float>(label_score), options);
    v->keep = failed == higfa::KeepRule::kNone;
    v->reason = higfa::rule_name(failed);
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(
        self, STREAM, FAILED, ("Cannot apply the keep rules: %s", e.what()),
        ("higfa::failed_rule on %" GST_PTR_FORMAT ": %s", static_cast<gpointer>(buf), e.what()));
    return FALSE;
  }
  return TRUE;
}

// The pad a frame does not take gets a GAP for the frame's time span, so a sink there prerolls and
// advances with the stream instead of waiting for a frame that may never come. Without a
// timestamp only the first frame after a segment sends one (at the segment start): enough to
// preroll.
static void gst_confidence_filter_gap_other(GstConfidenceFilter* self, GstBuffer* buf, bool keep) {
  State* st = self->state;
  GstPad* other = keep ? self->rejectpad : self->srcpad;
  bool& other_fed = keep ? st->reject_fed : st->src_fed;
  (keep ? st->src_fed : st->reject_fed) = true;
  if (!gst_pad_is_linked(other)) return;
  if (GST_BUFFER_PTS_IS_VALID(buf))
    gst_pad_push_event(other, gst_event_new_gap(GST_BUFFER_PTS(buf), GST_BUFFER_DURATION(buf)));
  else if (!other_fed)
    gst_pad_push_event(other, gst_event_new_gap(st->segment_start, GST_CLOCK_TIME_NONE));
  other_fed = true;
}

static GstFlowReturn gst_confidence_filter_chain(GstPad* /*pad*/, GstObject* parent,
                                                 GstBuffer* buf) {
  GstConfidenceFilter* self = GST_CONFIDENCE_FILTER(parent);
  Settings s;
  {
    gsthigfa::ObjectLock lock(self);
    s = self->state->settings;
  }
  Verdict v;
  if (!gst_confidence_filter_decide(self, buf, s, &v)) {
    gst_buffer_unref(buf);
    return GST_FLOW_ERROR;
  }
  gst_confidence_filter_count(self, v);
  gst_confidence_filter_gap_other(self, buf, v.keep);
  if (v.keep) return gst_pad_push(self->srcpad, buf);
  GST_LOG_OBJECT(self, "rejecting %" GST_PTR_FORMAT " (class %d): %s", static_cast<gpointer>(buf),
                 v.class_id, v.reason);
  if (!gst_pad_is_linked(self->rejectpad)) {
    gst_buffer_unref(buf);
    return GST_FLOW_OK;
  }
  const GstFlowReturn ret = gst_pad_push(self->rejectpad, buf);
  // Rejected frames are optional output: an unlinked or finished reject branch drops them.
  return ret == GST_FLOW_NOT_LINKED || ret == GST_FLOW_EOS ? GST_FLOW_OK : ret;
}

static gboolean gst_confidence_filter_sink_event(GstPad* pad, GstObject* parent, GstEvent* event) {
  GstConfidenceFilter* self = GST_CONFIDENCE_FILTER(parent);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
    GstStructure* s = gst_confidence_filter_stats(self);
    GST_INFO_OBJECT(self, "at EOS: %" GST_PTR_FORMAT, static_cast<gpointer>(s));
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
  } else if (GST_EVENT_TYPE(event) == GST_EVENT_SEGMENT ||
             GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP) {
    State* st = self->state;
    st->src_fed = st->reject_fed = false;
    if (GST_EVENT_TYPE(event) == GST_EVENT_SEGMENT) {
      const GstSegment* segment = nullptr;
      gst_event_parse_segment(event, &segment);
      st->segment_start = segment->format == GST_FORMAT_TIME ? segment->start : 0;
    }
  }
  return gst_pad_event_default(pad, parent, event);
}

// ---------------------------------------------------------------------------------------------
// Properties and state.

namespace {

Settings& settings_of(GObject* object) { return GST_CONFIDENCE_FILTER(object)->state->settings; }

constexpr gsthigfa::Field<Settings> kFields[] = {
    gsthigfa::field<Settings, &Settings::rule>(PROP_RULE),
    gsthigfa::field<Settings, &Settings::threshold>(PROP_THRESHOLD),
    gsthigfa::field<Settings, &Settings::top_k>(PROP_TOP_K),
    gsthigfa::field<Settings, &Settings::missing_meta>(PROP_MISSING_META),
};

}  // namespace

static void gst_confidence_filter_get_property(GObject* object, guint prop_id, GValue* value,
                                               GParamSpec* pspec) {
  if (prop_id == PROP_STATS) {
    g_value_take_boxed(value, gst_confidence_filter_stats(GST_CONFIDENCE_FILTER(object)));
    return;
  }
  gsthigfa::get_property<Settings, kFields, settings_of>(object, prop_id, value, pspec);
}

static GstStateChangeReturn gst_confidence_filter_change_state(GstElement* element,
                                                               GstStateChange transition) {
  GstConfidenceFilter* self = GST_CONFIDENCE_FILTER(element);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    gsthigfa::ObjectLock lock(self);
    self->state->counts = Counts();
  }
  return GST_ELEMENT_CLASS(gst_confidence_filter_parent_class)->change_state(element, transition);
}

static void gst_confidence_filter_class_init(GstConfidenceFilterClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);

  gobject_class->set_property = gsthigfa::set_property<Settings, kFields, settings_of>;
  gobject_class->get_property = gst_confidence_filter_get_property;
  gobject_class->finalize =
      gsthigfa::finalize_state<GstConfidenceFilter, &gst_confidence_filter_parent_class>;

  g_object_class_install_property(
      gobject_class, PROP_RULE,
      g_param_spec_flags("rule", "Rule",
                         "Keep rules, all of which must hold (flags: label-score, top-k, top-1, "
                         "combined with +); 0 (no flag) keeps every frame",
                         GST_TYPE_CONFIDENCE_FILTER_RULE, DEFAULT_PROP_RULE, kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_THRESHOLD,
      g_param_spec_double("threshold", "Threshold",
                          "Least probability of the intended label for the label-score rule "
                          "(probability, 0..1); 0 keeps every labelled frame",
                          0.0, 1.0, DEFAULT_PROP_THRESHOLD,
                          static_cast<GParamFlags>(kPlaying | GST_PARAM_CONTROLLABLE)));
  g_object_class_install_property(
      gobject_class, PROP_TOP_K,
      g_param_spec_uint("top-k", "Top k",
                        "Ranks within which the intended label must be for the top-k rule "
                        "(count, 1..1000), clamped to the classes the classification meta "
                        "carries (fgclassifier's top-k)",
                        1, 1000, DEFAULT_PROP_TOP_K, kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_MISSING_META,
      g_param_spec_enum("missing-meta", "Missing meta",
                        "What a frame without a classification meta or an intended label does: "
                        "error stops the stream, pass keeps it, drop rejects it",
                        GST_TYPE_CONFIDENCE_FILTER_MISSING_META, DEFAULT_PROP_MISSING_META,
                        kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_STATS,
      g_param_spec_boxed("stats", "Statistics",
                         "Frames kept, dropped and missing a meta since READY->PAUSED (counts; "
                         "read-only): a higfa-filter-stats structure with kept, dropped, missing "
                         "and classes, an array of higfa-class structures (id, name, kept, "
                         "dropped) in ascending class id",
                         GST_TYPE_STRUCTURE,
                         static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gsthigfa::set_element_metadata(
      element_class, "Confidence filter", "Filter/Video",
      "Keeps frames whose classification supports their intended label; routes the others to "
      "a reject pad and counts both per class");
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_add_static_pad_template(element_class, &reject_template);
  element_class->change_state = GST_DEBUG_FUNCPTR(gst_confidence_filter_change_state);

  gst_type_mark_as_plugin_api(GST_TYPE_CONFIDENCE_FILTER_RULE, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_CONFIDENCE_FILTER_MISSING_META,
                              static_cast<GstPluginAPIFlags>(0));
  GST_DEBUG_CATEGORY_INIT(gst_confidence_filter_debug, "confidencefilter", 0,
                          "HiGFA confidence filter");
}

static void gst_confidence_filter_init(GstConfidenceFilter* self) {
  self->state = new State();
  self->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_confidence_filter_chain));
  gst_pad_set_event_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_confidence_filter_sink_event));
  GST_PAD_SET_PROXY_CAPS(self->sinkpad);
  gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template(&src_template, "src");
  GST_PAD_SET_PROXY_CAPS(self->srcpad);
  gst_element_add_pad(GST_ELEMENT(self), self->srcpad);

  self->rejectpad = gst_pad_new_from_static_template(&reject_template, "reject_src");
  GST_PAD_SET_PROXY_CAPS(self->rejectpad);
  gst_element_add_pad(GST_ELEMENT(self), self->rejectpad);
}
