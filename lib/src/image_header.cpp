// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Image header readers: format by magic bytes and width x height for every format OpenCV decodes.
#include <higfa/image_header.h>

#include <cstring>
#include <iterator>
#include <string>

namespace higfa {
namespace {

// Bounds-checked reads from one buffer; any read past the end throws a kCorrupt error.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size, const std::string& name, const char* format)
      : data_(data), size_(size), name_(name), format_(format) {}

  std::size_t size() const { return size_; }
  const std::uint8_t* data() const { return data_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw ImageDecodeError(SkipReason::kCorrupt,
                           name_ + ": corrupt " + format_ + " header: " + what);
  }
  void need(std::size_t at, std::size_t n) const {
    if (at > size_ || n > size_ - at) {
      fail("cut off at byte " + std::to_string(size_) + " (needs " + std::to_string(at + n) + ")");
    }
  }
  std::uint8_t u8(std::size_t at) const {
    need(at, 1);
    return data_[at];
  }
  std::uint32_t be(std::size_t at, int n) const {
    need(at, static_cast<std::size_t>(n));
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | data_[at + static_cast<std::size_t>(i)];
    return v;
  }
  std::uint32_t le(std::size_t at, int n) const {
    need(at, static_cast<std::size_t>(n));
    std::uint32_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | data_[at + static_cast<std::size_t>(i)];
    return v;
  }
  std::uint32_t u(std::size_t at, int n, bool big_endian) const {
    return big_endian ? be(at, n) : le(at, n);
  }
  bool matches(std::size_t at, const char* magic) const {
    const std::size_t n = std::strlen(magic);
    return at <= size_ && n <= size_ - at && std::memcmp(data_ + at, magic, n) == 0;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  const std::string& name_;
  const char* format_;
};

ImageHeader make(ImageFormat f, std::uint64_t w, std::uint64_t h) { return {f, w, h}; }

ImageHeader png_header(const Bytes& b, ImageFormat) {
  if (!b.matches(12, "IHDR")) b.fail("the first chunk is not IHDR");
  return make(ImageFormat::kPng, b.be(16, 4), b.be(20, 4));
}

// Walks the markers up to the first start-of-frame (SOF0 .. SOF15 but DHT, JPG and DAC).
ImageHeader jpeg_header(const Bytes& b, ImageFormat) {
  std::size_t at = 2;
  for (;;) {
    if (b.u8(at) != 0xFF) b.fail("no marker at byte " + std::to_string(at));
    while (b.u8(at) == 0xFF) ++at;  // fill bytes
    const std::uint8_t m = b.u8(at++);
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) continue;  // markers without a length
    if (m == 0xD9 || m == 0xDA) b.fail("no frame header before the image data");
    const std::uint32_t length = b.be(at, 2);
    if (length < 2) b.fail("a segment length below 2");
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      return make(ImageFormat::kJpeg, b.be(at + 5, 2), b.be(at + 3, 2));
    }
    at += length;
  }
}

ImageHeader bmp_header(const Bytes& b, ImageFormat) {
  const std::uint32_t dib = b.le(14, 4);
  if (dib == 12) return make(ImageFormat::kBmp, b.le(18, 2), b.le(20, 2));  // OS/2 1.x
  if (dib < 16) b.fail("a DIB header of " + std::to_string(dib) + " bytes");
  const auto w = static_cast<std::int32_t>(b.le(18, 4));
  const auto h = static_cast<std::int32_t>(b.le(22, 4));  // negative: rows top-down
  if (w < 0) b.fail("a negative width");
  const std::int64_t abs_h = h < 0 ? -static_cast<std::int64_t>(h) : h;
  return make(ImageFormat::kBmp, static_cast<std::uint64_t>(w), static_cast<std::uint64_t>(abs_h));
}

// The first image file directory's ImageWidth (256) and ImageLength (257); OpenCV reads page 1.
ImageHeader tiff_header(const Bytes& b, ImageFormat) {
  const bool big = b.u8(0) == 'M';
  const std::size_t ifd = b.u(4, 4, big);
  const std::uint32_t count = b.u(ifd, 2, big);
  std::uint64_t w = 0, h = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t e = ifd + 2 + 12 * static_cast<std::size_t>(i);
    const std::uint32_t tag = b.u(e, 2, big);
    if (tag != 256 && tag != 257) continue;
    const std::uint32_t type = b.u(e + 2, 2, big);
    std::uint64_t v = 0;
    if (type == 3) {
      v = b.u(e + 8, 2, big);  // SHORT, left-justified in the value field
    } else if (type == 4) {
      v = b.u(e + 8, 4, big);  // LONG
    } else {
      b.fail("tag " + std::to_string(tag) + " of type " + std::to_string(type));
    }
    (tag == 256 ? w : h) = v;
  }
  if (w == 0 || h == 0) b.fail("no ImageWidth / ImageLength in the first directory");
  return make(ImageFormat::kTiff, w, h);
}

ImageHeader webp_header(const Bytes& b, ImageFormat) {
  if (b.matches(12, "VP8X")) {
    return make(ImageFormat::kWebp, std::uint64_t{b.le(24, 3)} + 1, std::uint64_t{b.le(27, 3)} + 1);
  }
  if (b.matches(12, "VP8L")) {
    if (b.u8(20) != 0x2F) b.fail("no lossless signature");
    const std::uint32_t bits = b.le(21, 4);
    return make(ImageFormat::kWebp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (b.matches(12, "VP8 ")) {
    if (b.u8(23) != 0x9D || b.u8(24) != 0x01 || b.u8(25) != 0x2A) b.fail("no VP8 start code");
    return make(ImageFormat::kWebp, b.le(26, 2) & 0x3FFF, b.le(28, 2) & 0x3FFF);
  }
  b.fail("the first chunk is not VP8, VP8L or VP8X");
}

// Netpbm-style text headers: whitespace-separated decimals, '#' comments to the end of a line.
class Tokens {
 public:
  Tokens(const Bytes& b, const std::uint8_t* data, std::size_t at) : b_(b), data_(data), at_(at) {}
  void skip_space() {
    while (at_ < b_.size()) {
      const char c = static_cast<char>(data_[at_]);
      if (c == '#') {
        while (at_ < b_.size() && data_[at_] != '\n' && data_[at_] != '\r') ++at_;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
        ++at_;
      } else {
        return;
      }
    }
  }
  std::uint64_t number() {
    skip_space();
    std::uint64_t v = 0;
    std::size_t digits = 0;
    while (at_ < b_.size() && data_[at_] >= '0' && data_[at_] <= '9') {
      if (++digits > 10) b_.fail("a number of more than 10 digits");
      v = v * 10 + (data_[at_++] - '0');
    }
    if (digits == 0) b_.fail("expected a decimal number at byte " + std::to_string(at_));
    return v;
  }
  // The next whitespace-delimited word, at most 16 bytes.
  std::string word() {
    skip_space();
    std::string w;
    while (at_ < b_.size() && w.size() < 16 && data_[at_] > ' ')
      w += static_cast<char>(data_[at_++]);
    return w;
  }

 private:
  const Bytes& b_;
  const std::uint8_t* data_;
  std::size_t at_;
};

ImageHeader pnm_header(const Bytes& b, ImageFormat f) {
  const std::uint8_t* data = b.data();
  Tokens t(b, data, 2);
  const std::uint64_t w = t.number();
  const std::uint64_t h = t.number();
  return make(f, w, h);
}

// PAM: "P7", then "KEY value" lines up to ENDHDR.
ImageHeader pam_header(const Bytes& b, ImageFormat) {
  const std::uint8_t* data = b.data();
  Tokens t(b, data, 2);
  std::uint64_t w = 0, h = 0;
  for (int i = 0; i < 64; ++i) {
    const std::string key = t.word();
    if (key == "ENDHDR") return make(ImageFormat::kPam, w, h);
    if (key.empty()) break;
    if (key == "WIDTH") {
      w = t.number();
    } else if (key == "HEIGHT") {
      h = t.number();
    } else if (key == "DEPTH" || key == "MAXVAL") {
      t.number();
    } else if (key == "TUPLTYPE") {
      t.word();
    } else {
      b.fail("unknown key \"" + key + "\"");
    }
  }
  b.fail("no ENDHDR");
}

// Radiance: header lines up to an empty one, then the resolution line ("-Y h +X w" or variants).
ImageHeader hdr_header(const Bytes& b, ImageFormat) {
  const std::uint8_t* data = b.data();
  std::size_t at = 0;
  bool previous_empty = false;
  while (at < b.size()) {
    std::size_t end = at;
    while (end < b.size() && data[end] != '\n') ++end;
    if (previous_empty) {
      const std::string line(reinterpret_cast<const char*>(data + at), end - at);
      Tokens t(b, data, at);
      const std::string a = t.word();
      const std::uint64_t n1 = t.number();
      const std::string c = t.word();
      const std::uint64_t n2 = t.number();
      const bool y_first = a.size() == 2 && a[1] == 'Y' && c.size() == 2 && c[1] == 'X';
      const bool x_first = a.size() == 2 && a[1] == 'X' && c.size() == 2 && c[1] == 'Y';
      if (!y_first && !x_first) b.fail("bad resolution line \"" + line.substr(0, 40) + "\"");
      return y_first ? make(ImageFormat::kHdr, n2, n1) : make(ImageFormat::kHdr, n1, n2);
    }
    previous_empty = end == at || (end == at + 1 && data[at] == '\r');
    at = end + 1;
  }
  b.fail("no resolution line");
}

// JP2: the ihdr box inside the jp2h super box; a raw codestream: the SIZ segment.
ImageHeader jpeg2000_header(const Bytes& b, ImageFormat) {
  if (b.u8(0) == 0xFF) {  // codestream: SOC, then SIZ
    if (b.be(2, 2) != 0xFF51) b.fail("no SIZ segment after SOC");
    const std::uint32_t x = b.be(8, 4), y = b.be(12, 4), x0 = b.be(16, 4), y0 = b.be(20, 4);
    if (x0 >= x || y0 >= y) b.fail("an image offset beyond the image");
    return make(ImageFormat::kJpeg2000, x - x0, y - y0);
  }
  std::size_t at = 0, end = b.size();
  for (int depth = 0; depth < 2;) {
    if (at + 8 > end) b.fail(depth == 0 ? "no jp2h box" : "no ihdr box");
    std::uint64_t length = b.be(at, 4);
    std::size_t header = 8;
    if (length == 1) {
      length = (std::uint64_t{b.be(at + 8, 4)} << 32) | b.be(at + 12, 4);
      header = 16;
    } else if (length == 0) {
      length = end - at;
    }
    if (length < header || length > end - at) b.fail("a box length beyond its container");
    const bool want = b.matches(at + 4, depth == 0 ? "jp2h" : "ihdr");
    if (want && depth == 1) return make(ImageFormat::kJpeg2000, b.be(at + 12, 4), b.be(at + 8, 4));
    if (want) {
      end = at + static_cast<std::size_t>(length);
      at += header;
      ++depth;
    } else {
      at += static_cast<std::size_t>(length);
    }
  }
  b.fail("no ihdr box");
}

// OpenEXR: attributes (name \0 type \0 size value) up to an empty name; dataWindow is a box2i.
ImageHeader exr_header(const Bytes& b, ImageFormat) {
  const std::uint8_t* data = b.data();
  std::size_t at = 8;
  for (;;) {
    auto cstring = [&](std::size_t from) {
      std::size_t end = from;
      while (end < b.size() && data[end] != 0 && end - from < 256) ++end;
      b.need(end, 1);
      if (data[end] != 0) b.fail("an attribute name of over 255 bytes");
      return end;
    };
    const std::size_t name_end = cstring(at);
    if (name_end == at) b.fail("no dataWindow attribute");
    const std::string name(reinterpret_cast<const char*>(data + at), name_end - at);
    const std::size_t type_end = cstring(name_end + 1);
    const std::string type(reinterpret_cast<const char*>(data + name_end + 1),
                           type_end - name_end - 1);
    const std::uint32_t size = b.le(type_end + 1, 4);
    const std::size_t value = type_end + 5;
    b.need(value, size);
    if (name == "dataWindow") {
      if (type != "box2i" || size != 16) b.fail("dataWindow is not a box2i");
      const auto x0 = static_cast<std::int32_t>(b.le(value, 4));
      const auto y0 = static_cast<std::int32_t>(b.le(value + 4, 4));
      const auto x1 = static_cast<std::int32_t>(b.le(value + 8, 4));
      const auto y1 = static_cast<std::int32_t>(b.le(value + 12, 4));
      if (x1 < x0 || y1 < y0) b.fail("an empty dataWindow");
      return make(ImageFormat::kOpenExr, static_cast<std::uint64_t>(std::int64_t{x1} - x0 + 1),
                  static_cast<std::uint64_t>(std::int64_t{y1} - y0 + 1));
    }
    at = value + size;
  }
}

bool is_space(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

ImageHeader sun_raster_header(const Bytes& b, ImageFormat f) {
  return make(f, b.be(4, 4), b.be(8, 4));
}

ImageHeader gif_header(const Bytes& b, ImageFormat f) { return make(f, b.le(6, 2), b.le(8, 2)); }

// Every format: its name and its header reader (nullptr: recognised but not read).
struct FormatEntry {
  ImageFormat format;
  const char* name;
  ImageHeader (*read)(const Bytes&, ImageFormat);
};

constexpr FormatEntry kFormats[] = {
    {ImageFormat::kUnknown, "unknown", nullptr},
    {ImageFormat::kPng, "png", png_header},
    {ImageFormat::kJpeg, "jpeg", jpeg_header},
    {ImageFormat::kBmp, "bmp", bmp_header},
    {ImageFormat::kTiff, "tiff", tiff_header},
    {ImageFormat::kBigTiff, "bigtiff", nullptr},
    {ImageFormat::kWebp, "webp", webp_header},
    {ImageFormat::kPnm, "pnm", pnm_header},
    {ImageFormat::kPam, "pam", pam_header},
    {ImageFormat::kPfm, "pfm", pnm_header},
    {ImageFormat::kSunRaster, "sun-raster", sun_raster_header},
    {ImageFormat::kHdr, "hdr", hdr_header},
    {ImageFormat::kJpeg2000, "jpeg2000", jpeg2000_header},
    {ImageFormat::kOpenExr, "openexr", exr_header},
    {ImageFormat::kGif, "gif", gif_header},
    {ImageFormat::kDicom, "dicom", nullptr},
};

const FormatEntry& format_entry(ImageFormat format) {
  for (const FormatEntry& e : kFormats)
    if (e.format == format) return e;
  return kFormats[0];
}

}  // namespace

const char* format_name(ImageFormat format) { return format_entry(format).name; }

const char* skip_reason_name(SkipReason reason) {
  // In the enum's order.
  static constexpr const char* kNames[] = {"hidden",    "not-an-image", "unsupported-format",
                                           "too-large", "corrupt",      "unreadable",
                                           "duplicate"};
  static_assert(std::size(kNames) == static_cast<std::size_t>(SkipReason::kDuplicate) + 1);
  const auto i = static_cast<std::size_t>(reason);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

ImageFormat sniff_image_format(const std::uint8_t* data, std::size_t size) {
  auto is = [&](std::size_t at, const char* magic, std::size_t n) {
    return at <= size && n <= size - at && std::memcmp(data + at, magic, n) == 0;
  };
  if (is(0, "\x89PNG\r\n\x1a\n", 8)) return ImageFormat::kPng;
  if (is(0, "\xFF\xD8\xFF", 3)) return ImageFormat::kJpeg;
  if (is(0, "BM", 2)) return ImageFormat::kBmp;
  if (is(0, "II*\0", 4) || is(0, "MM\0*", 4)) return ImageFormat::kTiff;
  if (is(0, "II+\0", 4) || is(0, "MM\0+", 4)) return ImageFormat::kBigTiff;
  if (is(0, "RIFF", 4) && is(8, "WEBP", 4)) return ImageFormat::kWebp;
  if (size >= 3 && data[0] == 'P' && is_space(data[2])) {
    if (data[1] >= '1' && data[1] <= '6') return ImageFormat::kPnm;
    if (data[1] == '7') return ImageFormat::kPam;
    if (data[1] == 'F' || data[1] == 'f') return ImageFormat::kPfm;
  }
  if (is(0, "\x59\xA6\x6A\x95", 4)) return ImageFormat::kSunRaster;
  if (is(0, "#?RADIANCE", 10) || is(0, "#?RGBE", 6)) return ImageFormat::kHdr;
  if (is(0, "\0\0\0\x0CjP  \r\n\x87\n", 12) || is(0, "\xFF\x4F\xFF\x51", 4)) {
    return ImageFormat::kJpeg2000;
  }
  if (is(0, "\x76\x2F\x31\x01", 4)) return ImageFormat::kOpenExr;
  if (is(0, "GIF87a", 6) || is(0, "GIF89a", 6)) return ImageFormat::kGif;
  if (is(128, "DICM", 4)) return ImageFormat::kDicom;
  return ImageFormat::kUnknown;
}

ImageHeader read_image_header(const std::uint8_t* data, std::size_t size, const std::string& name) {
  if (size == 0) {
    throw ImageDecodeError(SkipReason::kCorrupt,
                           name + ": empty file (0 bytes), expected an image");
  }
  const ImageFormat f = sniff_image_format(data, size);
  const Bytes b(data, size, name, format_name(f));
  if (f == ImageFormat::kUnknown) {
    throw ImageDecodeError(SkipReason::kNotAnImage,
                           name + ": not an image (its first bytes match no image format)");
  }
  const FormatEntry& entry = format_entry(f);
  if (entry.read == nullptr) {
    throw ImageDecodeError(SkipReason::kUnsupportedFormat,
                           name + ": " + entry.name + " images are not read");
  }
  const ImageHeader h = entry.read(b, f);
  if (h.width == 0 || h.height == 0) {
    b.fail("a size of " + std::to_string(h.width) + " x " + std::to_string(h.height));
  }
  return h;
}

}  // namespace higfa
