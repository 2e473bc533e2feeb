// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The pipelines suite: every pipelines/*.txt runs to EOS on small input, plus end-to-end checks.
#include <gst/gst.h>
#include <gtest/gtest.h>
#include <higfa/bundle.h>
#include <higfa/dataset.h>
#include <higfa/dataset_writer.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string kRoot = HIGFA_SOURCE_ROOT;
const std::string kData = kRoot + "/data/samples";
const std::string kBundle = kRoot + "/models/fashion-mnist";
// The latent, text-conditioned bundle: every pipeline file runs with it too.
const std::string kLatentBundle = kRoot + "/models/fashion-mnist-latent";
constexpr GstClockTime kTimeout = 300 * GST_SECOND;  // per pipeline; generous for a shared CPU

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "higfa-pipelines-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> pipeline_files() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kRoot + "/pipelines", ec)) {
    if (e.path().extension() == ".txt") {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The description without its '#' comment lines, lines joined by spaces.
std::string read_description(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] != '#') {
      out += line + " ";
    }
  }
  return out;
}

// Replaces ${NAME} by values[NAME]; an unknown name is reported in *unknown.
std::string substitute(const std::string& desc, const std::map<std::string, std::string>& values,
                       std::string* unknown) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = desc.find("${", pos);
    if (open == std::string::npos) {
      return out + desc.substr(pos);
    }
    const std::size_t close = desc.find('}', open);
    const std::string name = desc.substr(open + 2, close - open - 2);
    out += desc.substr(pos, open - pos);
    const auto it = values.find(name);
    if (it == values.end()) {
      *unknown = name;
      out += "${" + name + "}";
    } else {
      out += it->second;
    }
    pos = close + 1;
  }
}

// Small-input values of the placeholders (tools/augment.py uses larger defaults).
std::map<std::string, std::string> test_values(const std::string& out,
                                               const std::string& bundle = kBundle) {
  return {{"DATA", kData}, {"BUNDLE", bundle}, {"OUT", out},
          {"STEPS", "4"},  {"SAMPLES", "1"},   {"FRAMES", "2"}};
}

// Parses `desc`; on failure says which elements are missing (not built or not registered).
GstElement* parse(const std::string& desc, std::string* error) {
  GstParseContext* ctx = gst_parse_context_new();
  GError* err = nullptr;
  GstElement* pipeline =
      gst_parse_launch_full(desc.c_str(), ctx, GST_PARSE_FLAG_FATAL_ERRORS, &err);
  if (pipeline == nullptr || err != nullptr) {
    gchar** missing = gst_parse_context_get_missing_elements(ctx);
    std::string names;
    for (gchar** m = missing; m && *m; ++m) {
      names += std::string(names.empty() ? "" : ", ") + *m;
    }
    *error = names.empty() ? std::string("parse error: ") + (err ? err->message : "?")
                           : "missing element(s) " + names +
                                 ": not built into the higfa plugin yet, or not registered";
    g_strfreev(missing);
    g_clear_error(&err);
    if (pipeline) gst_object_unref(pipeline);
    pipeline = nullptr;
  }
  gst_parse_context_free(ctx);
  return pipeline;
}

// Plays `pipeline` to EOS; returns "" or what went wrong (errors, timeout).
std::string play_to_eos(GstElement* pipeline) {
  // A failed state change posts an error message, which is read below.
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  std::string problem;
  GstMessage* msg = gst_bus_timed_pop_filtered(
      bus, kTimeout, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  if (msg == nullptr) {
    problem = "no EOS within the timeout";
  } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    GError* err = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(msg, &err, &debug);
    problem = std::string("error from ") + GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)) + ": " +
              err->message + " (" + (debug ? debug : "") + ")";
    g_clear_error(&err);
    g_free(debug);
  }
  if (msg) gst_message_unref(msg);
  gst_object_unref(bus);
  return problem;
}

std::vector<GstElement*> elements_of(GstElement* pipeline, const char* factory) {
  std::vector<GstElement*> out;
  GstIterator* it = gst_bin_iterate_recurse(GST_BIN(pipeline));
  GValue v = G_VALUE_INIT;
  while (gst_iterator_next(it, &v) == GST_ITERATOR_OK) {
    auto* e = GST_ELEMENT(g_value_get_object(&v));
    GstElementFactory* f = gst_element_get_factory(e);
    if (f && std::string(GST_OBJECT_NAME(f)) == factory) {
      out.push_back(e);
    }
    g_value_reset(&v);
  }
  g_value_unset(&v);
  gst_iterator_free(it);
  return out;
}

guint64 get_u64(GstElement* e, const char* prop) {
  guint64 v = 0;
  g_object_get(e, prop, &v, nullptr);
  return v;
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

// Checks every datasetsink / multifilesink / datasetsrc / higfasampler / confidencefilter of a
// finished pipeline; returns the number of frames accounted for (written or counted as dropped).
guint64 check_outputs(GstElement* pipeline) {
  guint64 accounted = 0;
  guint64 written_by_datasetsinks = 0;
  for (GstElement* sink : elements_of(pipeline, "datasetsink")) {
    gchar* loc = nullptr;
    g_object_get(sink, "location", &loc, nullptr);
    const std::string dir = loc;
    g_free(loc);
    const auto problems = higfa::check_manifest(dir);
    EXPECT_TRUE(problems.empty()) << dir << ": " << (problems.empty() ? "" : problems[0]);
    EXPECT_EQ(manifest_lines(dir).size(), get_u64(sink, "count")) << dir;
    written_by_datasetsinks += get_u64(sink, "count");
  }
  accounted += written_by_datasetsinks;
  for (GstElement* sink : elements_of(pipeline, "multifilesink")) {
    guint index = 0;
    gchar* loc = nullptr;
    g_object_get(sink, "index", &index, "location", &loc, nullptr);
    for (guint i = 0; i < index; ++i) {
      gchar* name = g_strdup_printf(loc, i);
      EXPECT_TRUE(fs::is_regular_file(name)) << name;
      g_free(name);
    }
    g_free(loc);
    accounted += index;
  }
  for (GstElement* src : elements_of(pipeline, "datasetsrc")) {
    EXPECT_GT(get_u64(src, "count"), 0u);
    EXPECT_EQ(get_u64(src, "skipped"), 0u);
  }
  for (GstElement* sampler : elements_of(pipeline, "higfasampler")) {
    guint n = 0;
    g_object_get(sampler, "samples-per-image", &n, nullptr);
    EXPECT_EQ(get_u64(sampler, "generated"), get_u64(sampler, "processed") * n);
  }
  for (GstElement* filter : elements_of(pipeline, "confidencefilter")) {
    GstStructure* stats = nullptr;
    g_object_get(filter, "stats", &stats, nullptr);
    guint64 kept = 0;
    guint64 dropped = 0;
    if (stats) {
      gst_structure_get_uint64(stats, "kept", &kept);
      gst_structure_get_uint64(stats, "dropped", &dropped);
      gst_structure_free(stats);
    }
    GstPad* reject = gst_element_get_static_pad(filter, "reject_src");
    const bool reject_linked = reject && gst_pad_is_linked(reject);
    if (reject) gst_object_unref(reject);
    // Every frame the filter saw is written or dropped: nothing is lost in between.
    EXPECT_EQ(written_by_datasetsinks, kept + (reject_linked ? dropped : 0));
    if (!reject_linked) accounted += dropped;
  }
  return accounted;
}

// A pipeline file and the bundle it runs with.
struct PipelineCase {
  std::string file;
  std::string bundle;
};

std::vector<PipelineCase> pipeline_cases() {
  std::vector<PipelineCase> cases;
  for (const std::string& file : pipeline_files()) {
    for (const std::string& bundle : {kBundle, kLatentBundle}) cases.push_back({file, bundle});
  }
  return cases;
}

class PipelineFile : public ::testing::TestWithParam<PipelineCase> {};

// Substitutes the placeholders, runs the file's pipeline to EOS, and checks what it wrote.
TEST_P(PipelineFile, RunsToEosOnSmallInput) {
  const PipelineCase& c = GetParam();
  if (!fs::is_regular_file(c.bundle + "/manifest.json")) {
    GTEST_SKIP() << c.bundle << " is not in this checkout (tools/train_latent_bundle.py makes it)";
  }
  TempDir out;
  const std::string file = kRoot + "/pipelines/" + c.file;
  std::string unknown;
  const std::string desc =
      substitute(read_description(file), test_values(out.path(), c.bundle), &unknown);
  ASSERT_TRUE(unknown.empty()) << file << ": unknown placeholder ${" << unknown << "}";
  std::string error;
  GstElement* pipeline = parse(desc, &error);
  ASSERT_NE(pipeline, nullptr) << file << ": " << error;
  const std::string problem = play_to_eos(pipeline);
  EXPECT_EQ(problem, "") << file << " with " << c.bundle;
  if (problem.empty()) {
    EXPECT_GT(check_outputs(pipeline), 0u) << file << ": no frame came out";
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
}

INSTANTIATE_TEST_SUITE_P(Pipelines, PipelineFile, ::testing::ValuesIn(pipeline_cases()),
                         [](const ::testing::TestParamInfo<PipelineCase>& info) {
                           std::string name = fs::path(info.param.file).stem().string() + "_" +
                                              fs::path(info.param.bundle).filename().string();
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return name;
                         });

// Runs `desc`; fails the test (and returns false) on a parse error or an error before EOS.
bool run(const std::string& desc) {
  std::string error;
  GstElement* pipeline = parse(desc, &error);
  EXPECT_NE(pipeline, nullptr) << error;
  if (pipeline == nullptr) return false;
  const std::string problem = play_to_eos(pipeline);
  EXPECT_EQ(problem, "");
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return problem.empty();
}

// The class a sample file belongs to, from its folder, under the bundle's class names.
std::string class_of_source(const std::string& source_path,
                            const std::vector<std::string>& classes) {
  const std::string dir = fs::path(source_path).parent_path().filename().string();
  for (const auto& c : classes) {
    if (higfa::class_dir_name(c) == dir) return c;
  }
  return "<no class for " + dir + ">";
}

TEST(EndToEnd, DatasetRoundTripKeepsLabelsAndPixels) {
  TempDir out;
  ASSERT_TRUE(run("datasetsrc location=\"" + kData + "\" bundle=\"" + kBundle +
                  "\" ! datasetsink location=\"" + out.path() + "\""));
  const auto classes = higfa::load_manifest(kBundle).class_names;
  const auto inputs = higfa::list_image_folder(kData);
  const auto lines = manifest_lines(out.path());
  ASSERT_EQ(lines.size(), inputs.size());
  EXPECT_TRUE(higfa::check_manifest(out.path()).empty());
  std::set<std::string> seen;
  for (const auto& line : lines) {
    const std::string source = line["label"]["source_path"];
    const std::string cls = line["class_name"];
    EXPECT_EQ(cls, class_of_source(source, classes)) << source;
    const auto id = std::find(classes.begin(), classes.end(), cls) - classes.begin();
    EXPECT_EQ(line["class_id"], id) << source;
    seen.insert(line["source_id"].get<std::string>());
    const auto in = higfa::decode_image(source);
    const auto written = higfa::decode_image(out.path() + "/" + line["path"].get<std::string>());
    EXPECT_EQ(in.pixels, written.pixels) << source;
  }
  std::set<std::string> expected;
  for (const auto& e : inputs) expected.insert(e.source_id);
  EXPECT_EQ(seen, expected);
}

// Generated images keep the class of their source image, and every one is on disk.
TEST(EndToEnd, AugmentedManifestMatchesFilesAndSourceLabels) {
  GstElementFactory* f = gst_element_factory_find("higfasampler");
  if (f == nullptr) GTEST_SKIP() << "higfasampler is not built yet";
  gst_object_unref(f);
  TempDir out;
  constexpr int kSamples = 2;
  ASSERT_TRUE(run("datasetsrc location=\"" + kData + "\" bundle=\"" + kBundle +
                  "\" ! contourextract ! higfasampler bundle=\"" + kBundle +
                  "\" samples-per-image=2 num-inference-steps=2 seed=7 ! datasetsink location=\"" +
                  out.path() + "\""));
  const auto classes = higfa::load_manifest(kBundle).class_names;
  const auto inputs = higfa::list_image_folder(kData);
  const auto lines = manifest_lines(out.path());
  ASSERT_EQ(lines.size(), inputs.size() * kSamples);
  EXPECT_TRUE(higfa::check_manifest(out.path()).empty());
  std::set<std::pair<std::string, int>> samples;
  for (const auto& line : lines) {
    const std::string source = line["label"]["source_path"];
    EXPECT_EQ(line["class_name"], class_of_source(source, classes)) << source;
    EXPECT_EQ(line["provenance"]["class_name"], line["class_name"]) << source;
    EXPECT_EQ(line["provenance"]["source_id"], line["label"]["source_id"]) << source;
    samples.insert({line["source_id"].get<std::string>(), line["sample_index"].get<int>()});
  }
  EXPECT_EQ(samples.size(), lines.size());  // one line per (source, sample index)
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  gst_init(&argc, &argv);
  // Pipelines may name files relative to the repository root (as gst-launch-1.0 run there would).
  if (::chdir(kRoot.c_str()) != 0) {
    return 2;
  }
  const int result = RUN_ALL_TESTS();
  gst_deinit();
  return result;
}
