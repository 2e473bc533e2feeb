// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the allocator's retention of freed memory (higfa/runtime.h): blocks freed by one step
// are reused by the next without page faults, and release_freed_memory() hands them back. Each
// test runs in a fresh process (a threadsafe death test): the setting is process-wide and lasting.
#include <gtest/gtest.h>
#include <higfa/runtime.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "freed_memory_test_util.h"

namespace {

using higfa_test::allocate_touch_free;
using higfa_test::kBlockBytes;
using higfa_test::kBlocks;
using higfa_test::kPagesPerRound;
using higfa_test::refaults_on_a_thread;

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

class RuntimeMemory : public ::testing::Test {
 protected:
  void SetUp() override {
    if (higfa_test::kRetentionInert != nullptr)
      GTEST_SKIP() << higfa_test::kRetentionInert << ": retain_freed_memory() changes nothing";
    ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  }
};

// The premise, on this C library: with its defaults, every round after the first faults its
// blocks in again (glibc unmaps them or trims its heap on free).
TEST_F(RuntimeMemory, DefaultAllocatorFaultsFreedBlocksInAgain) {
  EXPECT_EXIT(
      {
        const long faults = refaults_on_a_thread(5);
        std::fprintf(stderr, "default: %ld faults in 4 rounds of %ld pages\n", faults,
                     kPagesPerRound);
        std::exit(!higfa::freed_memory_retained() && faults > 2 * kPagesPerRound ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(RuntimeMemory, RetainedBlocksAreReusedWithoutFaults) {
  EXPECT_EXIT(
      {
        const bool retained = higfa::retain_freed_memory();
        const bool again = higfa::retain_freed_memory();  // idempotent
        const long faults = refaults_on_a_thread(5);
        std::fprintf(stderr, "retained: %ld faults in 4 rounds of %ld pages\n", faults,
                     kPagesPerRound);
        const bool ok =
            retained && again && higfa::freed_memory_retained() && faults < kPagesPerRound / 20;
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

// What a stopped pipeline does: the retained memory goes back to the kernel.
TEST_F(RuntimeMemory, ReleaseReturnsTheRetainedMemoryToTheKernel) {
  EXPECT_EXIT(
      {
        if (!higfa::retain_freed_memory()) std::exit(2);
        const long base = resident_bytes();
        allocate_touch_free();
        allocate_touch_free();
        const long kept = resident_bytes() - base;
        const bool released = higfa::release_freed_memory();
        const long left = resident_bytes() - base;
        std::fprintf(stderr, "resident above base: %ld kept, %ld after release\n", kept, left);
        const long round = kBlocks * static_cast<long>(kBlockBytes);
        std::exit(released && kept >= round * 3 / 4 && left <= round / 4 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

// A user's own malloc thresholds (glibc tunables, read at process start) are left alone.
TEST_F(RuntimeMemory, GlibcTunablesThresholdsWin) {
  EXPECT_EXIT(
      {
        setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1048576", 1);
        const bool retained = higfa::retain_freed_memory();
        std::exit(!retained && !higfa::freed_memory_retained() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
