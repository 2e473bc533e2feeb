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

namespace higfa {
namespace {

// The view as an OpenCV matrix over the same bytes (no copy; the stride is the row step).
cv::Mat as_mat(const ImageView& image) {
  return cv::Mat(image.height, image.width, CV_8UC(bytes_per_pixel(image.format)), image.data,
                 static_cast<std::size_t>(image.stride));
}

// cvtColor code from `format` to packed RGB (3 channels) or grey (1 channel); -1: plain copy.
int to_code(PixelFormat format, int channels) {
  switch (format) {
    case PixelFormat::kGray8:
      return channels == 1 ? -1 : cv::COLOR_GRAY2RGB;
    case PixelFormat::kRgb:
      return channels == 1 ? cv::COLOR_RGB2GRAY : -1;
    case PixelFormat::kBgr:
      return channels == 1 ? cv::COLOR_BGR2GRAY : cv::COLOR_BGR2RGB;
    case PixelFormat::kRgba:
      return channels == 1 ? cv::COLOR_RGBA2GRAY : cv::COLOR_RGBA2RGB;
    case PixelFormat::kBgrx:
      return channels == 1 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGRA2RGB;
  }
  return -1;
}

// cvtColor code from packed RGB (3) or grey (1) to `format`; -1: plain copy. Alpha / x bytes of
// 3 -> 4 channel conversions are 255.
int from_code(int channels, PixelFormat format) {
  switch (format) {
    case PixelFormat::kGray8:
      return channels == 1 ? -1 : cv::COLOR_RGB2GRAY;
    case PixelFormat::kRgb:
      return channels == 1 ? cv::COLOR_GRAY2RGB : -1;
    case PixelFormat::kBgr:
      return channels == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_RGB2BGR;
    case PixelFormat::kRgba:
      return channels == 1 ? cv::COLOR_GRAY2RGBA : cv::COLOR_RGB2RGBA;
    case PixelFormat::kBgrx:
      return channels == 1 ? cv::COLOR_GRAY2BGRA : cv::COLOR_RGB2BGRA;
  }
  return -1;
}

void check_range(ValueRange range) {
  if (!std::isfinite(range.lo) || !std::isfinite(range.hi) || !(range.lo < range.hi)) {
    throw InvalidArgument("value range: expected finite lo < hi, found [" +
                          std::to_string(range.lo) + ", " + std::to_string(range.hi) + "]");
  }
}

std::string size_str(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

}  // namespace

torch::Tensor image_to_tensor(const ImageView& image, int channels, ValueRange range) {
  validate(image);
  check_range(range);
  if (channels != 1 && channels != 3) {
    throw InvalidArgument("image_to_tensor: expected 1 or 3 channels, found " +
                          std::to_string(channels));
  }
  const cv::Mat src = as_mat(image);
  cv::Mat packed;
  const int code = to_code(image.format, channels);
  if (code < 0) {
    packed = src;  // read in place through the stride below
  } else {
    cv::cvtColor(src, packed, code);
  }
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
  const int code = from_code(channels, dst.format);
  if (code < 0) {
    packed.copyTo(out);
  } else {
    cv::Mat converted;
    cv::cvtColor(packed, converted, code);
    converted.copyTo(out);
  }
}

torch::Tensor fit_to_resolution(const torch::Tensor& x, int height, int width, FitMode mode,
                                float background) {
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
  int new_h = height;
  int new_w = width;
  if (mode == FitMode::kPad) {
    // Scale down only, keeping the aspect ratio; never up.
    const double s =
        std::min({1.0, static_cast<double>(height) / h, static_cast<double>(width) / w});
    new_h = std::clamp(static_cast<int>(std::lround(h * s)), 1, height);
    new_w = std::clamp(static_cast<int>(std::lround(w * s)), 1, width);
  }
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
  auto canvas = at::full({x.size(0), x.size(1), height, width}, background, x.options());
  const int top = (height - new_h) / 2;
  const int left = (width - new_w) / 2;
  canvas.narrow(2, top, new_h).narrow(3, left, new_w).copy_(scaled);
  return canvas;
}

}  // namespace higfa
