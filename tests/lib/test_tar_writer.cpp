// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the ustar writer and the WebDataset encoder (keys, members, shards, PNG round trip).
#include <gtest/gtest.h>
#include <higfa/error.h>
#include <higfa/sample_id.h>
#include <higfa/tar_writer.h>
#include <higfa/webdataset.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

namespace {

using higfa::kTarBlockSize;

// The magic and version fields of a ustar header: "ustar\0" then "00".
constexpr char kUstarMagic[] = {'u', 's', 't', 'a', 'r', '\0', '0', '0'};

std::string field(const std::array<std::uint8_t, kTarBlockSize>& h, std::size_t off,
                  std::size_t len) {
  return std::string(reinterpret_cast<const char*>(h.data()) + off, len);
}

// One parsed member of an archive made by the code under test.
struct Member {
  std::string name;
  std::string data;
};

// Reads back the members of `bytes` (prefix + name, sizes from the octal field); stops at the
// first zero block, whose offset goes to `*end`.
std::vector<Member> parse_tar(const std::vector<std::uint8_t>& bytes, std::size_t* end) {
  std::vector<Member> members;
  std::size_t pos = 0;
  while (pos + kTarBlockSize <= bytes.size() && bytes[pos] != 0) {
    const char* h = reinterpret_cast<const char*>(bytes.data() + pos);
    std::string prefix(h + 345, strnlen(h + 345, 155));
    std::string name(h, strnlen(h, 100));
    const std::size_t size = std::stoull(std::string(h + 124, 11), nullptr, 8);
    members.push_back(
        {prefix.empty() ? name : prefix + "/" + name, std::string(h + kTarBlockSize, size)});
    pos += higfa::tar_member_size(size);
  }
  *end = pos;
  return members;
}

std::vector<std::uint8_t> gray_ramp(int w, int h, std::ptrdiff_t stride) {
  std::vector<std::uint8_t> px(static_cast<std::size_t>(stride) * h, 0xEE);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) px[y * stride + x] = static_cast<std::uint8_t>(16 * y + x);
  return px;
}

// Python's tarfile (format=USTAR_FORMAT) gives this header for "000001-s0.cls", 1 byte, mtime 0,
// mode 0644: its checksum field is "007477\0 ".
TEST(TarWriter, HeaderMatchesPythonTarfileByteSum) {
  const auto h = higfa::tar_header("000001-s0.cls", 1, 0);
  EXPECT_EQ(field(h, 0, 14), std::string("000001-s0.cls\0", 14));
  EXPECT_EQ(field(h, 100, 8), std::string("0000644\0", 8));
  EXPECT_EQ(field(h, 124, 12), std::string("00000000001\0", 12));
  EXPECT_EQ(field(h, 136, 12), std::string("00000000000\0", 12));
  EXPECT_EQ(field(h, 148, 8), std::string("007477\0 ", 8));
  EXPECT_EQ(h[156], '0');
  EXPECT_EQ(field(h, 257, 8), std::string(kUstarMagic, 8));
  EXPECT_EQ(field(h, 329, 16), std::string(16, '\0'));  // no device numbers
}

TEST(TarWriter, ChecksumCountsSizeAndMtime) {
  // tarfile: "x.json", 12345 bytes, mtime 1767225600 -> size "00000030071", chksum "007144".
  const auto h = higfa::tar_header("x.json", 12345, 1767225600);
  EXPECT_EQ(field(h, 124, 12), std::string("00000030071\0", 12));
  EXPECT_EQ(field(h, 136, 12), std::string("15125334400\0", 12));
  EXPECT_EQ(field(h, 148, 8), std::string("007144\0 ", 8));
  unsigned sum = 0;
  for (std::size_t i = 0; i < kTarBlockSize; ++i) sum += (i >= 148 && i < 156) ? ' ' : h[i];
  EXPECT_EQ(sum, std::stoul(field(h, 148, 6), nullptr, 8));
}

TEST(TarWriter, LongNameIsSplitIntoPrefixLikeTarfile) {
  const std::string name = std::string(120, 'd') + "/" + std::string(90, 'f');
  const auto h = higfa::tar_header(name, 0, 0);
  EXPECT_EQ(field(h, 0, 91), std::string(90, 'f') + '\0');
  EXPECT_EQ(field(h, 345, 121), std::string(120, 'd') + '\0');
  EXPECT_EQ(field(h, 148, 8), std::string("057231\0 ", 8));
}

TEST(TarWriter, RejectsNamesUstarCannotHold) {
  EXPECT_THROW(higfa::tar_header("", 0), higfa::InvalidArgument);
  EXPECT_THROW(higfa::tar_header(std::string(101, 'x'), 0), higfa::InvalidArgument);
  EXPECT_THROW(higfa::tar_header(std::string(156, 'd') + "/f", 0), higfa::InvalidArgument);
  EXPECT_THROW(higfa::tar_header(std::string("a\0b", 3), 0), higfa::InvalidArgument);
  EXPECT_THROW(higfa::tar_header("big", higfa::kTarMaxMemberSize + 1), higfa::InvalidArgument);
}

TEST(TarWriter, MemberIsPaddedToWholeBlocks) {
  std::vector<std::uint8_t> out;
  higfa::append_tar_member(out, "a.txt", std::string(513, 'z'));
  ASSERT_EQ(out.size(), 3 * kTarBlockSize);
  EXPECT_EQ(out[kTarBlockSize + 512], 'z');
  EXPECT_EQ(out[kTarBlockSize + 513], 0);
  higfa::append_tar_member(out, "empty", std::string());
  EXPECT_EQ(out.size(), 4 * kTarBlockSize);
  higfa::append_tar_end(out);
  EXPECT_EQ(out.size(), 6 * kTarBlockSize);
}

TEST(TarWriter, PythonTarfileReadsTheArchiveBack) {
  if (access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  std::vector<std::uint8_t> out;
  higfa::append_tar_member(out, "k.cls", std::string("7"));
  higfa::append_tar_member(out, std::string(110, 'p') + "/k.json", std::string("{\"a\": 1}"));
  higfa::append_tar_end(out);
  char path[] = "/tmp/higfa-tar-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, out.data(), out.size()), static_cast<ssize_t>(out.size()));
  close(fd);
  const std::string cmd = std::string("/usr/bin/python3 -c \"import sys, tarfile\n") +
                          "t = tarfile.open(sys.argv[1], 'r:')\n" +
                          "ms = [(m.name, t.extractfile(m).read().decode()) for m in t]\n" +
                          "sys.exit(0 if ms == [('k.cls', '7'), ('" + std::string(110, 'p') +
                          "/k.json', '{\\\"a\\\": 1}')] else 1)\" " + path;
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  std::remove(path);
}

TEST(WebDatasetKey, UsesSourceIdAndSampleIndexAndSanitises) {
  EXPECT_EQ(higfa::sample_id("Ankle boot/50000", 3, 9), "Ankle_boot_50000-s3");
  EXPECT_EQ(higfa::sample_id("a/img.v2", -1, 9), "a_img_v2");
  EXPECT_EQ(higfa::sample_id("", -1, 42), "000042");
}

TEST(WebDatasetKey, LongKeysAreShortenedWithAHash) {
  const std::string a = higfa::sample_id(std::string(100, 'x') + "a", 0, 0);
  const std::string b = higfa::sample_id(std::string(100, 'x') + "b", 0, 0);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.substr(0, 47), std::string(47, 'x'));
}

TEST(WebDatasetEncoder, SampleHasPngClsAndJsonMembers) {
  std::vector<std::uint8_t> px = gray_ramp(5, 4, 8);  // padded rows: stride 8 > width 5
  const higfa::ImageView view{px.data(), 5, 4, 8, higfa::PixelFormat::kGray8};
  higfa::WebDatasetEncoder enc;
  const auto chunk =
      enc.add(view, {"c/img1", 2, 1, R"({"provenance": {"seed": 7}, "key": "ignored"})"});
  EXPECT_EQ(chunk.key, "c_img1-s2");
  EXPECT_TRUE(chunk.starts_shard);
  EXPECT_FALSE(chunk.ends_shard);
  std::size_t end = 0;
  const auto members = parse_tar(chunk.bytes, &end);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(end, chunk.bytes.size());
  EXPECT_EQ(members[0].name, "c_img1-s2.png");
  EXPECT_EQ(members[1].name, "c_img1-s2.cls");
  EXPECT_EQ(members[1].data, "1");
  EXPECT_EQ(members[2].name, "c_img1-s2.json");
  const auto json = nlohmann::json::parse(members[2].data);
  EXPECT_EQ(json["key"], "c_img1-s2");
  EXPECT_EQ(json["class_id"], 1);
  EXPECT_EQ(json["provenance"]["seed"], 7);

  const std::vector<std::uint8_t> png(members[0].data.begin(), members[0].data.end());
  const cv::Mat decoded = cv::imdecode(png, cv::IMREAD_UNCHANGED);
  ASSERT_EQ(decoded.type(), CV_8UC1);
  ASSERT_EQ(decoded.cols, 5);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x) EXPECT_EQ(decoded.at<std::uint8_t>(y, x), 16 * y + x);
}

TEST(WebDatasetEncoder, UnknownClassHasNoClsMember) {
  std::vector<std::uint8_t> px = gray_ramp(2, 2, 2);
  higfa::WebDatasetEncoder enc;
  const auto chunk = enc.add({px.data(), 2, 2, 2, higfa::PixelFormat::kGray8}, {});
  std::size_t end = 0;
  const auto members = parse_tar(chunk.bytes, &end);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].name, "000000.png");
  EXPECT_EQ(members[1].name, "000000.json");
  EXPECT_TRUE(nlohmann::json::parse(members[1].data)["class_id"].is_null());
}

TEST(WebDatasetEncoder, RepeatedKeysGetSuffixesWithinAnArchive) {
  std::vector<std::uint8_t> px = gray_ramp(2, 2, 2);
  const higfa::ImageView view{px.data(), 2, 2, 2, higfa::PixelFormat::kGray8};
  higfa::WebDatasetEncoder enc;
  EXPECT_EQ(enc.add(view, {"x", 0, 0, ""}).key, "x-s0");
  EXPECT_EQ(enc.add(view, {"x", 0, 0, ""}).key, "x-s0-1");
  EXPECT_EQ(enc.add(view, {"x", 0, 0, ""}).key, "x-s0-2");
  EXPECT_EQ(enc.add(view, {"x-s0-3", -1, 0, ""}).key, "x-s0-3");
  EXPECT_EQ(enc.add(view, {"x", 0, 0, ""}).key, "x-s0-4");
}

// An endless archive remembers the keys of its last 65536 samples only (bounded memory).
TEST(WebDatasetEncoder, KeysAreUniqueWithinAWindowOfTheArchive) {
  std::vector<std::uint8_t> px = gray_ramp(1, 1, 1);
  const higfa::ImageView view{px.data(), 1, 1, 1, higfa::PixelFormat::kGray8};
  higfa::WebDatasetEncoder enc;
  std::string last;
  for (int i = 0; i <= 65536; ++i) last = enc.add(view, {"x", -1, 0, ""}).key;
  EXPECT_EQ(last, "x-65536");
  EXPECT_EQ(enc.add(view, {"x", -1, 0, ""}).key, "x");  // the first "x" has left the window
  EXPECT_EQ(enc.add(view, {"x", -1, 0, ""}).key, "x-65537");
}

TEST(WebDatasetEncoder, ShardsEndEveryNSamples) {
  std::vector<std::uint8_t> px = gray_ramp(2, 2, 2);
  const higfa::ImageView view{px.data(), 2, 2, 2, higfa::PixelFormat::kGray8};
  higfa::WebDatasetEncoder enc({2, 0});
  std::vector<higfa::WebDatasetChunk> chunks;
  for (int i = 0; i < 5; ++i) chunks.push_back(enc.add(view, {"x", -1, 0, ""}));
  const std::vector<bool> starts = {true, false, true, false, true};
  const std::vector<bool> ends = {false, true, false, true, false};
  const std::vector<std::uint64_t> shards = {0, 0, 1, 1, 2};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(chunks[i].starts_shard, starts[i]) << i;
    EXPECT_EQ(chunks[i].ends_shard, ends[i]) << i;
    EXPECT_EQ(chunks[i].shard, shards[i]) << i;
  }
  EXPECT_EQ(chunks[2].key, "x");  // keys are unique per archive
  const auto last = enc.finish();
  EXPECT_EQ(last.bytes.size(), 2 * kTarBlockSize);
  EXPECT_FALSE(last.starts_shard);
  EXPECT_EQ(last.shard, 2u);
  EXPECT_TRUE(enc.finish().bytes.empty());
  EXPECT_EQ(enc.samples(), 5u);
}

TEST(WebDatasetEncoder, FinishAtAShardBoundaryAddsNothing) {
  std::vector<std::uint8_t> px = gray_ramp(2, 2, 2);
  higfa::WebDatasetEncoder enc({1, 0});
  const auto chunk = enc.add({px.data(), 2, 2, 2, higfa::PixelFormat::kGray8}, {});
  EXPECT_TRUE(chunk.starts_shard && chunk.ends_shard);
  EXPECT_TRUE(enc.finish().bytes.empty());
}

TEST(WebDatasetEncoder, EmptyStreamIsAnEmptyArchive) {
  higfa::WebDatasetEncoder enc;
  const auto chunk = enc.finish();
  EXPECT_EQ(chunk.bytes, std::vector<std::uint8_t>(2 * kTarBlockSize, 0));
  EXPECT_TRUE(chunk.starts_shard && chunk.ends_shard);
}

TEST(WebDatasetEncoder, BadMetasLeaveTheStateUnchanged) {
  std::vector<std::uint8_t> px = gray_ramp(2, 2, 2);
  const higfa::ImageView view{px.data(), 2, 2, 2, higfa::PixelFormat::kGray8};
  higfa::WebDatasetEncoder enc({2, 0});
  EXPECT_THROW(enc.add(view, {"x", 0, 0, "[1]"}), higfa::InvalidArgument);
  EXPECT_THROW(enc.add({nullptr, 2, 2, 2, higfa::PixelFormat::kGray8}, {}), higfa::InvalidArgument);
  EXPECT_EQ(enc.samples(), 0u);
  EXPECT_TRUE(enc.add(view, {"x", 0, 0, ""}).starts_shard);
}

TEST(WebDatasetEncoder, ColourFormatsKeepTheirPixels) {
  // RGBx-like BGRx frame of one pixel: B=10, G=20, R=30, x=99 -> a 3-channel PNG (BGR in cv).
  std::vector<std::uint8_t> px = {10, 20, 30, 99};
  const auto png = higfa::encode_png({px.data(), 1, 1, 4, higfa::PixelFormat::kBgrx});
  const cv::Mat m = cv::imdecode(png, cv::IMREAD_UNCHANGED);
  ASSERT_EQ(m.type(), CV_8UC3);
  EXPECT_EQ(m.at<cv::Vec3b>(0, 0), cv::Vec3b(10, 20, 30));
  std::vector<std::uint8_t> rgb = {30, 20, 10};
  const cv::Mat m2 = cv::imdecode(
      higfa::encode_png({rgb.data(), 1, 1, 3, higfa::PixelFormat::kRgb}), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(m2.at<cv::Vec3b>(0, 0), cv::Vec3b(10, 20, 30));
}

}  // namespace
