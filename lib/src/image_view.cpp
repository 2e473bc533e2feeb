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

#include "pixel_conversion.h"

namespace higfa {
namespace {

// Every packed format: its GStreamer name, bytes per pixel and its cvtColor codes (-1: none
// needed) to grey, to RGB, to the encoder's order, from grey and from RGB.
struct PixelFormatEntry {
  PixelFormat format;
  const char* name;
  int bytes;
  int to_grey, to_rgb, to_encoded, from_grey, from_rgb;
};

constexpr PixelFormatEntry kPixelFormats[] = {
    {PixelFormat::kGray8, "GRAY8", 1, -1, cv::COLOR_GRAY2RGB, -1, -1, cv::COLOR_RGB2GRAY},
    {PixelFormat::kRgb, "RGB", 3, cv::COLOR_RGB2GRAY, -1, cv::COLOR_RGB2BGR, cv::COLOR_GRAY2RGB,
     -1},
    {PixelFormat::kBgr, "BGR", 3, cv::COLOR_BGR2GRAY, cv::COLOR_BGR2RGB, -1, cv::COLOR_GRAY2BGR,
     cv::COLOR_RGB2BGR},
    {PixelFormat::kRgba, "RGBA", 4, cv::COLOR_RGBA2GRAY, cv::COLOR_RGBA2RGB, cv::COLOR_RGBA2BGRA,
     cv::COLOR_GRAY2RGBA, cv::COLOR_RGB2RGBA},
    {PixelFormat::kBgrx, "BGRx", 4, cv::COLOR_BGRA2GRAY, cv::COLOR_BGRA2RGB, cv::COLOR_BGRA2BGR,
     cv::COLOR_GRAY2BGRA, cv::COLOR_RGB2BGRA},
};

const PixelFormatEntry& entry(PixelFormat format) {
  for (const PixelFormatEntry& e : kPixelFormats)
    if (e.format == format) return e;
  throw InvalidArgument("pixel format: unknown value " + std::to_string(static_cast<int>(format)));
}

}  // namespace

namespace detail {

cv::Mat as_mat(const ImageView& image) {
  return cv::Mat(image.height, image.width, CV_8UC(bytes_per_pixel(image.format)), image.data,
                 static_cast<std::size_t>(image.stride));
}

std::string size_str(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

int code_to(PixelFormat format, Packed to) {
  const PixelFormatEntry& e = entry(format);
  return to == Packed::kGrey ? e.to_grey : to == Packed::kRgb ? e.to_rgb : e.to_encoded;
}

int code_from(Packed from, PixelFormat format) {
  const PixelFormatEntry& e = entry(format);
  return from == Packed::kGrey ? e.from_grey : e.from_rgb;
}

cv::Mat converted(const cv::Mat& src, int code) {
  if (code < 0) return src;
  cv::Mat out;
  cv::cvtColor(src, out, code);
  return out;
}

}  // namespace detail

using detail::as_mat;
using detail::size_str;

int bytes_per_pixel(PixelFormat format) { return entry(format).bytes; }

PixelFormat parse_pixel_format(const std::string& name) {
  for (const PixelFormatEntry& e : kPixelFormats)
    if (name == e.name) return e.format;
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
  if (name == "center_crop") return FitMode::kCenterCrop;
  throw InvalidArgument("fit mode: expected \"pad\", \"resize\" or \"center_crop\", found \"" +
                        name + "\"");
}

std::vector<std::uint8_t> encode_png(const ImageView& image) {
  validate(image);
  // imencode only reads: a view already in the encoder's order goes as is.
  const cv::Mat encodable =
      detail::converted(as_mat(image), detail::code_to(image.format, detail::Packed::kEncoded));
  std::vector<std::uint8_t> png;
  if (!cv::imencode(".png", encodable, png)) {
    throw Error("PNG encoding failed for a " + std::to_string(image.width) + "x" +
                std::to_string(image.height) + " image");
  }
  return png;
}

}  // namespace higfa
