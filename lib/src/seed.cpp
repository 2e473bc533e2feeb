// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Per-sample seed derivation: FNV-1a 64 over the source id, mixed through splitmix64.
#include <higfa/seed.h>

namespace higfa {

std::uint64_t splitmix64(std::uint64_t x) {
  std::uint64_t z = x + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a64_update(std::uint64_t hash, const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= static_cast<std::uint64_t>(p[i]);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t fnv1a64(const std::string& bytes) {
  return fnv1a64_update(0xcbf29ce484222325ULL, bytes.data(), bytes.size());
}

std::uint64_t derive_seed(std::uint64_t base_seed, const std::string& source_id,
                          std::uint32_t sample_index) {
  // Each input passes through its own splitmix64 round so that a change in any one of them
  // changes every output bit with probability about 1/2.
  std::uint64_t s = splitmix64(base_seed);
  s = splitmix64(s ^ fnv1a64(source_id));
  return splitmix64(s ^ static_cast<std::uint64_t>(sample_index));
}

}  // namespace higfa
