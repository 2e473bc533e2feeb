// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Image views: pixel formats, view validation, fit-mode names and PNG encoding (no LibTorch).
#include <higfa/error.h>
#include <higfa/image_view.h>

#include <cstddef>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
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

std::string size_str(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

// `image` as a cv::Mat that cv::imencode writes as intended (BGR order, 1/3/4 channels).
cv::Mat to_encodable(const ImageView& image) {
  validate(image);
  const cv::Mat src = as_mat(image);
  cv::Mat out;
  switch (image.format) {
    case PixelFormat::kGray8:
    case PixelFormat::kBgr:
      out = src;  // imencode only reads
      break;
    case PixelFormat::kRgb:
      cv::cvtColor(src, out, cv::COLOR_RGB2BGR);
      break;
    case PixelFormat::kRgba:
      cv::cvtColor(src, out, cv::COLOR_RGBA2BGRA);
      break;
    case PixelFormat::kBgrx:
      cv::cvtColor(src, out, cv::COLOR_BGRA2BGR);
      break;
  }
  return out;
}

}  // namespace

int bytes_per_pixel(PixelFormat format) {
  switch (format) {
    case PixelFormat::kGray8:
      return 1;
    case PixelFormat::kRgb:
    case PixelFormat::kBgr:
      return 3;
    case PixelFormat::kRgba:
    case PixelFormat::kBgrx:
      return 4;
  }
  throw InvalidArgument("pixel format: unknown value " + std::to_string(static_cast<int>(format)));
}

PixelFormat parse_pixel_format(const std::string& name) {
  if (name == "GRAY8") return PixelFormat::kGray8;
  if (name == "RGB") return PixelFormat::kRgb;
  if (name == "BGR") return PixelFormat::kBgr;
  if (name == "RGBA") return PixelFormat::kRgba;
  if (name == "BGRx") return PixelFormat::kBgrx;
  throw InvalidArgument("pixel format: expected GRAY8, RGB, BGR, RGBA or BGRx, found \"" + name +
                        "\"");
}

void validate(const ImageView& image) {
  const int bpp = bytes_per_pixel(image.format);
  if (image.data == nullptr) throw InvalidArgument("image: expected pixel data, found none");
  if (image.width <= 0 || image.height <= 0) {
    throw InvalidArgument("image: expected a positive size, found " +
                          size_str(image.width, image.height));
  }
  const std::ptrdiff_t row_bytes = static_cast<std::ptrdiff_t>(image.width) * bpp;
  if (image.stride < row_bytes) {
    throw InvalidArgument("image: expected a stride of at least " + std::to_string(row_bytes) +
                          " bytes for width " + std::to_string(image.width) + ", found " +
                          std::to_string(image.stride));
  }
}

FitMode parse_fit_mode(const std::string& name) {
  if (name == "pad") return FitMode::kPad;
  if (name == "resize") return FitMode::kResize;
  throw InvalidArgument("fit mode: expected \"pad\" or \"resize\", found \"" + name + "\"");
}

std::vector<std::uint8_t> encode_png(const ImageView& image) {
  std::vector<std::uint8_t> png;
  if (!cv::imencode(".png", to_encodable(image), png)) {
    throw Error("PNG encoding failed for a " + std::to_string(image.width) + "x" +
                std::to_string(image.height) + " image");
  }
  return png;
}

}  // namespace higfa
