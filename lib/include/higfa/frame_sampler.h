// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Source frames in, generated images with typed provenance out: the sampler's one entry point.
#pragma once

#include <higfa/bundle.h>
#include <higfa/image.h>
#include <higfa/provenance.h>
#include <higfa/sampler.h>
#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace higfa {

/// The default of FrameSamplerOptions::samples_per_image (the element's samples-per-image).
inline constexpr std::uint32_t kDefaultSamplesPerImage = 4;
/// The default of FrameSamplerOptions::batch_size (the element's batch-size).
inline constexpr std::uint32_t kDefaultBatchSize = 8;

/// What a FrameSampler makes of each frame and how it batches.
struct FrameSamplerOptions {
  std::uint32_t samples_per_image = kDefaultSamplesPerImage;  ///< N >= 1: default indices 0..N-1
  std::uint32_t batch_size =
      kDefaultBatchSize;   ///< samples per denoiser batch, across frames, >= 1
  std::string bundle_dir;  ///< the bundle directory as given, recorded in every provenance
};

/// Throws InvalidArgument naming the option for a samples_per_image or batch_size of 0.
void validate(const FrameSamplerOptions& options);

/// One source frame and the samples it asks for. The views are read during sample() only and
/// never written.
struct FrameInput {
  std::optional<ImageView> edges;  ///< GRAY8 edge map of any size; none: no contour guidance
  /// The frame itself, any size and format; read only for img2img (strength < 1), which needs it.
  std::optional<ImageView> frame;
  int class_id = -1;       ///< the intended class y, in [0, num_classes)
  std::string class_name;  ///< recorded in the provenance
  std::string source_id;   ///< the source's stable id: feeds derive_seed, recorded
  std::uint64_t base_seed = 0;
  /// The samples to generate; sample i is seeded derive_seed(base_seed, source_id, i).
  /// Empty: 0 .. samples_per_image - 1.
  std::vector<std::uint32_t> sample_indices;
};

/// One generated image.
struct FrameSample {
  std::uint32_t index = 0;  ///< its sample index within its frame
  torch::Tensor image;      ///< [C, H, W] f32 in the model's value range (clamped), CPU
  Provenance provenance;    ///< every field filled
};

/// The samples of one frame, in the order of its sample indices.
struct FrameResult {
  std::vector<FrameSample> samples;
};

/// Guided sampling of source frames over one bundle, built once (at element start) and called
/// once per batch of frames. One sample() at a time per instance.
class FrameSampler {
 public:
  /// Throws InvalidArgument for invalid options or a bundle the sampler cannot drive.
  FrameSampler(ModelBundle bundle, SamplerOptions options, FrameSamplerOptions frame_options = {});
  ~FrameSampler();
  FrameSampler(FrameSampler&&) noexcept;
  FrameSampler& operator=(FrameSampler&&) noexcept;

  /// Generates every sample `frames` ask for, in batches of batch_size taken across frames in
  /// input order; result i holds frame i's samples. A sample's image depends on its frame, its
  /// index and the options, never on what it was batched with. `on_step` runs before every
  /// step of every batch. Throws InvalidArgument for a bad frame (naming its source id),
  /// Cancelled when `on_step` returns false, Error when a model produces NaN.
  std::vector<FrameResult> sample(const std::vector<FrameInput>& frames,
                                  const StepCallback& on_step = {});
  /// The same, cancelled between two steps once `cancel` is set (from any thread).
  std::vector<FrameResult> sample(const std::vector<FrameInput>& frames,
                                  const std::atomic<bool>& cancel);

  /// The options of later calls. Throws InvalidArgument, keeping the current ones, for options
  /// that fail validate() or that this bundle cannot be sampled with.
  void set_options(const SamplerOptions& options);
  /// Throws InvalidArgument for 0.
  void set_batch_size(std::uint32_t batch_size);

  /// The indices `frame` asks for: its own, or 0 .. samples_per_image - 1.
  std::vector<std::uint32_t> indices_of(const FrameInput& frame) const;

  /// Writes `sample`'s image into `dst`, which must have the model's width and height (any
  /// PixelFormat). Throws InvalidArgument for a view of another size.
  void write(const FrameSample& sample, const ImageView& dst) const;

  const SamplerOptions& options() const;
  const FrameSamplerOptions& frame_options() const;
  const ModelBundle& bundle() const;
  /// Counters over this instance's lifetime, across set_options().
  SamplerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace higfa
