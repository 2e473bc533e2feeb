// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Fuzz target: the tar writer's input (member name, data, mtime), checked against ustar's rules.
#include <higfa/error.h>
#include <higfa/tar_writer.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// The octal number of a header field.
std::uint64_t octal(const std::uint8_t* field, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n && field[i] >= '0' && field[i] <= '7'; ++i)
    v = v * 8 + (field[i] - '0');
  return v;
}

}  // namespace

// Input: byte 0 = name length, bytes 1..8 = mtime (little-endian), then the name, then the data.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 9) return 0;
  const std::size_t name_len = std::min<std::size_t>(data[0] * 2u, size - 9);
  std::uint64_t mtime = 0;
  for (int i = 8; i >= 1; --i) mtime = (mtime << 8) | data[i];
  const std::string name(reinterpret_cast<const char*>(data + 9), name_len);
  const std::uint8_t* body = data + 9 + name_len;
  const std::size_t body_size = size - 9 - name_len;
  std::vector<std::uint8_t> out = {1, 2, 3};
  try {
    higfa::append_tar_member(out, name, body, body_size, mtime);
  } catch (const higfa::InvalidArgument&) {
    if (out.size() != 3) std::abort();  // a refused member leaves the output as it was
    return 0;
  }
  const std::uint8_t* h = out.data() + 3;
  // Whole blocks, the size and mtime as given, the checksum right, the name whole again.
  if (out.size() - 3 != higfa::tar_member_size(body_size) || (out.size() - 3) % 512 != 0)
    std::abort();
  if (octal(h + 124, 12) != body_size || octal(h + 136, 12) != mtime) std::abort();
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : h[i];
  if (octal(h + 148, 8) != sum) std::abort();
  std::string stored(reinterpret_cast<const char*>(h + 345),
                     strnlen(reinterpret_cast<const char*>(h + 345), 155));
  if (!stored.empty()) stored += '/';
  stored +=
      std::string(reinterpret_cast<const char*>(h), strnlen(reinterpret_cast<const char*>(h), 100));
  if (stored != name) std::abort();
  if (std::memcmp(h + 512, body, body_size) != 0) std::abort();
  return 0;
}
