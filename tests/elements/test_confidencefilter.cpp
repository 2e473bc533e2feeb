// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// GstHarness tests of confidencefilter: keep rules, the reject pad, per-class counters, missing
// metas.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gsthigfameta.h"

namespace {

const char* const kNames[] = {"a", "b", "c", "d"};

// A frame whose classification meta carries `ids` with `scores` (descending) and the intended
// label `label` (-1: none) with probability `label_score`. GST_BUFFER_OFFSET is `tag`.
GstBuffer* make_frame(std::vector<int> ids, std::vector<float> scores, int label,
                      double label_score, guint64 tag = 0) {
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, 64, nullptr);
  gst_buffer_memset(buffer, 0, 0, 64);
  std::vector<const gchar*> names;
  for (int id : ids) names.push_back(kNames[id]);
  gst_buffer_add_higfa_classification_meta(buffer, static_cast<guint>(ids.size()), ids.data(),
                                           names.data(), scores.data(), label, label_score);
  GST_BUFFER_OFFSET(buffer) = tag;
  return buffer;
}

// Frames over 4 classes ranked 2, 0, 3 with probabilities 0.5, 0.3, 0.15 (class 1: 0.05).
GstBuffer* ranked_frame(int label, guint64 tag = 0) {
  const double probs[] = {0.3, 0.05, 0.5, 0.15};
  return make_frame({2, 0, 3}, {0.5f, 0.3f, 0.15f}, label, label >= 0 ? probs[label] : -1.0, tag);
}

// confidencefilter with `props` behind a harness on "src"; `reject` (if given) gets a harness on
// "reject_src".
struct Filter {
  GstElement* element = nullptr;
  GstBus* bus = nullptr;
  GstHarness* h = nullptr;
  GstHarness* reject = nullptr;

  explicit Filter(const std::string& props, bool with_reject = true) {
    element = GST_ELEMENT(
        gst_object_ref_sink(gst_parse_launch(("confidencefilter " + props).c_str(), nullptr)));
    bus = gst_bus_new();
    gst_element_set_bus(element, bus);
    h = gst_harness_new_with_element(element, "sink", "src");
    if (with_reject) reject = gst_harness_new_with_element(element, nullptr, "reject_src");
    gst_harness_set_src_caps_str(h, "video/x-raw,format=GRAY8,width=8,height=8,framerate=30/1");
  }
  ~Filter() {
    if (reject != nullptr) gst_harness_teardown(reject);
    gst_harness_teardown(h);
    gst_object_unref(element);
    gst_object_unref(bus);
  }
  // The offsets (tags) of the frames that came out of `harness`.
  static std::vector<guint64> tags(GstHarness* harness) {
    std::vector<guint64> out;
    while (GstBuffer* b = gst_harness_try_pull(harness)) {
      out.push_back(GST_BUFFER_OFFSET(b));
      gst_buffer_unref(b);
    }
    return out;
  }
  GstStructure* stats() const {
    GstStructure* s = nullptr;
    g_object_get(element, "stats", &s, nullptr);
    return s;
  }
};

using Tags = std::vector<guint64>;

guint64 field(const GstStructure* s, const char* name) {
  guint64 v = G_MAXUINT64;
  EXPECT_TRUE(gst_structure_get_uint64(s, name, &v)) << name;
  return v;
}

// kept / dropped of class `id` in a stats structure, and its name.
struct ClassStats {
  guint64 kept = 0, dropped = 0;
  std::string name;
};

// The entries of the "classes" array (the per-class schema of gsthigfastats.h).
guint num_classes(const GstStructure* s) {
  const GValue* classes = gst_structure_get_value(s, "classes");
  EXPECT_NE(classes, nullptr) << "no classes";
  return classes != nullptr && GST_VALUE_HOLDS_ARRAY(classes) ? gst_value_array_get_size(classes)
                                                             : 0;
}

ClassStats class_stats(const GstStructure* s, int id) {
  ClassStats out;
  const GValue* classes = gst_structure_get_value(s, "classes");
  for (guint i = 0; classes != nullptr && i < gst_value_array_get_size(classes); ++i) {
    const GstStructure* cls = gst_value_get_structure(gst_value_array_get_value(classes, i));
    gint cls_id = -2;
    EXPECT_TRUE(gst_structure_has_name(cls, "higfa-class"));
    if (!gst_structure_get_int(cls, "id", &cls_id) || cls_id != id) continue;
    out.kept = field(cls, "kept");
    out.dropped = field(cls, "dropped");
    out.name = gst_structure_get_string(cls, "name");
    return out;
  }
  ADD_FAILURE() << "no class " << id;
  return out;
}

TEST(ConfidenceFilter, LabelScoreRuleKeepsScoresAtOrAboveTheThreshold) {
  Filter f("rule=label-score threshold=0.3");
  for (int label = 0; label < 4; ++label) gst_harness_push(f.h, ranked_frame(label, label));
  // Probabilities 0.3, 0.05, 0.5, 0.15.
  EXPECT_EQ(Filter::tags(f.h), (Tags{0, 2}));
  EXPECT_EQ(Filter::tags(f.reject), (Tags{1, 3}));
}

TEST(ConfidenceFilter, TopKRuleKeepsLabelsWithinTheTopK) {
  Filter f("rule=top-k top-k=2");
  for (int label = 0; label < 4; ++label) gst_harness_push(f.h, ranked_frame(label, label));
  EXPECT_EQ(Filter::tags(f.h), (Tags{0, 2}));
  EXPECT_EQ(Filter::tags(f.reject), (Tags{1, 3}));
}

TEST(ConfidenceFilter, Top1RuleKeepsOnlyFramesWhoseTop1IsTheLabel) {
  Filter f("rule=top-1");
  for (int label = 0; label < 4; ++label) gst_harness_push(f.h, ranked_frame(label, label));
  EXPECT_EQ(Filter::tags(f.h), (Tags{2}));
  EXPECT_EQ(Filter::tags(f.reject), (Tags{0, 1, 3}));
}

TEST(ConfidenceFilter, CombinedRulesMustAllHold) {
  Filter f("rule=label-score+top-k top-k=3 threshold=0.1");
  // Label 3 (0.15, rank 3) passes both; label 0 (0.3, rank 2) too; label 1 fails both.
  for (int label = 0; label < 4; ++label) gst_harness_push(f.h, ranked_frame(label, label));
  EXPECT_EQ(Filter::tags(f.h), (Tags{0, 2, 3}));
  g_object_set(f.element, "threshold", 0.2, nullptr);  // mutable while playing
  for (int label = 0; label < 4; ++label) gst_harness_push(f.h, ranked_frame(label, 10 + label));
  EXPECT_EQ(Filter::tags(f.h), (Tags{10, 12}));
}

TEST(ConfidenceFilter, DefaultRuleIsLabelScoreAtOneHalf) {
  Filter f("");
  gst_harness_push(f.h, ranked_frame(2, 1));  // 0.5: kept
  gst_harness_push(f.h, ranked_frame(0, 2));  // 0.3: dropped
  EXPECT_EQ(Filter::tags(f.h), (Tags{1}));
  EXPECT_EQ(Filter::tags(f.reject), (Tags{2}));
}

// GAP events on the pad a frame does not take let sinks on both branches preroll and advance.
TEST(ConfidenceFilter, ThePadAFrameDoesNotTakeGetsAGapForItsTimeSpan) {
  Filter f("rule=top-1");
  GstBuffer* kept = ranked_frame(2, 1);
  GST_BUFFER_PTS(kept) = 0;
  GST_BUFFER_DURATION(kept) = GST_SECOND / 30;
  GstBuffer* dropped = ranked_frame(0, 2);
  GST_BUFFER_PTS(dropped) = GST_SECOND / 30;
  GST_BUFFER_DURATION(dropped) = GST_SECOND / 30;
  gst_harness_push(f.h, kept);
  gst_harness_push(f.h, dropped);
  const auto gaps = [](GstHarness* harness) {
    std::vector<GstClockTime> out;
    while (GstEvent* e = gst_harness_try_pull_event(harness)) {
      if (GST_EVENT_TYPE(e) == GST_EVENT_GAP) {
        GstClockTime ts = GST_CLOCK_TIME_NONE, duration = GST_CLOCK_TIME_NONE;
        gst_event_parse_gap(e, &ts, &duration);
        out.push_back(ts);
        EXPECT_EQ(duration, GST_SECOND / 30);
      }
      gst_event_unref(e);
    }
    return out;
  };
  EXPECT_EQ(gaps(f.h), (std::vector<GstClockTime>{GST_SECOND / 30}));
  EXPECT_EQ(gaps(f.reject), (std::vector<GstClockTime>{0}));
  EXPECT_EQ(Filter::tags(f.h), (Tags{1}));
  EXPECT_EQ(Filter::tags(f.reject), (Tags{2}));
}

// Untimestamped frames (image datasets): one GAP at the segment start per pad, enough to preroll.
TEST(ConfidenceFilter, UntimestampedFramesGiveTheOtherPadOneGapPerSegment) {
  Filter f("rule=top-1");
  for (int i = 0; i < 3; ++i) gst_harness_push(f.h, ranked_frame(2, i));
  gst_harness_push(f.h, ranked_frame(0, 9));
  const auto count_gaps = [](GstHarness* harness) {
    int n = 0;
    while (GstEvent* e = gst_harness_try_pull_event(harness)) {
      n += GST_EVENT_TYPE(e) == GST_EVENT_GAP;
      gst_event_unref(e);
    }
    return n;
  };
  EXPECT_EQ(count_gaps(f.reject), 1);
  EXPECT_EQ(count_gaps(f.h), 0);  // src already had frames when the rejected one came
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_harness_push_event(f.h, gst_event_new_segment(&segment));
  gst_harness_push(f.h, ranked_frame(0, 10));
  EXPECT_EQ(count_gaps(f.h), 1);
}

TEST(ConfidenceFilter, DroppedFramesVanishWhenTheRejectPadIsUnlinked) {
  Filter f("rule=top-1", false);
  EXPECT_EQ(gst_harness_push(f.h, ranked_frame(0, 1)), GST_FLOW_OK);
  EXPECT_EQ(gst_harness_push(f.h, ranked_frame(2, 2)), GST_FLOW_OK);
  EXPECT_EQ(Filter::tags(f.h), (Tags{2}));
  GstStructure* s = f.stats();
  EXPECT_EQ(field(s, "dropped"), 1u);
  gst_structure_free(s);
}

TEST(ConfidenceFilter, StatsCountKeptAndDroppedPerClassAndArePostedAtEos) {
  Filter f("rule=top-1");
  for (int i = 0; i < 3; ++i) gst_harness_push(f.h, ranked_frame(2));  // kept, class c
  gst_harness_push(f.h, ranked_frame(0));                              // dropped, class a
  gst_harness_push(f.h, ranked_frame(1));  // dropped, class b (name not carried)
  GstStructure* s = f.stats();
  EXPECT_TRUE(gst_structure_has_name(s, "higfa-filter-stats"));
  EXPECT_EQ(field(s, "kept"), 3u);
  EXPECT_EQ(field(s, "dropped"), 2u);
  EXPECT_EQ(field(s, "missing"), 0u);
  EXPECT_EQ(num_classes(s), 3u);
  const ClassStats a = class_stats(s, 0), b = class_stats(s, 1), c = class_stats(s, 2);
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.kept, 0u);
  EXPECT_EQ(a.dropped, 1u);
  EXPECT_EQ(b.dropped, 1u);
  EXPECT_EQ(c.name, "c");
  EXPECT_EQ(c.kept, 3u);
  EXPECT_EQ(c.dropped, 0u);

  EXPECT_TRUE(gst_harness_push_event(f.h, gst_event_new_eos()));
  GstMessage* msg = gst_bus_pop_filtered(f.bus, GST_MESSAGE_ELEMENT);
  ASSERT_NE(msg, nullptr);
  const GstStructure* posted = gst_message_get_structure(msg);
  EXPECT_TRUE(gst_structure_is_equal(posted, s))
      << gst_structure_to_string(posted) << " vs " << gst_structure_to_string(s);
  gst_message_unref(msg);
  gst_structure_free(s);
  // EOS goes on to both pads.
  bool eos_src = false, eos_reject = false;
  while (GstEvent* e = gst_harness_try_pull_event(f.h)) {
    eos_src |= GST_EVENT_TYPE(e) == GST_EVENT_EOS;
    gst_event_unref(e);
  }
  while (GstEvent* e = gst_harness_try_pull_event(f.reject)) {
    eos_reject |= GST_EVENT_TYPE(e) == GST_EVENT_EOS;
    gst_event_unref(e);
  }
  EXPECT_TRUE(eos_src);
  EXPECT_TRUE(eos_reject);
}

TEST(ConfidenceFilter, CountersResetWhenTheElementStartsAgain) {
  Filter f("rule=top-1");
  gst_harness_push(f.h, ranked_frame(2));
  gst_element_set_state(f.element, GST_STATE_READY);
  GstStructure* s = f.stats();
  EXPECT_EQ(field(s, "kept"), 1u);  // readable after stopping
  gst_structure_free(s);
  gst_element_set_state(f.element, GST_STATE_PAUSED);
  s = f.stats();
  EXPECT_EQ(field(s, "kept"), 0u);
  EXPECT_EQ(num_classes(s), 0u);
  gst_structure_free(s);
}

TEST(ConfidenceFilter, LabelFromALabelMetaWhenTheClassifierHadNone) {
  Filter f("rule=label-score threshold=0.25");
  GstBuffer* named = ranked_frame(-1, 1);
  gst_buffer_add_higfa_label_meta(named, 42, "a", nullptr, nullptr, 0);  // name wins: class 0
  GstBuffer* by_id = ranked_frame(-1, 2);
  gst_buffer_add_higfa_label_meta(by_id, 3, nullptr, nullptr, nullptr, 0);  // 0.15
  GstBuffer* generated = ranked_frame(-1, 3);
  gst_buffer_add_higfa_provenance_meta(generated, "s", 2, "c", 0, 0, "higfa", nullptr, nullptr,
                                       0.9);
  gst_harness_push(f.h, named);
  gst_harness_push(f.h, by_id);
  gst_harness_push(f.h, generated);
  EXPECT_EQ(Filter::tags(f.h), (Tags{1, 3}));
  EXPECT_EQ(Filter::tags(f.reject), (Tags{2}));
}

GstBuffer* plain_frame(guint64 tag) {
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, 64, nullptr);
  GST_BUFFER_OFFSET(buffer) = tag;
  return buffer;
}

TEST(ConfidenceFilter, MissingMetaIsAnErrorByDefault) {
  Filter f("");
  EXPECT_EQ(gst_harness_push(f.h, plain_frame(1)), GST_FLOW_ERROR);
  GstMessage* msg = gst_bus_pop_filtered(f.bus, GST_MESSAGE_ERROR);
  ASSERT_NE(msg, nullptr);
  GError* err = nullptr;
  gst_message_parse_error(msg, &err, nullptr);
  EXPECT_NE(std::string(err->message).find("classification meta"), std::string::npos);
  EXPECT_NE(std::string(err->message).find("missing-meta"), std::string::npos);
  g_error_free(err);
  gst_message_unref(msg);
}

TEST(ConfidenceFilter, MissingLabelIsAnErrorByDefault) {
  Filter f("");
  EXPECT_EQ(gst_harness_push(f.h, ranked_frame(-1)), GST_FLOW_ERROR);
  GstMessage* msg = gst_bus_pop_filtered(f.bus, GST_MESSAGE_ERROR);
  ASSERT_NE(msg, nullptr);
  GError* err = nullptr;
  gst_message_parse_error(msg, &err, nullptr);
  EXPECT_NE(std::string(err->message).find("intended label"), std::string::npos);
  g_error_free(err);
  gst_message_unref(msg);
}

TEST(ConfidenceFilter, MissingMetaPassKeepsAndDropRejectsAndBothAreCounted) {
  for (const char* mode : {"pass", "drop"}) {
    Filter f(std::string("missing-meta=") + mode);
    EXPECT_EQ(gst_harness_push(f.h, plain_frame(1)), GST_FLOW_OK);
    EXPECT_EQ(gst_harness_push(f.h, ranked_frame(-1, 2)), GST_FLOW_OK);
    const bool pass = std::string(mode) == "pass";
    EXPECT_EQ(Filter::tags(f.h), pass ? (Tags{1, 2}) : Tags{}) << mode;
    EXPECT_EQ(Filter::tags(f.reject), pass ? Tags{} : (Tags{1, 2})) << mode;
    GstStructure* s = f.stats();
    EXPECT_EQ(field(s, "missing"), 2u);
    EXPECT_EQ(field(s, pass ? "kept" : "dropped"), 2u);
    gst_structure_free(s);
  }
}

TEST(ConfidenceFilter, NoRuleKeepsEverything) {
  Filter f("");
  g_object_set(f.element, "rule", 0u, nullptr);
  gst_harness_push(f.h, ranked_frame(1, 1));
  gst_harness_push(f.h, plain_frame(2));
  EXPECT_EQ(Filter::tags(f.h), (Tags{1, 2}));
}

TEST(ConfidenceFilter, StatsStructureSerialisesAndParsesBack) {
  Filter f("rule=top-1");
  gst_harness_push(f.h, ranked_frame(2));
  GstStructure* s = f.stats();
  gchar* text = gst_structure_to_string(s);
  GstStructure* back = gst_structure_from_string(text, nullptr);
  ASSERT_NE(back, nullptr) << text;
  EXPECT_TRUE(gst_structure_is_equal(s, back)) << text;
  gst_structure_free(back);
  g_free(text);
  gst_structure_free(s);
}

}  // namespace
