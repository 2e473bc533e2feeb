// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Frames in and out of the Sampler: requests for one source frame, results into frames, provenance.
#pragma once

#include <higfa/bundle.h>
#include <higfa/image.h>
#include <higfa/sampler.h>
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace higfa {

/// Contour map [H, W] f32 in [0, 1] on CPU from an 8-bit edge map (0 / 255) of any size.
/// `edges` must be a kGray8 view; throws InvalidArgument otherwise.
torch::Tensor contour_from_edges(const ImageView& edges);

/// The img2img source of a frame of any size and format: [C, H, W] f32 on CPU at the frame's
/// resolution, with the bundle's channels and value range (the sampler fits it to the model).
/// Throws InvalidArgument for an invalid view.
torch::Tensor source_from_frame(const ImageView& frame, const BundleManifest& manifest);

/// What one source frame asks the sampler for.
struct FrameSamples {
  int class_id = -1;
  std::string source_id;  ///< feeds derive_seed
  std::uint64_t base_seed = 0;
  torch::Tensor contour;  ///< [H, W] f32 in [0, 1] on CPU, or undefined (no contour)
  torch::Tensor source;   ///< [C, H, W] f32 on CPU in the model range, or undefined (pure noise)
};

/// Requests for samples first_index .. first_index + count - 1 of `frame`; sample i is seeded
/// derive_seed(frame.base_seed, frame.source_id, i). Tensors are shared, not copied.
std::vector<SampleRequest> make_requests(const FrameSamples& frame, std::uint32_t first_index,
                                         std::uint32_t count);

/// JSON object of the guidance settings that produced `result`: mode, scheduler, steps, eta,
/// strength, fine_stage, the three scales, their modulation ranges, gamma, classifier_gate,
/// classifier_grad, grad_clip, transform_contour, and "final_weights": the text, contour and
/// classifier weights, the modulating confidence and whether the classifier term applied at the
/// last traced step (null without a trace).
std::string guidance_json(const SamplerOptions& options, const SampleResult& result);

/// JSON object of what else a sample's provenance records: "bundle" (the directory as given),
/// "bundle_name", "base_seed", "contour_used" and "confidences" (p_y of x̂0 at each traced step
/// where it was measured, as [step, confidence] pairs).
std::string sample_extra_json(const std::string& bundle_dir, const BundleManifest& manifest,
                              std::uint64_t base_seed, const SampleResult& result);

/// "ddim" or "dpm++2m" (the names parse_scheduler_kind reads).
std::string scheduler_kind_name(SchedulerKind kind);

}  // namespace higfa
