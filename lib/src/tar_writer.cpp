// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// POSIX ustar encoding (IEEE Std 1003.1, "pax" chapter, ustar interchange format).
#include <higfa/error.h>
#include <higfa/tar_writer.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace higfa {

namespace {

// Field offsets and lengths of the ustar header.
constexpr std::size_t kNameOff = 0, kNameLen = 100;
constexpr std::size_t kModeOff = 100, kUidOff = 108, kGidOff = 116, kIdLen = 8;
constexpr std::size_t kSizeOff = 124, kMtimeOff = 136, kNumLen = 12;
constexpr std::size_t kChksumOff = 148, kChksumLen = 8;
constexpr std::size_t kTypeOff = 156;
// devmajor (329) and devminor (337) stay NUL for regular files, as tarfile leaves them.
constexpr std::size_t kMagicOff = 257, kVersionOff = 263;
constexpr std::size_t kPrefixOff = 345, kPrefixLen = 155;

using Block = std::array<std::uint8_t, kTarBlockSize>;

// `value` as zero-padded octal filling `len` - 1 digits, then a NUL (tarfile's itn()).
void put_octal(Block& block, std::size_t offset, std::size_t len, std::uint64_t value) {
  for (std::size_t i = len - 1; i-- > 0;) {
    block[offset + i] = static_cast<std::uint8_t>('0' + (value & 7));
    value >>= 3;
  }
  block[offset + len - 1] = 0;
}

void put_bytes(Block& block, std::size_t offset, const std::string& s) {
  std::memcpy(block.data() + offset, s.data(), s.size());
}

// Splits `name` into (prefix, name) so that each fits its field, at the first '/' that allows it
// (as tarfile's _posix_split_name does). Throws if no split works.
std::pair<std::string, std::string> split_name(const std::string& name) {
  if (name.size() <= kNameLen) return {"", name};
  for (std::size_t i = 1; i < name.size() && i <= kPrefixLen; ++i) {
    if (name[i] == '/' && name.size() - i - 1 <= kNameLen) {
      return {name.substr(0, i), name.substr(i + 1)};
    }
  }
  throw InvalidArgument("tar member name \"" + name + "\" (" + std::to_string(name.size()) +
                        " bytes) does not fit ustar: expected at most 100 bytes, or a '/' that "
                        "splits it into at most 155 + 100");
}

}  // namespace

std::array<std::uint8_t, kTarBlockSize> tar_header(const std::string& name, std::uint64_t size,
                                                   std::uint64_t mtime) {
  if (name.empty()) throw InvalidArgument("a tar member needs a name, got an empty one");
  if (name.find('\0') != std::string::npos) {
    throw InvalidArgument("tar member name contains a NUL byte");
  }
  if (size > kTarMaxMemberSize) {
    throw InvalidArgument("tar member \"" + name + "\" has " + std::to_string(size) +
                          " bytes; ustar allows at most " + std::to_string(kTarMaxMemberSize));
  }
  if (mtime > kTarMaxMemberSize) {
    throw InvalidArgument("tar mtime " + std::to_string(mtime) + " is beyond ustar's 11 digits");
  }
  const auto [prefix, base] = split_name(name);
  Block h{};
  put_bytes(h, kNameOff, base);
  put_octal(h, kModeOff, kIdLen, 0644);
  put_octal(h, kUidOff, kIdLen, 0);
  put_octal(h, kGidOff, kIdLen, 0);
  put_octal(h, kSizeOff, kNumLen, size);
  put_octal(h, kMtimeOff, kNumLen, mtime);
  h[kTypeOff] = '0';  // regular file
  put_bytes(h, kMagicOff, std::string("ustar\0", 6));
  put_bytes(h, kVersionOff, "00");
  put_bytes(h, kPrefixOff, prefix);
  // The checksum is the byte sum of the header with its own field read as eight spaces, written
  // as six octal digits, a NUL and a space.
  std::fill_n(h.begin() + kChksumOff, kChksumLen, static_cast<std::uint8_t>(' '));
  std::uint32_t sum = 0;
  for (const std::uint8_t b : h) sum += b;
  put_octal(h, kChksumOff, 7, sum);
  h[kChksumOff + 7] = ' ';
  return h;
}

std::size_t tar_member_size(std::size_t size) {
  return kTarBlockSize + (size + kTarBlockSize - 1) / kTarBlockSize * kTarBlockSize;
}

void append_tar_member(std::vector<std::uint8_t>& out, const std::string& name,
                       const std::uint8_t* data, std::size_t size, std::uint64_t mtime) {
  const Block h = tar_header(name, size, mtime);
  const std::size_t start = out.size();
  out.resize(start + tar_member_size(size), 0);
  std::memcpy(out.data() + start, h.data(), h.size());
  if (size > 0) std::memcpy(out.data() + start + kTarBlockSize, data, size);
}

void append_tar_member(std::vector<std::uint8_t>& out, const std::string& name,
                       const std::string& data, std::uint64_t mtime) {
  append_tar_member(out, name, reinterpret_cast<const std::uint8_t*>(data.data()), data.size(),
                    mtime);
}

void append_tar_end(std::vector<std::uint8_t>& out) {
  out.resize(out.size() + 2 * kTarBlockSize, 0);
}

}  // namespace higfa
