// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The model bundle (design §5): TorchScript loading and probing, and the process-wide cache.
#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <higfa/bundle.h>
#include <higfa/error.h>
#include <higfa/log.h>
#include <higfa/runtime.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "shared_cache.h"

namespace higfa {
namespace {

std::string join_path(const std::string& dir, const std::string& file) {
  if (file.empty() || std::filesystem::path(file).is_absolute()) return file;
  return (std::filesystem::path(dir) / file).string();
}

std::string dims_str(at::IntArrayRef sizes) { return c10::str(sizes); }

// One loaded TorchScript file; a classifier-only bundle and the full bundle of the same
// directory and device share theirs.
struct ScriptModule {
  std::string path;
  // forward() is not const in LibTorch, but running one module from several threads is supported
  // (the interpreter keeps per-call state; executor plans are cached under their own lock).
  mutable torch::jit::Module module;
};

// The state of a loaded bundle; ModelBundle::Impl is this, named where the helpers can see it.
struct LoadedBundle {
  std::shared_ptr<const BundleManifest> manifest;
  std::string directory;
  torch::Device device = torch::kCPU;
  std::shared_ptr<const ScriptModule> denoiser;  // null when loaded with BundleParts::kClassifier
  std::shared_ptr<const ScriptModule> classifier;
};

std::string error_text(const std::exception& e) {
  if (const auto* c10e = dynamic_cast<const c10::Error*>(&e)) return c10e->what_without_backtrace();
  return e.what();
}

std::shared_ptr<const ScriptModule> load_module(const std::string& path, torch::Device device) {
  auto loaded = std::make_shared<ScriptModule>();
  loaded->path = path;
  try {
    loaded->module = torch::jit::load(path, device);
    loaded->module.eval();
  } catch (const std::exception& e) {
    throw ModelLoadError(path +
                         ": expected a TorchScript module (torch.jit.save), found a file "
                         "torch::jit::load cannot read: " +
                         error_text(e));
  }
  return loaded;
}

// forward(inputs) with failures rethrown as `E` naming the file.
template <typename E>
at::Tensor run(const ScriptModule& m, const std::string& signature,
               std::vector<c10::IValue> inputs) {
  c10::IValue out;
  try {
    out = m.module.forward(std::move(inputs));
  } catch (const std::exception& e) {
    throw E(m.path + ": forward(" + signature + ") failed: " + error_text(e));
  }
  if (!out.isTensor()) {
    throw E(m.path + ": expected a tensor output, found " + std::string(out.tagKind()));
  }
  return out.toTensor();
}

void check_output(const at::Tensor& out, const std::vector<std::int64_t>& expected,
                  const std::string& path) {
  if (!out.sizes().equals(expected)) {
    throw ModelLoadError(path + ": expected output " + dims_str(expected) + ", found " +
                         dims_str(out.sizes()));
  }
  if (out.scalar_type() != at::kFloat) {
    throw ModelLoadError(path + ": expected a float32 output, found " +
                         std::string(c10::toString(out.scalar_type())));
  }
}

std::string denoiser_signature(const ImageSpec& s, const std::string& b) {
  const std::string hw = std::to_string(s.height) + ", " + std::to_string(s.width);
  return "x_t [" + b + ", " + std::to_string(s.channels) + ", " + hw + "], t [" + b + "], cond [" +
         b + "], contour [" + b + ", 1, " + hw + "], contour_scale [" + b + "]";
}

void probe_denoiser(const LoadedBundle& impl) {
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(impl.device);
  const auto i64 = at::TensorOptions().dtype(at::kLong).device(impl.device);
  const ImageSpec& d = impl.manifest->image;
  const auto eps =
      run<ModelLoadError>(*impl.denoiser, denoiser_signature(d, "1"),
                          {at::zeros({1, d.channels, d.height, d.width}, f32), at::zeros({1}, i64),
                           at::full({1}, impl.manifest->null_class, i64),
                           at::zeros({1, 1, d.height, d.width}, f32), at::zeros({1}, f32)});
  check_output(eps, {1, d.channels, d.height, d.width}, impl.denoiser->path);
}

void probe_classifier(const LoadedBundle& impl) {
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(impl.device);
  const ImageSpec& c = impl.manifest->classifier;
  const auto logits =
      run<ModelLoadError>(*impl.classifier,
                          "x [1, " + std::to_string(c.channels) + ", " + std::to_string(c.height) +
                              ", " + std::to_string(c.width) + "]",
                          {at::zeros({1, c.channels, c.height, c.width}, f32)});
  check_output(logits, {1, impl.manifest->num_classes}, impl.classifier->path);
}

// Loads the modules of `parts` that `impl` lacks (denoiser first), then probes each one it loaded
// with a batch of one.
void load_parts(LoadedBundle& impl, BundleParts parts) {
  const bool load_denoiser = parts == BundleParts::kAll && !impl.denoiser;
  const bool load_classifier = !impl.classifier;
  const BundleManifest& m = *impl.manifest;
  if (load_denoiser)
    impl.denoiser = load_module(join_path(impl.directory, m.denoiser_file), impl.device);
  if (load_classifier)
    impl.classifier = load_module(join_path(impl.directory, m.classifier_file), impl.device);
  c10::NoGradGuard no_grad;
  SingleThreadScope single_thread;  // no OpenMP pool left on the loading thread
  if (load_denoiser) probe_denoiser(impl);
  if (load_classifier) probe_classifier(impl);
  log(LogLevel::kInfo, "loaded model bundle \"" + m.name + "\" from " + impl.directory + " on " +
                           impl.device.str() + (impl.denoiser ? "" : " (classifier only)"));
}

void check_input(const at::Tensor& t, const char* name, const std::vector<std::int64_t>& expected,
                 at::ScalarType dtype) {
  if (!t.defined() || !t.sizes().equals(expected) || t.scalar_type() != dtype) {
    throw InvalidArgument(std::string(name) + ": expected " + dims_str(expected) + " " +
                          c10::toString(dtype) + ", found " +
                          (t.defined() ? dims_str(t.sizes()) + " " + c10::toString(t.scalar_type())
                                       : std::string("an undefined tensor")));
  }
}

// The process's shared bundles: (canonical directory, device) -> the bundle, held weakly. A
// handle (the shared_ptr<const ModelBundle> callers get) may die while copies of the bundle keep
// its state alive; the next shared() then wraps that state again instead of reloading it.
struct BundleCache {
  struct Entry {
    std::weak_ptr<const ModelBundle> handle;
    std::weak_ptr<LoadedBundle> state;
  };
  std::mutex mutex;
  std::map<std::string, Entry> full;
  std::map<std::string, Entry> classifier_only;

  void prune() {
    for (auto* entries : {&full, &classifier_only}) {
      for (auto it = entries->begin(); it != entries->end();)
        it = it->second.state.expired() ? entries->erase(it) : std::next(it);
    }
  }
};

BundleCache& bundle_cache() {
  static BundleCache cache;
  return cache;
}

}  // namespace

struct ModelBundle::Impl : LoadedBundle {};

ModelBundle ModelBundle::load(const std::string& dir, torch::Device device, BundleParts parts) {
  auto impl = std::make_shared<Impl>();
  impl->manifest = std::make_shared<const BundleManifest>(load_manifest(dir));
  impl->directory = dir;
  impl->device = device;
  load_parts(*impl, parts);
  ModelBundle bundle;
  bundle.impl_ = std::move(impl);
  return bundle;
}

std::shared_ptr<const ModelBundle> ModelBundle::shared(const std::string& dir, torch::Device device,
                                                       BundleParts parts) {
  BundleCache& cache = bundle_cache();
  const std::string key = canonical_key(dir) + "\n" + device.str();
  const auto wrap = [](std::shared_ptr<Impl> impl) {
    auto handle = std::make_shared<ModelBundle>();
    handle->impl_ = std::move(impl);
    return std::shared_ptr<const ModelBundle>(std::move(handle));
  };
  // The live bundle of `entries` for the key, wrapped again if only copies of it are left.
  const auto live = [&](std::map<std::string, BundleCache::Entry>& entries) {
    const auto it = entries.find(key);
    if (it == entries.end()) return std::shared_ptr<const ModelBundle>();
    if (auto handle = it->second.handle.lock()) return handle;
    auto state = it->second.state.lock();
    if (!state) return std::shared_ptr<const ModelBundle>();
    auto handle = wrap(std::static_pointer_cast<Impl>(std::move(state)));
    it->second.handle = handle;
    return handle;
  };
  std::lock_guard<std::mutex> lock(cache.mutex);
  cache.prune();
  if (auto full = live(cache.full)) return full;  // it serves classifier-only users too
  if (parts == BundleParts::kClassifier) {
    if (auto partial = live(cache.classifier_only)) return partial;
  }
  auto impl = std::make_shared<Impl>();
  const auto it = cache.classifier_only.find(key);
  const auto partial = it == cache.classifier_only.end() ? nullptr : it->second.state.lock();
  if (partial) {
    *static_cast<LoadedBundle*>(impl.get()) = *partial;  // its manifest and classifier
  } else {
    impl->manifest = shared_manifest(dir);
    impl->directory = dir;
    impl->device = device;
  }
  load_parts(*impl, parts);
  auto handle = wrap(impl);
  auto& entries = parts == BundleParts::kAll ? cache.full : cache.classifier_only;
  entries[key] = BundleCache::Entry{handle, impl};
  return handle;
}

const BundleManifest& ModelBundle::manifest() const { return *impl_->manifest; }
const std::string& ModelBundle::directory() const { return impl_->directory; }
torch::Device ModelBundle::device() const { return impl_->device; }

bool ModelBundle::has_denoiser() const { return impl_->denoiser != nullptr; }

int ModelBundle::class_id(const std::string& name) const {
  const auto& names = impl_->manifest->class_names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

torch::Tensor ModelBundle::denoise(const torch::Tensor& x_t, const torch::Tensor& t,
                                   const torch::Tensor& cond, const torch::Tensor& contour,
                                   const torch::Tensor& contour_scale) const {
  if (!impl_->denoiser) {
    throw Error(impl_->directory +
                ": denoise() on a bundle loaded without its denoiser (BundleParts::kClassifier)");
  }
  const ImageSpec& d = impl_->manifest->image;
  const std::int64_t b = x_t.defined() && x_t.dim() > 0 ? x_t.size(0) : 0;
  check_input(x_t, "denoise x_t", {b, d.channels, d.height, d.width}, at::kFloat);
  check_input(t, "denoise t", {b}, at::kLong);
  check_input(cond, "denoise cond", {b}, at::kLong);
  check_input(contour, "denoise contour", {b, 1, d.height, d.width}, at::kFloat);
  check_input(contour_scale, "denoise contour_scale", {b}, at::kFloat);
  const auto out = run<Error>(*impl_->denoiser, denoiser_signature(d, std::to_string(b)),
                              {x_t, t, cond, contour, contour_scale});
  if (!out.sizes().equals(x_t.sizes())) {
    throw Error(impl_->denoiser->path + ": expected output " + dims_str(x_t.sizes()) + ", found " +
                dims_str(out.sizes()));
  }
  return out;
}

torch::Tensor ModelBundle::classify(const torch::Tensor& x) const {
  const ImageSpec& c = impl_->manifest->classifier;
  const std::int64_t b = x.defined() && x.dim() > 0 ? x.size(0) : 0;
  check_input(x, "classify x", {b, c.channels, c.height, c.width}, at::kFloat);
  const auto out = run<Error>(*impl_->classifier, "x " + dims_str(x.sizes()), {x});
  const int k = impl_->manifest->num_classes;
  if (!out.sizes().equals({b, k})) {
    throw Error(impl_->classifier->path + ": expected output [" + std::to_string(b) + ", " +
                std::to_string(k) + "], found " + dims_str(out.sizes()));
  }
  return out;
}

}  // namespace higfa
