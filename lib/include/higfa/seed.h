// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Per-sample seeds derived from a base seed, a source id and a sample index (design §10).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace higfa {

/// splitmix64's output function applied to `x` + the golden-ratio increment (Steele et al. 2014).
std::uint64_t splitmix64(std::uint64_t x);

/// FNV-1a 64-bit hash of the bytes of `bytes` (offset basis 0xcbf29ce484222325, prime
/// 0x100000001b3).
std::uint64_t fnv1a64(const std::string& bytes);

/// The FNV-1a 64-bit hash `hash` continued over `size` more bytes at `data`: hashing a text in
/// pieces, starting from fnv1a64(""), gives fnv1a64() of the whole.
std::uint64_t fnv1a64_update(std::uint64_t hash, const void* data, std::size_t size);

/// The seed of sample `sample_index` of the source image `source_id` in a run seeded `base_seed`:
///   s = splitmix64(splitmix64(splitmix64(base_seed) ^ fnv1a64(source_id)) ^ sample_index).
/// It depends on nothing else (not on order, sharding, batching, platform or endianness), so a
/// sharded run draws exactly the samples a single run would. This formula is part of the
/// provenance format: changing it changes every recorded seed.
std::uint64_t derive_seed(std::uint64_t base_seed, const std::string& source_id,
                          std::uint32_t sample_index);

}  // namespace higfa
