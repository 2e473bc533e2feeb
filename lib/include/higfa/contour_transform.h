// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Seeded random transforms of contour maps (design §4.1), returning the parameters drawn.
#pragma once

#include <higfa/provenance.h>
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace higfa {

/// Ranges the transform is drawn from; design §4.1's defaults.
struct ContourTransformOptions {
  double max_rotation_deg = 15.0;  ///< rotation uniform in ±this
  double min_scale = 0.85;         ///< isotropic scale uniform in [min_scale, max_scale]
  double max_scale = 1.15;
  double max_translation = 0.10;  ///< translation uniform in ±this fraction of width / height
  double max_shear_deg = 8.0;     ///< x-shear uniform in ±this
  double flip_probability = 0.5;  ///< probability of a horizontal flip
  double elastic_alpha = 0.0;     ///< elastic displacement amplitude in px; 0 disables the warp
  double elastic_sigma = 3.0;     ///< smoothing of the displacement field in px
  double edge_dropout = 0.0;  ///< probability of dropping each edge segment (8x8 px cell); 0 off
};

/// Throws InvalidArgument for negative ranges, min_scale > max_scale or probabilities outside 0..1.
void validate(const ContourTransformOptions& options);

// ContourTransformParams (the parameters one transform drew) is in higfa/provenance.h.

/// Draws a transform from `options`; the same seed gives the same parameters on every machine.
ContourTransformParams draw_contour_transform(const ContourTransformOptions& options,
                                              std::uint64_t seed);

/// Applies `params` to a contour map [H, W] f32 in [0, 1] (CPU) about its centre; returns a
/// binary [H, W] f32 map whose resampled lines are thinned back to one pixel (Zhang-Suen), as
/// Canny draws them; a pure pixel move (flip, whole-pixel shift, quarter turn) is copied exactly.
/// Deterministic for the same params. Throws InvalidArgument on shape.
torch::Tensor apply_contour_transform(const torch::Tensor& contour,
                                      const ContourTransformParams& params);

/// The identity transform (for modes without a transform).
inline ContourTransformParams identity_contour_transform() { return {}; }

}  // namespace higfa
