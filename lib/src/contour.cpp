// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Contour extraction: grey, Gaussian pre-blur, Canny (fixed or median thresholds), Zhang-Suen
// thinning.
#include <higfa/contour.h>
#include <higfa/error.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "pixel_conversion.h"

namespace higfa {
namespace {

std::string num(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// The frame as grey, packed, in a matrix of its own. Conversions are OpenCV's (BT.601 luma), as
// cv2.cvtColor in Python.
cv::Mat to_grey(const ImageView& src) {
  const cv::Mat mat = detail::as_mat(src);
  const int code = detail::code_to(src.format, detail::Packed::kGrey);
  return code < 0 ? mat.clone() : detail::converted(mat, code);
}

// numpy.median of an 8-bit image: the middle value, or the mean of the two middle values.
double median_u8(const cv::Mat& grey) {
  std::array<std::size_t, 256> hist{};
  for (int y = 0; y < grey.rows; ++y) {
    const std::uint8_t* row = grey.ptr<std::uint8_t>(y);
    for (int x = 0; x < grey.cols; ++x) ++hist[row[x]];
  }
  const std::size_t n = grey.total();
  auto nth = [&](std::size_t k) {  // k-th smallest, 0-based
    std::size_t seen = 0;
    for (int v = 0; v < 256; ++v) {
      seen += hist[static_cast<std::size_t>(v)];
      if (seen > k) return v;
    }
    return 255;
  };
  if (n % 2 == 1) return nth(n / 2);
  return 0.5 * (nth(n / 2 - 1) + nth(n / 2));
}

// One Zhang-Suen sub-iteration over a map padded by one zero pixel on each side; returns whether
// any pixel was removed. Neighbours P2..P9 run clockwise from north (Zhang & Suen 1984, fig. 1).
bool zhang_suen_pass(std::vector<std::uint8_t>& m, int w, int h, int pass,
                     std::vector<std::size_t>& removed) {
  const int pw = w + 2;
  removed.clear();
  for (int y = 1; y <= h; ++y) {
    for (int x = 1; x <= w; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * pw + x;
      if (!m[i]) continue;
      const std::array<int, 8> p = {m[i - pw], m[i - pw + 1], m[i + 1], m[i + pw + 1],
                                    m[i + pw], m[i + pw - 1], m[i - 1], m[i - pw - 1]};
      int b = 0;
      int a = 0;
      for (int k = 0; k < 8; ++k) {
        b += p[static_cast<std::size_t>(k)];
        a += (!p[static_cast<std::size_t>(k)] && p[static_cast<std::size_t>((k + 1) % 8)]);
      }
      if (b < 2 || b > 6 || a != 1) continue;
      const int p2 = p[0], p4 = p[2], p6 = p[4], p8 = p[6];
      const bool remove = pass == 0 ? (p2 * p4 * p6 == 0 && p4 * p6 * p8 == 0)
                                    : (p2 * p4 * p8 == 0 && p2 * p6 * p8 == 0);
      if (remove) removed.push_back(i);
    }
  }
  for (std::size_t i : removed) m[i] = 0;
  return !removed.empty();
}

void thin(cv::Mat& edges) {
  const int w = edges.cols;
  const int h = edges.rows;
  const int pw = w + 2;
  std::vector<std::uint8_t> m(static_cast<std::size_t>(pw) * (h + 2), 0);
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* row = edges.ptr<std::uint8_t>(y);
    for (int x = 0; x < w; ++x) m[static_cast<std::size_t>(y + 1) * pw + x + 1] = row[x] ? 1 : 0;
  }
  std::vector<std::size_t> removed;
  bool changed = true;
  while (changed) {
    const bool first = zhang_suen_pass(m, w, h, 0, removed);
    const bool second = zhang_suen_pass(m, w, h, 1, removed);
    changed = first || second;
  }
  for (int y = 0; y < h; ++y) {
    std::uint8_t* row = edges.ptr<std::uint8_t>(y);
    for (int x = 0; x < w; ++x) row[x] = m[static_cast<std::size_t>(y + 1) * pw + x + 1] ? 255 : 0;
  }
}

void check_edge_view(const ImageView& dst, const ImageView& src) {
  validate(dst);
  if (dst.format != PixelFormat::kGray8) {
    throw InvalidArgument("contour: expected a GRAY8 destination, found another pixel format");
  }
  if (dst.width != src.width || dst.height != src.height) {
    throw InvalidArgument("contour: expected a destination of the source's size " +
                          std::to_string(src.width) + "x" + std::to_string(src.height) +
                          ", found " + std::to_string(dst.width) + "x" +
                          std::to_string(dst.height));
  }
}

}  // namespace

void validate(const ContourOptions& o) {
  if (o.blur_size < 0 || (o.blur_size > 0 && o.blur_size % 2 == 0)) {
    throw InvalidArgument("contour: expected blur_size 0 or odd and positive, found " +
                          std::to_string(o.blur_size));
  }
  if (!(o.blur_sigma >= 0.0) || !std::isfinite(o.blur_sigma)) {
    throw InvalidArgument("contour: expected blur_sigma >= 0, found " + num(o.blur_sigma));
  }
  auto in_range = [](double t) { return t >= 0.0 && t <= 1000.0; };
  if (!in_range(o.low_threshold) || !in_range(o.high_threshold)) {
    throw InvalidArgument("contour: expected thresholds in 0..1000, found " + num(o.low_threshold) +
                          " and " + num(o.high_threshold));
  }
  if (o.low_threshold > o.high_threshold) {
    throw InvalidArgument("contour: expected low_threshold <= high_threshold, found " +
                          num(o.low_threshold) + " > " + num(o.high_threshold));
  }
  if (!(o.auto_sigma >= 0.0 && o.auto_sigma <= 1.0)) {
    throw InvalidArgument("contour: expected auto_sigma in 0..1, found " + num(o.auto_sigma));
  }
}

void thin_edges(const ImageView& edges) {
  validate(edges);
  if (edges.format != PixelFormat::kGray8) {
    throw InvalidArgument("thin_edges: expected a GRAY8 map, found another pixel format");
  }
  cv::Mat mat(edges.height, edges.width, CV_8UC1, edges.data,
              static_cast<std::size_t>(edges.stride));
  thin(mat);
}

ContourThresholds extract_contour(const ImageView& src, const ImageView& dst,
                                  const ContourOptions& options) {
  validate(options);
  validate(src);
  check_edge_view(dst, src);

  // The exact recipe the default model was trained with (tools/fmnist.py):
  //   cv2.GaussianBlur(grey, (k, k), sigma) then cv2.Canny(blurred, low, high, 3, L2gradient).
  const cv::Mat grey = to_grey(src);
  cv::Mat blurred;
  if (options.blur_size > 0) {
    cv::GaussianBlur(grey, blurred, cv::Size(options.blur_size, options.blur_size),
                     options.blur_sigma, options.blur_sigma);
  } else {
    blurred = grey;
  }
  double low = options.low_threshold;
  double high = options.high_threshold;
  if (options.auto_threshold) {
    // Median-derived thresholds (the common "auto Canny" rule): (1 -/+ sigma) * median.
    const double m = median_u8(blurred);
    low = std::max(0.0, (1.0 - options.auto_sigma) * m);
    high = std::min(255.0, (1.0 + options.auto_sigma) * m);
  }
  cv::Mat edges;
  cv::Canny(blurred, edges, low, high, 3, options.l2_gradient);
  if (options.thinning) thin(edges);

  cv::Mat out(dst.height, dst.width, CV_8UC1, dst.data, static_cast<std::size_t>(dst.stride));
  edges.copyTo(out);
  return {low, high};
}

GrayImage extract_contour(const ImageView& src, const ContourOptions& options) {
  validate(src);
  GrayImage out(src.width, src.height);
  extract_contour(src, out.view(), options);
  return out;
}

}  // namespace higfa
