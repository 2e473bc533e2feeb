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

#include "bundle_files.h"
#include "shared_cache.h"

namespace higfa {
namespace {

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
  // Latent bundles (with the denoiser): the autoencoder.
  std::shared_ptr<const ScriptModule> vae_encoder;
  std::shared_ptr<const ScriptModule> vae_decoder;
  // Text bundles (with the denoiser): the prompt table, on the device.
  at::Tensor prompt_embeddings;              // [P, L, D]
  at::Tensor unconditional;                  // [L, D]
  std::vector<std::int64_t> prompt_offsets;  // first row of each class's prompts; K + 1 entries
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

std::string shape_str(const std::string& b, const std::vector<std::int64_t>& rest) {
  std::string out = "[" + b;
  for (std::int64_t d : rest) out += ", " + std::to_string(d);
  return out + "]";
}

std::string denoiser_signature(const BundleManifest& m, const std::string& b) {
  const ImageSpec& s = m.image;
  const std::string cond =
      m.text_conditioned()
          ? "encoder_hidden_states " + shape_str(b, {m.text.sequence_length, m.text.embedding_dim})
          : "cond [" + b + "]";
  return "sample " + shape_str(b, m.sample_shape()) + ", t [" + b + "], " + cond + ", control " +
         shape_str(b, {m.control_channels, s.height, s.width}) + ", control_scale [" + b + "]";
}

// The unconditional condition of a batch of `b`: the null class, or the unconditional prompt.
at::Tensor unconditional_cond(const LoadedBundle& impl, std::int64_t b) {
  const BundleManifest& m = *impl.manifest;
  if (m.text_conditioned()) return impl.unconditional.unsqueeze(0).expand({b, -1, -1}).contiguous();
  return at::full({b}, m.null_class, at::TensorOptions().dtype(at::kLong).device(impl.device));
}

std::vector<std::int64_t> with_batch(std::int64_t b, const std::vector<std::int64_t>& shape) {
  std::vector<std::int64_t> out{b};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

void probe_denoiser(const LoadedBundle& impl) {
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(impl.device);
  const auto i64 = at::TensorOptions().dtype(at::kLong).device(impl.device);
  const BundleManifest& m = *impl.manifest;
  const ImageSpec& d = m.image;
  const std::vector<std::int64_t> shape = with_batch(1, m.sample_shape());
  const auto eps = run<ModelLoadError>(
      *impl.denoiser, denoiser_signature(m, "1"),
      {at::zeros(shape, f32), at::zeros({1}, i64), unconditional_cond(impl, 1),
       at::zeros({1, m.control_channels, d.height, d.width}, f32), at::zeros({1}, f32)});
  check_output(eps, shape, impl.denoiser->path);
}

// The autoencoder maps [1, C, H, W] to [1, Cz, H/f, W/f] and back.
void probe_autoencoder(const LoadedBundle& impl) {
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(impl.device);
  const BundleManifest& m = *impl.manifest;
  const ImageSpec& d = m.image;
  const std::vector<std::int64_t> image = {1, d.channels, d.height, d.width};
  const std::vector<std::int64_t> latent = with_batch(1, m.sample_shape());
  const auto mean =
      run<ModelLoadError>(*impl.vae_encoder, "x " + shape_str("1", {d.channels, d.height, d.width}),
                          {at::zeros(image, f32)});
  check_output(mean, latent, impl.vae_encoder->path);
  const auto x = run<ModelLoadError>(*impl.vae_decoder, "u " + shape_str("1", m.sample_shape()),
                                     {at::zeros(latent, f32)});
  check_output(x, image, impl.vae_decoder->path);
}

at::Tensor prompt_buffer(const ScriptModule& table, const char* name) {
  try {
    return table.module.attr(name).toTensor();
  } catch (const std::exception& e) {
    throw ModelLoadError(table.path + ": expected a tensor attribute \"" + name +
                         "\" (docs/bundles.md, the prompt table): " + error_text(e));
  }
}

void expect_buffer(const at::Tensor& t, const std::vector<std::int64_t>& shape,
                   at::ScalarType dtype, const std::string& what) {
  if (!t.sizes().equals(shape) || t.scalar_type() != dtype) {
    throw ModelLoadError(what + ": expected " + dims_str(shape) + " " + c10::toString(dtype) +
                         ", found " + dims_str(t.sizes()) + " " + c10::toString(t.scalar_type()));
  }
}

// The prompt table: embeddings [P, L, D] with the manifest's P_c, L and D, counts [K], the
// unconditional embedding [L, D]; float32 and finite.
void load_prompt_table(LoadedBundle& impl) {
  const BundleManifest& m = *impl.manifest;
  const auto table = load_module(join_path(impl.directory, m.prompts_file), torch::kCPU);
  const std::string& path = table->path;
  const std::int64_t l = m.text.sequence_length, d = m.text.embedding_dim;
  std::int64_t total = 0;
  impl.prompt_offsets = {0};
  for (const auto& prompts : m.text.prompts) {
    total += static_cast<std::int64_t>(prompts.size());
    impl.prompt_offsets.push_back(total);
  }
  const at::Tensor counts = prompt_buffer(*table, "counts");
  expect_buffer(counts, {m.num_classes}, at::kLong, path + ": \"counts\"");
  for (int c = 0; c < m.num_classes; ++c) {
    const std::int64_t n = counts[c].item<std::int64_t>();
    const auto want = static_cast<std::int64_t>(m.text.prompts[static_cast<std::size_t>(c)].size());
    if (n != want) {
      throw ModelLoadError(path + ": \"counts\"[" + std::to_string(c) + "] (class \"" +
                           m.class_names[static_cast<std::size_t>(c)] + "\"): expected " +
                           std::to_string(want) + " prompts (text.prompts), found " +
                           std::to_string(n));
    }
  }
  const at::Tensor embeddings = prompt_buffer(*table, "embeddings");
  expect_buffer(
      embeddings, {total, l, d}, at::kFloat,
      path + ": \"embeddings\" [P, L, D] (L, D: text.sequence_length, text.embedding_dim)");
  const at::Tensor unconditional = prompt_buffer(*table, "unconditional");
  expect_buffer(unconditional, {l, d}, at::kFloat, path + ": \"unconditional\" [L, D]");
  if (!at::isfinite(embeddings).all().item<bool>() ||
      !at::isfinite(unconditional).all().item<bool>()) {
    throw ModelLoadError(path + ": the prompt embeddings are not finite (NaN or Inf)");
  }
  impl.prompt_embeddings = embeddings.to(impl.device).contiguous();
  impl.unconditional = unconditional.to(impl.device).contiguous();
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
  if (load_denoiser) {
    impl.denoiser = load_module(join_path(impl.directory, m.denoiser_file), impl.device);
    if (m.latent) {
      impl.vae_encoder = load_module(join_path(impl.directory, m.vae_encoder_file), impl.device);
      impl.vae_decoder = load_module(join_path(impl.directory, m.vae_decoder_file), impl.device);
    }
    if (m.text_conditioned()) load_prompt_table(impl);
  }
  if (load_classifier)
    impl.classifier = load_module(join_path(impl.directory, m.classifier_file), impl.device);
  c10::NoGradGuard no_grad;
  SingleThreadScope single_thread;  // no OpenMP pool left on the loading thread
  if (load_denoiser) probe_denoiser(impl);
  if (load_denoiser && m.latent) probe_autoencoder(impl);
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

std::string join_path(const std::string& dir, const std::string& file) {
  if (file.empty() || std::filesystem::path(file).is_absolute()) return file;
  return (std::filesystem::path(dir) / file).string();
}

// A trace made on one device type runs only there (its factory calls carry the device); a
// bundle of "device": "any" has no such constants.
void check_device(const BundleManifest& m, const std::string& dir, const c10::Device& device) {
  if (m.device == "any" || m.device == c10::DeviceTypeName(device.type(), /*lower_case=*/true))
    return;
  throw ModelLoadError(dir + "/manifest.json: \"device\": the modules were traced for " + m.device +
                       ", and this bundle was asked for on " + device.str() +
                       ": set the element's device to " + m.device +
                       " or export the bundle again for " + device.str());
}

at::Tensor normalise(const ImageSpec& spec, const at::Tensor& x) {
  if (spec.mean.empty()) return x;
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(x.device());
  const std::vector<std::int64_t> per_channel{1, spec.channels, 1, 1};
  return (x - at::tensor(spec.mean, f32).view(per_channel)) /
         at::tensor(spec.std, f32).view(per_channel);
}

struct ModelBundle::Impl : LoadedBundle {};

ModelBundle ModelBundle::load(const std::string& dir, torch::Device device, BundleParts parts) {
  auto impl = std::make_shared<Impl>();
  impl->manifest = std::make_shared<const BundleManifest>(load_manifest(dir));
  check_device(*impl->manifest, dir, device);
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
    check_device(*impl->manifest, dir, device);
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
  const BundleManifest& m = *impl_->manifest;
  const ImageSpec& d = m.image;
  const std::int64_t b = x_t.defined() && x_t.dim() > 0 ? x_t.size(0) : 0;
  check_input(x_t, "denoise sample", with_batch(b, m.sample_shape()), at::kFloat);
  check_input(t, "denoise t", {b}, at::kLong);
  if (m.text_conditioned())
    check_input(cond, "denoise encoder_hidden_states",
                {b, m.text.sequence_length, m.text.embedding_dim}, at::kFloat);
  else
    check_input(cond, "denoise cond", {b}, at::kLong);
  // A one-channel edge map is repeated into the control's channels.
  const torch::Tensor control =
      contour.defined() && contour.dim() == 4 && contour.size(1) == 1 && m.control_channels > 1
          ? contour.expand({-1, m.control_channels, -1, -1})
          : contour;
  check_input(control, "denoise control", {b, m.control_channels, d.height, d.width}, at::kFloat);
  check_input(contour_scale, "denoise control_scale", {b}, at::kFloat);
  const auto out = run<Error>(*impl_->denoiser, denoiser_signature(m, std::to_string(b)),
                              {x_t, t, cond, control, contour_scale});
  if (!out.sizes().equals(x_t.sizes())) {
    throw Error(impl_->denoiser->path + ": expected output " + dims_str(x_t.sizes()) + ", found " +
                dims_str(out.sizes()));
  }
  return out;
}

torch::Tensor ModelBundle::unconditional(std::int64_t batch) const {
  return unconditional_cond(*impl_, batch);
}

int ModelBundle::prompt_count(int class_id) const {
  const BundleManifest& m = *impl_->manifest;
  if (!m.text_conditioned()) return 0;
  if (class_id < 0 || class_id >= m.num_classes)
    throw InvalidArgument("prompt_count: class id " + std::to_string(class_id) + " out of range");
  return static_cast<int>(m.text.prompts[static_cast<std::size_t>(class_id)].size());
}

torch::Tensor ModelBundle::prompt_embedding(int class_id, int index) const {
  const int n = prompt_count(class_id);
  if (index < 0 || index >= n) {
    throw InvalidArgument("prompt_embedding: class " + std::to_string(class_id) + " has " +
                          std::to_string(n) + " prompts, asked for index " + std::to_string(index));
  }
  if (!impl_->prompt_embeddings.defined())
    throw Error(impl_->directory + ": prompt_embedding() on a bundle loaded without its denoiser");
  return impl_
      ->prompt_embeddings[impl_->prompt_offsets[static_cast<std::size_t>(class_id)] + index];
}

namespace {

// One half of the autoencoder, its input and output shapes checked (batch of the input's).
at::Tensor run_autoencoder(const LoadedBundle& impl, const ScriptModule* half, const char* call,
                           const at::Tensor& in, const std::vector<std::int64_t>& in_shape,
                           const std::vector<std::int64_t>& out_shape) {
  if (half == nullptr) throw Error(impl.directory + ": " + call + "() without the autoencoder");
  const std::int64_t b = in.defined() && in.dim() > 0 ? in.size(0) : 0;
  check_input(in, call, with_batch(b, in_shape), at::kFloat);
  const auto out = run<Error>(*half, shape_str(std::to_string(b), in_shape), {in});
  check_input(out, (half->path + " output").c_str(), with_batch(b, out_shape), at::kFloat);
  return out;
}

}  // namespace

torch::Tensor ModelBundle::encode(const torch::Tensor& x) const {
  const BundleManifest& m = *impl_->manifest;
  if (!m.latent) return x;
  const ImageSpec& d = m.image;
  return run_autoencoder(*impl_, impl_->vae_encoder.get(), "encode", x,
                         {d.channels, d.height, d.width}, m.sample_shape()) *
         m.autoencoder.scaling_factor;
}

torch::Tensor ModelBundle::decode(const torch::Tensor& z) const {
  const BundleManifest& m = *impl_->manifest;
  if (!m.latent) return z;
  const ImageSpec& d = m.image;
  return run_autoencoder(*impl_, impl_->vae_decoder.get(), "decode",
                         z / m.autoencoder.scaling_factor, m.sample_shape(),
                         {d.channels, d.height, d.width});
}

torch::Tensor ModelBundle::classify(const torch::Tensor& x) const {
  const ImageSpec& c = impl_->manifest->classifier;
  const std::int64_t b = x.defined() && x.dim() > 0 ? x.size(0) : 0;
  check_input(x, "classify x", {b, c.channels, c.height, c.width}, at::kFloat);
  const auto out = run<Error>(*impl_->classifier, "x " + dims_str(x.sizes()), {normalise(c, x)});
  const int k = impl_->manifest->num_classes;
  if (!out.sizes().equals({b, k})) {
    throw Error(impl_->classifier->path + ": expected output [" + std::to_string(b) + ", " +
                std::to_string(k) + "], found " + dims_str(out.sizes()));
  }
  return out;
}

}  // namespace higfa
