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

  /// ε (or v) prediction. x_t [B,C,H,W] f32, t [B] i64, cond [B] i64 (null_class = unconditional),
  /// contour [B,1,H,W] f32 in [0,1], contour_scale [B] f32; all on device(). Returns [B,C,H,W] f32.
  /// Differentiable w.r.t. x_t when autograd is enabled. Throws Error without a denoiser.
  torch::Tensor denoise(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond,
                        const torch::Tensor& contour, const torch::Tensor& contour_scale) const;

  /// Logits [B, num_classes] f32 for x [B,C,H,W] in the classifier's value range, on device().
  torch::Tensor classify(const torch::Tensor& x) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace higfa
