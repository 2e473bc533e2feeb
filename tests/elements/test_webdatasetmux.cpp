// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// GstHarness tests of webdatasetmux: tar members and checksums, JSON content, shard boundaries.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "gsthigfameta.h"

namespace {

constexpr std::size_t kBlock = 512;
// The magic and version fields of a ustar header: "ustar\0" then "00".
constexpr char kUstarMagic[] = {'u', 's', 't', 'a', 'r', '\0', '0', '0'};

// One member of the tar stream the element produced.
struct Member {
  std::string name;
  std::string data;
};

// The parsed output: members in order, and where each end-of-archive marker began.
struct Archive {
  std::vector<Member> members;
  std::vector<std::size_t> ends;  // byte offsets of the end-of-archive markers
  bool valid = true;              // every header's checksum and every size matched
};

bool all_zero(const std::string& bytes, std::size_t pos, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (bytes[pos + i] != 0) return false;
  return true;
}

// Reads `bytes` as a sequence of ustar members and end-of-archive markers, checking every
// header's checksum (the byte sum with the checksum field read as spaces).
Archive parse(const std::string& bytes) {
  Archive a;
  std::size_t pos = 0;
  while (pos + kBlock <= bytes.size()) {
    if (all_zero(bytes, pos, kBlock)) {
      if (pos + 2 * kBlock > bytes.size() || !all_zero(bytes, pos + kBlock, kBlock)) {
        a.valid = false;
        break;
      }
      a.ends.push_back(pos);
      pos += 2 * kBlock;
      continue;
    }
    const char* h = bytes.data() + pos;
    unsigned sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i)
      sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    const std::size_t size = std::stoull(std::string(h + 124, 11), nullptr, 8);
    if (sum != std::stoul(std::string(h + 148, 6), nullptr, 8) ||
        std::memcmp(h + 257, kUstarMagic, sizeof kUstarMagic) != 0 ||
        pos + kBlock + size > bytes.size()) {
      a.valid = false;
      break;
    }
    a.members.push_back({std::string(h, strnlen(h, 100)), bytes.substr(pos + kBlock, size)});
    pos += kBlock + (size + kBlock - 1) / kBlock * kBlock;
  }
  if (pos != bytes.size()) a.valid = false;
  return a;
}

std::string bytes_of(GstBuffer* b) {
  GstMapInfo map;
  gst_buffer_map(b, &map, GST_MAP_READ);
  std::string s(reinterpret_cast<const char*>(map.data), map.size);
  gst_buffer_unmap(b, &map);
  return s;
}

// A GRAY8 w×h frame whose pixel (x, y) is base + 10·y + x, labelled with class `cls` of source
// `id`; with `sample` >= 0 also a provenance meta for that sample index.
GstBuffer* frame(int w, int h, int base, int cls, const char* id, int sample = -1) {
  GstBuffer* b = gst_buffer_new_allocate(nullptr, static_cast<gsize>(w * h), nullptr);
  GstMapInfo map;
  gst_buffer_map(b, &map, GST_MAP_WRITE);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) map.data[y * w + x] = static_cast<guint8>(base + 10 * y + x);
  gst_buffer_unmap(b, &map);
  const char* names[] = {"a", "b", "c"};
  gst_buffer_add_higfa_label_meta(b, cls, cls >= 0 ? names[cls] : nullptr, nullptr, id, 0);
  if (sample >= 0) {
    GstHigfaTransformParams transform;
    gst_higfa_transform_params_init(&transform);
    transform.flip = TRUE;
    gst_buffer_add_higfa_provenance_meta(b, id, cls, names[cls], static_cast<guint>(sample),
                                         1234u + sample, "higfa", &transform, nullptr, 0.75);
  }
  return b;
}

// webdatasetmux with `props` in a harness with GRAY8 w×h caps.
GstHarness* make_harness(const std::string& props, int w = 4, int h = 3) {
  GstHarness* harness = gst_harness_new_parse(("webdatasetmux " + props).c_str());
  const std::string caps = "video/x-raw,format=GRAY8,width=" + std::to_string(w) +
                           ",height=" + std::to_string(h) + ",framerate=0/1";
  gst_harness_set_src_caps_str(harness, caps.c_str());
  return harness;
}

// Every buffer the harness has received, with its DISCONT flag.
std::vector<std::pair<std::string, bool>> pull_all(GstHarness* h) {
  std::vector<std::pair<std::string, bool>> out;
  while (GstBuffer* b = gst_harness_try_pull(h)) {
    out.emplace_back(bytes_of(b), GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DISCONT));
    gst_buffer_unref(b);
  }
  return out;
}

std::string concat(const std::vector<std::pair<std::string, bool>>& buffers) {
  std::string all;
  for (const auto& [bytes, discont] : buffers) all += bytes;
  return all;
}

TEST(WebDatasetMux, OutputsTarCaps) {
  GstHarness* h = make_harness("");
  gst_harness_push(h, frame(4, 3, 0, 1, "b/x"));
  GstCaps* caps = gst_pad_get_current_caps(h->sinkpad);
  ASSERT_NE(caps, nullptr);
  EXPECT_STREQ(gst_structure_get_name(gst_caps_get_structure(caps, 0)), "application/x-tar");
  gst_caps_unref(caps);
  gst_harness_teardown(h);
}

TEST(WebDatasetMux, EachFrameIsThreeValidMembersAndTheStreamEndsAtEos) {
  GstHarness* h = make_harness("");
  ASSERT_EQ(gst_harness_push(h, frame(4, 3, 0, 1, "b/x")), GST_FLOW_OK);
  ASSERT_EQ(gst_harness_push(h, frame(4, 3, 100, 2, "c/y")), GST_FLOW_OK);
  EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
  const auto buffers = pull_all(h);
  ASSERT_EQ(buffers.size(), 3u);  // one per frame, then the end-of-archive marker
  EXPECT_EQ(buffers[2].first, std::string(2 * kBlock, '\0'));
  const Archive a = parse(concat(buffers));
  ASSERT_TRUE(a.valid);
  ASSERT_EQ(a.members.size(), 6u);
  const char* names[] = {"b_x.png", "b_x.cls", "b_x.json", "c_y.png", "c_y.cls", "c_y.json"};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(a.members[i].name, names[i]);
  EXPECT_EQ(a.members[1].data, "1");
  EXPECT_EQ(a.members[4].data, "2");
  EXPECT_EQ(a.ends, std::vector<std::size_t>{concat(buffers).size() - 2 * kBlock});

  const std::string& png = a.members[3].data;
  const cv::Mat img =
      cv::imdecode(std::vector<uchar>(png.begin(), png.end()), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(img.type(), CV_8UC1);
  ASSERT_EQ(img.cols, 4);
  ASSERT_EQ(img.rows, 3);
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_EQ(img.at<uchar>(y, x), 100 + 10 * y + x);
  gst_harness_teardown(h);
}

TEST(WebDatasetMux, JsonCarriesKeyLabelAndProvenance) {
  GstHarness* h = make_harness("");
  gst_harness_push(h, frame(4, 3, 0, 2, "c/src 7", 3));
  const Archive a = parse(concat(pull_all(h)));
  ASSERT_TRUE(a.valid);
  ASSERT_EQ(a.members.size(), 3u);
  EXPECT_EQ(a.members[2].name, "c_src_7-s3.json");
  const auto json = nlohmann::json::parse(a.members[2].data);
  EXPECT_EQ(json["key"], "c_src_7-s3");
  EXPECT_EQ(json["class_id"], 2);
  EXPECT_EQ(json["label"]["class_name"], "c");
  EXPECT_EQ(json["label"]["source_id"], "c/src 7");
  EXPECT_EQ(json["provenance"]["sample_index"], 3);
  EXPECT_EQ(json["provenance"]["seed"], 1237);
  EXPECT_EQ(json["provenance"]["transform"]["flip"], true);
  EXPECT_DOUBLE_EQ(json["provenance"]["final_confidence"].get<double>(), 0.75);
  gst_harness_teardown(h);
}

TEST(WebDatasetMux, FrameWithoutClassHasNoClsMember) {
  GstHarness* h = make_harness("");
  gst_harness_push(h, frame(4, 3, 0, -1, nullptr));
  const Archive a = parse(concat(pull_all(h)));
  ASSERT_EQ(a.members.size(), 2u);
  EXPECT_EQ(a.members[0].name, "000000.png");
  EXPECT_EQ(a.members[1].name, "000000.json");
  gst_harness_teardown(h);
}

// shard-size 2 over 5 frames: archives {0, 1}, {2, 3}, {4}; each new archive starts with a
// DISCONT buffer (multifilesink next-file=discont) and the last one is closed at EOS.
TEST(WebDatasetMux, ShardsSplitEveryNFrames) {
  GstHarness* h = make_harness("shard-size=2");
  for (int i = 0; i < 5; ++i) {
    const std::string id = "a/" + std::to_string(i);
    ASSERT_EQ(gst_harness_push(h, frame(4, 3, i, 0, id.c_str())), GST_FLOW_OK);
  }
  gst_harness_push_event(h, gst_event_new_eos());
  const auto buffers = pull_all(h);
  ASSERT_EQ(buffers.size(), 6u);
  const bool discont[] = {true, false, true, false, true, false};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(buffers[i].second, discont[i]) << i;
  // Regroup the buffers into files the way multifilesink does, and read each file.
  std::vector<std::string> files;
  for (const auto& [bytes, starts] : buffers) {
    if (starts || files.empty()) files.emplace_back();
    files.back() += bytes;
  }
  ASSERT_EQ(files.size(), 3u);
  const std::size_t counts[] = {6, 6, 3};
  for (int f = 0; f < 3; ++f) {
    const Archive a = parse(files[f]);
    EXPECT_TRUE(a.valid) << f;
    EXPECT_EQ(a.members.size(), counts[f]) << f;
    ASSERT_EQ(a.ends.size(), 1u) << f;
    EXPECT_EQ(a.ends[0], files[f].size() - 2 * kBlock) << f;
  }
  EXPECT_EQ(parse(files[1]).members[0].name, "a_2.png");
  guint64 samples = 0;
  GstElement* mux = gst_harness_find_element(h, "webdatasetmux");
  g_object_get(mux, "samples", &samples, nullptr);
  gst_object_unref(mux);
  EXPECT_EQ(samples, 5u);
  gst_harness_teardown(h);
}

// A flush cuts the archive off; what follows is a new archive with fresh keys and caps.
TEST(WebDatasetMux, FlushStartsANewArchive) {
  GstHarness* h = make_harness("shard-size=3");
  gst_harness_push(h, frame(4, 3, 0, 0, nullptr));
  gst_harness_push(h, frame(4, 3, 0, 0, nullptr));
  EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_flush_start()));
  EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_flush_stop(TRUE)));
  gst_harness_set_src_caps_str(h, "video/x-raw,format=GRAY8,width=4,height=3,framerate=0/1");
  ASSERT_EQ(gst_harness_push(h, frame(4, 3, 0, 0, nullptr)), GST_FLOW_OK);
  const auto buffers = pull_all(h);
  ASSERT_EQ(buffers.size(), 3u);
  EXPECT_TRUE(buffers[2].second);
  const Archive a = parse(buffers[2].first);
  ASSERT_EQ(a.members.size(), 3u);
  EXPECT_EQ(a.members[0].name, "000000.png");
  gst_harness_teardown(h);
}

TEST(WebDatasetMux, EmptyStreamIsAnEmptyArchive) {
  GstHarness* h = make_harness("");
  gst_harness_play(h);
  gst_harness_push_event(h, gst_event_new_eos());
  const auto buffers = pull_all(h);
  ASSERT_EQ(buffers.size(), 1u);
  EXPECT_EQ(buffers[0].first, std::string(2 * kBlock, '\0'));
  gst_harness_teardown(h);
}

// RGB rows of 5 pixels are padded to 16 bytes by GstVideoInfo; the PNG must not see the padding.
TEST(WebDatasetMux, PaddedColourRowsAreEncodedWithoutPadding) {
  GstHarness* h = gst_harness_new_parse("webdatasetmux");
  gst_harness_set_src_caps_str(h, "video/x-raw,format=RGB,width=5,height=2,framerate=0/1");
  GstBuffer* b = gst_buffer_new_allocate(nullptr, 32, nullptr);
  GstMapInfo map;
  gst_buffer_map(b, &map, GST_MAP_WRITE);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 5; ++x) {
      map.data[16 * y + 3 * x] = static_cast<guint8>(10 * x);       // R
      map.data[16 * y + 3 * x + 1] = static_cast<guint8>(100 + y);  // G
      map.data[16 * y + 3 * x + 2] = 7;                             // B
    }
    map.data[16 * y + 15] = 0xEE;  // padding
  }
  gst_buffer_unmap(b, &map);
  gst_buffer_add_higfa_label_meta(b, 0, "a", nullptr, "rgb", 0);
  ASSERT_EQ(gst_harness_push(h, b), GST_FLOW_OK);
  const Archive a = parse(concat(pull_all(h)));
  ASSERT_EQ(a.members.size(), 3u);
  const std::string& png = a.members[0].data;
  const cv::Mat img =
      cv::imdecode(std::vector<uchar>(png.begin(), png.end()), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(img.type(), CV_8UC3);
  ASSERT_EQ(img.cols, 5);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 5; ++x)
      EXPECT_EQ(img.at<cv::Vec3b>(y, x), cv::Vec3b(7, 100 + y, 10 * x)) << x << "," << y;
  gst_harness_teardown(h);
}

TEST(WebDatasetMux, MtimeIsWrittenIntoEveryHeader) {
  GstHarness* h = make_harness("mtime=1767225600");
  gst_harness_push(h, frame(4, 3, 0, 0, "a/m"));
  const std::string bytes = concat(pull_all(h));
  ASSERT_GE(bytes.size(), kBlock);
  EXPECT_EQ(bytes.substr(136, 11), "15125334400");
  gst_harness_teardown(h);
}

}  // namespace
