// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of dataset listing, class lists, sharding, decoding (dataset.h) and DatasetWriter.
#include <gtest/gtest.h>
#include <higfa/dataset.h>
#include <higfa/dataset_writer.h>
#include <higfa/error.h>
#include <higfa/image_header.h>
#include <higfa/sample_id.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace fs = std::filesystem;

namespace {

const std::string kImages = std::string(HIGFA_FIXTURES_DIR) + "/images";

// The GRAY8 fixture pattern written by tools/make_dataset_fixtures.py.
std::uint8_t pattern(int k, int x, int y) {
  return static_cast<std::uint8_t>((x * 31 + y * 17 + k * 7) % 256);
}

std::vector<std::string> labels_of(const std::vector<higfa::DatasetEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) {
    out.push_back(e.label);
  }
  return out;
}

using higfa_test::TempDir;

std::vector<nlohmann::json> read_manifest(const std::string& dir) {
  std::ifstream in(dir + "/manifest.jsonl");
  std::vector<nlohmann::json> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

TEST(Dataset, ClassDirNameReplacesSeparatorsAndLeadingDot) {
  EXPECT_EQ(higfa::class_dir_name("T-shirt/top"), "T-shirt_top");
  EXPECT_EQ(higfa::class_dir_name("Ankle boot"), "Ankle boot");
  EXPECT_EQ(higfa::class_dir_name("a\\b\tc"), "a_b_c");
  EXPECT_EQ(higfa::class_dir_name(".."), "_.");
  EXPECT_EQ(higfa::class_dir_name(""), "_");
}

TEST(Dataset, ImageFolderIsSortedByClassThenPathAndSkipsHiddenFiles) {
  const auto entries = higfa::list_image_folder(kImages + "/folder");
  std::vector<std::string> ids;
  for (const auto& e : entries) {
    ids.push_back(e.source_id);
    EXPECT_EQ(e.index, ids.size() - 1);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"a/0", "a/1", "b/0", "b/sub/1", "c/0", "c/1", "c/2"}));
  EXPECT_EQ(labels_of(entries), (std::vector<std::string>{"a", "a", "b", "b", "c", "c", "c"}));
  EXPECT_EQ(entries[3].path, kImages + "/folder/b/sub/1.png");
}

TEST(Dataset, ClassListDefaultsToSortedFolderNames) {
  const auto ds = higfa::open_dataset({kImages + "/folder", "", "", {}});
  EXPECT_EQ(ds.class_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ds.entries[2].class_id, 1);
  EXPECT_EQ(ds.entries[6].class_id, 2);
}

TEST(Dataset, LabelsFileDefinesClassIds) {
  TempDir tmp;
  std::ofstream(tmp.path() + "/labels.txt") << "c\nb\n\na\r\n";
  const auto ds = higfa::open_dataset({kImages + "/folder", "", tmp.path() + "/labels.txt", {}});
  EXPECT_EQ(ds.class_names, (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(ds.entries[0].class_id, 2);  // a
  EXPECT_EQ(ds.entries[4].class_id, 0);  // c
}

TEST(Dataset, FolderMatchesClassByDirectoryForm) {
  TempDir tmp;
  fs::create_directories(tmp.path() + "/T-shirt_top");
  fs::copy_file(kImages + "/folder/a/0.png", tmp.path() + "/T-shirt_top/x.png");
  const auto ds = higfa::open_dataset({tmp.path(), "", "", {"Trouser", "T-shirt/top"}});
  ASSERT_EQ(ds.entries.size(), 1u);
  EXPECT_EQ(ds.entries[0].label, "T-shirt/top");
  EXPECT_EQ(ds.entries[0].class_id, 1);
  EXPECT_EQ(ds.entries[0].source_id, "T-shirt_top/x");
}

TEST(Dataset, UnknownClassNamesFileLabelAndKnownClasses) {
  try {
    higfa::open_dataset({kImages + "/unknown", "", "", {"a", "b", "c"}});
    FAIL() << "expected InvalidArgument";
  } catch (const higfa::InvalidArgument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("unknown/z"), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"z\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"a\", \"b\", \"c\""), std::string::npos) << msg;
  }
}

TEST(Dataset, LabelsFileAndModelClassesMustAgree) {
  EXPECT_THROW(higfa::open_dataset({kImages + "/folder", "", kImages + "/labels.txt", {"a", "b"}}),
               higfa::InvalidArgument);
  EXPECT_NO_THROW(
      higfa::open_dataset({kImages + "/folder", "", kImages + "/labels.txt", {"a", "b", "c"}}));
}

TEST(Dataset, CsvAndJsonlManifestsListTheSameEntriesInFileOrder) {
  for (const char* name : {"/manifest.csv", "/manifest.jsonl"}) {
    const auto ds = higfa::open_dataset({"", kImages + name, "", {"a", "b", "c"}});
    ASSERT_EQ(ds.entries.size(), 3u) << name;
    EXPECT_EQ(ds.entries[0].path, kImages + "/folder/a/0.png");
    EXPECT_EQ(ds.entries[1].source_id, "folder/c/0");
    EXPECT_EQ(ds.entries[2].class_id, 1);
    EXPECT_EQ(labels_of(ds.entries), (std::vector<std::string>{"a", "c", "b"}));
  }
}

TEST(Dataset, ManifestWithoutClassListUsesSortedDistinctLabels) {
  const auto ds = higfa::open_dataset({"", kImages + "/manifest.jsonl", "", {}});
  EXPECT_EQ(ds.class_names, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Dataset, MalformedManifestLineIsReportedWithItsLineNumber) {
  TempDir tmp;
  std::ofstream(tmp.path() + "/m.jsonl") << "{\"path\": \"x.png\", \"label\": \"a\"}\n{oops\n";
  try {
    higfa::list_manifest(tmp.path() + "/m.jsonl");
    FAIL() << "expected InvalidArgument";
  } catch (const higfa::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("m.jsonl:2"), std::string::npos) << e.what();
  }
}

TEST(Dataset, ShardsAreDisjointAndComplete) {
  const auto entries = higfa::list_image_folder(kImages + "/folder");
  std::multiset<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    for (const auto& e : higfa::shard_entries(entries, i, 3)) {
      EXPECT_EQ(e.index % 3, static_cast<std::size_t>(i));
      seen.insert(e.source_id);
    }
  }
  EXPECT_EQ(seen.size(), entries.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), entries.size());
  EXPECT_THROW(higfa::shard_entries(entries, 3, 3), higfa::InvalidArgument);
  EXPECT_THROW(higfa::shard_entries(entries, 0, 0), higfa::InvalidArgument);
}

TEST(Dataset, DecodesGreyAsGray8WithExactPixels) {
  auto img = higfa::decode_image(kImages + "/folder/a/1.png");
  ASSERT_EQ(img.format, higfa::PixelFormat::kGray8);
  ASSERT_EQ(img.width, 8);
  ASSERT_EQ(img.height, 6);
  EXPECT_EQ(img.pixels[5 * 8 + 7], pattern(1, 7, 5));
}

TEST(Dataset, DecodesColourAsRgb) {
  auto img = higfa::decode_image(kImages + "/folder/b/0.png");
  ASSERT_EQ(img.format, higfa::PixelFormat::kRgb);
  ASSERT_EQ(img.width, 5);
  const std::uint8_t* px = img.pixels.data() + (2 * 5 + 3) * 3;  // x 3, y 2
  EXPECT_EQ(px[0], 120);
  EXPECT_EQ(px[1], 100);
  EXPECT_EQ(px[2], 200);
}

TEST(Dataset, Scales16BitToEightBits) {
  auto img = higfa::decode_image(kImages + "/folder/c/1.png");
  ASSERT_EQ(img.format, higfa::PixelFormat::kGray8);
  EXPECT_EQ(img.pixels[3 * 8 + 4], pattern(3, 4, 3));
}

TEST(Dataset, CompositesAlphaOverBlack) {
  auto img = higfa::decode_image(kImages + "/folder/c/2.png");
  ASSERT_EQ(img.format, higfa::PixelFormat::kRgb);
  EXPECT_EQ(img.pixels[0], 200);  // opaque left half
  EXPECT_EQ(img.pixels[2], 50);
  EXPECT_EQ(img.pixels[3 * 3 + 0], 0);  // transparent right half
}

TEST(Dataset, UnreadableFilesThrowErrorNamingTheFile) {
  for (const char* f :
       {"/broken/a/1-zero.png", "/broken/a/2-corrupt.png", "/broken/b/0-truncated.png",
        "/broken/b/1-truncated.jpg", "/broken/a/missing.png"}) {
    try {
      higfa::decode_image(kImages + f);
      ADD_FAILURE() << f << " decoded";
    } catch (const higfa::Error& e) {
      EXPECT_NE(std::string(e.what()).find(kImages + f), std::string::npos) << e.what();
    }
  }
}

higfa::ImageView gray_view(std::vector<std::uint8_t>& px, int w, int h) {
  return {px.data(), w, h, w, higfa::PixelFormat::kGray8};
}

const std::string kFormats = kImages + "/formats";

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

higfa::SkipReason decode_reason(const std::string& path, const higfa::DecodeLimits& limits = {}) {
  try {
    higfa::decode_image(path, limits);
  } catch (const higfa::ImageDecodeError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    return e.reason();
  }
  ADD_FAILURE() << path << " decoded";
  return higfa::SkipReason::kHidden;
}

TEST(Dataset, FormatIsToldByContentNotByName) {
  const std::string png = read_all(kFormats + "/b/png-named.jpg");
  const std::string text = read_all(kFormats + "/b/x.png");
  auto sniff = [](const std::string& b) {
    return higfa::sniff_image_format(reinterpret_cast<const std::uint8_t*>(b.data()), b.size());
  };
  EXPECT_EQ(sniff(png), higfa::ImageFormat::kPng);
  EXPECT_EQ(sniff(read_all(kFormats + "/a/lossy.webp")), higfa::ImageFormat::kWebp);
  EXPECT_EQ(sniff(text), higfa::ImageFormat::kUnknown);
  EXPECT_EQ(higfa::decode_image(kFormats + "/b/png-named.jpg").width, 8);
  EXPECT_EQ(higfa::decode_image(kFormats + "/b/noext").height, 6);
}

// The header readers agree with the decoder on every format of the fixture tree.
TEST(Dataset, HeaderSizeOfEveryFormatIsTheDecodedSize) {
  std::set<higfa::ImageFormat> formats;
  for (const auto& f : fs::directory_iterator(kFormats + "/a")) {
    SCOPED_TRACE(f.path().string());
    const std::string bytes = read_all(f.path().string());
    const auto h = higfa::read_image_header(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            bytes.size(), f.path().string());
    formats.insert(h.format);
    const auto img = higfa::decode_image(f.path().string());
    EXPECT_EQ(h.width, static_cast<std::uint64_t>(img.width));
    EXPECT_EQ(h.height, static_cast<std::uint64_t>(img.height));
  }
  EXPECT_EQ(formats.size(), 11u);  // png jpeg bmp tiff webp pnm pam pfm sun-raster hdr jpeg2000
  EXPECT_EQ(formats.count(higfa::ImageFormat::kUnknown), 0u);
}

TEST(Dataset, OpenExrHeaderIsReadAndDecodedWhereOpenCvAllowsIt) {
  const std::string path = kImages + "/exr/a/img.exr";
  const std::string bytes = read_all(path);
  const auto h = higfa::read_image_header(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                          bytes.size(), path);
  EXPECT_EQ(h.format, higfa::ImageFormat::kOpenExr);
  EXPECT_EQ(h.width, 5u);
  EXPECT_EQ(h.height, 4u);
  try {
    EXPECT_EQ(higfa::decode_image(path).width, 5);
  } catch (const higfa::ImageDecodeError& e) {
    EXPECT_EQ(e.reason(), higfa::SkipReason::kUnsupportedFormat) << e.what();
  }
}

TEST(Dataset, EachUndecodableFileHasItsReason) {
  EXPECT_EQ(decode_reason(kFormats + "/b/x.png"), higfa::SkipReason::kNotAnImage);
  EXPECT_EQ(decode_reason(kFormats + "/b/truncated.png"), higfa::SkipReason::kCorrupt);
  EXPECT_EQ(decode_reason(kImages + "/broken/a/1-zero.png"), higfa::SkipReason::kCorrupt);
  EXPECT_EQ(decode_reason(kImages + "/broken/a/missing.png"), higfa::SkipReason::kUnreadable);
  if (!cv::haveImageReader(kFormats + "/b/anim.gif")) {
    EXPECT_EQ(decode_reason(kFormats + "/b/anim.gif"), higfa::SkipReason::kUnsupportedFormat);
  }
}

TEST(Dataset, PixelLimitRefusesAnImageFromItsHeader) {
  const std::string jpg = kFormats + "/a/photo.jpg";  // 16 x 16
  try {
    higfa::decode_image(jpg, {255});
    FAIL() << "decoded over the limit";
  } catch (const higfa::ImageDecodeError& e) {
    EXPECT_EQ(e.reason(), higfa::SkipReason::kTooLarge);
    EXPECT_NE(std::string(e.what()).find("16 x 16 = 256 pixels"), std::string::npos) << e.what();
  }
  EXPECT_EQ(higfa::decode_image(jpg, {256}).width, 16);
  EXPECT_EQ(higfa::decode_image(jpg, {0}).width, 16);  // 0: no limit
  EXPECT_EQ(higfa::DecodeLimits{}.max_pixels, 64u << 20);
}

TEST(Dataset, ImageFolderReadsByContentAndReportsEveryOtherFile) {
  std::vector<higfa::SkippedFile> skipped;
  const auto entries = higfa::list_image_folder(kFormats, &skipped);
  std::size_t files = 0;
  for (const auto& f : fs::recursive_directory_iterator(kFormats)) files += f.is_regular_file();
  EXPECT_EQ(entries.size() + skipped.size(), files);
  std::map<std::string, higfa::SkipReason> reasons;
  for (const auto& s : skipped) {
    reasons[fs::path(s.path).filename().string()] = s.reason;
    EXPECT_NE(s.detail.find(s.path), std::string::npos) << s.detail;
  }
  EXPECT_EQ(reasons,
            (std::map<std::string, higfa::SkipReason>{{".DS_Store", higfa::SkipReason::kHidden},
                                                      {"notes.txt", higfa::SkipReason::kNotAnImage},
                                                      {"x.png", higfa::SkipReason::kNotAnImage}}));
  std::set<std::string> ids;
  for (const auto& e : entries) ids.insert(e.source_id);
  EXPECT_EQ(ids.size(), entries.size());
  for (const char* id : {"a/rgb.bmp", "a/rgb.tiff", "a/lossy", "a/lossless", "b/png-named",
                         "b/noext", "b/truncated"}) {
    EXPECT_EQ(ids.count(id), 1u) << id;
  }
}

TEST(Dataset, SharedStemsKeepTheirExtensionWhateverTheOrder) {
  std::vector<std::string> rel = {"c/x.png", "c/x.png.jpg", "c/x.jpg", "c/y.png", "c/z"};
  std::vector<higfa::DatasetEntry> entries(rel.size());
  higfa::assign_source_ids(entries, rel);
  std::vector<std::string> ids;
  for (const auto& e : entries) ids.push_back(e.source_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"c/x.png", "c/x.png.jpg", "c/x.jpg", "c/y", "c/z"}));
  std::reverse(rel.begin(), rel.end());
  higfa::assign_source_ids(entries, rel);
  EXPECT_EQ(entries[0].source_id, "c/z");
  EXPECT_EQ(entries[2].source_id, "c/x.jpg");
  EXPECT_EQ(entries[4].source_id, "c/x.png");
}

TEST(Dataset, ManifestRowRepeatingAFileIsReportedAsDuplicate) {
  std::vector<higfa::SkippedFile> skipped;
  const auto entries = higfa::parse_manifest(
      "path,label\na/0.png,a\nb/1.png,b\n./a/0.png,a\na/0.bmp,a\n", "/d/m.csv", &skipped);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].source_id, "a/0.png");
  EXPECT_EQ(entries[1].source_id, "b/1");
  EXPECT_EQ(entries[2].source_id, "a/0.bmp");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].reason, higfa::SkipReason::kDuplicate);
  EXPECT_EQ(skipped[0].path, "/d/a/0.png");
  EXPECT_NE(skipped[0].detail.find("/d/m.csv:4"), std::string::npos) << skipped[0].detail;
  EXPECT_NE(skipped[0].detail.find("line 2"), std::string::npos) << skipped[0].detail;
}

TEST(SampleId, DatasetWriterNamesASampleAsTheWebDatasetKeyDoes) {
  TempDir tmp;
  std::vector<std::uint8_t> px(4, 9);
  higfa::DatasetWriter w(tmp.path(), false);
  for (const char* source : {"Ankle boot/50000", "a/rgb.bmp", "a/rgb.tiff"}) {
    const auto written = w.write(gray_view(px, 2, 2), {"a", source, 3, ""});
    EXPECT_EQ(written.id, higfa::sample_id(source, 3, 0)) << source;
  }
  EXPECT_EQ(higfa::sample_id("a/rgb.bmp", 0, 0), "a_rgb_bmp-s0");
}

TEST(DatasetWriter, WritesFilesThenManifestLinesWithStableIds) {
  TempDir tmp;
  std::vector<std::uint8_t> px(8 * 6);
  for (int i = 0; i < 48; ++i) {
    px[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i * 5);
  }
  {
    higfa::DatasetWriter w(tmp.path() + "/out", false);
    const auto a = w.write(gray_view(px, 8, 6), {"T-shirt/top", "T-shirt_top/50003", 2,
                                                 R"({"seed": 7, "id": "ignored"})", 0});
    EXPECT_EQ(a.path, "T-shirt_top/T-shirt_top_50003-s2.png");
    const auto b = w.write(gray_view(px, 8, 6), {"Coat", "", -1, ""});
    const auto c = w.write(gray_view(px, 8, 6), {"Coat", "", -1, ""});
    EXPECT_EQ(b.id, "000000");
    EXPECT_EQ(c.id, "000001");
    EXPECT_EQ(w.count(), 3u);
    EXPECT_EQ(w.class_counts().at("Coat"), 2u);
    w.close();
  }
  const auto lines = read_manifest(tmp.path() + "/out");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["class_name"], "T-shirt/top");
  EXPECT_EQ(lines[0]["class_id"], 0);
  EXPECT_EQ(lines[0]["source_id"], "T-shirt_top/50003");
  EXPECT_EQ(lines[0]["sample_index"], 2);
  EXPECT_EQ(lines[0]["id"], "T-shirt_top_50003-s2");
  EXPECT_EQ(lines[0]["seed"], 7);
  EXPECT_TRUE(lines[1]["class_id"].is_null());
  EXPECT_EQ(lines[0]["width"], 8);
  EXPECT_TRUE(higfa::check_manifest(tmp.path() + "/out").empty());
  auto back = higfa::decode_image(tmp.path() + "/out/" + lines[0]["path"].get<std::string>());
  EXPECT_EQ(back.pixels, px);
}

TEST(DatasetWriter, TakenIdsGetASuffix) {
  TempDir tmp;
  std::vector<std::uint8_t> px(4, 9);
  higfa::DatasetWriter w(tmp.path(), false);
  EXPECT_EQ(w.write(gray_view(px, 2, 2), {"a", "a/0", -1, ""}).id, "a_0");
  EXPECT_EQ(w.write(gray_view(px, 2, 2), {"a", "a/0", -1, ""}).id, "a_0-1");
}

TEST(DatasetWriter, RefusesANonEmptyManifestUnlessOverwrite) {
  TempDir tmp;
  std::vector<std::uint8_t> px(4, 9);
  {
    higfa::DatasetWriter w(tmp.path(), false);
    w.write(gray_view(px, 2, 2), {"a", "x", -1, ""});
  }
  fs::create_directories(tmp.path() + "/a");
  std::ofstream(tmp.path() + "/a/unrelated.txt") << "keep me";
  EXPECT_THROW(higfa::DatasetWriter(tmp.path(), false), higfa::Error);
  higfa::DatasetWriter w(tmp.path(), true);
  EXPECT_FALSE(fs::exists(tmp.path() + "/a/x.png"));  // named by the old manifest: removed
  EXPECT_TRUE(fs::exists(tmp.path() + "/a/unrelated.txt"));
  EXPECT_EQ(fs::file_size(w.manifest_path()), 0u);
}

TEST(DatasetWriter, ConvertsColourFormatsToPng) {
  TempDir tmp;
  std::vector<std::uint8_t> bgrx = {10, 20, 30, 0, 40, 50, 60, 0};  // 2x1 BGRx
  higfa::DatasetWriter w(tmp.path(), false);
  const auto out = w.write({bgrx.data(), 2, 1, 8, higfa::PixelFormat::kBgrx}, {"a", "p", -1, ""});
  w.close();
  const auto img = higfa::decode_image(tmp.path() + "/" + out.path);
  ASSERT_EQ(img.format, higfa::PixelFormat::kRgb);
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{30, 20, 10, 60, 50, 40}));
}

TEST(DatasetWriter, AFailedWriteLeavesManifestConsistentWithFiles) {
  TempDir tmp;
  std::vector<std::uint8_t> px(4, 9);
  higfa::DatasetWriter w(tmp.path(), false);
  w.write(gray_view(px, 2, 2), {"a", "x", -1, ""});
  std::ofstream(tmp.path() + "/b") << "a file where a class directory must go";
  EXPECT_THROW(w.write(gray_view(px, 2, 2), {"b", "y", -1, ""}), higfa::Error);
  EXPECT_THROW(w.write(gray_view(px, 2, 2), {"a", "z", -1, "[1]"}), higfa::InvalidArgument);
  w.close();
  EXPECT_EQ(read_manifest(tmp.path()).size(), 1u);
  EXPECT_TRUE(higfa::check_manifest(tmp.path()).empty());
}

TEST(DatasetWriter, CheckManifestReportsMissingFiles) {
  TempDir tmp;
  std::ofstream(tmp.path() + "/manifest.jsonl") << "{\"path\": \"a/gone.png\"}\nnot json\n";
  EXPECT_EQ(higfa::check_manifest(tmp.path()).size(), 2u);
}

}  // namespace
