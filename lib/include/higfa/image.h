// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Frames (higfa/image_view.h) to and from tensors, and fitting tensors to a model's resolution.
#pragma once

#include <higfa/image_view.h>
#include <torch/types.h>

#include <utility>

namespace higfa {

/// Frame -> tensor [1, C, H, W] f32 on CPU, pixels mapped 0..255 -> range.lo..range.hi.
/// channels 1 converts colour to luma (BT.601); channels 3 gives RGB order. Honours the stride.
/// Throws InvalidArgument for channels other than 1 or 3 or an invalid view.
torch::Tensor image_to_tensor(const ImageView& image, int channels, ValueRange range = {});

/// Tensor [C, H, W] or [1, C, H, W] (f32, any device, C 1 or 3, values in `range`) -> the frame
/// `dst`, which must have the tensor's H and W; values are clamped and rounded. C 1 is replicated
/// into colour formats; alpha / x bytes are set to 255. Honours the stride.
void tensor_to_image(const torch::Tensor& tensor, const ImageView& dst, ValueRange range = {});

/// Brings x [B, C, h, w] f32 to [B, C, height, width] with `mode`; the pad value is `background`;
/// kCenterCrop scales the shorter side to `resize_size` (0: the smallest scale that covers the
/// target) before cropping. Downscaling uses area interpolation. Same device as x.
torch::Tensor fit_to_resolution(const torch::Tensor& x, int height, int width, FitMode mode,
                                float background, int resize_size = 0);

/// The size [h', w'] that `mode` scales an h x w image to before padding or cropping it to
/// height x width (see fit_to_resolution).
std::pair<int, int> fitted_size(int h, int w, int height, int width, FitMode mode,
                                int resize_size = 0);

}  // namespace higfa
