// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// GstHarness tests of fgclassifier: classification metas, label scores, batching, pseudo-labels,
// errors.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gsthigfameta.h"

#ifndef HIGFA_FIXTURES_DIR
#error "HIGFA_FIXTURES_DIR must name tests/fixtures"
#endif

namespace {

// An analytic 8x8 grey classifier over classes "a", "b", "c": logits_k = -10 mean((x - mu_k)^2)
// with x = v / 255 * 2 - 1 and mu_k = -0.5 + 0.5 k (tools/make_classifier_fixture.py).
const std::string kModel = std::string(HIGFA_FIXTURES_DIR) + "/classifiers/analytic.pt";
const std::string kTinyBundle = std::string(HIGFA_FIXTURES_DIR) + "/bundles/tiny";
constexpr guint8 kAtMu[3] = {64, 128, 191};  // grey levels closest to mu_0, mu_1, mu_2

// Softmax of the analytic logits for model inputs x (values in [-1, 1]); `scale` 10 is the
// guidance classifiers', 0.75 tiny-filter's filter classifier on this scale.
std::vector<double> probs_for_values(const std::vector<double>& x, double scale = 10.0) {
  std::vector<double> p(3);
  double sum = 0.0;
  for (int k = 0; k < 3; ++k) {
    double d = 0.0;
    for (double v : x) d += std::pow(v - (-0.5 + 0.5 * k), 2);
    sum += p[k] = std::exp(-scale * d / static_cast<double>(x.size()));
  }
  for (double& q : p) q /= sum;
  return p;
}

// The same for a constant 8x8 frame of grey level v.
std::vector<double> probs_for(guint8 v, double scale = 10.0) {
  return probs_for_values(std::vector<double>(64, v / 255.0 * 2.0 - 1.0), scale);
}

GstVideoInfo make_info(GstVideoFormat format = GST_VIDEO_FORMAT_GRAY8, int width = 8,
                       int height = 8) {
  GstVideoInfo info;
  gst_video_info_set_format(&info, format, width, height);
  GST_VIDEO_INFO_FPS_N(&info) = 30;
  GST_VIDEO_INFO_FPS_D(&info) = 1;
  return info;
}

// A constant frame of grey level v (every colour byte v); row padding holds 0xab.
GstBuffer* make_frame(guint8 v, const GstVideoInfo& info = make_info()) {
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
  gst_buffer_memset(buffer, 0, 0xab, GST_VIDEO_INFO_SIZE(&info));
  GstVideoFrame frame;
  gst_video_frame_map(&frame, &info, buffer, GST_MAP_WRITE);
  const int row_bytes = GST_VIDEO_FRAME_WIDTH(&frame) * GST_VIDEO_FRAME_COMP_PSTRIDE(&frame, 0);
  for (int y = 0; y < GST_VIDEO_FRAME_HEIGHT(&frame); ++y)
    memset(static_cast<guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
               y * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0),
           v, static_cast<size_t>(row_bytes));
  gst_video_frame_unmap(&frame);
  return buffer;
}

// fgclassifier with `props` set ("name=value ..." as in gst-launch) behind a harness.
GstHarness* new_harness(const std::string& props, const GstVideoInfo& info = make_info()) {
  const std::string line = "fgclassifier " + props;
  GstElement* element = GST_ELEMENT(gst_object_ref_sink(gst_parse_launch(line.c_str(), nullptr)));
  GstHarness* h = gst_harness_new_with_element(element, "sink", "src");
  gst_object_unref(element);
  gst_harness_set_src_caps(h, gst_video_info_to_caps(&info));
  return h;
}

std::string model_props(const std::string& extra = "") { return "model=" + kModel + " " + extra; }

const GstHigfaClassificationMeta* meta_of(GstBuffer* buffer) {
  return gst_buffer_get_higfa_classification_meta(buffer);
}

// The metas' content, for comparing runs.
struct Summary {
  std::vector<int> ids;
  std::vector<float> scores;
  int label_id;
  double label_score;
};

Summary summarize(GstBuffer* buffer) {
  const GstHigfaClassificationMeta* m = meta_of(buffer);
  EXPECT_NE(m, nullptr);
  if (m == nullptr) return {};
  return {std::vector<int>(m->class_ids, m->class_ids + m->n),
          std::vector<float>(m->scores, m->scores + m->n), m->label_id, m->label_score};
}

TEST(FgClassifier, TopKOfFramesAtThePrototypesMatchesTheSoftmax) {
  GstHarness* h = new_harness(model_props("top-k=3"));
  for (int k = 0; k < 3; ++k) {
    GstBuffer* out = gst_harness_push_and_pull(h, make_frame(kAtMu[k]));
    ASSERT_NE(out, nullptr);
    const GstHigfaClassificationMeta* m = meta_of(out);
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(m->n, 3u);
    EXPECT_EQ(m->class_ids[0], k);
    EXPECT_STREQ(m->class_names[0], std::string(1, static_cast<char>('a' + k)).c_str());
    const auto want = probs_for(kAtMu[k]);
    for (guint i = 0; i < m->n; ++i) EXPECT_NEAR(m->scores[i], want[m->class_ids[i]], 1e-5);
    EXPECT_GE(m->scores[0], m->scores[1]);
    EXPECT_GE(m->scores[1], m->scores[2]);
    EXPECT_EQ(m->label_id, -1);
    EXPECT_DOUBLE_EQ(m->label_score, -1.0);
    gst_buffer_unref(out);
  }
  gst_harness_teardown(h);
}

TEST(FgClassifier, PixelsPassThroughAndTopKIsClampedToTheClasses) {
  GstHarness* h = new_harness(model_props("top-k=1000"));
  GstBuffer* in = make_frame(100);
  GstBuffer* reference = gst_buffer_copy_deep(in);
  GstBuffer* out = gst_harness_push_and_pull(h, in);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(meta_of(out)->n, 3u);
  GstMapInfo map;
  ASSERT_TRUE(gst_buffer_map(reference, &map, GST_MAP_READ));
  EXPECT_EQ(gst_buffer_memcmp(out, 0, map.data, map.size), 0);
  gst_buffer_unmap(reference, &map);
  gst_buffer_unref(out);
  gst_buffer_unref(reference);
  gst_harness_teardown(h);
}

// A 6x6 GRAY8 frame has 8-byte rows (2 bytes of 0xab padding); the model sees it centred on an
// 8x8 canvas of the background value -1, so 36 pixels at v and 28 at -1.
TEST(FgClassifier, PaddedRowsAreReadWithTheirStride) {
  const GstVideoInfo info = make_info(GST_VIDEO_FORMAT_GRAY8, 6, 6);
  ASSERT_EQ(GST_VIDEO_INFO_PLANE_STRIDE(&info, 0), 8);
  GstHarness* h = new_harness(model_props("top-k=3"), info);
  GstBuffer* out = gst_harness_push_and_pull(h, make_frame(200, info));
  std::vector<double> x(64, -1.0);
  std::fill(x.begin(), x.begin() + 36, 200 / 255.0 * 2.0 - 1.0);
  const auto want = probs_for_values(x);
  const GstHigfaClassificationMeta* m = meta_of(out);
  ASSERT_NE(m, nullptr);
  for (guint i = 0; i < m->n; ++i) EXPECT_NEAR(m->scores[i], want[m->class_ids[i]], 1e-5);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

TEST(FgClassifier, ColourFramesAreClassifiedLikeGrey) {
  // Every colour byte equals the grey level, so the luma the model sees is the grey frame's.
  GstHarness* grey = new_harness(model_props("top-k=3"));
  const Summary want = [&] {
    GstBuffer* out = gst_harness_push_and_pull(grey, make_frame(150));
    Summary s = summarize(out);
    gst_buffer_unref(out);
    return s;
  }();
  gst_harness_teardown(grey);
  for (GstVideoFormat format :
       {GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_BGRx}) {
    const GstVideoInfo info = make_info(format);
    GstHarness* h = new_harness(model_props("top-k=3"), info);
    GstBuffer* out = gst_harness_push_and_pull(h, make_frame(150, info));
    const Summary got = summarize(out);
    EXPECT_EQ(got.ids, want.ids) << gst_video_format_to_string(format);
    for (size_t i = 0; i < got.scores.size(); ++i) EXPECT_NEAR(got.scores[i], want.scores[i], 1e-5);
    gst_buffer_unref(out);
    gst_harness_teardown(h);
  }
}

TEST(FgClassifier, LabelMetaGivesTheIntendedLabelsScore) {
  GstHarness* h = new_harness(model_props("top-k=1"));
  const auto want = probs_for(kAtMu[0]);
  // By name (preferred), by id, and from a generated frame's provenance.
  GstBuffer* by_name = make_frame(kAtMu[0]);
  gst_buffer_add_higfa_label_meta(by_name, 7, "c", "x.png", "x", 0);
  GstBuffer* by_id = make_frame(kAtMu[0]);
  gst_buffer_add_higfa_label_meta(by_id, 1, nullptr, nullptr, nullptr, 0);
  GstBuffer* generated = make_frame(kAtMu[0]);
  gst_buffer_add_higfa_provenance_meta(generated, "x", 2, "c", 0, 1, "higfa", nullptr, nullptr,
                                       0.5);
  const std::pair<GstBuffer*, int> cases[] = {{by_name, 2}, {by_id, 1}, {generated, 2}};
  for (const auto& [in, label] : cases) {
    GstBuffer* out = gst_harness_push_and_pull(h, in);
    const GstHigfaClassificationMeta* m = meta_of(out);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->n, 1u);
    EXPECT_EQ(m->class_ids[0], 0);
    EXPECT_EQ(m->label_id, label);
    EXPECT_NEAR(m->label_score, want[static_cast<size_t>(label)], 1e-6);
    gst_buffer_unref(out);
  }
  gst_harness_teardown(h);
}

TEST(FgClassifier, UnknownLabelIsAnErrorNamingTheClass) {
  GstElement* element = gst_element_factory_make("fgclassifier", nullptr);
  g_object_set(element, "model", kModel.c_str(), nullptr);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(element, bus);
  GstHarness* h = gst_harness_new_with_element(element, "sink", "src");
  const GstVideoInfo info = make_info();
  gst_harness_set_src_caps(h, gst_video_info_to_caps(&info));
  GstBuffer* unknown_name = make_frame(10);
  gst_buffer_add_higfa_label_meta(unknown_name, 0, "zebra", nullptr, nullptr, 0);
  EXPECT_EQ(gst_harness_push(h, unknown_name), GST_FLOW_ERROR);
  GstMessage* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  ASSERT_NE(msg, nullptr);
  GError* err = nullptr;
  gst_message_parse_error(msg, &err, nullptr);
  EXPECT_NE(std::string(err->message).find("zebra"), std::string::npos) << err->message;
  g_error_free(err);
  gst_message_unref(msg);
  GstBuffer* out_of_range = make_frame(10);
  gst_buffer_add_higfa_label_meta(out_of_range, 3, nullptr, nullptr, nullptr, 0);
  EXPECT_EQ(gst_harness_push(h, out_of_range), GST_FLOW_ERROR);
  gst_harness_teardown(h);
  gst_object_unref(element);
  gst_object_unref(bus);
}

// Pushes frames of the given grey levels through fgclassifier with `props` and EOS; returns the
// metas of the outputs in order.
std::vector<Summary> run(const std::string& props, const std::vector<guint8>& levels) {
  GstHarness* h = new_harness(props);
  for (guint8 v : levels) EXPECT_EQ(gst_harness_push(h, make_frame(v)), GST_FLOW_OK);
  EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
  std::vector<Summary> out;
  while (GstBuffer* b = gst_harness_try_pull(h)) {
    out.push_back(summarize(b));
    gst_buffer_unref(b);
  }
  gst_harness_teardown(h);
  return out;
}

TEST(FgClassifier, BatchOfFourGivesTheSameMetasInOrderAsBatchOfOne) {
  const std::vector<guint8> levels = {0, 40, 80, 120, 160, 200, 240, 64, 128, 191};
  const auto one = run(model_props("top-k=3 batch-size=1"), levels);
  const auto four = run(model_props("top-k=3 batch-size=4"), levels);
  ASSERT_EQ(one.size(), levels.size());
  ASSERT_EQ(four.size(), levels.size());
  for (size_t i = 0; i < levels.size(); ++i) {
    EXPECT_EQ(four[i].ids, one[i].ids) << "frame " << i;
    for (size_t j = 0; j < one[i].scores.size(); ++j)
      EXPECT_NEAR(four[i].scores[j], one[i].scores[j], 1e-6);
  }
}

TEST(FgClassifier, BatchIsHeldUntilFullAndEosDrainsAPartialBatch) {
  GstHarness* h = new_harness(model_props("batch-size=4"));
  for (int i = 0; i < 3; ++i) gst_harness_push(h, make_frame(kAtMu[i]));
  EXPECT_EQ(gst_harness_buffers_in_queue(h), 0u);
  gst_harness_push(h, make_frame(kAtMu[0]));
  EXPECT_EQ(gst_harness_buffers_in_queue(h), 4u);
  gst_harness_push(h, make_frame(kAtMu[2]));
  gst_harness_push(h, make_frame(kAtMu[1]));
  EXPECT_EQ(gst_harness_buffers_in_queue(h), 4u);
  gst_harness_push_event(h, gst_event_new_eos());
  ASSERT_EQ(gst_harness_buffers_in_queue(h), 6u);
  const int want_top1[] = {0, 1, 2, 0, 2, 1};
  for (int expected : want_top1) {
    GstBuffer* out = gst_harness_pull(h);
    ASSERT_NE(meta_of(out), nullptr);
    EXPECT_EQ(meta_of(out)->class_ids[0], expected);
    gst_buffer_unref(out);
  }
  // EOS reaches downstream after the drained frames.
  GstEvent* event = nullptr;
  bool saw_eos = false;
  while ((event = gst_harness_try_pull_event(h)) != nullptr) {
    saw_eos |= GST_EVENT_TYPE(event) == GST_EVENT_EOS;
    gst_event_unref(event);
  }
  EXPECT_TRUE(saw_eos);
  guint64 classified = 0;
  g_object_get(h->element, "classified", &classified, nullptr);
  EXPECT_EQ(classified, 6u);
  gst_harness_teardown(h);
}

TEST(FgClassifier, FlushDiscardsAHeldBatch) {
  GstHarness* h = new_harness(model_props("batch-size=4"));
  gst_harness_push(h, make_frame(1));
  gst_harness_push(h, make_frame(2));
  EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_flush_start()));
  EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_flush_stop(TRUE)));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_harness_push_event(h, gst_event_new_segment(&segment));
  gst_harness_push_event(h, gst_event_new_eos());
  EXPECT_EQ(gst_harness_buffers_in_queue(h), 0u);
  gst_harness_teardown(h);
}

TEST(FgClassifier, RestartDiscardsAHeldBatchAndClassifiesAgain) {
  GstHarness* h = new_harness(model_props("batch-size=4"));
  gst_harness_push(h, make_frame(kAtMu[0]));
  gst_harness_push(h, make_frame(kAtMu[1]));
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(gst_element_set_state(h->element, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    ASSERT_EQ(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  }
  gst_harness_push_event(h, gst_event_new_stream_start("restarted"));
  const GstVideoInfo info = make_info();
  gst_harness_set_src_caps(h, gst_video_info_to_caps(&info));
  gst_harness_push(h, make_frame(kAtMu[2]));
  gst_harness_push_event(h, gst_event_new_eos());
  ASSERT_EQ(gst_harness_buffers_in_queue(h), 1u);
  GstBuffer* out = gst_harness_pull(h);
  EXPECT_EQ(meta_of(out)->class_ids[0], 2);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

TEST(FgClassifier, PseudoLabelsConfidentUnlabelledFramesOnly) {
  GstHarness* h = new_harness(model_props("pseudo-label-threshold=0.9"));
  ASSERT_GT(probs_for(kAtMu[0])[0], 0.9);
  const auto unsure = probs_for(96);
  ASSERT_LT(*std::max_element(unsure.begin(), unsure.end()), 0.9);
  // Confident and unlabelled: labelled with its top-1.
  GstBuffer* out = gst_harness_push_and_pull(h, make_frame(kAtMu[0]));
  const GstHigfaLabelMeta* label = gst_buffer_get_higfa_label_meta(out);
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(label->class_id, 0);
  EXPECT_STREQ(label->class_name, "a");
  EXPECT_EQ(meta_of(out)->label_id, 0);
  EXPECT_NEAR(meta_of(out)->label_score, probs_for(kAtMu[0])[0], 1e-6);
  gst_buffer_unref(out);
  // Unconfident: no label.
  out = gst_harness_push_and_pull(h, make_frame(96));
  EXPECT_EQ(gst_buffer_get_higfa_label_meta(out), nullptr);
  EXPECT_EQ(meta_of(out)->label_id, -1);
  gst_buffer_unref(out);
  // Already labelled: the label stays.
  GstBuffer* in = make_frame(kAtMu[0]);
  gst_buffer_add_higfa_label_meta(in, 2, "c", nullptr, nullptr, 0);
  out = gst_harness_push_and_pull(h, in);
  EXPECT_EQ(gst_buffer_get_higfa_label_meta(out)->class_id, 2);
  EXPECT_EQ(meta_of(out)->label_id, 2);
  gst_buffer_unref(out);
  guint64 pseudo = 0;
  g_object_get(h->element, "pseudo-labelled", &pseudo, nullptr);
  EXPECT_EQ(pseudo, 1u);
  gst_harness_teardown(h);
}

TEST(FgClassifier, PseudoLabellingIsOffByDefault) {
  GstHarness* h = new_harness(model_props());
  GstBuffer* out = gst_harness_push_and_pull(h, make_frame(kAtMu[0]));
  EXPECT_EQ(gst_buffer_get_higfa_label_meta(out), nullptr);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

// Starts fgclassifier with `props` (READY->PAUSED) and returns the error message text, "" if it
// started.
std::string start_error(const std::string& props) {
  GstElement* element = GST_ELEMENT(
      gst_object_ref_sink(gst_parse_launch(("fgclassifier " + props).c_str(), nullptr)));
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(element, bus);
  const GstStateChangeReturn ret = gst_element_set_state(element, GST_STATE_PAUSED);
  std::string text;
  if (GstMessage* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
    GError* err = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(msg, &err, &debug);
    text = std::string(err->message) + " | " + (debug ? debug : "");
    g_error_free(err);
    g_free(debug);
    gst_message_unref(msg);
  }
  EXPECT_EQ(ret == GST_STATE_CHANGE_FAILURE, !text.empty()) << text;
  gst_element_set_state(element, GST_STATE_NULL);
  gst_object_unref(element);
  gst_object_unref(bus);
  return text;
}

TEST(FgClassifier, MissingBundleIsAnErrorAtStartNamingThePath) {
  const std::string text = start_error("bundle=/nonexistent/bundle-dir");
  EXPECT_NE(text.find("/nonexistent/bundle-dir"), std::string::npos) << text;
}

TEST(FgClassifier, BrokenModelIsAnErrorAtStartNamingTheFile) {
  const std::string dir = std::string(HIGFA_FIXTURES_DIR) + "/classifiers/";
  EXPECT_NE(start_error("model=" + dir + "mismatch.pt").find("mismatch.pt"), std::string::npos);
  EXPECT_NE(start_error("model=" + dir + "corrupt.pt").find("corrupt.pt"), std::string::npos);
}

TEST(FgClassifier, NeitherOrBothClassifierSourcesIsAnErrorAtStart) {
  EXPECT_NE(start_error("").find("bundle"), std::string::npos);
  EXPECT_NE(start_error("bundle=x model=" + kModel).find("not both"), std::string::npos);
}

TEST(FgClassifier, UnavailableDeviceIsAnErrorAtStart) {
  EXPECT_NE(start_error(model_props("device=cuda:7")).find("cuda:7"), std::string::npos);
}

TEST(FgClassifier, BundleClassifierMatchesTheAnalyticFormula) {
  // The tiny fixture bundle's classifier is the same analytic function.
  GstHarness* h = new_harness("bundle=" + kTinyBundle + " top-k=3");
  for (int k = 0; k < 3; ++k) {
    GstBuffer* out = gst_harness_push_and_pull(h, make_frame(kAtMu[k]));
    const GstHigfaClassificationMeta* m = meta_of(out);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->class_ids[0], k);
    const auto want = probs_for(kAtMu[k]);
    for (guint i = 0; i < m->n; ++i) EXPECT_NEAR(m->scores[i], want[m->class_ids[i]], 1e-5);
    gst_buffer_unref(out);
  }
  gst_harness_teardown(h);
}

TEST(FgClassifier, BundleLoadsTheClassifierWithoutTheDenoiser) {
  // bad-corrupt-denoiser's denoiser.pt is garbage (a full load fails on it); its classifier is
  // the tiny one, and fgclassifier never opens the denoiser.
  const std::string dir = std::string(HIGFA_FIXTURES_DIR) + "/bundles/bad-corrupt-denoiser";
  EXPECT_EQ(start_error("bundle=" + dir), "");
  GstHarness* h = new_harness("bundle=" + dir + " top-k=3");
  GstBuffer* out = gst_harness_push_and_pull(h, make_frame(kAtMu[2]));
  const GstHigfaClassificationMeta* m = meta_of(out);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->class_ids[0], 2);
  const auto want = probs_for(kAtMu[2]);
  for (guint i = 0; i < m->n; ++i) EXPECT_NEAR(m->scores[i], want[m->class_ids[i]], 1e-5);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

// tiny-filter: tiny's guidance classifier plus an independent filter classifier (logits -0.75 ·
// mean((x - mu_k)^2) on the [-1, 1] scale, reached through its own [0, 1] input contract).
const std::string kFilterBundle = std::string(HIGFA_FIXTURES_DIR) + "/bundles/tiny-filter";

// The label score of a frame of grey level v, labelled class `label`, through `props`.
double label_score_with(const std::string& props, guint8 v, int label) {
  GstHarness* h = new_harness(props + " top-k=3");
  GstBuffer* in = make_frame(v);
  gst_buffer_add_higfa_label_meta(in, label, nullptr, nullptr, nullptr, 0);
  GstBuffer* out = gst_harness_push_and_pull(h, in);
  const GstHigfaClassificationMeta* m = meta_of(out);
  EXPECT_NE(m, nullptr);
  const double score = m == nullptr ? -1.0 : m->label_score;
  EXPECT_EQ(m == nullptr ? -2 : m->label_id, label);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
  return score;
}

TEST(FgClassifier, AutoRunsTheBundlesFilterClassifierAndGuidanceTheOther) {
  const guint8 v = 150;  // between mu_1 and mu_2: the two classifiers disagree in confidence
  const double by_default = label_score_with("bundle=" + kFilterBundle, v, 1);
  const double filter = label_score_with("bundle=" + kFilterBundle + " classifier=filter", v, 1);
  const double guidance =
      label_score_with("bundle=" + kFilterBundle + " classifier=guidance", v, 1);
  EXPECT_NEAR(by_default, probs_for(v, 0.75)[1], 1e-5);
  EXPECT_NEAR(filter, by_default, 1e-7);
  EXPECT_NEAR(guidance, probs_for(v)[1], 1e-5);
  EXPECT_GT(std::abs(guidance - filter), 0.05);
  // A bundle without a filter classifier: auto is its guidance classifier.
  EXPECT_NEAR(label_score_with("bundle=" + kTinyBundle, v, 1), probs_for(v)[1], 1e-5);
}

TEST(FgClassifier, FilterOnABundleWithoutOneIsAnErrorAtStartNamingTheKey) {
  const std::string text = start_error("bundle=" + kTinyBundle + " classifier=filter");
  EXPECT_NE(text.find("files.filter_classifier"), std::string::npos) << text;
  const std::string model = start_error(model_props("classifier=filter"));
  EXPECT_NE(model.find("classifier=filter"), std::string::npos) << model;
  const std::string broken =
      start_error("bundle=" + std::string(HIGFA_FIXTURES_DIR) + "/bundles/bad-filter-classes");
  EXPECT_NE(broken.find("filter_classifier.pt"), std::string::npos) << broken;
}

}  // namespace
