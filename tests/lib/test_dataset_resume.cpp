// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of resuming a dataset (dataset_resume.h): repair, the done set, run.json, fingerprints.
#include <gtest/gtest.h>
#include <higfa/dataset_resume.h>
#include <higfa/dataset_writer.h>
#include <higfa/error.h>
#include <higfa/manifest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace fs = std::filesystem;

namespace {

const std::string kTinyBundle = std::string(HIGFA_FIXTURES_DIR) + "/bundles/tiny";

using higfa_test::TempDir;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void append_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

std::size_t count_lines(const std::string& path) {
  const std::string text = read_text(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A dataset of `samples` generated images of source "Coat/1" (sample indices 0 .. samples-1)
// and one image without a source id, in `dir`.
void write_dataset(const std::string& dir, int samples) {
  std::vector<std::uint8_t> px(4, 9);
  const higfa::ImageView view{px.data(), 2, 2, 2, higfa::PixelFormat::kGray8};
  higfa::DatasetWriter w(dir, false);
  for (int i = 0; i < samples; ++i) w.write(view, {"Coat", "Coat/1", i, ""});
  w.write(view, {"Coat", "", -1, ""});
  w.close();
}

TEST(ResumeDataset, DropsAPartialLastManifestLine) {
  TempDir tmp;
  write_dataset(tmp.path(), 2);
  const std::string manifest = tmp.path() + "/manifest.jsonl";
  const std::string whole = read_text(manifest);
  append_text(manifest, R"({"id":"Coat_1-s2","path":"Coat/Coat_1-s2.png","class_na)");
  const higfa::ResumeReport r = higfa::resume_dataset(tmp.path());
  EXPECT_TRUE(r.truncated_line);
  EXPECT_EQ(r.kept, 3u);
  EXPECT_EQ(read_text(manifest), whole);  // rewritten without the partial line
  EXPECT_FALSE(fs::exists(tmp.path() + "/.manifest.jsonl.tmp"));
  EXPECT_TRUE(higfa::check_manifest(tmp.path()).empty());
}

TEST(ResumeDataset, AnUnparsableLastLineCountsAsPartial) {
  TempDir tmp;
  write_dataset(tmp.path(), 1);
  append_text(tmp.path() + "/manifest.jsonl", std::string(5, '\0') + "\n");
  const higfa::ResumeReport r = higfa::resume_dataset(tmp.path());
  EXPECT_TRUE(r.truncated_line);
  EXPECT_EQ(count_lines(tmp.path() + "/manifest.jsonl"), 2u);
}

TEST(ResumeDataset, AMalformedLineBeforeTheLastIsAnErrorNamingIt) {
  TempDir tmp;
  write_dataset(tmp.path(), 1);
  const std::string manifest = tmp.path() + "/manifest.jsonl";
  const std::string text = read_text(manifest);
  std::ofstream(manifest, std::ios::binary | std::ios::trunc) << "[1, 2]\n" << text;
  try {
    higfa::resume_dataset(tmp.path());
    FAIL() << "no error";
  } catch (const higfa::Error& e) {
    EXPECT_NE(std::string(e.what()).find("manifest.jsonl:1: not a manifest line"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read_text(manifest).substr(0, 7), "[1, 2]\n");  // nothing changed
}

TEST(ResumeDataset, RemovesTemporariesAndUnrecordedPngsAndKeepsEverythingElse) {
  TempDir tmp;
  write_dataset(tmp.path(), 2);
  const std::string& d = tmp.path();
  std::ofstream(d + "/Coat/.Coat_1-s2.png.tmp") << "half";
  std::ofstream(d + "/Coat/Coat_1-s3.png") << "written, never recorded";
  std::ofstream(d + "/Coat/notes.txt") << "not ours";
  std::ofstream(d + "/contact_sheet.png") << "top level: not a class directory";
  std::ofstream(d + "/.run.json.tmp") << "{";
  const higfa::ResumeReport r = higfa::resume_dataset(d);
  EXPECT_EQ(r.discarded, (std::vector<std::string>{".run.json.tmp", "Coat/.Coat_1-s2.png.tmp",
                                                   "Coat/Coat_1-s3.png"}));
  EXPECT_FALSE(r.truncated_line);
  EXPECT_EQ(r.kept, 3u);
  EXPECT_FALSE(fs::exists(d + "/Coat/Coat_1-s3.png"));
  EXPECT_TRUE(fs::exists(d + "/Coat/Coat_1-s0.png"));
  EXPECT_TRUE(fs::exists(d + "/Coat/notes.txt"));
  EXPECT_TRUE(fs::exists(d + "/contact_sheet.png"));
}

TEST(ResumeDataset, DropsLinesWhoseFileIsMissingOrEmpty) {
  TempDir tmp;
  write_dataset(tmp.path(), 3);
  fs::remove(tmp.path() + "/Coat/Coat_1-s1.png");
  std::ofstream(tmp.path() + "/Coat/Coat_1-s2.png", std::ios::trunc);  // lost its bytes
  const higfa::ResumeReport r = higfa::resume_dataset(tmp.path());
  EXPECT_EQ(r.dropped_lines,
            (std::vector<std::string>{"Coat/Coat_1-s1.png", "Coat/Coat_1-s2.png"}));
  EXPECT_EQ(r.kept, 2u);
  EXPECT_EQ(count_lines(tmp.path() + "/manifest.jsonl"), 2u);
  EXPECT_FALSE(fs::exists(tmp.path() + "/Coat/Coat_1-s2.png"));  // no line names it now
  EXPECT_TRUE(higfa::check_manifest(tmp.path()).empty());
}

TEST(ResumeDataset, TheDoneSetIsWhatTheKeptLinesRecord) {
  TempDir tmp;
  write_dataset(tmp.path(), 3);
  const higfa::ResumeReport r = higfa::resume_dataset(tmp.path());
  EXPECT_EQ(r.done.sample_indices("Coat/1"), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_TRUE(r.done.sample_indices("Coat/2").empty());
  EXPECT_EQ(r.done.size(), 3u);
  EXPECT_EQ(r.kept_without_source, 1u);
}

TEST(ResumeDataset, AMissingManifestIsAnEmptyOne) {
  TempDir tmp;
  const higfa::ResumeReport r = higfa::resume_dataset(tmp.path());
  EXPECT_EQ(r.kept, 0u);
  EXPECT_TRUE(r.discarded.empty());
}

TEST(DatasetWriter, ResumeAppendsAndKnowsWhatTheManifestHas) {
  TempDir tmp;
  write_dataset(tmp.path(), 2);
  std::ofstream(tmp.path() + "/Coat/Coat_1-s2.png") << "stale";
  std::vector<std::uint8_t> px(4, 7);
  const higfa::ImageView view{px.data(), 2, 2, 2, higfa::PixelFormat::kGray8};
  higfa::DatasetWriter w(tmp.path(), higfa::DatasetOpen::kResume);
  EXPECT_EQ(w.resume_report().kept, 3u);
  EXPECT_TRUE(w.has("Coat/1", 1));
  EXPECT_FALSE(w.has("Coat/1", 2));
  EXPECT_EQ(w.write(view, {"Coat", "Coat/1", 2, ""}).id, "Coat_1-s2");  // the stale file is gone
  EXPECT_TRUE(w.has("Coat/1", 2));
  EXPECT_EQ(w.write(view, {"Coat", "", -1, ""}).id, "000001");  // the counter continues
  EXPECT_EQ(w.count(), 2u);
  w.close();
  EXPECT_EQ(count_lines(tmp.path() + "/manifest.jsonl"), 5u);
  EXPECT_TRUE(higfa::check_manifest(tmp.path()).empty());
}

TEST(SettingsDifference, NamesTheFirstMemberThatDiffers) {
  EXPECT_EQ(higfa::settings_difference(R"({"a": 1, "b": "x"})", R"({"b": "x", "a": 1.0})", "r"),
            "");
  EXPECT_EQ(higfa::settings_difference(R"({"num-inference-steps": 2, "seed": 0})",
                                       R"({"num-inference-steps": 3, "seed": 1})", "out/run.json"),
            "num-inference-steps was 2 in out/run.json, now 3");
  EXPECT_EQ(higfa::settings_difference(R"({"a": 1})", R"({"a": 1, "b": true})", "r"),
            "b was not set in r, now true");
  EXPECT_THROW(higfa::settings_difference("[1]", "{}", "r"), higfa::InvalidArgument);
}

TEST(RunSettings, AFreshRunRecordsItsFirstSettingsAndAResumeIsHeldToThem) {
  TempDir tmp;
  {
    higfa::RunSettings fresh(tmp.path(), false, 0);
    EXPECT_EQ(fresh.check(R"({"guidance": "higfa", "seed": 0})"), "");
    EXPECT_EQ(fresh.check(R"({"guidance": "cfg", "seed": 0})"),
              "guidance was \"higfa\" in " + fresh.path() + ", now \"cfg\"");
  }
  const nlohmann::json recorded = nlohmann::json::parse(read_text(tmp.path() + "/run.json"));
  EXPECT_EQ(recorded["format"], "higfa-run");
  EXPECT_EQ(recorded["settings"]["guidance"], "higfa");
  higfa::RunSettings resumed(tmp.path(), true, 4);
  EXPECT_EQ(resumed.check(R"({"guidance": "higfa", "seed": 0})"), "");
  EXPECT_EQ(resumed.check(R"({"guidance": "higfa", "seed": 7})"),
            "seed was 0 in " + resumed.path() + ", now 7");
}

TEST(RunSettings, ResumingKeptImagesWithoutARecordIsADifference) {
  TempDir tmp;
  higfa::RunSettings resumed(tmp.path(), true, 3);
  const std::string difference = resumed.check(R"({"seed": 0})");
  EXPECT_NE(difference.find("run.json is missing"), std::string::npos) << difference;
  EXPECT_FALSE(fs::exists(tmp.path() + "/run.json"));
  higfa::RunSettings empty(tmp.path(), true, 0);  // nothing kept: a fresh start
  EXPECT_EQ(empty.check(R"({"seed": 0})"), "");
  EXPECT_TRUE(fs::exists(tmp.path() + "/run.json"));
}

TEST(RunSettings, AFreshRunRemovesAStaleRecordAndAMalformedOneIsAnError) {
  TempDir tmp;
  std::ofstream(tmp.path() + "/run.json") << "{\"format\": \"other\"}";
  EXPECT_THROW(higfa::RunSettings(tmp.path(), true, 1), higfa::Error);
  higfa::RunSettings fresh(tmp.path(), false, 0);
  EXPECT_FALSE(fs::exists(tmp.path() + "/run.json"));
}

TEST(BundleFingerprint, FollowsTheFilesNotTheDirectory) {
  TempDir tmp;
  fs::copy(kTinyBundle, tmp.path() + "/a");
  fs::copy(kTinyBundle, tmp.path() + "/b");
  const std::string original = higfa::bundle_fingerprint(kTinyBundle);
  EXPECT_EQ(original.size(), 16u);
  EXPECT_EQ(higfa::bundle_fingerprint(tmp.path() + "/a"), original);
  append_text(tmp.path() + "/b/denoiser.pt", "x");
  EXPECT_NE(higfa::bundle_fingerprint(tmp.path() + "/b"), original);
  std::ofstream(tmp.path() + "/a/README.md") << "not named by files: no part of the bundle";
  EXPECT_EQ(higfa::bundle_fingerprint(tmp.path() + "/a"), original);
  EXPECT_THROW(higfa::bundle_fingerprint(tmp.path() + "/none"), higfa::ModelLoadError);
}

}  // namespace
