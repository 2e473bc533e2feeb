// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Reliability tests: whole pipelines under bad input, faults, state changes, with full accounting.
#include <gst/gst.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::string kBundles = std::string(HIGFA_FIXTURES_DIR) + "/bundles";
const std::string kTiny = kBundles + "/tiny";

// A safety cap for a pipeline run, so a hang fails the test instead of the suite's timeout. It
// bounds a run that should take well under a second; it is not a speed assertion.
constexpr GstClockTime kRunCap = 120 * GST_SECOND;

/// A fresh temporary directory, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "higfa-reliability-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

void write_bytes(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

/// A grey (or, with rgb, colour) PNG of w x h whose pixels depend on k.
void write_png(const std::string& path, int k, int w = 8, int h = 8, bool rgb = false) {
  fs::create_directories(fs::path(path).parent_path());
  cv::Mat m(h, w, rgb ? CV_8UC3 : CV_8UC1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const auto v = static_cast<std::uint8_t>((x * 31 + y * 17 + k * 7) % 256);
      if (rgb) {
        m.at<cv::Vec3b>(y, x) = cv::Vec3b(v, static_cast<std::uint8_t>(255 - v), 128);
      } else {
        m.at<std::uint8_t>(y, x) = v;
      }
    }
  }
  cv::imwrite(path, m);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The four unreadable files of every bad dataset, in class c.
const std::vector<std::string> kUnreadable = {"c/corrupt.png", "c/truncated.png", "c/zero.png",
                                              "c/text.png"};

/// An ImageFolder of classes a, b, c: `good` readable images per class (mixed sizes, grey and
/// colour) plus the unreadable files of kUnreadable. Returns the number of files written.
int write_dataset(const std::string& root, int good) {
  int k = 0;
  for (const char* cls : {"a", "b", "c"}) {
    for (int i = 0; i < good; ++i, ++k) {
      write_png(root + "/" + cls + "/img" + std::to_string(i) + ".png", k, 8 + (k % 3) * 5,
                6 + (k % 2) * 4, k % 4 == 3);
    }
  }
  write_bytes(root + "/c/corrupt.png", std::string("\x89PNG\r\n\x1a\n", 8) + "garbage bytes");
  write_png(root + "/c/full.tmp.png", 99, 16, 16);
  const std::string full = read_bytes(root + "/c/full.tmp.png");
  fs::remove(root + "/c/full.tmp.png");
  write_bytes(root + "/c/truncated.png", full.substr(0, full.size() / 2));
  write_bytes(root + "/c/zero.png", "");
  write_bytes(root + "/c/text.png", "class,label\nthis is a text file, not an image\n");
  return k + static_cast<int>(kUnreadable.size());
}

/// What happened on a pipeline's bus, and the pipeline itself (still PLAYING) to read counters.
struct PipelineRun {
  GstElement* pipeline = nullptr;
  bool eos = false;
  std::vector<std::string> errors;    // "message | debug"
  std::vector<std::string> warnings;  // "message | debug"

  PipelineRun() = default;
  PipelineRun(const PipelineRun&) = delete;
  PipelineRun& operator=(const PipelineRun&) = delete;
  ~PipelineRun() {
    if (pipeline != nullptr) {
      gst_element_set_state(pipeline, GST_STATE_NULL);
      gst_object_unref(pipeline);
    }
  }

  GstElement* get(const char* name) const {
    GstElement* e = gst_bin_get_by_name(GST_BIN(pipeline), name);
    if (e != nullptr) gst_object_unref(e);  // the pipeline keeps it alive
    return e;
  }
  guint64 counter(const char* element, const char* property) const {
    guint64 v = 0;
    g_object_get(get(element), property, &v, nullptr);
    return v;
  }
  std::string all_errors() const {
    std::string out;
    for (const auto& e : errors) out += e + "\n";
    return out;
  }
};

std::string text_of(GstMessage* m) {
  GError* err = nullptr;
  gchar* debug = nullptr;
  if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
    gst_message_parse_error(m, &err, &debug);
  } else {
    gst_message_parse_warning(m, &err, &debug);
  }
  std::string out = std::string(err ? err->message : "") + " | " + (debug ? debug : "");
  g_clear_error(&err);
  g_free(debug);
  return out;
}

/// Collects warnings until EOS or the first error (or the safety cap).
void wait_for_end(PipelineRun* run) {
  GstBus* bus = gst_element_get_bus(run->pipeline);
  const auto types = static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
                                                 GST_MESSAGE_WARNING);
  while (GstMessage* m = gst_bus_timed_pop_filtered(bus, kRunCap, types)) {
    const GstMessageType type = GST_MESSAGE_TYPE(m);
    if (type == GST_MESSAGE_WARNING) {
      run->warnings.push_back(text_of(m));
      gst_message_unref(m);
      continue;
    }
    if (type == GST_MESSAGE_EOS) run->eos = true;
    if (type == GST_MESSAGE_ERROR) run->errors.push_back(text_of(m));
    gst_message_unref(m);
    break;
  }
  gst_object_unref(bus);
}

/// Parses `desc` into run->pipeline and plays it; false (with the errors) if it does not start.
bool start(PipelineRun* run, const std::string& desc) {
  GError* err = nullptr;
  run->pipeline = gst_parse_launch(desc.c_str(), &err);
  if (err != nullptr) {
    ADD_FAILURE() << "cannot parse \"" << desc << "\": " << err->message;
    g_error_free(err);
    return false;
  }
  if (gst_element_set_state(run->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE ||
      gst_element_get_state(run->pipeline, nullptr, nullptr, kRunCap) ==
          GST_STATE_CHANGE_FAILURE) {
    wait_for_end(run);
    return false;
  }
  return true;
}

/// Plays `desc` to EOS or the first error.
void play(PipelineRun* run, const std::string& desc) {
  if (start(run, desc)) wait_for_end(run);
}

/// The manifest's lines (file paths relative to `out`), or empty if there is none.
std::vector<std::string> manifest_files(const std::string& out) {
  std::vector<std::string> files;
  std::ifstream in(out + "/manifest.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("path") && j["path"].is_string()) << line;
    if (j.is_object() && j.contains("path") && j["path"].is_string()) {
      files.push_back(j["path"].get<std::string>());
    }
  }
  return files;
}

/// The PNG files under `out`, relative to it.
std::set<std::string> png_files(const std::string& out) {
  std::set<std::string> files;
  if (!fs::exists(out)) return files;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (e.is_regular_file() && e.path().extension() == ".png") {
      files.insert(fs::relative(e.path(), out).string());
    }
  }
  return files;
}

/// The manifest names exactly the PNG files on disk, each once, and every one of them exists.
void expect_manifest_matches_disk(const std::string& out) {
  const std::vector<std::string> listed = manifest_files(out);
  std::set<std::string> names;
  for (const std::string& p : listed) {
    const fs::path path(p);
    names.insert(path.is_absolute() ? fs::relative(path, out).string() : p);
  }
  EXPECT_EQ(names.size(), listed.size()) << "a file is named twice in the manifest";
  EXPECT_EQ(names, png_files(out));
}

std::string sampler(const std::string& bundle, int n, int steps) {
  // DDIM: it takes any step count up to T (these runs are made long on purpose).
  return "higfasampler name=smp bundle=" + bundle + " samples-per-image=" + std::to_string(n) +
         " scheduler=ddim num-inference-steps=" + std::to_string(steps);
}

// ---------------------------------------------------------------------------------------------
// Bad input: unreadable images are counted skips, and every input is accounted for.

TEST(Reliability, EveryInputIsAccountedForAcrossSkipsAndDrops) {
  TempDir tmp;
  const int k = write_dataset(tmp / "data", 3);
  const int n = 3;
  PipelineRun run;
  play(&run, "datasetsrc name=src location=" + (tmp / "data") + " bundle=" + kTiny +
                 " ! contourextract ! " + sampler(kTiny, n, 4) + " ! fgclassifier bundle=" +
                 kTiny + " ! confidencefilter name=filter threshold=0.9 ! datasetsink name=sink "
                 "location=" + (tmp / "out"));
  ASSERT_TRUE(run.eos) << run.all_errors();

  const guint64 skipped = run.counter("src", "skipped");
  const guint64 processed = run.counter("smp", "processed");
  const guint64 generated = run.counter("smp", "generated");
  GstStructure* stats = nullptr;
  g_object_get(run.get("filter"), "stats", &stats, nullptr);
  ASSERT_NE(stats, nullptr);
  guint64 kept = 0, dropped = 0, missing = 0;
  gst_structure_get_uint64(stats, "kept", &kept);
  gst_structure_get_uint64(stats, "dropped", &dropped);
  gst_structure_get_uint64(stats, "missing", &missing);
  gst_structure_free(stats);

  EXPECT_EQ(skipped, kUnreadable.size());
  EXPECT_EQ(skipped + processed, static_cast<guint64>(k));
  EXPECT_EQ(generated, processed * n);
  EXPECT_EQ(kept + dropped + missing, generated);
  EXPECT_EQ(missing, 0u);
  EXPECT_GT(kept, 0u) << "the threshold should keep some frames";
  EXPECT_GT(dropped, 0u) << "the threshold should drop some frames";
  EXPECT_EQ(run.counter("sink", "count"), kept);
  EXPECT_EQ(manifest_files(tmp / "out").size(), kept);
  EXPECT_EQ(png_files(tmp / "out").size(), kept);
  expect_manifest_matches_disk(tmp / "out");
}

TEST(Reliability, EachUnreadableImageIsAWarningNamingTheFile) {
  TempDir tmp;
  write_dataset(tmp / "data", 1);
  PipelineRun run;
  play(&run, "datasetsrc name=src location=" + (tmp / "data") + " ! fakesink");
  ASSERT_TRUE(run.eos) << run.all_errors();
  EXPECT_EQ(run.counter("src", "skipped"), kUnreadable.size());
  for (const std::string& file : kUnreadable) {
    bool named = false;
    for (const std::string& w : run.warnings) named |= w.find(file) != std::string::npos;
    EXPECT_TRUE(named) << "no warning names " << file;
  }
}

TEST(Reliability, UnreadableImageIsAnErrorNamingTheFileWhenSkippingIsOff) {
  for (const std::string& file : kUnreadable) {
    SCOPED_TRACE(file);
    TempDir tmp;
    write_png(tmp / "data/a/good.png", 0);
    std::error_code ec;
    write_dataset(tmp / "all", 0);
    fs::create_directories(tmp / "data/c");
    fs::copy_file(tmp / ("all/" + file), tmp / ("data/" + file), ec);
    ASSERT_FALSE(ec);
    PipelineRun run;
    play(&run, "datasetsrc location=" + (tmp / "data") + " skip-unreadable=false ! fakesink");
    EXPECT_FALSE(run.eos);
    ASSERT_EQ(run.errors.size(), 1u);
    EXPECT_NE(run.errors[0].find(file), std::string::npos) << run.errors[0];
  }
}

TEST(Reliability, ManifestRowWithoutItsFileIsACountedSkipNamingIt) {
  TempDir tmp;
  write_png(tmp / "data/a/img0.png", 0);
  write_png(tmp / "data/b/img0.png", 1);
  write_bytes(tmp / "data/manifest.csv",
              "path,label\na/img0.png,a\nb/gone.png,b\nb/img0.png,b\n");
  PipelineRun run;
  play(&run, "datasetsrc name=src manifest=" + (tmp / "data/manifest.csv") + " bundle=" + kTiny +
                 " ! contourextract ! " + sampler(kTiny, 2, 2) + " ! fakesink");
  ASSERT_TRUE(run.eos) << run.all_errors();
  EXPECT_EQ(run.counter("src", "skipped"), 1u);
  EXPECT_EQ(run.counter("smp", "processed"), 2u);
  ASSERT_EQ(run.warnings.size(), 1u);
  EXPECT_NE(run.warnings[0].find("gone.png"), std::string::npos) << run.warnings[0];
}

TEST(Reliability, ManifestLabelUnknownToTheBundleFailsTheStartNamingIt) {
  TempDir tmp;
  write_png(tmp / "data/a/img0.png", 0);
  write_bytes(tmp / "data/manifest.csv", "path,label\na/img0.png,zebra\n");
  PipelineRun run;
  EXPECT_FALSE(start(&run, "datasetsrc manifest=" + (tmp / "data/manifest.csv") + " bundle=" +
                               kTiny + " ! fakesink"));
  ASSERT_FALSE(run.errors.empty());
  EXPECT_NE(run.errors[0].find("zebra"), std::string::npos) << run.errors[0];
}

TEST(Reliability, FramesOfAnyReadableSizeAndFormatAreSampled) {
  // The dataset's frames change size and grey/colour from image to image.
  TempDir tmp;
  const int k = write_dataset(tmp / "data", 2) - static_cast<int>(kUnreadable.size());
  PipelineRun run;
  play(&run, "datasetsrc location=" + (tmp / "data") + " bundle=" + kTiny +
                 " ! contourextract ! " + sampler(kTiny, 2, 2) + " ! fakesink");
  ASSERT_TRUE(run.eos) << run.all_errors();
  EXPECT_EQ(run.counter("smp", "generated"), static_cast<guint64>(k) * 2);
}

TEST(Reliability, UnsupportedFrameFormatIsRefusedAtLinkTime) {
  GError* err = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=8,height=8 ! contourextract "
      "! fakesink",
      &err);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(std::string(err->message).find("can't handle caps"), std::string::npos)
      << err->message;
  g_error_free(err);
  if (pipeline != nullptr) gst_object_unref(pipeline);
}

/// Plays one frame of `bytes` bytes under `caps` from an appsrc into `downstream`, then EOS.
void play_one_frame(PipelineRun* run, const std::string& caps, gsize bytes,
                    const std::string& downstream) {
  GError* err = nullptr;
  const std::string desc = "appsrc name=in format=time caps=" + caps + " ! " + downstream;
  run->pipeline = gst_parse_launch(desc.c_str(), &err);
  ASSERT_EQ(err, nullptr) << err->message;
  // Not waiting for PLAYING: the sink prerolls on the frame pushed below.
  ASSERT_NE(gst_element_set_state(run->pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  GstBuffer* buf = gst_buffer_new_allocate(nullptr, bytes, nullptr);
  gst_buffer_memset(buf, 0, 0x80, bytes);
  GST_BUFFER_PTS(buf) = 0;
  GST_BUFFER_DURATION(buf) = GST_SECOND;
  GstFlowReturn ret = GST_FLOW_OK;
  g_signal_emit_by_name(run->get("in"), "push-buffer", buf, &ret);
  gst_buffer_unref(buf);
  g_signal_emit_by_name(run->get("in"), "end-of-stream", &ret);
  wait_for_end(run);
}

std::vector<std::string> video_elements() {
  return {"contourextract", "fgclassifier bundle=" + kTiny, sampler(kTiny, 1, 2) + " class=a"};
}

TEST(Reliability, UnsupportedFrameFormatIsANegotiationError) {
  // appsrc links to anything, so the refusal comes at run time, from caps negotiation.
  for (const std::string& element : video_elements()) {
    SCOPED_TRACE(element);
    PipelineRun run;
    play_one_frame(&run, "video/x-raw,format=I420,width=8,height=8,framerate=0/1", 96,
                   element + " ! fakesink");
    EXPECT_FALSE(run.eos);
    ASSERT_EQ(run.errors.size(), 1u);
    EXPECT_NE(run.errors[0].find("not-negotiated"), std::string::npos) << run.errors[0];
  }
}

TEST(Reliability, NonVideoInputIsANegotiationError) {
  for (const std::string& element : video_elements()) {
    SCOPED_TRACE(element);
    PipelineRun run;
    play_one_frame(&run, "audio/x-raw,format=S16LE,rate=8000,channels=1,layout=interleaved", 64,
                   element + " ! fakesink");
    EXPECT_FALSE(run.eos);
    ASSERT_EQ(run.errors.size(), 1u);
    EXPECT_NE(run.errors[0].find("not-negotiated"), std::string::npos) << run.errors[0];
  }
}

TEST(Reliability, FrameSmallerThanItsCapsIsNeverPassedOn) {
  // 10 bytes where 8x8 GRAY8 needs 64: an error, or (GstVideoFilter's policy) a warning; never a
  // crash or an output read from beyond the buffer. The sampler reads the frame's pixels only for
  // img2img (strength < 1).
  for (const std::string& element : {std::string("contourextract"),
                                     "fgclassifier bundle=" + kTiny,
                                     sampler(kTiny, 1, 2) + " class=a strength=0.5"}) {
    SCOPED_TRACE(element);
    PipelineRun run;
    play_one_frame(&run, "video/x-raw,format=GRAY8,width=8,height=8,framerate=0/1", 10,
                   element + " ! fakesink name=sink");
    EXPECT_EQ(run.errors.size() + run.warnings.size(), 1u) << run.all_errors();
    for (const std::string& w : run.warnings) {
      EXPECT_NE(w.find("invalid video buffer"), std::string::npos) << w;
    }
    // GstVideoFilter's in-place path warns and passes such a frame on unchanged, without a
    // contour meta; the elements that read pixels refuse it.
    if (run.errors.empty() && element != "contourextract") {
      EXPECT_TRUE(run.eos);
      GstSample* last = nullptr;
      g_object_get(run.get("sink"), "last-sample", &last, nullptr);
      EXPECT_EQ(last, nullptr) << "the short frame was passed on";
      if (last != nullptr) gst_sample_unref(last);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Models: NaN, unknown labels, missing / corrupt / mismatched bundles.

TEST(Reliability, NanFromTheDenoiserIsAClearErrorAndWritesNothing) {
  for (const char* mode : {"cfg", "higfa"}) {
    SCOPED_TRACE(mode);
    TempDir tmp;
    write_png(tmp / "data/a/img.png", 0);
    PipelineRun run;
    play(&run, "datasetsrc location=" + (tmp / "data") + " bundle=" + kTiny +
                   " ! contourextract ! " + sampler(kBundles + "/nan", 2, 4) + " guidance=" +
                   mode + " ! datasetsink location=" + (tmp / "out"));
    EXPECT_FALSE(run.eos);
    ASSERT_EQ(run.errors.size(), 1u);
    EXPECT_NE(run.errors[0].find("NaN"), std::string::npos) << run.errors[0];
    EXPECT_EQ(run.counter("smp", "processed"), 0u);
    expect_manifest_matches_disk(tmp / "out");
    EXPECT_TRUE(png_files(tmp / "out").empty());
  }
}

TEST(Reliability, UnknownLabelMidRunIsAnErrorAndTheManifestMatchesTheFiles) {
  // Without a bundle the source's classes are the folders, so "z" reaches the sampler, last.
  TempDir tmp;
  write_png(tmp / "data/a/img0.png", 0);
  write_png(tmp / "data/b/img0.png", 1);
  write_png(tmp / "data/z/img0.png", 2);
  PipelineRun run;
  play(&run, "datasetsrc location=" + (tmp / "data") + " ! contourextract ! " +
                 sampler(kTiny, 2, 2) + " ! datasetsink name=sink location=" + (tmp / "out"));
  EXPECT_FALSE(run.eos);
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_NE(run.errors[0].find("\"z\""), std::string::npos) << run.errors[0];
  EXPECT_EQ(run.counter("smp", "processed"), 2u);
  gst_element_set_state(run.pipeline, GST_STATE_NULL);  // stop: the sink syncs its manifest
  EXPECT_EQ(manifest_files(tmp / "out").size(), 4u);
  expect_manifest_matches_disk(tmp / "out");
}

TEST(Reliability, SinkErrorMidRunLeavesTheManifestMatchingTheFiles) {
  // A plain file where class c's directory would go: writing the first c image fails.
  TempDir tmp;
  const int good = 2;
  write_dataset(tmp / "data", good);
  write_bytes(tmp / "out/c", "not a directory");
  PipelineRun run;
  play(&run, "datasetsrc location=" + (tmp / "data") + " bundle=" + kTiny +
                 " ! contourextract ! " + sampler(kTiny, 2, 2) +
                 " ! datasetsink name=sink location=" + (tmp / "out"));
  EXPECT_FALSE(run.eos);
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_NE(run.errors[0].find("class \"c\""), std::string::npos) << run.errors[0];
  gst_element_set_state(run.pipeline, GST_STATE_NULL);
  const std::vector<std::string> listed = manifest_files(tmp / "out");
  EXPECT_EQ(listed.size(), static_cast<std::size_t>(2 * good * 2));  // classes a and b
  expect_manifest_matches_disk(tmp / "out");
}

TEST(Reliability, UnknownClassPropertyFailsTheStartNamingIt) {
  PipelineRun run;
  EXPECT_FALSE(start(&run, "videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,"
                           "height=8 ! " + sampler(kTiny, 1, 2) + " class=zebra ! fakesink"));
  ASSERT_FALSE(run.errors.empty());
  EXPECT_NE(run.errors[0].find("zebra"), std::string::npos) << run.errors[0];
}

TEST(Reliability, DatasetLabelUnknownToTheBundleFailsTheStartNamingIt) {
  TempDir tmp;
  write_png(tmp / "data/a/img0.png", 0);
  write_png(tmp / "data/zebra/img0.png", 1);
  PipelineRun run;
  EXPECT_FALSE(start(&run, "datasetsrc location=" + (tmp / "data") + " bundle=" + kTiny +
                               " ! fakesink"));
  ASSERT_FALSE(run.errors.empty());
  EXPECT_NE(run.errors[0].find("zebra"), std::string::npos) << run.errors[0];
}

// ---------------------------------------------------------------------------------------------
// Bounded decoding: a decompression bomb is refused from its header.

void put_be32(std::string* out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void put_png_chunk(std::string* out, const char* type, const std::string& data) {
  put_be32(out, static_cast<std::uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  *out += body;
  put_be32(out, static_cast<std::uint32_t>(
                    crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
}

/// A valid grey PNG of w x h black pixels at 1 bit per pixel, deflated one row at a time so that
/// neither the image nor its rows are ever held whole: 30000 x 30000 takes about 110 KB, and
/// decodes to 900 MB of 8-bit grey.
std::string bomb_png(std::uint32_t w, std::uint32_t h) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_be32(&ihdr, w);
  put_be32(&ihdr, h);
  ihdr += std::string("\x01\x00\x00\x00\x00", 5);  // bit depth 1, grey, deflate, no filter/lace
  put_png_chunk(&png, "IHDR", ihdr);
  z_stream z{};
  EXPECT_EQ(deflateInit(&z, Z_BEST_COMPRESSION), Z_OK);
  std::vector<std::uint8_t> row(1 + (w + 7) / 8, 0);  // filter byte 0, then the packed pixels
  std::vector<std::uint8_t> buf(1 << 16);
  std::string idat;
  for (std::uint32_t y = 0; y <= h; ++y) {
    const bool last = y == h;
    z.next_in = last ? nullptr : row.data();
    z.avail_in = last ? 0 : static_cast<uInt>(row.size());
    do {
      z.next_out = buf.data();
      z.avail_out = static_cast<uInt>(buf.size());
      deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
      idat.append(reinterpret_cast<const char*>(buf.data()), buf.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  put_png_chunk(&png, "IDAT", idat);
  put_png_chunk(&png, "IEND", "");
  return png;
}

/// A field of /proc/self/status in bytes ("VmHWM", "VmRSS"), or -1.
long long status_bytes(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1)) * 1024;
  }
  return -1;
}

TEST(Reliability, DecompressionBombIsSkippedFromItsHeaderWithinBoundedMemory) {
  TempDir tmp;
  write_png(tmp / "data/a/good.png", 0);
  const std::string bomb = bomb_png(30000, 30000);
  write_bytes(tmp / "data/a/bomb.png", bomb);
  std::cout << "bomb: 30000 x 30000 grey PNG of " << bomb.size() << " bytes\n";
  write_png(tmp / "warm/a/good.png", 0);
  {
    PipelineRun warm;  // loads the plugins and decodes a PNG before the measurement
    play(&warm, "datasetsrc location=" + (tmp / "warm") + " ! fakesink");
  }
  // Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS (Linux 4.0+).
  const bool reset = static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5");
  const long long before = reset ? status_bytes("VmRSS") : status_bytes("VmHWM");
  PipelineRun run;
  play(&run, "datasetsrc name=src location=" + (tmp / "data") + " ! fakesink");
  const long long peak = status_bytes("VmHWM");
  ASSERT_TRUE(run.eos) << run.all_errors();
  ASSERT_GT(before, 0) << "no /proc/self/status";
  const long long growth = peak - before;
  // The default limit's decoded size: 64 Mpx of 8-bit grey. Decoding the bomb would take 900 MB.
  const long long bound = static_cast<long long>(64) << 20;
  std::cout << "peak RSS growth while reading the bomb: " << growth / 1024 << " KiB ("
            << (reset ? "VmHWM reset through clear_refs" : "VmHWM delta, no reset") << ")\n";
  EXPECT_LT(growth, bound);
  EXPECT_EQ(run.counter("src", "skipped"), 1u);
  GstStructure* summary = nullptr;
  g_object_get(run.get("src"), "summary", &summary, nullptr);
  guint64 too_large = 0, read = 0;
  gst_structure_get_uint64(summary, "too-large", &too_large);
  gst_structure_get_uint64(summary, "read", &read);
  gst_structure_free(summary);
  EXPECT_EQ(too_large, 1u);
  EXPECT_EQ(read, 1u);
  ASSERT_EQ(run.warnings.size(), 1u);
  EXPECT_NE(run.warnings[0].find("bomb.png"), std::string::npos) << run.warnings[0];
  EXPECT_NE(run.warnings[0].find("30000 x 30000"), std::string::npos) << run.warnings[0];
}

TEST(Reliability, DecompressionBombIsAnErrorNamingItWhenSkippingIsOff) {
  TempDir tmp;
  write_bytes(tmp / "data/a/bomb.png", bomb_png(30000, 30000));
  PipelineRun run;
  play(&run, "datasetsrc location=" + (tmp / "data") + " skip-unreadable=false ! fakesink");
  EXPECT_FALSE(run.eos);
  ASSERT_EQ(run.errors.size(), 1u);
  EXPECT_NE(run.errors[0].find("bomb.png"), std::string::npos) << run.errors[0];
  EXPECT_NE(run.errors[0].find("30000 x 30000"), std::string::npos) << run.errors[0];
}

// ---------------------------------------------------------------------------------------------
// Unique ids: one stem in two formats, through datasetsink and webdatasetmux.

/// The member names of a ustar archive.
std::vector<std::string> tar_names(const std::string& tar) {
  std::vector<std::string> names;
  for (std::size_t at = 0; at + 512 <= tar.size();) {
    const std::string name(tar.c_str() + at, strnlen(tar.c_str() + at, 100));
    if (name.empty()) break;  // the end-of-archive marker
    const std::size_t size = std::stoull(std::string(tar.c_str() + at + 124, 11), nullptr, 8);
    names.push_back(name);
    at += 512 + (size + 511) / 512 * 512;
  }
  return names;
}

TEST(Reliability, OneStemInTwoFormatsGetsTwoIdsSeedsAndTheSameNameInManifestAndTar) {
  TempDir tmp;
  fs::create_directories(tmp / "data/a");
  cv::Mat bgr(8, 8, CV_8UC3, cv::Scalar(30, 60, 90));
  cv::imwrite(tmp / "data/a/rgb.bmp", bgr);
  cv::imwrite(tmp / "data/a/rgb.tiff", bgr + cv::Scalar(40, 40, 40));
  write_png(tmp / "data/b/rgb.png", 1);
  PipelineRun run;
  play(&run, "datasetsrc location=" + (tmp / "data") + " bundle=" + kTiny + " ! contourextract ! " +
                 sampler(kTiny, 2, 2) +
                 " ! tee name=t t. ! queue ! datasetsink location=" + (tmp / "out") +
                 " t. ! queue ! webdatasetmux ! filesink location=" + (tmp / "out.tar"));
  ASSERT_TRUE(run.eos) << run.all_errors();

  std::set<std::string> ids;
  std::map<std::string, std::set<long long>> seeds;  // source id -> seeds of its samples
  std::ifstream in(tmp / "out/manifest.jsonl");
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json j = nlohmann::json::parse(line);
    ids.insert(j["id"].get<std::string>());
    seeds[j["source_id"].get<std::string>()].insert(j["provenance"]["seed"].get<long long>());
  }
  EXPECT_EQ(ids, (std::set<std::string>{"a_rgb_bmp-s0", "a_rgb_bmp-s1", "a_rgb_tiff-s0",
                                        "a_rgb_tiff-s1", "b_rgb-s0", "b_rgb-s1"}));
  std::set<std::string> keys;
  for (const std::string& name : tar_names(read_bytes(tmp / "out.tar"))) {
    if (fs::path(name).extension() == ".png") keys.insert(fs::path(name).stem().string());
  }
  EXPECT_EQ(keys, ids) << "the tar's keys are the manifest's ids";
  ASSERT_EQ(seeds.size(), 3u);
  ASSERT_EQ(seeds["a/rgb.bmp"].size(), 2u);
  ASSERT_EQ(seeds["a/rgb.tiff"].size(), 2u);
  for (long long s : seeds["a/rgb.bmp"]) {
    EXPECT_EQ(seeds["a/rgb.tiff"].count(s), 0u) << "the two files share seed " << s;
  }
  expect_manifest_matches_disk(tmp / "out");
}

struct BadBundle {
  const char* dir;
  const char* named;  // what the error must name
};

const BadBundle kBadBundles[] = {
    {"does-not-exist", "does-not-exist"},
    {"bad-no-manifest", "manifest.json"},
    {"bad-malformed-json", "manifest.json"},
    {"bad-missing-denoiser", "denoiser.pt"},
    {"bad-corrupt-denoiser", "denoiser.pt"},
    {"bad-denoiser-shape", "denoiser"},
    {"bad-classifier-classes", "classifier"},
};

TEST(Reliability, BadBundleFailsTheSamplersStartNamingTheFile) {
  for (const BadBundle& b : kBadBundles) {
    SCOPED_TRACE(b.dir);
    PipelineRun run;
    EXPECT_FALSE(start(&run, "videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,"
                             "height=8 ! " + sampler(kBundles + "/" + b.dir, 1, 2) +
                             " class=a ! fakesink"));
    ASSERT_FALSE(run.errors.empty());
    EXPECT_NE(run.errors[0].find(b.named), std::string::npos) << run.errors[0];
  }
}

TEST(Reliability, BadBundleFailsTheClassifiersStartNamingTheFile) {
  const BadBundle bad[] = {{"does-not-exist", "does-not-exist"},
                           {"bad-malformed-json", "manifest.json"},
                           {"bad-classifier-classes", "classifier"}};
  for (const BadBundle& b : bad) {
    SCOPED_TRACE(b.dir);
    PipelineRun run;
    EXPECT_FALSE(start(&run, "videotestsrc num-buffers=1 ! video/x-raw,format=GRAY8,width=8,"
                             "height=8 ! fgclassifier bundle=" + kBundles + "/" + b.dir +
                             " ! fakesink"));
    ASSERT_FALSE(run.errors.empty());
    EXPECT_NE(run.errors[0].find(b.named), std::string::npos) << run.errors[0];
  }
}

// ---------------------------------------------------------------------------------------------
// Out-of-range properties are rejected (GObject keeps the old value and warns).

std::vector<std::string>* g_property_warnings = nullptr;

void record_warning(const gchar*, GLogLevelFlags, const gchar* message, gpointer) {
  if (g_property_warnings != nullptr) g_property_warnings->push_back(message);
}

template <typename T>
void expect_rejected(const char* factory, const char* property, T bad) {
  SCOPED_TRACE(std::string(factory) + "." + property);
  GstElement* e = gst_element_factory_make(factory, nullptr);
  ASSERT_NE(e, nullptr);
  GValue before = G_VALUE_INIT, after = G_VALUE_INIT;
  GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(e), property);
  ASSERT_NE(spec, nullptr);
  g_value_init(&before, spec->value_type);
  g_value_init(&after, spec->value_type);
  g_object_get_property(G_OBJECT(e), property, &before);
  std::vector<std::string> warnings;
  g_property_warnings = &warnings;
  const guint handler = g_log_set_handler("GLib-GObject", G_LOG_LEVEL_WARNING, record_warning,
                                          nullptr);
  g_object_set(e, property, bad, nullptr);
  g_log_remove_handler("GLib-GObject", handler);
  g_property_warnings = nullptr;
  g_object_get_property(G_OBJECT(e), property, &after);
  EXPECT_EQ(g_param_values_cmp(spec, &before, &after), 0) << "the value changed";
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(property), std::string::npos) << warnings[0];
  g_value_unset(&before);
  g_value_unset(&after);
  gst_object_unref(e);
}

TEST(Reliability, OutOfRangePropertiesAreRejected) {
  expect_rejected("confidencefilter", "threshold", 1.5);
  expect_rejected("confidencefilter", "threshold", -0.1);
  expect_rejected("higfasampler", "samples-per-image", 0u);
  expect_rejected("higfasampler", "num-inference-steps", 0);
  expect_rejected("higfasampler", "num-inference-steps", 100000);
  expect_rejected("higfasampler", "batch-size", 0u);
  expect_rejected("datasetsrc", "shard-count", 0);
  expect_rejected("contourextract", "low-threshold", -1.0);
}

TEST(Reliability, ShardIndexOutsideTheShardCountFailsTheStart) {
  TempDir tmp;
  write_png(tmp / "data/a/img0.png", 0);
  PipelineRun run;
  EXPECT_FALSE(start(&run, "datasetsrc location=" + (tmp / "data") +
                               " shard-index=3 shard-count=2 ! fakesink"));
  ASSERT_FALSE(run.errors.empty());
  EXPECT_NE(run.errors[0].find("shard"), std::string::npos) << run.errors[0];
}

// ---------------------------------------------------------------------------------------------
// State changes, flushes and EOS.

TEST(Reliability, FiftyNullPlayingNullCyclesThenARunToEos) {
  TempDir tmp;
  const int k = write_dataset(tmp / "data", 2) - static_cast<int>(kUnreadable.size());
  const std::string desc = "datasetsrc location=" + (tmp / "data") + " bundle=" + kTiny +
                           " ! contourextract ! " + sampler(kTiny, 2, 4) +
                           " ! fgclassifier bundle=" + kTiny + " ! fakesink name=sink";
  PipelineRun run;
  GError* err = nullptr;
  run.pipeline = gst_parse_launch(desc.c_str(), &err);
  ASSERT_EQ(err, nullptr);
  GstBus* bus = gst_element_get_bus(run.pipeline);
  for (int i = 0; i < 50; ++i) {
    SCOPED_TRACE(i);
    ASSERT_NE(gst_element_set_state(run.pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    ASSERT_NE(gst_element_get_state(run.pipeline, nullptr, nullptr, kRunCap),
              GST_STATE_CHANGE_FAILURE);
    // Before NULL, which flushes the pipeline's bus.
    GstMessage* error = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    EXPECT_EQ(error, nullptr) << text_of(error);
    if (error != nullptr) gst_message_unref(error);
    ASSERT_EQ(gst_element_set_state(run.pipeline, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref(bus);

  // The last cycle runs to EOS with every output.
  std::atomic<int> buffers{0};
  GstPad* pad = gst_element_get_static_pad(run.get("sink"), "sink");
  gst_pad_add_probe(
      pad, GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo*, gpointer count) {
        ++*static_cast<std::atomic<int>*>(count);
        return GST_PAD_PROBE_OK;
      },
      &buffers, nullptr);
  gst_object_unref(pad);
  ASSERT_NE(gst_element_set_state(run.pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  wait_for_end(&run);
  EXPECT_TRUE(run.eos) << run.all_errors();
  EXPECT_EQ(buffers.load(), k * 2);
}

// Sets `flag` on the first buffer through the pad.
GstPadProbeReturn raise_flag(GstPad*, GstPadProbeInfo*, gpointer flag) {
  static_cast<std::atomic<bool>*>(flag)->store(true);
  return GST_PAD_PROBE_OK;
}

void wait_for(const std::atomic<bool>& flag) {
  const auto cap = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!flag.load() && std::chrono::steady_clock::now() < cap) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(flag.load()) << "no output";
}

TEST(Reliability, PlayingToReadyDuringSamplingCancelsTheRun) {
  // 3 images x 8 samples x 1000 steps, one sample per call: READY comes after the first output,
  // and the remaining samples are cancelled rather than finished.
  TempDir tmp;
  for (int i = 0; i < 3; ++i) write_png(tmp / ("data/a/img" + std::to_string(i) + ".png"), i);
  PipelineRun run;
  ASSERT_TRUE(start(&run, "datasetsrc location=" + (tmp / "data") + " bundle=" + kTiny +
                              " ! contourextract ! " + sampler(kTiny, 8, 1000) +
                              " batch-size=1 ! fakesink name=sink"));
  std::atomic<bool> first{false};
  GstPad* pad = gst_element_get_static_pad(run.get("sink"), "sink");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, raise_flag, &first, nullptr);
  gst_object_unref(pad);
  wait_for(first);
  EXPECT_EQ(gst_element_set_state(run.pipeline, GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  const guint64 generated = run.counter("smp", "generated");
  EXPECT_GE(generated, 1u);
  EXPECT_LT(generated, 3u * 8u) << "READY waited for the whole run";
  EXPECT_EQ(run.counter("smp", "processed"), 0u);
  GstBus* bus = gst_element_get_bus(run.pipeline);
  GstMessage* error = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  EXPECT_EQ(error, nullptr) << text_of(error);  // a cancel is not an error
  if (error != nullptr) gst_message_unref(error);
  gst_object_unref(bus);
}

TEST(Reliability, FlushingSeekDuringSamplingRestartsAndReachesEos) {
  PipelineRun run;
  ASSERT_TRUE(start(&run,
                    "videotestsrc num-buffers=4 pattern=ball ! video/x-raw,format=GRAY8,width=8,"
                    "height=8,framerate=10/1 ! contourextract ! " + sampler(kTiny, 4, 300) +
                        " class=b batch-size=1 ! fakesink name=sink sync=false"));
  std::atomic<bool> first{false};
  GstPad* pad = gst_element_get_static_pad(run.get("sink"), "sink");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, raise_flag, &first, nullptr);
  gst_object_unref(pad);
  wait_for(first);
  EXPECT_TRUE(gst_element_seek_simple(
      run.pipeline, GST_FORMAT_TIME,
      static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE), 0));
  wait_for_end(&run);
  EXPECT_TRUE(run.eos) << run.all_errors();
  EXPECT_GE(run.counter("smp", "processed"), 1u);
}

TEST(Reliability, EosDrainsTheWorkInFlight) {
  // EOS is sent into the pipeline while the first image is being sampled: every image the
  // sampler started is finished and written, and the manifest names exactly those files.
  TempDir tmp;
  for (int i = 0; i < 6; ++i) write_png(tmp / ("data/b/img" + std::to_string(i) + ".png"), i);
  const int n = 4;
  PipelineRun run;
  ASSERT_TRUE(start(&run, "datasetsrc name=src location=" + (tmp / "data") + " bundle=" + kTiny +
                              " ! contourextract ! " + sampler(kTiny, n, 200) +
                              " batch-size=1 ! datasetsink name=sink location=" + (tmp / "out")));
  std::atomic<bool> first{false};
  GstPad* pad = gst_element_get_static_pad(run.get("smp"), "src");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, raise_flag, &first, nullptr);
  gst_object_unref(pad);
  wait_for(first);
  EXPECT_TRUE(gst_element_send_event(run.pipeline, gst_event_new_eos()));
  wait_for_end(&run);
  ASSERT_TRUE(run.eos) << run.all_errors();
  const guint64 processed = run.counter("smp", "processed");
  EXPECT_GE(processed, 1u);
  EXPECT_EQ(run.counter("smp", "generated"), processed * n);
  EXPECT_EQ(run.counter("sink", "count"), processed * n);
  EXPECT_EQ(manifest_files(tmp / "out").size(), processed * n);
  expect_manifest_matches_disk(tmp / "out");
}

}  // namespace
