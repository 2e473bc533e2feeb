// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// GstHarness tests of datasetsink: files and manifest lines, overwrite refusal, errors mid-run.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>
#include <higfa/dataset.h>
#include <higfa/dataset_writer.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dataset_test_util.h"
#include "gsthigfameta.h"

namespace {

namespace fs = std::filesystem;
using dataset_test::BusCapture;
using dataset_test::pattern;
using dataset_test::TempDir;
using dataset_test::write_text;

constexpr const char* kGrayCaps = "video/x-raw,format=GRAY8,width=8,height=6,framerate=0/1";

// A GRAY8 8x6 frame (default GstVideoInfo layout) holding test image k.
GstBuffer* gray_frame(int k) {
  GstVideoInfo info;
  gst_video_info_set_format(&info, GST_VIDEO_FORMAT_GRAY8, 8, 6);
  GstBuffer* buf = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
  GstVideoFrame frame;
  gst_video_frame_map(&frame, &info, buf, GST_MAP_WRITE);
  auto* px = static_cast<guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0));
  for (int y = 0; y < 6; ++y) {
    for (int x = 0; x < 8; ++x) {
      px[y * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0) + x] = pattern(k, x, y);
    }
  }
  gst_video_frame_unmap(&frame);
  return buf;
}

GstBuffer* labelled_frame(int k, gint class_id, const char* class_name, const char* source_id) {
  GstBuffer* buf = gray_frame(k);
  gst_buffer_add_higfa_label_meta(buf, class_id, class_name, "/data/x.png", source_id, 5);
  return buf;
}

GstBuffer* generated_frame(int k, const char* class_name, const char* source_id, guint sample) {
  GstBuffer* buf = labelled_frame(k, 1, class_name, source_id);
  GstHigfaTransformParams transform;
  gst_higfa_transform_params_init(&transform);
  transform.rotation_deg = 3.5;
  GstHigfaGuidanceParams guidance;
  gst_higfa_guidance_params_init(&guidance);
  guidance.num_inference_steps = 4;
  gst_buffer_add_higfa_provenance_meta(buf, source_id, 1, class_name, sample, 1234, "higfa",
                                       &transform, &guidance, 0.875);
  const gint ids[] = {1, 0};
  const gchar* names[] = {class_name, "other", nullptr};
  const gfloat scores[] = {0.875f, 0.125f};
  gst_buffer_add_higfa_classification_meta(buf, 2, ids, names, scores, 1, 0.875);
  return buf;
}

GstStaticPadTemplate harness_src =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

// A datasetsink writing to `location`; not async, as the harness expects PLAYING at once.
GstElement* new_sink(const std::string& location, bool overwrite = false) {
  GstElement* sink = gst_element_factory_make("datasetsink", nullptr);
  g_object_set(sink, "location", location.c_str(), "overwrite", overwrite, "async", FALSE, nullptr);
  return sink;
}

// Wraps `sink` (configured beforehand: a harness starts an element with a sink pad at once).
GstHarness* harness(GstElement* sink, const char* caps = kGrayCaps) {
  GstHarness* h = gst_harness_new_full(sink, &harness_src, "sink", nullptr, nullptr);
  gst_object_unref(sink);
  gst_harness_set_src_caps_str(h, caps);
  return h;
}

std::vector<nlohmann::json> manifest_lines(const std::string& dir) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(dir + "/manifest.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

TEST(DatasetSink, WritesOnePngAndOneManifestLinePerFrame) {
  TempDir tmp;
  GstElement* sink = new_sink(tmp / "out");
  BusCapture bus(sink);
  GstHarness* h = harness(sink);
  ASSERT_EQ(gst_harness_push(h, labelled_frame(0, 0, "T-shirt/top", "T-shirt_top/50003")),
            GST_FLOW_OK);
  ASSERT_EQ(gst_harness_push(h, generated_frame(1, "Coat", "Coat/50022", 0)), GST_FLOW_OK);
  ASSERT_EQ(gst_harness_push(h, generated_frame(2, "Coat", "Coat/50022", 1)), GST_FLOW_OK);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));

  const auto lines = manifest_lines(tmp / "out");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["path"], "T-shirt_top/T-shirt_top_50003.png");
  EXPECT_EQ(lines[0]["class_name"], "T-shirt/top");
  EXPECT_EQ(lines[0]["label"]["source_path"], "/data/x.png");
  EXPECT_TRUE(lines[0]["sample_index"].is_null());
  EXPECT_EQ(lines[2]["path"], "Coat/Coat_50022-s1.png");
  EXPECT_EQ(lines[2]["sample_index"], 1);
  EXPECT_EQ(lines[2]["provenance"]["seed"], 1234);
  EXPECT_EQ(lines[2]["provenance"]["transform"]["rotation_deg"], 3.5);
  EXPECT_EQ(lines[2]["provenance"]["final_confidence"], 0.875);
  EXPECT_EQ(lines[2]["classification"]["topk"][0]["class_name"], "Coat");
  EXPECT_EQ(lines[2]["classification"]["label_score"], 0.875);
  EXPECT_TRUE(higfa::check_manifest(tmp / "out").empty());
  auto img = higfa::decode_image(tmp / "out/Coat/Coat_50022-s1.png");
  EXPECT_EQ(img.pixels[5 * 8 + 7], pattern(2, 7, 5));

  const auto totals = bus.element_messages("higfa-dataset-written");
  ASSERT_EQ(totals.size(), 1u);
  guint64 count = 0;
  gst_structure_get_uint64(totals[0], "count", &count);
  EXPECT_EQ(count, 3u);
  // Per class, in the schema confidencefilter's stats share: ascending id, then by name.
  const GValue* classes = gst_structure_get_value(totals[0], "classes");
  ASSERT_NE(classes, nullptr);
  ASSERT_EQ(gst_value_array_get_size(classes), 2u);
  const GstStructure* tshirt = gst_value_get_structure(gst_value_array_get_value(classes, 0));
  EXPECT_TRUE(gst_structure_has_name(tshirt, "higfa-class"));
  EXPECT_STREQ(gst_structure_get_string(tshirt, "name"), "T-shirt/top");
  gint id = -2;
  EXPECT_TRUE(gst_structure_get_int(tshirt, "id", &id));
  EXPECT_EQ(id, 0);
  guint64 n = 0;
  EXPECT_TRUE(gst_structure_get_uint64(tshirt, "count", &n));
  EXPECT_EQ(n, 1u);
  const GstStructure* coat = gst_value_get_structure(gst_value_array_get_value(classes, 1));
  EXPECT_STREQ(gst_structure_get_string(coat, "name"), "Coat");
  EXPECT_TRUE(gst_structure_get_int(coat, "id", &id));
  EXPECT_EQ(id, 1);
  EXPECT_TRUE(gst_structure_get_uint64(coat, "count", &n));
  EXPECT_EQ(n, 2u);
  gst_structure_free(totals[0]);
  gst_harness_teardown(h);
}

TEST(DatasetSink, PostsProgressEveryIntervalImages) {
  TempDir tmp;
  GstElement* sink = new_sink(tmp / "out");
  g_object_set(sink, "progress-interval", 2u, nullptr);
  BusCapture bus(sink);
  GstHarness* h = harness(sink);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(gst_harness_push(h, labelled_frame(i, 0, "a", nullptr)), GST_FLOW_OK);
  }
  const auto progress = bus.element_messages("higfa-progress");
  ASSERT_EQ(progress.size(), 2u);
  guint64 count = 0;
  gst_structure_get_uint64(progress[1], "count", &count);
  EXPECT_EQ(count, 4u);
  for (GstStructure* s : progress) gst_structure_free(s);
  gst_harness_teardown(h);
}

TEST(DatasetSink, RefusesAnExistingManifestUnlessOverwrite) {
  TempDir tmp;
  write_text(tmp / "out/manifest.jsonl", "{\"path\": \"a/old.png\"}\n");
  write_text(tmp / "out/a/old.png", "old");
  GstElement* refusing = new_sink(tmp / "out");
  {
    BusCapture bus(refusing);
    EXPECT_EQ(gst_element_set_state(refusing, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    const auto errors = bus.texts(GST_MESSAGE_ERROR);  // then GstBaseSink's "Failed to start"
    ASSERT_GE(errors.size(), 1u);
    EXPECT_NE(errors[0].find("manifest.jsonl"), std::string::npos) << errors[0];
    EXPECT_TRUE(fs::exists(tmp / "out/a/old.png"));
  }
  gst_element_set_state(refusing, GST_STATE_NULL);
  gst_object_unref(refusing);

  GstHarness* h2 = harness(new_sink(tmp / "out", true));
  ASSERT_EQ(gst_harness_push(h2, labelled_frame(0, 0, "a", "a/new")), GST_FLOW_OK);
  ASSERT_TRUE(gst_harness_push_event(h2, gst_event_new_eos()));
  EXPECT_FALSE(fs::exists(tmp / "out/a/old.png"));
  EXPECT_EQ(manifest_lines(tmp / "out").size(), 1u);
  gst_harness_teardown(h2);
}

TEST(DatasetSink, UnlabelledFrameIsAnErrorAndTheManifestStaysConsistent) {
  TempDir tmp;
  GstElement* sink = new_sink(tmp / "out");
  BusCapture bus(sink);
  GstHarness* h = harness(sink);
  ASSERT_EQ(gst_harness_push(h, labelled_frame(0, 0, "a", "a/0")), GST_FLOW_OK);
  ASSERT_EQ(gst_harness_push(h, labelled_frame(1, 0, "a", "a/1")), GST_FLOW_OK);
  EXPECT_EQ(gst_harness_push(h, gray_frame(2)), GST_FLOW_ERROR);
  EXPECT_EQ(bus.texts(GST_MESSAGE_ERROR).size(), 1u);
  gst_harness_teardown(h);
  EXPECT_EQ(manifest_lines(tmp / "out").size(), 2u);
  EXPECT_TRUE(higfa::check_manifest(tmp / "out").empty());
}

// A write that fails mid-run (here: a file sits where class b's directory must go) loses
// nothing already written and leaves no manifest line without its file.
TEST(DatasetSink, WriteErrorMidRunKeepsManifestConsistentWithFiles) {
  TempDir tmp;
  write_text(tmp / "out/b", "a file where a directory must go");
  GstElement* sink = new_sink(tmp / "out");
  BusCapture bus(sink);
  GstHarness* h = harness(sink);
  ASSERT_EQ(gst_harness_push(h, labelled_frame(0, 0, "a", "a/0")), GST_FLOW_OK);
  EXPECT_EQ(gst_harness_push(h, labelled_frame(1, 1, "b", "b/0")), GST_FLOW_ERROR);
  const auto errors = bus.texts(GST_MESSAGE_ERROR);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("\"b\""), std::string::npos) << errors[0];
  gst_harness_teardown(h);
  const auto lines = manifest_lines(tmp / "out");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["path"], "a/a_0.png");
  EXPECT_TRUE(higfa::check_manifest(tmp / "out").empty());
}

TEST(DatasetSink, WritesPaddedColourFramesWithoutTheirPadding) {
  TempDir tmp;
  GstHarness* h =
      harness(new_sink(tmp / "out"), "video/x-raw,format=RGB,width=5,height=3,framerate=0/1");
  GstVideoInfo info;
  gst_video_info_set_format(&info, GST_VIDEO_FORMAT_RGB, 5, 3);
  ASSERT_EQ(GST_VIDEO_INFO_PLANE_STRIDE(&info, 0), 16);  // 15 bytes of pixels, 1 of padding
  GstBuffer* buf = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
  GstMapInfo map;
  gst_buffer_map(buf, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < map.size; ++i) {
    map.data[i] = static_cast<guint8>(i % 16 == 15 ? 0xEE : i);
  }
  gst_buffer_unmap(buf, &map);
  gst_buffer_add_higfa_label_meta(buf, 0, "a", nullptr, "rgb", 0);
  ASSERT_EQ(gst_harness_push(h, buf), GST_FLOW_OK);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
  auto img = higfa::decode_image(tmp / "out/a/rgb.png");
  ASSERT_EQ(img.format, higfa::PixelFormat::kRgb);
  ASSERT_EQ(img.width, 5);
  EXPECT_EQ(img.pixels[15], 16);  // row 1 starts after the padding byte
  EXPECT_EQ(img.pixels[3 * 5 * 3 - 1], 2 * 16 + 14);
  gst_harness_teardown(h);
}

}  // namespace

// A higfa-done-samples query (the wire format of gsthigfadonequery.h) sent to the sink.
struct DoneAnswer {
  bool answered = false;
  std::vector<guint> done;
  std::string mismatch;
};

DoneAnswer ask_done(GstHarness* h, const std::string& settings, const char* source_id,
                    guint samples) {
  GstQuery* q = gst_query_new_custom(
      GST_QUERY_CUSTOM, gst_structure_new("higfa-done-samples", "settings", G_TYPE_STRING,
                                          settings.c_str(), "source-id", G_TYPE_STRING, source_id,
                                          "samples", G_TYPE_UINT, samples, nullptr));
  DoneAnswer a;
  a.answered = gst_pad_peer_query(h->srcpad, q);
  const GstStructure* s = gst_query_get_structure(q);
  if (const GValue* done = gst_structure_get_value(s, "done")) {
    for (guint i = 0; i < gst_value_array_get_size(done); ++i)
      a.done.push_back(g_value_get_uint(gst_value_array_get_value(done, i)));
  }
  if (const gchar* m = gst_structure_get_string(s, "mismatch")) a.mismatch = m;
  gst_query_unref(q);
  return a;
}

GstElement* new_resuming_sink(const std::string& location) {
  GstElement* sink = new_sink(location, true);  // resume wins over overwrite
  g_object_set(sink, "resume", TRUE, nullptr);
  return sink;
}

constexpr const char* kSettings = R"({"num-inference-steps": 2, "seed": 0})";

TEST(DatasetSink, ResumeKeepsTheDatasetAndAnswersWhichSamplesAreDone) {
  TempDir tmp;
  {
    GstHarness* h = harness(new_sink(tmp / "out"));
    EXPECT_TRUE(ask_done(h, kSettings, "Coat/50022", 4).done.empty());
    ASSERT_EQ(gst_harness_push(h, generated_frame(1, "Coat", "Coat/50022", 0)), GST_FLOW_OK);
    ASSERT_EQ(gst_harness_push(h, generated_frame(2, "Coat", "Coat/50022", 2)), GST_FLOW_OK);
    gst_harness_teardown(h);  // no EOS: as if the run had stopped here
  }
  EXPECT_TRUE(fs::exists(tmp / "out/run.json"));
  write_text(tmp / "out/Coat/Coat_50022-s3.png", "renamed into place, never recorded");
  write_text(tmp / "out/Coat/.Coat_50022-s1.png.tmp", "partial");
  GstElement* sink = new_resuming_sink(tmp / "out");
  BusCapture bus(sink);
  GstHarness* h = harness(sink);
  const auto resumed = bus.element_messages("higfa-resume");
  ASSERT_EQ(resumed.size(), 1u);
  guint64 kept = 0;
  gst_structure_get_uint64(resumed[0], "kept", &kept);
  EXPECT_EQ(kept, 2u);
  EXPECT_EQ(gst_value_array_get_size(gst_structure_get_value(resumed[0], "discarded")), 2u);
  gst_structure_free(resumed[0]);
  EXPECT_FALSE(fs::exists(tmp / "out/Coat/Coat_50022-s3.png"));

  const DoneAnswer a = ask_done(h, kSettings, "Coat/50022", 4);
  EXPECT_TRUE(a.answered);
  EXPECT_EQ(a.done, (std::vector<guint>{0, 2}));
  EXPECT_EQ(a.mismatch, "");
  EXPECT_TRUE(ask_done(h, kSettings, "Coat/50043", 4).done.empty());
  // A sample the manifest has is not written again; a missing one is.
  ASSERT_EQ(gst_harness_push(h, generated_frame(1, "Coat", "Coat/50022", 0)), GST_FLOW_OK);
  ASSERT_EQ(gst_harness_push(h, generated_frame(3, "Coat", "Coat/50022", 1)), GST_FLOW_OK);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
  guint64 written = 0;
  g_object_get(sink, "count", &written, nullptr);
  EXPECT_EQ(written, 1u);
  const auto lines = manifest_lines(tmp / "out");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["path"], "Coat/Coat_50022-s1.png");
  EXPECT_TRUE(higfa::check_manifest(tmp / "out").empty());
  gst_harness_teardown(h);
}

TEST(DatasetSink, ResumeWithOtherSettingsIsRefusedNamingTheDifference) {
  TempDir tmp;
  {
    GstHarness* h = harness(new_sink(tmp / "out"));
    ask_done(h, kSettings, "Coat/50022", 4);
    ASSERT_EQ(gst_harness_push(h, generated_frame(1, "Coat", "Coat/50022", 0)), GST_FLOW_OK);
    gst_harness_teardown(h);
  }
  GstElement* sink = new_resuming_sink(tmp / "out");
  BusCapture bus(sink);
  GstHarness* h = harness(sink);
  const DoneAnswer a = ask_done(h, R"({"num-inference-steps": 3, "seed": 0})", "Coat/50022", 4);
  EXPECT_EQ(a.mismatch, "num-inference-steps was 2 in " + (tmp / "out/run.json") + ", now 3");
  // A frame after the refusal is an error, and nothing is written.
  EXPECT_EQ(gst_harness_push(h, generated_frame(2, "Coat", "Coat/50022", 1)), GST_FLOW_ERROR);
  const auto errors = bus.texts(GST_MESSAGE_ERROR);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("resume: num-inference-steps was 2"), std::string::npos) << errors[0];
  EXPECT_EQ(manifest_lines(tmp / "out").size(), 1u);
  gst_harness_teardown(h);
}

TEST(DatasetSink, ResumeOfANewDirectoryIsAFreshRun) {
  TempDir tmp;
  GstHarness* h = harness(new_resuming_sink(tmp / "new"));
  EXPECT_TRUE(ask_done(h, kSettings, "Coat/50022", 4).done.empty());
  ASSERT_EQ(gst_harness_push(h, generated_frame(1, "Coat", "Coat/50022", 0)), GST_FLOW_OK);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
  EXPECT_EQ(manifest_lines(tmp / "new").size(), 1u);
  EXPECT_TRUE(fs::exists(tmp / "new/run.json"));
  gst_harness_teardown(h);
}
