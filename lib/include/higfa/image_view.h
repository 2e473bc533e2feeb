// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Non-owning views of packed 8-bit frames, owned grey images and PNG encoding (no LibTorch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace higfa {

/// Packed 8-bit pixel layouts; the names follow GStreamer's video formats.
enum class PixelFormat { kGray8, kRgb, kBgr, kRgba, kBgrx };

/// Bytes per pixel of `format` (1, 3 or 4).
int bytes_per_pixel(PixelFormat format);

/// Parses "GRAY8", "RGB", "BGR", "RGBA", "BGRx"; throws InvalidArgument otherwise.
PixelFormat parse_pixel_format(const std::string& name);

/// A non-owning view of one frame. `stride` is bytes per row and may exceed
/// width * bytes_per_pixel (padded rows). Constness of the pixels is the caller's contract.
struct ImageView {
  std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  std::ptrdiff_t stride = 0;
  PixelFormat format = PixelFormat::kGray8;
};

/// An owned single-channel 8-bit image (edge maps, masks).
struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, stride == width

  GrayImage() = default;
  GrayImage(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h, 0) {}
  ImageView view() {
    return {pixels.data(), width, height, static_cast<std::ptrdiff_t>(width), PixelFormat::kGray8};
  }
};

/// Throws InvalidArgument unless `image` has data, positive size and stride >= row bytes.
void validate(const ImageView& image);

/// `image` as PNG bytes: GRAY8 stays grey, colour keeps its channels (RGBA its alpha; BGRx
/// drops the x byte). Honours the stride. Throws InvalidArgument for an invalid view, Error if
/// encoding fails.
std::vector<std::uint8_t> encode_png(const ImageView& image);

/// How an image is brought to a model's resolution.
enum class FitMode {
  kPad,  ///< keep the aspect ratio: scale down only if larger, then centre on a background canvas
  kResize,  ///< stretch to the target size
  /// keep the aspect ratio: scale so that the shorter side is a given size (default: the
  /// smallest scale that covers the target), then crop the centre (torchvision's Resize +
  /// CenterCrop)
  kCenterCrop,
};

/// Parses "pad" / "resize" / "center_crop"; throws InvalidArgument otherwise.
FitMode parse_fit_mode(const std::string& name);

/// Value range of a model's image tensors, e.g. {-1, 1} or {0, 1}.
struct ValueRange {
  float lo = -1.0f;
  float hi = 1.0f;
};

}  // namespace higfa
