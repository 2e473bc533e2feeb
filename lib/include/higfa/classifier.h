// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The fine-grained image classifier: batched preprocessing, one forward, softmax and top-k.
#pragma once

#include <higfa/bundle.h>
#include <higfa/classification.h>
#include <higfa/image.h>
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

namespace higfa {

/// A classifier together with the preprocessing its inputs need (ImageSpec). Copies share the
/// module. classify() and classify_tensor() are thread-safe.
class ImageClassifier {
 public:
  /// Classes reported per frame when the caller does not say (fgclassifier's top-k default).
  static constexpr int kDefaultTopK = 5;

  /// The bundle's classifier with its manifest's `classifier` spec and class names.
  explicit ImageClassifier(const ModelBundle& bundle);

  /// A standalone TorchScript classifier `module_path` (forward(x [B,C,H,W] f32) -> logits [B,K])
  /// described by `spec_path` (JSON: "class_names", "resolution" [h, w], "channels",
  /// "value_range" [lo, hi], "fit"; the last four may sit in an "input" object instead).
  /// The module is probed with a batch of one. Throws ModelLoadError naming the file at fault.
  static ImageClassifier load(const std::string& module_path, const std::string& spec_path,
                              torch::Device device = torch::kCPU);

  /// The filter classifier of the bundle `dir` ("files.filter_classifier"), with the manifest's
  /// "filter_classifier" input contract (else the guidance classifier's) and class names, probed
  /// with a batch of one. Throws ModelLoadError for a bundle without one, a device its manifest
  /// excludes, or a module that fails the probe. shared_classifier() caches it per process.
  static ImageClassifier load_filter(const std::string& dir, torch::Device device = torch::kCPU);

  /// `module_path` with its extension replaced by ".json" ("judge.pt" -> "judge.json").
  static std::string spec_path_for(const std::string& module_path);

  const ImageSpec& spec() const;
  const std::vector<std::string>& class_names() const;
  int num_classes() const;
  torch::Device device() const;

  /// Class id of `name` (exact match), or -1.
  int class_id(const std::string& name) const;

  /// Frames (any size and PixelFormat; strides honoured) -> x [B,C,H,W] f32 on device(), converted
  /// to the spec's channels and range and fitted to its resolution (pad background = range.lo).
  /// Throws InvalidArgument for an empty vector or an invalid view.
  torch::Tensor preprocess(const std::vector<ImageView>& frames) const;

  /// Classifies all frames in one batched forward. `top_k` >= 1 is clamped to num_classes().
  /// Throws InvalidArgument (bad frames, top_k < 1) or Error (non-finite logits from the model).
  std::vector<Classification> classify(const std::vector<ImageView>& frames,
                                       int top_k = kDefaultTopK) const;

  /// Classifies x [B,C,H,W] f32 (any device) whose values are already in the spec's range and
  /// whose C equals spec().channels; other H, W are fitted to the spec's resolution.
  /// Throws InvalidArgument for a wrong rank or channel count, Error for non-finite logits.
  std::vector<Classification> classify_tensor(const torch::Tensor& x,
                                              int top_k = kDefaultTopK) const;

 private:
  struct Impl;
  explicit ImageClassifier(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

/// Which of a bundle's classifiers (docs/bundles.md §2).
enum class BundleClassifier {
  kGuidance,  ///< "files.classifier", the one the sampler's classifier guidance climbs
  kFilter,    ///< "files.filter_classifier", independent of it; an error where there is none
  kAuto,      ///< the filter classifier where the bundle has one, else the guidance classifier
};

/// "guidance", "filter" or "auto"; throws InvalidArgument naming the choices otherwise.
BundleClassifier parse_bundle_classifier(const std::string& name);
const char* to_string(BundleClassifier which);

/// The classifier `which` of the bundle `dir` on `device`, once per process. The guidance
/// classifier comes from ModelBundle::shared() with BundleParts::kClassifier (the manifest and
/// classifier file only; the denoiser is never opened, and a live full bundle of the same
/// directory and device lends its classifier); the filter classifier is loaded from its file
/// with its manifest's input contract and probed with a batch of one. Every call returns the
/// same object while anyone holds it; the last release frees the module. Thread-safe.
/// Throws ModelLoadError as ModelBundle::load() does, and for kFilter on a bundle without one.
std::shared_ptr<const ImageClassifier> shared_classifier(
    const std::string& dir, torch::Device device = torch::kCPU,
    BundleClassifier which = BundleClassifier::kGuidance);

/// What kAuto resolves to for the bundle `dir` (reads its manifest only).
BundleClassifier resolve_bundle_classifier(const std::string& dir, BundleClassifier which);

}  // namespace higfa
