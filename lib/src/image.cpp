// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Frame views <-> tensors (stride-aware, five packed formats) and fitting to a model's resolution.
#include <ATen/ATen.h>
#include <higfa/error.h>
#include <higfa/image.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "pixel_conversion.h"

namespace higfa {
namespace {

void check_range(ValueRange range) {
  if (!std::isfinite(range.lo) || !std::isfinite(range.hi) || !(range.lo < range.hi)) {
    throw InvalidArgument("value range: expected finite lo < hi, found [" +
                          std::to_string(range.lo) + ", " + std::to_string(range.hi) + "]");
  }
}

}  // namespace

using detail::as_mat;
using detail::Packed;
using detail::size_str;

torch::Tensor image_to_tensor(const ImageView& image, int channels, ValueRange range) {
  validate(image);
  check_range(range);
  if (channels != 1 && channels != 3) {
    throw InvalidArgument("image_to_tensor: expected 1 or 3 channels, found " +
                          std::to_string(channels));
  }
  const cv::Mat src = as_mat(image);
  // A view already packed as asked is read in place, through the stride below.
  const cv::Mat packed = detail::converted(
      src, detail::code_to(image.format, channels == 1 ? Packed::kGrey : Packed::kRgb));
  const auto u8 = at::from_blob(packed.data, {packed.rows, packed.cols, channels},
                                {static_cast<std::int64_t>(packed.step[0]), channels, 1},
                                at::TensorOptions(at::kByte));
  const float scale = (range.hi - range.lo) / 255.0f;
  return (u8.to(at::kFloat) * scale + range.lo).permute({2, 0, 1}).unsqueeze(0).contiguous();
}

void tensor_to_image(const torch::Tensor& tensor, const ImageView& dst, ValueRange range) {
  validate(dst);
  check_range(range);
  auto t = tensor;
  if (t.dim() == 4 && t.size(0) == 1) t = t.squeeze(0);
  if (t.dim() != 3 || (t.size(0) != 1 && t.size(0) != 3)) {
    throw InvalidArgument(
        "tensor_to_image: expected [C, H, W] or [1, C, H, W] with C 1 or 3, found " +
        c10::str(tensor.sizes()));
  }
  if (t.size(1) != dst.height || t.size(2) != dst.width) {
    throw InvalidArgument("tensor_to_image: expected a tensor of the frame's size " +
                          size_str(dst.width, dst.height) + ", found " +
                          size_str(static_cast<int>(t.size(2)), static_cast<int>(t.size(1))));
  }
  const int channels = static_cast<int>(t.size(0));
  const float scale = 255.0f / (range.hi - range.lo);
  const auto u8 = ((t.detach().to(at::kCPU, at::kFloat) - range.lo) * scale)
                      .clamp(0.0, 255.0)
                      .round()
                      .to(at::kByte)
                      .permute({1, 2, 0})
                      .contiguous();
  const cv::Mat packed(dst.height, dst.width, CV_8UC(channels), u8.data_ptr());
  cv::Mat out = as_mat(dst);
  detail::converted(packed,
                    detail::code_from(channels == 1 ? Packed::kGrey : Packed::kRgb, dst.format))
      .copyTo(out);
}

std::pair<int, int> fitted_size(int h, int w, int height, int width, FitMode mode,
                                int resize_size) {
  if (mode == FitMode::kResize) return {height, width};
  if (mode == FitMode::kPad) {
    // Scale down only, keeping the aspect ratio; never up.
    const double s =
        std::min({1.0, static_cast<double>(height) / h, static_cast<double>(width) / w});
    return {std::clamp(static_cast<int>(std::lround(h * s)), 1, height),
            std::clamp(static_cast<int>(std::lround(w * s)), 1, width)};
  }
  // Centre crop: the shorter side to resize_size, or the smallest scale covering the target.
  const double s = resize_size > 0
                       ? static_cast<double>(resize_size) / std::min(h, w)
                       : std::max(static_cast<double>(height) / h, static_cast<double>(width) / w);
  return {std::max(height, static_cast<int>(std::lround(h * s))),
          std::max(width, static_cast<int>(std::lround(w * s)))};
}

torch::Tensor fit_to_resolution(const torch::Tensor& x, int height, int width, FitMode mode,
                                float background, int resize_size) {
  if (x.dim() != 4 || x.size(2) < 1 || x.size(3) < 1) {
    throw InvalidArgument("fit_to_resolution: expected x [B, C, h, w], found " +
                          c10::str(x.sizes()));
  }
  if (height < 1 || width < 1) {
    throw InvalidArgument("fit_to_resolution: expected a positive target size, found " +
                          size_str(width, height));
  }
  const int h = static_cast<int>(x.size(2));
  const int w = static_cast<int>(x.size(3));
  const auto [new_h, new_w] = fitted_size(h, w, height, width, mode, resize_size);
  torch::Tensor scaled = x;
  if (new_h != h || new_w != w) {
    const bool shrink = new_h <= h && new_w <= w;
    const int interpolation = shrink ? cv::INTER_AREA : cv::INTER_LINEAR;
    const auto planes = x.detach().to(at::kCPU, at::kFloat).contiguous().reshape({-1, h, w});
    auto out = at::empty({planes.size(0), new_h, new_w}, at::kFloat);
    for (std::int64_t i = 0; i < planes.size(0); ++i) {
      const cv::Mat src(h, w, CV_32FC1, planes[i].data_ptr());
      cv::Mat dst(new_h, new_w, CV_32FC1, out[i].data_ptr());
      cv::resize(src, dst, cv::Size(new_w, new_h), 0.0, 0.0, interpolation);
    }
    scaled = out.reshape({x.size(0), x.size(1), new_h, new_w}).to(x.options());
  }
  if (new_h == height && new_w == width) return scaled.clone();
  if (mode == FitMode::kCenterCrop) {
    return scaled.narrow(2, (new_h - height) / 2, height)
        .narrow(3, (new_w - width) / 2, width)
        .contiguous();
  }
  auto canvas = at::full({x.size(0), x.size(1), height, width}, background, x.options());
  const int top = (height - new_h) / 2;
  const int left = (width - new_w) / 2;
  canvas.narrow(2, top, new_h).narrow(3, left, new_w).copy_(scaled);
  return canvas;
}

}  // namespace higfa
