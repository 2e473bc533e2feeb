// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// OpenCV views of frames and the colour conversions between the packed formats (internal).
#pragma once

#include <higfa/image_view.h>

#include <opencv2/core.hpp>
#include <string>

namespace higfa::detail {

/// The view as an OpenCV matrix over the same bytes (no copy; the stride is the row step).
cv::Mat as_mat(const ImageView& image);

/// "WxH".
std::string size_str(int width, int height);

/// The packed layouts a frame is converted to or from.
enum class Packed {
  kGrey,     ///< 1 channel
  kRgb,      ///< 3 channels, RGB order
  kEncoded,  ///< what cv::imencode writes as intended: grey, BGR or BGRA
};

/// cvtColor code from `format` to `to`; -1: the bytes are already in that layout.
int code_to(PixelFormat format, Packed to);

/// cvtColor code from `from` (kGrey or kRgb) to `format`; -1: the bytes are already in that
/// layout. Alpha / x bytes of 3 -> 4 channel conversions are 255.
int code_from(Packed from, PixelFormat format);

/// `src` converted by `code` (a new matrix), or `src` itself (no copy) where `code` is -1.
cv::Mat converted(const cv::Mat& src, int code);

}  // namespace higfa::detail
