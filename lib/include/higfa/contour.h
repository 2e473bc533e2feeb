// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Contour (edge map) extraction: Canny with pre-blur, fixed or median-derived thresholds, thinning.
#pragma once

#include <higfa/image_view.h>

namespace higfa {

/// Contour options. The defaults are the ones the default model bundle was trained with.
struct ContourOptions {
  int blur_size = 3;            ///< Gaussian kernel size in px, odd; 0 disables the pre-blur
  double blur_sigma = 0.0;      ///< Gaussian sigma in px; 0 derives it from blur_size
  double low_threshold = 50.0;  ///< Canny hysteresis low threshold (gradient magnitude)
  double high_threshold = 150.0;
  bool auto_threshold = false;  ///< derive thresholds from the median m: (1 -/+ auto_sigma) * m
  double auto_sigma = 0.33;
  bool l2_gradient = false;  ///< exact L2 gradient magnitude instead of L1
  bool thinning = false;     ///< thin edges to one pixel (Zhang-Suen)
};

/// Throws InvalidArgument for an even or negative blur size, a negative sigma, thresholds
/// outside 0..1000 or low > high, or auto_sigma outside 0..1.
void validate(const ContourOptions& options);

/// The Canny hysteresis thresholds one extraction used: the configured ones, or with
/// auto_threshold the ones derived from that frame's median.
struct ContourThresholds {
  double low = 0.0;
  double high = 0.0;
};

/// Edge map of `src` (any PixelFormat; colour is converted to grey first) written as 0 / 255 into
/// `dst`, a kGray8 view of the same size (strides may differ). Returns the thresholds it used.
/// Throws InvalidArgument.
ContourThresholds extract_contour(const ImageView& src, const ImageView& dst,
                                  const ContourOptions& options);

/// Same, returning an owned edge map.
GrayImage extract_contour(const ImageView& src, const ContourOptions& options);

/// Thins a binary edge map (0 / non-zero, a kGray8 view) in place to one-pixel-wide lines
/// (Zhang & Suen 1984); the result is 0 / 255. Throws InvalidArgument for an invalid view.
void thin_edges(const ImageView& edges);

}  // namespace higfa
