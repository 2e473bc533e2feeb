// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The bundle manifest (design §5): parsing and validation, and its process-wide cache.
#include <higfa/error.h>
#include <higfa/manifest.h>
#include <higfa/seed.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "shared_cache.h"

namespace higfa {
namespace {

// Ordered, so that "provenance" is kept verbatim, in the manifest's key order.
using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

std::string join_path(const std::string& dir, const std::string& file) {
  if (file.empty() || fs::path(file).is_absolute()) return file;
  return (fs::path(dir) / file).string();
}

// What a JSON value is, for "found ..." in messages.
std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "the integer " + v.dump();
    case json::value_t::number_float:
      return "the number " + v.dump();
    case json::value_t::string: {
      std::string s = v.dump();
      if (s.size() > 40) s = s.substr(0, 37) + "...\"";
      return "the string " + s;
    }
    case json::value_t::array:
      return "an array of " + std::to_string(v.size()) + " element" + (v.size() == 1 ? "" : "s");
    case json::value_t::object:
      return "an object";
    default:
      return "a value of type " + std::string(v.type_name());
  }
}

// Reads typed, range-checked values out of one manifest; every failure names the file and key.
class ManifestReader {
 public:
  explicit ManifestReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& expected,
                         const std::string& found) const {
    throw ModelLoadError(file_ + ": \"" + key + "\": expected " + expected + ", found " + found);
  }

  // The value of `key` in `obj` (an object at `prefix`), or nullptr if absent and optional.
  const json* find(const json& obj, const std::string& prefix, const char* key,
                   const char* expected, bool required = true) const {
    const auto it = obj.find(key);
    if (it != obj.end()) return &*it;
    if (!required) return nullptr;
    throw ModelLoadError(file_ + ": missing key \"" + prefix + key + "\" (expected " + expected +
                         ")");
  }

  const json& object(const json& obj, const std::string& prefix, const char* key) const {
    const json& v = *find(obj, prefix, key, "an object");
    if (!v.is_object()) fail(prefix + key, "an object", describe(v));
    return v;
  }

  long long integer(const json& v, const std::string& key, long long lo, long long hi) const {
    const std::string expected = "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
    if (!v.is_number_integer()) fail(key, expected, describe(v));
    const long long value = v.get<long long>();
    if (value < lo || value > hi) fail(key, expected, std::to_string(value));
    return value;
  }

  long long integer(const json& obj, const std::string& prefix, const char* key, long long lo,
                    long long hi) const {
    return integer(*find(obj, prefix, key, "an integer"), prefix + key, lo, hi);
  }

  double number(const json& v, const std::string& key) const {
    if (!v.is_number()) fail(key, "a number", describe(v));
    return v.get<double>();
  }

  std::string string(const json& obj, const std::string& prefix, const char* key) const {
    const json& v = *find(obj, prefix, key, "a string");
    if (!v.is_string()) fail(prefix + key, "a string", describe(v));
    return v.get<std::string>();
  }

  bool boolean(const json& v, const std::string& key) const {
    if (!v.is_boolean()) fail(key, "true or false", describe(v));
    return v.get<bool>();
  }

  // A string that must be one of `choices`.
  std::string choice(const json& obj, const std::string& prefix, const char* key,
                     std::initializer_list<const char*> choices,
                     const char* fallback = nullptr) const {
    std::string expected;
    for (const char* c : choices)
      expected += (expected.empty() ? "\"" : " or \"") + std::string(c) + "\"";
    const json* v = find(obj, prefix, key, expected.c_str(), fallback == nullptr);
    if (v == nullptr) return fallback;
    if (!v->is_string()) fail(prefix + key, expected, describe(*v));
    const std::string s = v->get<std::string>();
    for (const char* c : choices) {
      if (s == c) return s;
    }
    fail(prefix + key, expected, describe(*v));
  }

  // [H, W] of positive integers.
  std::pair<int, int> size(const json& obj, const std::string& prefix, const char* key) const {
    const char* expected = "[height, width] of positive integers";
    const json& v = *find(obj, prefix, key, expected);
    if (!v.is_array() || v.size() != 2) fail(prefix + key, expected, describe(v));
    const int h = static_cast<int>(integer(v[0], prefix + key + "[0]", 1, 16384));
    const int w = static_cast<int>(integer(v[1], prefix + key + "[1]", 1, 16384));
    return {h, w};
  }

  ValueRange range(const json& obj, const std::string& prefix, const char* key) const {
    const char* expected = "[lo, hi] with lo < hi";
    const json& v = *find(obj, prefix, key, expected);
    if (!v.is_array() || v.size() != 2) fail(prefix + key, expected, describe(v));
    ValueRange r{static_cast<float>(number(v[0], prefix + key + "[0]")),
                 static_cast<float>(number(v[1], prefix + key + "[1]"))};
    if (!(r.lo < r.hi)) fail(prefix + key, expected, v.dump());
    return r;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

using NumberKey = std::pair<const char*, double*>;
using BoolKey = std::pair<const char*, bool*>;

ImageSpec read_image_spec(const ManifestReader& r, const json& obj, const std::string& prefix) {
  ImageSpec spec;
  std::tie(spec.height, spec.width) = r.size(obj, prefix, "resolution");
  spec.channels = static_cast<int>(r.integer(obj, prefix, "channels", 1, 3));
  if (spec.channels == 2) r.fail(prefix + "channels", "1 or 3", "2");
  spec.range = r.range(obj, prefix, "value_range");
  if (prefix.empty())  // the classifier's fit: read_classifier_fit
    spec.fit = parse_fit_mode(r.choice(obj, prefix, "fit", {"pad", "resize"}, "pad"));
  return spec;
}

// A classifier's fit may also be "center_crop", with an optional resize_size >= its size;
// `prefix` is the classifier's object ("classifier." or "filter_classifier.").
void read_classifier_fit(const ManifestReader& r, const json& obj, const std::string& prefix,
                         ImageSpec& spec) {
  spec.fit = parse_fit_mode(r.choice(obj, prefix, "fit", {"pad", "resize", "center_crop"}, "pad"));
  const json* v = r.find(obj, prefix, "resize_size", "an integer", false);
  if (v == nullptr) return;
  if (spec.fit != FitMode::kCenterCrop)
    r.fail(prefix + "resize_size", "no resize_size (it only applies to \"center_crop\")",
           v->dump());
  spec.resize_size = static_cast<int>(
      r.integer(*v, prefix + "resize_size", std::max(spec.height, spec.width), 16384));
}

// A classifier's per-channel normalisation: "mean" and "std", Cf numbers each (std > 0).
void read_normalisation(const ManifestReader& r, const json& obj, const std::string& prefix,
                        ImageSpec& spec) {
  const std::string expected = std::to_string(spec.channels) + " numbers (" + prefix + "channels)";
  for (const char* key : {"mean", "std"}) {
    const json* v = r.find(obj, prefix, key, expected.c_str(), false);
    if (v == nullptr) continue;
    const std::string name = prefix + key;
    if (!v->is_array() || static_cast<int>(v->size()) != spec.channels)
      r.fail(name, expected, describe(*v));
    std::vector<float>& out = key[0] == 'm' ? spec.mean : spec.std;
    for (std::size_t i = 0; i < v->size(); ++i) {
      const double x = r.number((*v)[i], name + "[" + std::to_string(i) + "]");
      if (key[0] == 's' && !(x > 0.0)) r.fail(name, "positive numbers", v->dump());
      out.push_back(static_cast<float>(x));
    }
  }
  if (spec.mean.empty() != spec.std.empty())
    r.fail(prefix + (spec.mean.empty() ? "mean" : "std"),
           "both " + prefix + "mean and " + prefix + "std, or neither", "one of them");
}

// A classifier's input contract: the object `key` ("classifier" or "filter_classifier").
ImageSpec read_classifier_spec(const ManifestReader& r, const json& root, const char* key) {
  const std::string prefix = std::string(key) + ".";
  const json& obj = r.object(root, "", key);
  ImageSpec spec = read_image_spec(r, obj, prefix);
  read_normalisation(r, obj, prefix, spec);
  read_classifier_fit(r, obj, prefix, spec);
  return spec;
}

SchedulerConfig read_scheduler(const ManifestReader& r, const json& root) {
  SchedulerConfig config;
  config.prediction_type =
      parse_prediction_type(r.choice(root, "", "prediction_type", {"epsilon", "v_prediction"}));
  config.timestep_spacing = parse_timestep_spacing(
      r.choice(root, "", "timestep_spacing", {"leading", "trailing"}, "leading"));
  if (const json* v = r.find(root, "", "steps_offset", "an integer", false)) {
    config.steps_offset = static_cast<int>(r.integer(*v, "steps_offset", 0, 1000));
  }
  if (const json* v = r.find(root, "", "set_alpha_to_one", "true or false", false)) {
    config.set_alpha_to_one = r.boolean(*v, "set_alpha_to_one");
  }
  if (const json* v = r.find(root, "", "clip_sample", "false", false)) {
    if (r.boolean(*v, "clip_sample")) r.fail("clip_sample", "false (x̂0 is not clipped)", "true");
  }
  const json& s = r.object(root, "", "schedule");
  const std::string p = "schedule.";
  NoiseScheduleConfig& n = config.noise;
  n.beta_schedule = parse_beta_schedule(
      r.choice(s, p, "beta_schedule", {"linear", "scaled_linear", "squaredcos_cap_v2", "cosine"}));
  n.num_train_timesteps = static_cast<int>(r.integer(s, p, "num_train_timesteps", 1, 100000));
  const bool needs_betas = n.beta_schedule != BetaSchedule::kCosine;
  for (const auto& [key, target] :
       {NumberKey{"beta_start", &n.beta_start}, NumberKey{"beta_end", &n.beta_end}}) {
    const json* v = r.find(s, p, key, "a number in (0, 1)", needs_betas);
    if (v == nullptr) continue;
    *target = r.number(*v, p + key);
    if (!(*target > 0.0 && *target < 1.0)) r.fail(p + key, "a number in (0, 1)", v->dump());
  }
  return config;
}

ContourOptions read_contour(const ManifestReader& r, const json& root) {
  ContourOptions c;
  const json* obj = r.find(root, "", "contour", "an object", false);
  if (obj == nullptr) return c;
  if (!obj->is_object()) r.fail("contour", "an object", describe(*obj));
  const std::string p = "contour.";
  if (const json* v = r.find(*obj, p, "blur_size", "", false)) {
    c.blur_size = static_cast<int>(r.integer(*v, p + "blur_size", 0, 99));
  }
  for (const auto& [key, target] :
       {NumberKey{"blur_sigma", &c.blur_sigma}, NumberKey{"low_threshold", &c.low_threshold},
        NumberKey{"high_threshold", &c.high_threshold}, NumberKey{"auto_sigma", &c.auto_sigma}}) {
    if (const json* v = r.find(*obj, p, key, "", false)) *target = r.number(*v, p + key);
  }
  for (const auto& [key, target] :
       {BoolKey{"l2_gradient", &c.l2_gradient}, BoolKey{"auto_threshold", &c.auto_threshold},
        BoolKey{"thinning", &c.thinning}}) {
    if (const json* v = r.find(*obj, p, key, "", false)) *target = r.boolean(*v, p + key);
  }
  try {
    validate(c);
  } catch (const InvalidArgument& e) {
    throw ModelLoadError(r.file() + ": \"contour\": " + e.what());
  }
  return c;
}

void read_classes(const ManifestReader& r, const json& root, BundleManifest& m) {
  m.num_classes = static_cast<int>(r.integer(root, "", "num_classes", 1, 1000000));
  m.null_class = static_cast<int>(r.integer(root, "", "null_class", 0, 1000000));
  if (m.null_class != m.num_classes) {
    r.fail("null_class", std::to_string(m.num_classes) + " (= num_classes)",
           std::to_string(m.null_class));
  }
  const json& names = *r.find(root, "", "class_names", "an array of strings");
  if (!names.is_array()) r.fail("class_names", "an array of strings", describe(names));
  if (static_cast<int>(names.size()) != m.num_classes) {
    r.fail("class_names", std::to_string(m.num_classes) + " names (num_classes)",
           std::to_string(names.size()));
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string key = "class_names[" + std::to_string(i) + "]";
    if (!names[i].is_string()) r.fail(key, "a string", describe(names[i]));
    std::string name = names[i].get<std::string>();
    if (name.empty()) r.fail(key, "a non-empty name", "\"\"");
    for (const auto& seen : m.class_names) {
      if (seen == name) r.fail(key, "a name not used before", "\"" + name + "\" again");
    }
    m.class_names.push_back(std::move(name));
  }
}

std::string read_file_entry(const ManifestReader& r, const json& files, const std::string& dir,
                            const char* key) {
  const std::string name = r.string(files, "files.", key);
  if (name.empty()) r.fail(std::string("files.") + key, "a file name", "\"\"");
  const std::string path = join_path(dir, name);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw ModelLoadError(path + ": file not found (expected the TorchScript file that \"files." +
                         key + "\" of " + r.file() + " names)");
  }
  return name;
}

// "latent" (`a`): the autoencoder of a latent bundle whose images are `image`.
AutoencoderSpec read_autoencoder(const ManifestReader& r, const json& a, const ImageSpec& image) {
  const std::string p = "latent.";
  AutoencoderSpec spec;
  spec.channels = static_cast<int>(r.integer(a, p, "channels", 1, 64));
  spec.downsampling_factor = static_cast<int>(r.integer(a, p, "downsampling_factor", 1, 64));
  spec.scaling_factor =
      r.number(*r.find(a, p, "scaling_factor", "a positive number"), p + "scaling_factor");
  if (!(spec.scaling_factor > 0.0) || !std::isfinite(spec.scaling_factor))
    r.fail(p + "scaling_factor", "a positive number", std::to_string(spec.scaling_factor));
  const int f = spec.downsampling_factor;
  if (image.height % f != 0 || image.width % f != 0)
    r.fail("resolution", "multiples of latent.downsampling_factor " + std::to_string(f),
           std::to_string(image.height) + "x" + std::to_string(image.width));
  return spec;
}

void read_text(const ManifestReader& r, const json& root, BundleManifest& m) {
  const json& t = r.object(root, "", "text");
  const std::string p = "text.";
  TextSpec& spec = m.text;
  spec.sequence_length = static_cast<int>(r.integer(t, p, "sequence_length", 1, 4096));
  spec.embedding_dim = static_cast<int>(r.integer(t, p, "embedding_dim", 1, 16384));
  const json& prompts = *r.find(t, p, "prompts", "one array of prompt strings per class");
  const std::string expected = std::to_string(m.num_classes) + " arrays (one per class)";
  if (!prompts.is_array() || static_cast<int>(prompts.size()) != m.num_classes)
    r.fail(p + "prompts", expected, describe(prompts));
  for (std::size_t c = 0; c < prompts.size(); ++c) {
    const std::string key = p + "prompts[" + std::to_string(c) + "]";
    const json& list = prompts[c];
    if (!list.is_array() || list.empty())
      r.fail(key, "at least one prompt for class \"" + m.class_names[c] + "\"", describe(list));
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string())
        r.fail(key + "[" + std::to_string(i) + "]", "a string", describe(list[i]));
      texts.push_back(list[i].get<std::string>());
    }
    spec.prompts.push_back(std::move(texts));
  }
  spec.unconditional_prompt = r.string(t, p, "unconditional_prompt");
}

void read_space(const ManifestReader& r, const json& root, const json& files, BundleManifest& m) {
  m.latent = r.choice(root, "", "space", {"pixel", "latent"}) == "latent";
  if (m.latent) {
    for (const char* key : {"vae_encoder", "vae_decoder"}) {
      if (!files.contains(key))
        throw ModelLoadError(r.file() + ": missing key \"files." + key +
                             "\" (a latent bundle needs files.vae_encoder and files.vae_decoder)");
    }
    m.autoencoder = read_autoencoder(r, r.object(root, "", "latent"), m.image);
  }
  m.conditioning = r.choice(root, "", "conditioning", {"class", "text"});
  if (m.text_conditioned() && !files.contains("prompts"))
    throw ModelLoadError(r.file() +
                         ": missing key \"files.prompts\" (a text bundle needs its prompt table)");
  if (const json* v = r.find(root, "", "control", "an object", false)) {
    if (!v->is_object()) r.fail("control", "an object", describe(*v));
    if (const json* c = r.find(*v, "control.", "channels", "1 or 3", false)) {
      m.control_channels = static_cast<int>(r.integer(*c, "control.channels", 1, 3));
      if (m.control_channels == 2) r.fail("control.channels", "1 or 3", "2");
    }
  }
}

json parse_manifest_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ModelLoadError(path +
                         ": cannot open the bundle manifest (expected a JSON file "
                         "manifest.json in the bundle directory)");
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw ModelLoadError(path + ": malformed JSON (expected a JSON object): " + e.what());
  }
}

// `hash` continued over `name`, the bytes and the size of the file `path`, NUL-separated.
std::uint64_t hash_file(std::uint64_t hash, const std::string& name, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelLoadError(path + ": cannot be opened to fingerprint the bundle");
  hash = fnv1a64_update(hash, name.c_str(), name.size() + 1);
  std::vector<char> buf(1 << 20);
  std::uint64_t size = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    hash = fnv1a64_update(hash, buf.data(), n);
    size += n;
  }
  if (in.bad()) throw ModelLoadError(path + ": cannot be read to fingerprint the bundle");
  const std::string tail = std::string(1, '\0') + std::to_string(size);
  return fnv1a64_update(hash, tail.c_str(), tail.size() + 1);
}

}  // namespace

std::string bundle_fingerprint(const std::string& dir) {
  const std::string path = join_path(dir, "manifest.json");
  const json root = parse_manifest_file(path);
  if (!root.is_object() || !root.contains("files") || !root["files"].is_object())
    throw ModelLoadError(path + ": expected a JSON object with a \"files\" object");
  std::map<std::string, std::string> files = {{"manifest.json", path}};
  for (const auto& [key, value] : root["files"].items()) {
    if (value.is_string()) files["files." + key] = join_path(dir, value.get<std::string>());
  }
  std::uint64_t hash = fnv1a64("");
  for (const auto& [name, file] : files) hash = hash_file(hash, name, file);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

BundleManifest load_manifest(const std::string& dir) {
  const std::string path = join_path(dir, "manifest.json");
  const json root = parse_manifest_file(path);
  ManifestReader r(path);
  if (!root.is_object()) r.fail("(root)", "a JSON object", describe(root));
  r.choice(root, "", "format", {"higfa-bundle"});
  r.integer(root, "", "version", 1, 1);

  BundleManifest m;
  m.name = r.string(root, "", "name");
  m.image = read_image_spec(r, root, "");
  const json& files = r.object(root, "", "files");
  read_classes(r, root, m);
  read_space(r, root, files, m);
  if (m.text_conditioned()) read_text(r, root, m);
  m.scheduler = read_scheduler(r, root);
  if (root.contains("source_size")) r.size(root, "", "source_size");
  m.contour = read_contour(r, root);
  m.classifier = read_classifier_spec(r, root, "classifier");
  m.denoiser_file = read_file_entry(r, files, dir, "denoiser");
  m.classifier_file = read_file_entry(r, files, dir, "classifier");
  // The optional filter classifier: its own input contract, or the guidance classifier's.
  if (files.contains("filter_classifier")) {
    m.filter_classifier_file = read_file_entry(r, files, dir, "filter_classifier");
    m.filter_classifier = root.contains("filter_classifier")
                              ? read_classifier_spec(r, root, "filter_classifier")
                              : m.classifier;
  } else if (root.contains("filter_classifier")) {
    r.fail("filter_classifier", "no filter_classifier object without files.filter_classifier",
           "an object and no file");
  }
  if (m.latent) {
    m.vae_encoder_file = read_file_entry(r, files, dir, "vae_encoder");
    m.vae_decoder_file = read_file_entry(r, files, dir, "vae_decoder");
  }
  if (m.text_conditioned()) m.prompts_file = read_file_entry(r, files, dir, "prompts");
  m.device = r.choice(root, "", "device", {"any", "cpu", "cuda"}, "any");
  m.dtype = r.choice(root, "", "dtype", {"float32", "float16", "bfloat16"}, "float32");
  if (m.dtype == "float16" && m.device != "cuda")
    r.fail("dtype",
           "\"float16\" only with \"device\": \"cuda\" (CPU kernels lack half precision "
           "convolutions; export bfloat16 or float32 for CPU)",
           "\"float16\" with \"device\": \"" + m.device + "\"");
  if (const json* v = r.find(root, "", "provenance", "", false)) {
    if (!v->is_object()) r.fail("provenance", "an object", describe(*v));
    m.provenance_json = v->dump();
  } else {
    m.provenance_json = "{}";
  }
  return m;
}

std::vector<std::int64_t> BundleManifest::sample_shape() const {
  if (!latent) return {image.channels, image.height, image.width};
  const int f = autoencoder.downsampling_factor;
  return {autoencoder.channels, image.height / f, image.width / f};
}

std::shared_ptr<const BundleManifest> shared_manifest(const std::string& dir) {
  static WeakCache<const BundleManifest> cache;
  return cache.get(canonical_key(dir),
                   [&dir]() { return std::make_shared<const BundleManifest>(load_manifest(dir)); });
}

}  // namespace higfa
