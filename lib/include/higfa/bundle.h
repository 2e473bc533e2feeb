// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The model bundle (design §5): TorchScript modules behind one facade, loaded once per process.
#pragma once

#include <higfa/image.h>
#include <higfa/manifest.h>
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

namespace higfa {

/// Which modules of a bundle a load opens.
enum class BundleParts {
  kAll,         ///< the denoiser and the classifier (what sampling needs)
  kClassifier,  ///< the classifier alone; the denoiser file is never opened (fgclassifier)
};

/// A loaded bundle. Copies share the modules. Calls are thread-safe for inference.
class ModelBundle {
 public:
  /// Loads the manifest and the modules of `parts` onto `device`, then probes each module with a
  /// batch of one and checks the output shapes. Loads afresh on every call (see shared()).
  /// Throws ModelLoadError naming the file and the mismatch.
  static ModelBundle load(const std::string& dir, torch::Device device = torch::kCPU,
                          BundleParts parts = BundleParts::kAll);

  /// The process's one bundle of (`dir`, `device`): while anyone holds the returned pointer (or a
  /// copy of the bundle), every call with that directory (any spelling of it: the key is the
  /// canonical path) and device returns the same bundle; when the last holder lets go, the
  /// modules are freed and the next call loads again. A kClassifier request is served by the
  /// full bundle when one is live, and a full load reuses the manifest and classifier of a live
  /// classifier-only one (loading only the denoiser). Elements call this in start() and drop
  /// the pointer in stop(). Thread-safe: concurrent first calls load once. Throws what load()
  /// throws; a failed load leaves nothing cached.
  static std::shared_ptr<const ModelBundle> shared(const std::string& dir,
                                                   torch::Device device = torch::kCPU,
                                                   BundleParts parts = BundleParts::kAll);

  const BundleManifest& manifest() const;
  const std::string& directory() const;
  torch::Device device() const;

  /// False for a bundle loaded with BundleParts::kClassifier (denoise() then throws Error).
  bool has_denoiser() const;

  /// Class id of `name` (exact match), or -1 if the bundle has no such class.
  int class_id(const std::string& name) const;

  /// ε (or v) prediction (docs/bundles.md §3). x_t: the sample [B, manifest().sample_shape()]
  /// f32 (the image, or the scaled latents); t [B] i64; cond: class ids [B] i64 (null_class =
  /// unconditional) or, for a text bundle, prompt embeddings [B,L,D] f32; contour [B,Cc,H,W]
  /// (or [B,1,H,W], repeated into Cc) f32 in [0,1] at pixel resolution; contour_scale [B] f32;
  /// all on device(). Returns the sample's shape, f32. Differentiable w.r.t. x_t when autograd is
  /// enabled. Throws Error without a denoiser.
  torch::Tensor denoise(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond,
                        const torch::Tensor& contour, const torch::Tensor& contour_scale) const;

  /// The unconditional cond of a batch of `batch`: null_class ids [B] i64, or the unconditional
  /// prompt's embedding [B,L,D] f32 (text bundles; needs the denoiser's parts).
  torch::Tensor unconditional(std::int64_t batch) const;

  /// Prompts of class `class_id` in a text bundle's table (P_c >= 1); 0 for a class bundle.
  int prompt_count(int class_id) const;
  /// Prompt `index` of class `class_id`: its embedding [L,D] f32 on device().
  torch::Tensor prompt_embedding(int class_id, int index) const;

  /// Latent bundles: images [B,C,H,W] in the value range -> scaled latents scaling_factor · mean
  /// [B,Cz,h,w]; decode() maps scaled latents back to images (not clamped). Both differentiable;
  /// the identity for pixel bundles.
  torch::Tensor encode(const torch::Tensor& x) const;
  torch::Tensor decode(const torch::Tensor& z) const;

  /// Logits [B, num_classes] f32 for x [B,C,H,W] in the classifier's value range and
  /// resolution, on device(); the manifest's classifier.mean / std normalisation is applied here.
  torch::Tensor classify(const torch::Tensor& x) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace higfa
