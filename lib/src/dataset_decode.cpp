// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Decoding of dataset image files into packed GRAY8 / RGB frames.
#include <higfa/dataset.h>
#include <higfa/error.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace higfa {
namespace {

// A JPEG must end with its end-of-image marker within this many bytes; libjpeg pads a truncated
// file with grey and only warns, so without this check a cut-off JPEG would decode "fine".
constexpr std::size_t kJpegTailWindow = 4096;

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(path + ": cannot be opened");
  }
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw Error(path + ": read error");
  }
  if (bytes.empty()) {
    throw Error(path + ": empty file (0 bytes), expected an image");
  }
  return bytes;
}

bool is_truncated_jpeg(const std::vector<std::uint8_t>& b) {
  if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) {
    return false;
  }
  const std::size_t from = b.size() > kJpegTailWindow ? b.size() - kJpegTailWindow : 0;
  for (std::size_t i = b.size() - 1; i > from; --i) {
    if (b[i - 1] == 0xFF && b[i] == 0xD9) {
      return false;
    }
  }
  return true;
}

// Any supported depth -> 8 bits per sample.
cv::Mat to_8bit(const cv::Mat& m, const std::string& path) {
  switch (m.depth()) {
    case CV_8U:
      return m;
    case CV_16U: {
      cv::Mat out;
      m.convertTo(out, CV_8U, 1.0 / 257.0);
      return out;
    }
    case CV_32F:
    case CV_64F: {  // floating-point images are taken to be in [0, 1]
      cv::Mat out;
      m.convertTo(out, CV_8U, 255.0);
      return out;
    }
    default:
      throw Error(path + ": unsupported sample type (expected 8- or 16-bit unsigned or float)");
  }
}

// Colour (or grey) times alpha / 255: the image composited over black.
cv::Mat composite_over_black(const cv::Mat& colour, const cv::Mat& alpha) {
  cv::Mat a;
  if (colour.channels() == 1) {
    a = alpha;
  } else {
    cv::merge(std::vector<cv::Mat>(static_cast<std::size_t>(colour.channels()), alpha), a);
  }
  cv::Mat out;
  cv::multiply(colour, a, out, 1.0 / 255.0);
  return out;
}

}  // namespace

DecodedImage decode_image(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  if (is_truncated_jpeg(bytes)) {
    throw Error(path + ": truncated JPEG (no end-of-image marker)");
  }
  cv::Mat m;
  try {
    m = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw Error(path + ": cannot be decoded: " + e.what());
  }
  if (m.empty() || m.dims != 2 || m.rows < 1 || m.cols < 1) {
    throw Error(path + ": cannot be decoded (corrupt, truncated or not a supported image)");
  }
  m = to_8bit(m, path);
  cv::Mat packed;
  PixelFormat format = PixelFormat::kRgb;
  switch (m.channels()) {
    case 1:
      packed = m;
      format = PixelFormat::kGray8;
      break;
    case 2: {  // grey + alpha
      std::vector<cv::Mat> ch;
      cv::split(m, ch);
      packed = composite_over_black(ch[0], ch[1]);
      format = PixelFormat::kGray8;
      break;
    }
    case 3:
      cv::cvtColor(m, packed, cv::COLOR_BGR2RGB);
      break;
    case 4: {
      std::vector<cv::Mat> ch;
      cv::split(m, ch);
      cv::Mat bgr;
      cv::merge(std::vector<cv::Mat>{ch[0], ch[1], ch[2]}, bgr);
      cv::cvtColor(composite_over_black(bgr, ch[3]), packed, cv::COLOR_BGR2RGB);
      break;
    }
    default:
      throw Error(
          path + ": " + std::to_string(m.channels()) +
          " channels, expected 1 (grey), 2 (grey + alpha), 3 (colour) or 4 (colour + alpha)");
  }
  DecodedImage out;
  out.width = packed.cols;
  out.height = packed.rows;
  out.format = format;
  const std::size_t row = static_cast<std::size_t>(packed.cols) * packed.elemSize();
  out.pixels.resize(row * static_cast<std::size_t>(packed.rows));
  for (int y = 0; y < packed.rows; ++y) {
    std::memcpy(out.pixels.data() + row * static_cast<std::size_t>(y), packed.ptr(y), row);
  }
  return out;
}

}  // namespace higfa
