// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// ImageClassifier: a bundle's or a standalone TorchScript classifier with its preprocessing.
#include <higfa/classifier.h>
#include <higfa/error.h>
#include <higfa/log.h>
#include <higfa/runtime.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "bundle_files.h"
#include "shared_cache.h"

namespace higfa {

struct ImageClassifier::Impl {
  ImageSpec spec;
  std::vector<std::string> class_names;
  torch::Device device = torch::kCPU;
  std::string source;  // the bundle directory or the module file, for error messages
  std::function<torch::Tensor(const torch::Tensor&)> logits;
};

namespace {

using nlohmann::json;

// Reads key `key` of `obj` as T, or throws ModelLoadError naming `file`, the key and what came.
template <typename T>
T spec_value(const json& obj, const char* key, const std::string& file, const char* expected) {
  if (!obj.contains(key))
    throw ModelLoadError(file + ": missing key \"" + key + "\" (expected " + expected + ")");
  try {
    return obj.at(key).get<T>();
  } catch (const json::exception&) {
    throw ModelLoadError(file + ": key \"" + key + "\": expected " + expected + ", got " +
                         obj.at(key).dump());
  }
}

// Parses the standalone classifier's JSON description.
std::pair<ImageSpec, std::vector<std::string>> parse_spec_file(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw ModelLoadError(file + ": cannot open the classifier description (JSON)");
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    throw ModelLoadError(file + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object()) throw ModelLoadError(file + ": expected a JSON object");
  const json& input = doc.contains("input") ? doc.at("input") : doc;
  ImageSpec spec;
  const auto res = spec_value<std::vector<int>>(input, "resolution", file, "[height, width]");
  const auto range = spec_value<std::vector<float>>(input, "value_range", file, "[lo, hi]");
  spec.channels = spec_value<int>(input, "channels", file, "1 or 3");
  const auto fit = input.contains("fit") ? spec_value<std::string>(input, "fit", file, "a string")
                                         : std::string("pad");
  if (res.size() != 2 || res[0] < 1 || res[1] < 1)
    throw ModelLoadError(file + ": \"resolution\": expected [height, width] >= 1");
  if (range.size() != 2 || !(range[0] < range[1]))
    throw ModelLoadError(file + ": \"value_range\": expected [lo, hi] with lo < hi");
  if (spec.channels != 1 && spec.channels != 3)
    throw ModelLoadError(file + ": \"channels\": expected 1 or 3, got " +
                         std::to_string(spec.channels));
  spec.height = res[0];
  spec.width = res[1];
  spec.range = {range[0], range[1]};
  try {
    spec.fit = parse_fit_mode(fit);
  } catch (const InvalidArgument& e) {
    throw ModelLoadError(file + ": \"fit\": " + e.what());
  }
  auto names = spec_value<std::vector<std::string>>(doc, "class_names", file, "a list of names");
  if (names.empty()) throw ModelLoadError(file + ": \"class_names\" is empty");
  return {spec, std::move(names)};
}

// Ids ordered by descending probability; ties go to the lower id, so the order is reproducible.
std::vector<int> ranked_ids(const float* probs, int n) {
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [probs](int a, int b) { return probs[a] > probs[b]; });
  return order;
}

}  // namespace

ImageClassifier::ImageClassifier(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

ImageClassifier::ImageClassifier(const ModelBundle& bundle) {
  auto impl = std::make_shared<Impl>();
  impl->spec = bundle.manifest().classifier;
  impl->class_names = bundle.manifest().class_names;
  impl->device = bundle.device();
  impl->source = bundle.directory();
  impl->logits = [bundle](const torch::Tensor& x) { return bundle.classify(x); };
  impl_ = std::move(impl);
}

namespace {

torch::jit::Module load_script(const std::string& module_path, torch::Device device) {
  try {
    torch::jit::Module module = torch::jit::load(module_path, device);
    module.eval();
    return module;
  } catch (const c10::Error& e) {
    throw ModelLoadError(module_path +
                         ": cannot load the TorchScript classifier: " + e.what_without_backtrace());
  }
}

// Runs the classifier on a batch of one, so that a mismatch fails at load time and not on the
// first frame; `classes_from` names where the class count comes from.
void probe(const std::function<torch::Tensor(const torch::Tensor&)>& logits, const ImageSpec& s,
           std::size_t num_classes, torch::Device device, const std::string& module_path,
           const std::string& classes_from) {
  torch::Tensor out;
  try {
    torch::NoGradGuard no_grad;
    SingleThreadScope single_thread;  // no OpenMP pool left on the loading thread
    out = logits(torch::full({1, s.channels, s.height, s.width}, s.range.lo,
                             torch::TensorOptions().dtype(torch::kFloat32).device(device)));
  } catch (const c10::Error& e) {
    throw ModelLoadError(module_path + ": forward(x [1," + std::to_string(s.channels) + "," +
                         std::to_string(s.height) + "," + std::to_string(s.width) +
                         "]) failed: " + e.what_without_backtrace());
  }
  const auto k = static_cast<int64_t>(num_classes);
  if (out.dim() != 2 || out.size(0) != 1 || out.size(1) != k)
    throw ModelLoadError(module_path + ": expected logits [1, " + std::to_string(k) +
                         "] (one per class in " + classes_from + "), got " + c10::str(out.sizes()));
  log(LogLevel::kInfo, "classifier " + module_path + ": " + std::to_string(k) + " classes");
}

}  // namespace

ImageClassifier ImageClassifier::load(const std::string& module_path, const std::string& spec_path,
                                      torch::Device device) {
  auto impl = std::make_shared<Impl>();
  std::tie(impl->spec, impl->class_names) = parse_spec_file(spec_path);
  impl->device = device;
  impl->source = module_path;
  torch::jit::Module module = load_script(module_path, device);
  impl->logits = [module](const torch::Tensor& x) mutable {
    return module.forward({x}).toTensor();
  };
  probe(impl->logits, impl->spec, impl->class_names.size(), device, module_path, spec_path);
  return ImageClassifier(std::move(impl));
}

std::string ImageClassifier::spec_path_for(const std::string& module_path) {
  const auto slash = module_path.find_last_of('/');
  const auto dot = module_path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return module_path + ".json";
  return module_path.substr(0, dot) + ".json";
}

const ImageSpec& ImageClassifier::spec() const { return impl_->spec; }
const std::vector<std::string>& ImageClassifier::class_names() const { return impl_->class_names; }
int ImageClassifier::num_classes() const { return static_cast<int>(impl_->class_names.size()); }
torch::Device ImageClassifier::device() const { return impl_->device; }

int ImageClassifier::class_id(const std::string& name) const {
  const auto& names = impl_->class_names;
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

torch::Tensor ImageClassifier::preprocess(const std::vector<ImageView>& frames) const {
  if (frames.empty()) throw InvalidArgument("classify: expected at least one frame, got none");
  const ImageSpec& s = impl_->spec;
  std::vector<torch::Tensor> batch;
  batch.reserve(frames.size());
  for (const ImageView& frame : frames) {
    const torch::Tensor x = image_to_tensor(frame, s.channels, s.range);
    batch.push_back(fit_to_resolution(x, s.height, s.width, s.fit, s.range.lo, s.resize_size));
  }
  return torch::cat(batch, 0).to(impl_->device);
}

std::vector<Classification> ImageClassifier::classify(const std::vector<ImageView>& frames,
                                                      int top_k) const {
  if (top_k < 1)
    throw InvalidArgument("classify: top_k must be >= 1, got " + std::to_string(top_k));
  return classify_tensor(preprocess(frames), top_k);
}

std::vector<Classification> ImageClassifier::classify_tensor(const torch::Tensor& x,
                                                             int top_k) const {
  const ImageSpec& s = impl_->spec;
  if (top_k < 1)
    throw InvalidArgument("classify: top_k must be >= 1, got " + std::to_string(top_k));
  if (x.dim() != 4 || x.size(1) != s.channels || x.size(0) < 1)
    throw InvalidArgument("classify: expected x [B>=1," + std::to_string(s.channels) +
                          ",H,W], got " + c10::str(x.sizes()));
  torch::NoGradGuard no_grad;
  torch::Tensor in = x.to(impl_->device, torch::kFloat32);
  if (in.size(2) != s.height || in.size(3) != s.width)
    in = fit_to_resolution(in, s.height, s.width, s.fit, s.range.lo, s.resize_size);
  const torch::Tensor logits = impl_->logits(in);
  const int k = num_classes();
  if (logits.dim() != 2 || logits.size(0) != in.size(0) || logits.size(1) != k)
    throw Error(impl_->source + ": classifier returned " + c10::str(logits.sizes()) +
                ", expected [" + std::to_string(in.size(0)) + ", " + std::to_string(k) + "]");
  if (!torch::isfinite(logits).all().item<bool>())
    throw Error(impl_->source + ": classifier returned non-finite logits (NaN or Inf)");
  const torch::Tensor probs =
      torch::softmax(logits.to(torch::kCPU, torch::kFloat32), 1).contiguous();
  const int n = std::min(top_k, k);
  std::vector<Classification> out(static_cast<std::size_t>(probs.size(0)));
  for (int64_t b = 0; b < probs.size(0); ++b) {
    const float* p = probs.data_ptr<float>() + b * k;
    Classification& c = out[static_cast<std::size_t>(b)];
    c.probs.assign(p, p + k);
    c.ids = ranked_ids(p, k);
    c.ids.resize(static_cast<std::size_t>(n));
    for (int id : c.ids) c.scores.push_back(p[id]);
  }
  return out;
}

BundleClassifier parse_bundle_classifier(const std::string& name) {
  if (name == "guidance") return BundleClassifier::kGuidance;
  if (name == "filter") return BundleClassifier::kFilter;
  if (name == "auto") return BundleClassifier::kAuto;
  throw InvalidArgument("classifier: expected \"guidance\", \"filter\" or \"auto\", got \"" + name +
                        "\"");
}

const char* to_string(BundleClassifier which) {
  switch (which) {
    case BundleClassifier::kGuidance:
      return "guidance";
    case BundleClassifier::kFilter:
      return "filter";
    case BundleClassifier::kAuto:
      break;
  }
  return "auto";
}

BundleClassifier resolve_bundle_classifier(const std::string& dir, BundleClassifier which) {
  if (which != BundleClassifier::kAuto) return which;
  return shared_manifest(dir)->filter_classifier_file.empty() ? BundleClassifier::kGuidance
                                                              : BundleClassifier::kFilter;
}

ImageClassifier ImageClassifier::load_filter(const std::string& dir, torch::Device device) {
  const std::shared_ptr<const BundleManifest> m = shared_manifest(dir);
  if (m->filter_classifier_file.empty())
    throw ModelLoadError(dir +
                         "/manifest.json: no \"files.filter_classifier\": this bundle has "
                         "only its guidance classifier (use classifier=guidance or auto)");
  check_device(*m, dir, device);
  const std::string path = join_path(dir, m->filter_classifier_file);
  auto impl = std::make_shared<Impl>();
  impl->spec = m->filter_classifier;
  impl->class_names = m->class_names;
  impl->device = device;
  impl->source = path;
  torch::jit::Module module = load_script(path, device);
  const ImageSpec& s = impl->spec;
  impl->logits = [module, s](const torch::Tensor& x) mutable {
    return module.forward({normalise(s, x)}).toTensor();
  };
  probe(impl->logits, s, impl->class_names.size(), device, path, dir + "/manifest.json");
  return ImageClassifier(std::move(impl));
}

std::shared_ptr<const ImageClassifier> shared_classifier(const std::string& dir,
                                                         torch::Device device,
                                                         BundleClassifier which) {
  which = resolve_bundle_classifier(dir, which);
  static WeakCache<const ImageClassifier> cache;
  const std::string key = canonical_key(dir) + "\n" + device.str() + "\n" + to_string(which);
  return cache.get(key, [&]() {
    if (which == BundleClassifier::kFilter)
      return std::make_shared<const ImageClassifier>(ImageClassifier::load_filter(dir, device));
    return std::make_shared<const ImageClassifier>(
        *ModelBundle::shared(dir, device, BundleParts::kClassifier));
  });
}

}  // namespace higfa
