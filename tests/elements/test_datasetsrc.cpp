// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// GstHarness tests of datasetsrc: listing order, labels, manifests, shards, skips, errors, caps.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <set>
#include <string>
#include <vector>

#include "dataset_test_util.h"
#include "gsthigfameta.h"

namespace {

using dataset_test::BusCapture;
using dataset_test::pattern;
using dataset_test::TempDir;
using dataset_test::write_gray_png;
using dataset_test::write_manifest_only_bundle;
using dataset_test::write_rgb_png;
using dataset_test::write_text;

// What the harness received between the start and EOS.
struct Received {
  std::vector<GstBuffer*> buffers;
  std::vector<GstCaps*> caps;
  Received() = default;
  Received(const Received&) = delete;
  Received& operator=(const Received&) = delete;
  ~Received() {
    for (GstBuffer* b : buffers) gst_buffer_unref(b);
    for (GstCaps* c : caps) gst_caps_unref(c);
  }
  std::vector<std::string> source_ids() const {
    std::vector<std::string> ids;
    for (GstBuffer* b : buffers) {
      const GstHigfaLabelMeta* m = gst_buffer_get_higfa_label_meta(b);
      ids.push_back(m && m->source_id ? m->source_id : "<no label>");
    }
    return ids;
  }
};

// Plays the harness and collects buffers and caps until EOS.
void run_to_eos(GstHarness* h, Received* out) {
  gst_harness_play(h);
  for (;;) {
    GstEvent* ev = gst_harness_pull_event(h);
    if (ev == nullptr) {
      ADD_FAILURE() << "no EOS";
      break;
    }
    if (GST_EVENT_TYPE(ev) == GST_EVENT_CAPS) {
      GstCaps* caps = nullptr;
      gst_event_parse_caps(ev, &caps);
      out->caps.push_back(gst_caps_ref(caps));
    }
    const bool eos = GST_EVENT_TYPE(ev) == GST_EVENT_EOS;
    gst_event_unref(ev);
    if (eos) {
      break;
    }
  }
  while (GstBuffer* b = gst_harness_try_pull(h)) {
    out->buffers.push_back(b);
  }
}

guint64 uint64_property(GstHarness* h, const char* name) {
  guint64 v = 0;
  g_object_get(h->element, name, &v, nullptr);
  return v;
}

// a/0.png a/1.png b/0.png (grey 8x6, images 0, 1, 2).
void write_small_tree(const TempDir& tmp) {
  write_gray_png(tmp / "data/a/0.png", 0);
  write_gray_png(tmp / "data/a/1.png", 1);
  write_gray_png(tmp / "data/b/0.png", 2);
}

TEST(DatasetSrc, ImageFolderFramesComeSortedWithLabelMetaAndPixels) {
  TempDir tmp;
  write_gray_png(tmp / "data/b/0.png", 2);
  write_gray_png(tmp / "data/a/1.png", 1);
  write_gray_png(tmp / "data/a/0.png", 0);
  write_gray_png(tmp / "data/a/.hidden.png", 3);
  write_text(tmp / "data/a/notes.txt", "not an image");
  GstHarness* h = gst_harness_new("datasetsrc");
  g_object_set(h->element, "location", (tmp / "data").c_str(), nullptr);
  Received r;
  run_to_eos(h, &r);
  ASSERT_EQ(r.source_ids(), (std::vector<std::string>{"a/0", "a/1", "b/0"}));
  const GstHigfaLabelMeta* m = gst_buffer_get_higfa_label_meta(r.buffers[2]);
  EXPECT_EQ(m->class_id, 1);
  EXPECT_STREQ(m->class_name, "b");
  EXPECT_EQ(std::string(m->source_path), tmp / "data/b/0.png");
  EXPECT_EQ(m->source_index, 2u);
  EXPECT_EQ(GST_BUFFER_OFFSET(r.buffers[2]), 2u);
  EXPECT_FALSE(GST_BUFFER_PTS_IS_VALID(r.buffers[2]));
  ASSERT_EQ(r.caps.size(), 1u);
  GstVideoInfo info;
  ASSERT_TRUE(gst_video_info_from_caps(&info, r.caps[0]));
  EXPECT_EQ(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_GRAY8);
  EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&info), 8);
  EXPECT_EQ(GST_VIDEO_INFO_HEIGHT(&info), 6);
  GstVideoFrame frame;
  ASSERT_TRUE(gst_video_frame_map(&frame, &info, r.buffers[1], GST_MAP_READ));
  const auto* px = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0));
  EXPECT_EQ(px[5 * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0) + 7], pattern(1, 7, 5));
  gst_video_frame_unmap(&frame);
  EXPECT_EQ(uint64_property(h, "count"), 3u);
  gst_harness_teardown(h);
}

TEST(DatasetSrc, LabelsFileDefinesClassIds) {
  TempDir tmp;
  write_small_tree(tmp);
  write_text(tmp / "labels.txt", "b\na\n");
  GstHarness* h = gst_harness_new("datasetsrc");
  g_object_set(h->element, "location", (tmp / "data").c_str(), "labels-file",
               (tmp / "labels.txt").c_str(), nullptr);
  Received r;
  run_to_eos(h, &r);
  ASSERT_EQ(r.buffers.size(), 3u);
  EXPECT_EQ(gst_buffer_get_higfa_label_meta(r.buffers[0])->class_id, 1);
  EXPECT_EQ(gst_buffer_get_higfa_label_meta(r.buffers[2])->class_id, 0);
  gst_harness_teardown(h);
}

// "T-shirt/top" cannot be a folder name: its folder is T-shirt_top, and the label keeps the '/'.
TEST(DatasetSrc, BundleClassListMatchesFoldersByDirectoryForm) {
  TempDir tmp;
  write_gray_png(tmp / "data/T-shirt_top/7.png", 0);
  write_gray_png(tmp / "data/Coat/3.png", 1);
  write_manifest_only_bundle(tmp / "bundle", {"T-shirt/top", "Trouser", "Coat"});
  GstHarness* h = gst_harness_new("datasetsrc");
  g_object_set(h->element, "location", (tmp / "data").c_str(), "bundle", (tmp / "bundle").c_str(),
               nullptr);
  Received r;
  run_to_eos(h, &r);
  ASSERT_EQ(r.buffers.size(), 2u);
  const GstHigfaLabelMeta* coat = gst_buffer_get_higfa_label_meta(r.buffers[0]);
  const GstHigfaLabelMeta* shirt = gst_buffer_get_higfa_label_meta(r.buffers[1]);
  EXPECT_EQ(coat->class_id, 2);
  EXPECT_STREQ(shirt->class_name, "T-shirt/top");
  EXPECT_EQ(shirt->class_id, 0);
  EXPECT_STREQ(shirt->source_id, "T-shirt_top/7");
  gst_harness_teardown(h);
}

TEST(DatasetSrc, UnknownClassFailsTheStartNamingItAndTheKnownClasses) {
  TempDir tmp;
  write_small_tree(tmp);
  write_gray_png(tmp / "data/zebra/0.png", 3);
  write_manifest_only_bundle(tmp / "bundle", {"a", "b"});
  GstHarness* h = gst_harness_new("datasetsrc");
  BusCapture bus(h->element);
  g_object_set(h->element, "location", (tmp / "data").c_str(), "bundle", (tmp / "bundle").c_str(),
               nullptr);
  EXPECT_EQ(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  const auto errors = bus.texts(GST_MESSAGE_ERROR);  // then GstBaseSrc's own "Failed to start"
  ASSERT_GE(errors.size(), 1u);
  EXPECT_NE(errors[0].find("\"zebra\""), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("\"a\", \"b\""), std::string::npos) << errors[0];
  gst_harness_teardown(h);
}

TEST(DatasetSrc, MissingRootOrBothSourcesFailTheStart) {
  TempDir tmp;
  GstHarness* h = gst_harness_new("datasetsrc");
  BusCapture bus(h->element);
  EXPECT_EQ(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  auto errors = bus.texts(GST_MESSAGE_ERROR);
  ASSERT_GE(errors.size(), 1u);
  EXPECT_NE(errors[0].find("exactly one of location"), std::string::npos) << errors[0];
  gst_element_set_state(h->element, GST_STATE_NULL);
  g_object_set(h->element, "location", (tmp / "missing").c_str(), nullptr);
  EXPECT_EQ(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  errors = bus.texts(GST_MESSAGE_ERROR);
  ASSERT_GE(errors.size(), 1u);
  EXPECT_NE(errors[0].find(tmp / "missing"), std::string::npos) << errors[0];
  gst_element_set_state(h->element, GST_STATE_NULL);
  g_object_set(h->element, "manifest", (tmp / "list.csv").c_str(), nullptr);
  EXPECT_EQ(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  gst_harness_teardown(h);
}

TEST(DatasetSrc, CsvAndJsonlManifestsKeepTheirOrder) {
  TempDir tmp;
  write_small_tree(tmp);
  write_text(tmp / "data/list.csv", "path,label\nb/0.png,b\n\"a/1.png\",a\n");
  write_text(
      tmp / "data/list.jsonl",
      "{\"path\": \"b/0.png\", \"label\": \"b\"}\n{\"path\": \"a/1.png\", \"label\": \"a\"}\n");
  for (const char* name : {"data/list.csv", "data/list.jsonl"}) {
    GstHarness* h = gst_harness_new("datasetsrc");
    g_object_set(h->element, "manifest", (tmp / name).c_str(), nullptr);
    Received r;
    run_to_eos(h, &r);
    EXPECT_EQ(r.source_ids(), (std::vector<std::string>{"b/0", "a/1"})) << name;
    ASSERT_EQ(r.buffers.size(), 2u);
    EXPECT_EQ(gst_buffer_get_higfa_label_meta(r.buffers[1])->class_id, 0);  // sorted labels a, b
    gst_harness_teardown(h);
  }
}

TEST(DatasetSrc, ShardsAreDisjointAndCoverTheDataset) {
  TempDir tmp;
  for (int i = 0; i < 7; ++i) {
    write_gray_png(
        tmp / ("data/" + std::string(i % 2 ? "b" : "a") + "/" + std::to_string(i) + ".png"), i);
  }
  std::multiset<std::string> all;
  for (int shard = 0; shard < 3; ++shard) {
    GstHarness* h = gst_harness_new("datasetsrc");
    g_object_set(h->element, "location", (tmp / "data").c_str(), "shard-index", shard,
                 "shard-count", 3, nullptr);
    Received r;
    run_to_eos(h, &r);
    for (GstBuffer* b : r.buffers) {
      EXPECT_EQ(gst_buffer_get_higfa_label_meta(b)->source_index % 3, static_cast<guint64>(shard));
    }
    const auto ids = r.source_ids();
    all.insert(ids.begin(), ids.end());
    gst_harness_teardown(h);
  }
  EXPECT_EQ(all.size(), 7u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 7u);
}

// Zero-byte, corrupt and truncated files are warnings and counted skips by default.
TEST(DatasetSrc, UnreadableFilesAreSkippedCountedAndWarned) {
  TempDir tmp;
  write_gray_png(tmp / "data/a/0.png", 0);
  write_text(tmp / "data/a/1-zero.png", "");
  write_text(tmp / "data/a/2-corrupt.png", std::string("\x89PNG\r\n\x1a\n", 8) + "junk junk junk");
  write_gray_png(tmp / "data/b/full.png", 1, 32, 32);
  {
    std::ifstream in(tmp / "data/b/full.png", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    write_text(tmp / "data/b/0-truncated.png", bytes.substr(0, bytes.size() / 2));
  }
  GstHarness* h = gst_harness_new("datasetsrc");
  BusCapture bus(h->element);
  g_object_set(h->element, "location", (tmp / "data").c_str(), nullptr);
  Received r;
  run_to_eos(h, &r);
  EXPECT_EQ(r.source_ids(), (std::vector<std::string>{"a/0", "b/full"}));
  EXPECT_EQ(uint64_property(h, "skipped"), 3u);
  const auto warnings = bus.texts(GST_MESSAGE_WARNING);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].find("1-zero.png"), std::string::npos) << warnings[0];
  EXPECT_TRUE(bus.texts(GST_MESSAGE_ERROR).empty());
  gst_harness_teardown(h);
}

TEST(DatasetSrc, UnreadableFileIsAnErrorWithoutSkipUnreadable) {
  TempDir tmp;
  write_gray_png(tmp / "data/a/0.png", 0);
  write_text(tmp / "data/a/1-zero.png", "");
  write_gray_png(tmp / "data/a/2.png", 2);
  GstHarness* h = gst_harness_new("datasetsrc");
  BusCapture bus(h->element);
  g_object_set(h->element, "location", (tmp / "data").c_str(), "skip-unreadable", FALSE, nullptr);
  Received r;
  run_to_eos(h, &r);
  EXPECT_EQ(r.buffers.size(), 1u);
  const auto errors = bus.texts(GST_MESSAGE_ERROR);
  ASSERT_GE(errors.size(), 1u);
  EXPECT_NE(errors[0].find("1-zero.png"), std::string::npos) << errors[0];
  gst_harness_teardown(h);
}

TEST(DatasetSrc, CapsFollowEachImagesFormatAndSize) {
  TempDir tmp;
  write_gray_png(tmp / "data/a/0.png", 0, 8, 6);
  write_rgb_png(tmp / "data/b/0.png", 5, 4, 200, 100, 50);
  write_gray_png(tmp / "data/c/0.png", 1, 8, 6);
  GstHarness* h = gst_harness_new("datasetsrc");
  g_object_set(h->element, "location", (tmp / "data").c_str(), nullptr);
  Received r;
  run_to_eos(h, &r);
  ASSERT_EQ(r.caps.size(), 3u);
  GstVideoInfo info;
  ASSERT_TRUE(gst_video_info_from_caps(&info, r.caps[1]));
  EXPECT_EQ(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_RGB);
  EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&info), 5);
  ASSERT_EQ(r.buffers.size(), 3u);
  GstVideoFrame frame;
  ASSERT_TRUE(gst_video_frame_map(&frame, &info, r.buffers[1], GST_MAP_READ));
  const auto* row1 = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
                     GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
  EXPECT_EQ(row1[3 * 4 + 0], 200);  // pixel (4, 1): R, G, B
  EXPECT_EQ(row1[3 * 4 + 1], 100);
  EXPECT_EQ(row1[3 * 4 + 2], 50);
  gst_video_frame_unmap(&frame);
  gst_harness_teardown(h);
}

TEST(DatasetSrc, LoopRestartsAndNumBuffersBoundsTheRun) {
  TempDir tmp;
  write_small_tree(tmp);
  GstHarness* h = gst_harness_new("datasetsrc");
  g_object_set(h->element, "location", (tmp / "data").c_str(), "loop", TRUE, "num-buffers", 7,
               nullptr);
  Received r;
  run_to_eos(h, &r);
  EXPECT_EQ(r.source_ids(),
            (std::vector<std::string>{"a/0", "a/1", "b/0", "a/0", "a/1", "b/0", "a/0"}));
  EXPECT_EQ(GST_BUFFER_OFFSET(r.buffers[6]), 6u);
  gst_harness_teardown(h);
}

// A loop over a dataset whose every file is unreadable must end rather than spin.
TEST(DatasetSrc, LoopOverOnlyUnreadableFilesEnds) {
  TempDir tmp;
  write_text(tmp / "data/a/0.png", "");
  GstHarness* h = gst_harness_new("datasetsrc");
  BusCapture bus(h->element);
  g_object_set(h->element, "location", (tmp / "data").c_str(), "loop", TRUE, nullptr);
  Received r;
  run_to_eos(h, &r);
  EXPECT_TRUE(r.buffers.empty());
  EXPECT_EQ(uint64_property(h, "skipped"), 1u);
  gst_harness_teardown(h);
}

TEST(DatasetSrc, RestartsFromTheFirstImageAfterAStateCycle) {
  TempDir tmp;
  write_small_tree(tmp);
  GstHarness* h = gst_harness_new("datasetsrc");
  g_object_set(h->element, "location", (tmp / "data").c_str(), nullptr);
  for (int round = 0; round < 2; ++round) {
    Received r;
    run_to_eos(h, &r);
    EXPECT_EQ(r.source_ids(), (std::vector<std::string>{"a/0", "a/1", "b/0"})) << round;
    gst_element_set_state(h->element, GST_STATE_NULL);
  }
  gst_harness_teardown(h);
}

}  // namespace

namespace {

guint64 summary_field(const GstStructure* s, const char* field) {
  guint64 v = G_MAXUINT64;
  EXPECT_TRUE(gst_structure_get_uint64(s, field, &v)) << field;
  return v;
}

// The formats fixture (tools/make_dataset_fixtures.py): every format by content in a/, files
// that are no images (or not decodable) in b/.
const std::string kFormats = std::string(HIGFA_FIXTURES_DIR) + "/images/formats";

}  // namespace

TEST(DatasetSrc, EveryFileIsReadOrReportedWithItsReason) {
  const bool gif = cv::haveImageReader(kFormats + "/b/anim.gif");  // OpenCV 4.6: no GIF reader
  GstHarness* h = gst_harness_new("datasetsrc");
  BusCapture bus(h->element);  // keeps the messages on a bus of the test's own
  g_object_set(h->element, "location", kFormats.c_str(), nullptr);
  Received r;
  run_to_eos(h, &r);
  const std::vector<std::string> ids = r.source_ids();
  const std::set<std::string> read(ids.begin(), ids.end());
  EXPECT_EQ(read.size(), ids.size());
  for (const char* id : {"a/lossless", "a/lossy", "a/rgb.bmp", "a/rgb.tiff", "a/codestream",
                         "a/sun", "a/radiance", "a/tuple", "b/png-named", "b/noext"}) {
    EXPECT_EQ(read.count(id), 1u) << id;
  }
  const guint64 files = 21;  // 14 in a/, 7 in b/ (one hidden)
  GstStructure* summary = nullptr;
  g_object_get(h->element, "summary", &summary, nullptr);
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary_field(summary, "files"), files);
  EXPECT_EQ(summary_field(summary, "read"), r.buffers.size());
  EXPECT_EQ(summary_field(summary, "read"), 16u + (gif ? 1 : 0));
  EXPECT_EQ(summary_field(summary, "not-an-image"), 2u);  // b/x.png, b/notes.txt
  EXPECT_EQ(summary_field(summary, "corrupt"), 1u);       // b/truncated.png
  EXPECT_EQ(summary_field(summary, "unsupported-format"), gif ? 0u : 1u);
  EXPECT_EQ(summary_field(summary, "hidden"), 1u);
  EXPECT_EQ(summary_field(summary, "too-large"), 0u);
  EXPECT_EQ(summary_field(summary, "skipped"), uint64_property(h, "skipped"));
  EXPECT_EQ(summary_field(summary, "read") + summary_field(summary, "skipped") +
                summary_field(summary, "hidden"),
            files);
  std::vector<std::string> warnings;
  std::vector<GstStructure*> posted;
  GstBus* b = gst_element_get_bus(h->element);
  while (GstMessage* m = gst_bus_pop(b)) {
    if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING) {
      GError* err = nullptr;
      gst_message_parse_warning(m, &err, nullptr);
      warnings.push_back(err->message);
      g_clear_error(&err);
    } else if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ELEMENT &&
               gst_structure_has_name(gst_message_get_structure(m), "higfa-dataset-summary")) {
      posted.push_back(gst_structure_copy(gst_message_get_structure(m)));
    }
    gst_message_unref(m);
  }
  gst_object_unref(b);
  EXPECT_EQ(warnings.size(), uint64_property(h, "skipped"));
  bool text_named = false;
  for (const auto& w : warnings) {
    text_named |=
        w.find("b/x.png") != std::string::npos && w.find("not-an-image") != std::string::npos;
  }
  EXPECT_TRUE(text_named) << "no not-an-image warning names b/x.png";
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_TRUE(gst_structure_is_equal(posted[0], summary));
  for (GstStructure* s : posted) gst_structure_free(s);
  gst_structure_free(summary);
  gst_harness_teardown(h);
}

TEST(DatasetSrc, ImageOverMaxPixelsIsSkippedFromItsHeaderNamingItsSize) {
  TempDir tmp;
  write_gray_png(tmp / "data/a/small.png", 0, 8, 6);
  write_gray_png(tmp / "data/a/wide.png", 1, 32, 4);
  GstHarness* h = gst_harness_new("datasetsrc");
  BusCapture bus(h->element);
  g_object_set(h->element, "location", (tmp / "data").c_str(), "max-pixels",
               G_GUINT64_CONSTANT(100), nullptr);
  Received r;
  run_to_eos(h, &r);
  EXPECT_EQ(r.source_ids(), (std::vector<std::string>{"a/small"}));
  const auto warnings = bus.texts(GST_MESSAGE_WARNING);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("wide.png"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("32 x 4 = 128 pixels"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("too-large"), std::string::npos) << warnings[0];
  guint64 max = 0;
  GstHarness* fresh = gst_harness_new("datasetsrc");
  g_object_get(fresh->element, "max-pixels", &max, nullptr);
  EXPECT_EQ(max, G_GUINT64_CONSTANT(64) << 20);
  gst_harness_teardown(fresh);
  gst_harness_teardown(h);
}

TEST(DatasetSrc, ImageOverMaxPixelsIsAnErrorWithoutSkipUnreadable) {
  TempDir tmp;
  write_gray_png(tmp / "data/a/wide.png", 1, 32, 4);
  GstHarness* h = gst_harness_new("datasetsrc");
  BusCapture bus(h->element);
  g_object_set(h->element, "location", (tmp / "data").c_str(), "max-pixels",
               G_GUINT64_CONSTANT(100), "skip-unreadable", FALSE, nullptr);
  Received r;
  run_to_eos(h, &r);
  EXPECT_TRUE(r.buffers.empty());
  const auto errors = bus.texts(GST_MESSAGE_ERROR);
  ASSERT_GE(errors.size(), 1u);
  EXPECT_NE(errors[0].find("wide.png"), std::string::npos) << errors[0];
  gst_harness_teardown(h);
}
