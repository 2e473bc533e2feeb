// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the per-sample seed derivation (higfa/seed.h).
#include <gtest/gtest.h>
#include <higfa/seed.h>

#include <cstdint>
#include <set>
#include <string>

namespace {

// Published reference values: splitmix64 seeded 0, and the FNV-1a 64 test vectors.
TEST(Seed, Splitmix64AndFnv1aMatchReferenceValues) {
  EXPECT_EQ(higfa::splitmix64(0), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(higfa::fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(higfa::fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(higfa::fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

// Fixed values: they are recorded in provenance, so the formula must never drift.
TEST(Seed, DeriveSeedMatchesKnownValues) {
  EXPECT_EQ(higfa::derive_seed(0, "", 0), 0xa6bbc8dcbe30928cULL);
  EXPECT_EQ(higfa::derive_seed(0, "img_0001", 0), 0xf34f3fa577f5e71aULL);
  EXPECT_EQ(higfa::derive_seed(0, "img_0001", 1), 0x98d597aa55b26acdULL);
  EXPECT_EQ(higfa::derive_seed(1, "img_0001", 0), 0x7290db4196519f4fULL);
  EXPECT_EQ(higfa::derive_seed(0, "img_0002", 0), 0xd079be76ae615016ULL);
  EXPECT_EQ(higfa::derive_seed(42, "shirt/50000.png", 3), 0xf7932be5f9414839ULL);
  EXPECT_EQ(higfa::derive_seed(UINT64_MAX, "\xc3\xa9", UINT32_MAX), 0x55d32eb165175b25ULL);
}

TEST(Seed, DeriveSeedChangesWithEachInput) {
  const std::uint64_t s = higfa::derive_seed(7, "source", 5);
  EXPECT_NE(s, higfa::derive_seed(8, "source", 5));
  EXPECT_NE(s, higfa::derive_seed(7, "sourcf", 5));
  EXPECT_NE(s, higfa::derive_seed(7, "source ", 5));
  EXPECT_NE(s, higfa::derive_seed(7, "source", 4));
  EXPECT_EQ(s, higfa::derive_seed(7, std::string("source"), 5));
}

// Base seed, source and index are not interchangeable: no collisions over a small grid.
TEST(Seed, DeriveSeedHasNoCollisionsOverAGrid) {
  std::set<std::uint64_t> seen;
  for (std::uint64_t base = 0; base < 8; ++base)
    for (int source = 0; source < 32; ++source)
      for (std::uint32_t index = 0; index < 16; ++index)
        seen.insert(higfa::derive_seed(base, "img_" + std::to_string(source), index));
  EXPECT_EQ(seen.size(), 8u * 32u * 16u);
}

}  // namespace
