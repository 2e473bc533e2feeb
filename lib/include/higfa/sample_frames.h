// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Frames in and out of the Sampler: requests for one source frame, and typed provenance.
#pragma once

#include <higfa/bundle.h>
#include <higfa/image.h>
#include <higfa/provenance.h>
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

/// Sample `index` of `frame`: seeded derive_seed(frame.base_seed, frame.source_id, index).
SampleRequest make_request(const FrameSamples& frame, std::uint32_t index);

/// The guidance settings that produced `result` (mode, scheduler, steps, eta, strength,
/// fine_stage, the three scales and their modulation ranges, gamma, classifier_gate,
/// classifier_grad, grad_clip, transform_contour) and the weights of its last traced step
/// (has_final_weights false without a trace). to_json(GuidanceRecord) writes it.
GuidanceRecord make_guidance_record(const SamplerOptions& options, const SampleResult& result);

/// Where a sample comes from: what its provenance records beyond the SampleResult.
struct SampleOrigin {
  std::string source_id;
  std::string class_name;
  std::uint32_t sample_index = 0;
  std::uint64_t base_seed = 0;
  std::string bundle_dir;   ///< the bundle directory as given
  std::string bundle_name;  ///< the manifest's name
};

/// The full provenance of `result`: origin, class, seed, transform, guidance record, final
/// confidence, contour_used and the p_y of x̂0 at each traced step where it was measured.
Provenance make_provenance(const SamplerOptions& options, const SampleResult& result,
                           const SampleOrigin& origin);

/// "ddim" or "dpm++2m" (the names parse_scheduler_kind reads).
std::string scheduler_kind_name(SchedulerKind kind);

}  // namespace higfa
