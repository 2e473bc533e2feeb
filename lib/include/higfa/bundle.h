// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The model bundle (design §5): a JSON manifest and TorchScript modules, behind one facade.
#pragma once

#include <higfa/contour.h>
#include <higfa/image.h>
#include <higfa/scheduler.h>
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

namespace higfa {

/// Input contract of an image model (the classifier's preprocessing).
struct ImageSpec {
  int height = 0;
  int width = 0;
  int channels = 0;
  ValueRange range;
  FitMode fit = FitMode::kPad;
};

/// The parsed manifest.json of a bundle.
struct BundleManifest {
  std::string name;
  ImageSpec image;            ///< the denoiser's resolution, channels, value range, fit
  bool latent = false;        ///< "space": "latent" (needs vae files) or "pixel"
  SchedulerConfig scheduler;  ///< prediction type and beta schedule
  std::string conditioning;   ///< "class" (cond = class ids) or "text" (prompt embeddings)
  int num_classes = 0;
  int null_class = 0;
  std::vector<std::string> class_names;
  ContourOptions contour;       ///< contour parameters the denoiser was trained with
  ImageSpec classifier;         ///< the guidance classifier's input contract
  std::string denoiser_file;    ///< as "files.denoiser" gives it, relative to the bundle directory
  std::string classifier_file;  ///< as "files.classifier" gives it
  std::string provenance_json;  ///< the "provenance" object, verbatim
};

/// Parses and validates `dir`/manifest.json. Throws ModelLoadError naming the file, the key,
/// what was expected and what was found.
BundleManifest load_manifest(const std::string& dir);

/// A loaded bundle. Copies share the modules. Calls are thread-safe for inference.
class ModelBundle {
 public:
  /// Loads the manifest and the modules onto `device`, then probes each module with a batch of one
  /// and checks the output shapes. Throws ModelLoadError naming the file and the mismatch.
  static ModelBundle load(const std::string& dir, torch::Device device = torch::kCPU);

  const BundleManifest& manifest() const;
  const std::string& directory() const;
  torch::Device device() const;

  /// Class id of `name` (exact match), or -1 if the bundle has no such class.
  int class_id(const std::string& name) const;

  /// ε (or v) prediction. x_t [B,C,H,W] f32, t [B] i64, cond [B] i64 (null_class = unconditional),
  /// contour [B,1,H,W] f32 in [0,1], contour_scale [B] f32; all on device(). Returns [B,C,H,W] f32.
  /// Differentiable w.r.t. x_t when autograd is enabled.
  torch::Tensor denoise(const torch::Tensor& x_t, const torch::Tensor& t, const torch::Tensor& cond,
                        const torch::Tensor& contour, const torch::Tensor& contour_scale) const;

  /// Logits [B, num_classes] f32 for x [B,C,H,W] in the classifier's value range, on device().
  torch::Tensor classify(const torch::Tensor& x) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace higfa
