// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Image formats by content (magic bytes) and their dimensions read from the header, before
// decoding.
#pragma once

#include <higfa/error.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace higfa {

/// An image file format, as told by the file's first bytes (never by its name).
enum class ImageFormat {
  kUnknown,    ///< not an image format this library knows
  kPng,        ///< PNG (and APNG: its first frame)
  kJpeg,       ///< JPEG / JFIF / EXIF
  kBmp,        ///< Windows / OS/2 bitmap
  kTiff,       ///< TIFF, classic (32-bit offsets)
  kBigTiff,    ///< BigTIFF (64-bit offsets): recognised, not read
  kWebp,       ///< WebP (lossy, lossless or extended)
  kPnm,        ///< PBM / PGM / PPM, ASCII or binary (P1 .. P6)
  kPam,        ///< PAM (P7)
  kPfm,        ///< portable float map (PF / Pf)
  kSunRaster,  ///< Sun raster
  kHdr,        ///< Radiance RGBE
  kJpeg2000,   ///< JPEG 2000, JP2 file or raw codestream
  kOpenExr,    ///< OpenEXR
  kGif,        ///< GIF
  kDicom,      ///< DICOM: recognised, not read
};

/// The lowercase name of a format ("png", "jpeg", ...; "unknown").
const char* format_name(ImageFormat format);

/// Bytes sniff_image_format needs at most (DICOM's magic sits at offset 128).
constexpr std::size_t kSniffBytes = 132;

/// The format of the data starting at `data` (`size` bytes; fewer than kSniffBytes is fine).
ImageFormat sniff_image_format(const std::uint8_t* data, std::size_t size);

/// Why a file of a dataset was not read; one name per reason in the datasetsrc summary.
enum class SkipReason {
  kHidden,             ///< its name (or a folder's above it) starts with '.': ignored, no warning
  kNotAnImage,         ///< its content is no image format (a text file named x.png, say)
  kUnsupportedFormat,  ///< an image format this build does not decode (or reads without a bound)
  kTooLarge,           ///< more pixels than the limit, per its header
  kCorrupt,            ///< empty, truncated or corrupt
  kUnreadable,         ///< cannot be opened or read, or not a regular file
  kDuplicate,          ///< a manifest lists the file a second time
};

/// The summary name of a reason: "hidden", "not-an-image", "unsupported-format", "too-large",
/// "corrupt", "unreadable", "duplicate".
const char* skip_reason_name(SkipReason reason);

/// A file that cannot be decoded, with the reason a caller counts it under.
class ImageDecodeError : public Error {
 public:
  ImageDecodeError(SkipReason reason, const std::string& what) : Error(what), reason_(reason) {}
  SkipReason reason() const { return reason_; }

 private:
  SkipReason reason_;
};

/// Format and dimensions of an image, from its header.
struct ImageHeader {
  ImageFormat format = ImageFormat::kUnknown;
  std::uint64_t width = 0;
  std::uint64_t height = 0;
  std::uint64_t pixels() const { return width * height; }
};

/// Reads the format and the dimensions of the image in `data` (the whole file) without decoding
/// it. Never reads outside [data, data + size). Throws ImageDecodeError naming `name`:
/// kNotAnImage for no known format, kUnsupportedFormat for BigTIFF and DICOM, kCorrupt for an
/// empty, cut-off or inconsistent header or a zero dimension.
ImageHeader read_image_header(const std::uint8_t* data, std::size_t size, const std::string& name);

}  // namespace higfa
