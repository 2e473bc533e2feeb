// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Decoding of dataset image files into packed GRAY8 / RGB frames.
#include <higfa/dataset.h>
#include <higfa/error.h>
#include <higfa/image_header.h>

#include <algorithm>
#include <climits>
#include <cstdint>
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
// A file is read whole only if it is no larger than an uncompressed image at the pixel limit
// takes: 32 bytes per pixel (4 channels of 64-bit samples, the widest OpenCV decodes) plus 16 MiB
// of metadata. Our bound; it keeps a huge file from being read before its header is checked.
constexpr std::uint64_t kMaxBytesPerPixel = 32;
constexpr std::uint64_t kMetadataAllowance = 16u << 20;

// The whole file, unless it is larger than `max_bytes` (0: no bound).
std::vector<std::uint8_t> read_file(const std::string& path, std::uint64_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    throw ImageDecodeError(SkipReason::kUnreadable, path + ": cannot be opened");
  }
  const std::streamoff size = in.tellg();
  if (size < 0) {
    throw ImageDecodeError(SkipReason::kUnreadable, path + ": cannot be read (no size)");
  }
  if (max_bytes > 0 && static_cast<std::uint64_t>(size) > max_bytes) {
    throw ImageDecodeError(SkipReason::kTooLarge, path + ": " + std::to_string(size) +
                                                      " bytes, more than the " +
                                                      std::to_string(max_bytes) +
                                                      " an image within the pixel limit takes");
  }
  in.seekg(0);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw ImageDecodeError(SkipReason::kUnreadable, path + ": read error");
  }
  return bytes;
}

bool is_truncated_jpeg(const std::uint8_t* b, std::size_t size) {
  if (size < 4 || b[0] != 0xFF || b[1] != 0xD8) {
    return false;
  }
  const std::size_t from = size > kJpegTailWindow ? size - kJpegTailWindow : 0;
  for (std::size_t i = size - 1; i > from; --i) {
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
      throw ImageDecodeError(
          SkipReason::kUnsupportedFormat,
          path + ": unsupported sample type (expected 8- or 16-bit unsigned or float)");
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

DecodedImage pack(cv::Mat m, const std::string& path) {
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
      throw ImageDecodeError(
          SkipReason::kUnsupportedFormat,
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

std::uint64_t max_file_bytes(const DecodeLimits& limits) {
  if (limits.max_pixels == 0) return 0;
  const std::uint64_t cap = (UINT64_MAX - kMetadataAllowance) / kMaxBytesPerPixel;
  return std::min(limits.max_pixels, cap) * kMaxBytesPerPixel + kMetadataAllowance;
}

ImageHeader checked_header(const std::uint8_t* data, std::size_t size, const std::string& name,
                           const DecodeLimits& limits) {
  const ImageHeader h = read_image_header(data, size, name);
  if (limits.max_pixels > 0 && h.pixels() > limits.max_pixels) {
    throw ImageDecodeError(SkipReason::kTooLarge,
                           name + ": " + std::to_string(h.width) + " x " +
                               std::to_string(h.height) + " = " + std::to_string(h.pixels()) +
                               " pixels (" + format_name(h.format) + "), more than the limit of " +
                               std::to_string(limits.max_pixels));
  }
  return h;
}

DecodedImage decode_checked(const std::uint8_t* data, std::size_t size, const std::string& path,
                            const ImageHeader& header) {
  if (is_truncated_jpeg(data, size)) {
    throw ImageDecodeError(SkipReason::kCorrupt,
                           path + ": truncated JPEG (no end-of-image marker)");
  }
  if (size > static_cast<std::size_t>(INT_MAX)) {
    throw ImageDecodeError(SkipReason::kTooLarge, path + ": over 2 GiB, more than OpenCV decodes");
  }
  cv::Mat m;
  try {
    const cv::Mat buf(1, static_cast<int>(size), CV_8U, const_cast<std::uint8_t*>(data));
    m = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    // A codec switched off at run time (OpenEXR unless OPENCV_IO_ENABLE_OPENEXR) says "disabled".
    const bool off = std::string(e.what()).find("disabled") != std::string::npos;
    throw ImageDecodeError(off ? SkipReason::kUnsupportedFormat : SkipReason::kCorrupt,
                           path + ": cannot be decoded: " + e.what());
  }
  if (m.empty() || m.dims != 2 || m.rows < 1 || m.cols < 1) {
    throw ImageDecodeError(
        SkipReason::kCorrupt,
        path + ": cannot be decoded (corrupt or truncated " + format_name(header.format) + ")");
  }
  if (static_cast<std::uint64_t>(m.cols) != header.width ||
      static_cast<std::uint64_t>(m.rows) != header.height) {
    throw ImageDecodeError(SkipReason::kCorrupt, path + ": decoded as " + std::to_string(m.cols) +
                                                     " x " + std::to_string(m.rows) +
                                                     ", its header says " +
                                                     std::to_string(header.width) + " x " +
                                                     std::to_string(header.height));
  }
  return pack(m, path);
}

}  // namespace

DecodedImage decode_image(const std::string& path, const DecodeLimits& limits) {
  const std::vector<std::uint8_t> bytes = read_file(path, max_file_bytes(limits));
  const ImageHeader header = checked_header(bytes.data(), bytes.size(), path, limits);
  if (!cv::haveImageReader(path)) {
    throw ImageDecodeError(SkipReason::kUnsupportedFormat,
                           path + ": " + format_name(header.format) +
                               " images are not decoded by this build's OpenCV");
  }
  return decode_checked(bytes.data(), bytes.size(), path, header);
}

DecodedImage decode_image_bytes(const std::uint8_t* data, std::size_t size, const std::string& name,
                                const DecodeLimits& limits) {
  const ImageHeader header = checked_header(data, size, name, limits);
  return decode_checked(data, size, name, header);
}

}  // namespace higfa
