// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// What a sampler step does to the C allocator, for the tests of retain-memory: allocate, write
// and free blocks above glibc's default mmap threshold, and count the page faults of repeats.
#pragma once

#include <sys/resource.h>

#include <cstddef>
#include <cstdlib>
#include <thread>
#include <vector>

namespace higfa_test {

// Where retain-memory changes nothing, why (its tests skip there); nullptr where it works.
#if !defined(__GLIBC__)
constexpr const char* kRetentionInert = "not glibc's malloc";
#elif defined(__SANITIZE_ADDRESS__)
constexpr const char* kRetentionInert = "AddressSanitizer's malloc, which mallopt does not reach";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr const char* kRetentionInert = "AddressSanitizer's malloc, which mallopt does not reach";
#else
constexpr const char* kRetentionInert = nullptr;
#endif
#else
constexpr const char* kRetentionInert = nullptr;
#endif

constexpr std::size_t kBlockBytes = 1 << 20;  // above glibc's default 128 KiB mmap threshold
constexpr int kBlocks = 32;
constexpr long kPagesPerRound = kBlocks * static_cast<long>(kBlockBytes) / 4096;

// Allocates kBlocks blocks, writes every page of them, frees them: one sampler step's buffers.
inline void allocate_touch_free() {
  std::vector<volatile char*> blocks;
  for (int i = 0; i < kBlocks; ++i) {
    auto* p = static_cast<volatile char*>(std::malloc(kBlockBytes));
    if (p == nullptr) std::abort();
    for (std::size_t at = 0; at < kBlockBytes; at += 4096) p[at] = 1;
    blocks.push_back(p);
  }
  for (volatile char* p : blocks) std::free(const_cast<char*>(p));
}

// The minor page faults of `rounds` - 1 rounds after the first, on a new thread: a thread has a
// malloc arena of its own, as a GStreamer streaming thread does.
inline long refaults_on_a_thread(int rounds) {
  long faults = 0;
  std::thread([&] {
    allocate_touch_free();  // the first round faults the memory in once
    rusage before{}, after{};
    getrusage(RUSAGE_THREAD, &before);
    for (int r = 1; r < rounds; ++r) allocate_touch_free();
    getrusage(RUSAGE_THREAD, &after);
    faults = after.ru_minflt - before.ru_minflt;
  }).join();
  return faults;
}

}  // namespace higfa_test
