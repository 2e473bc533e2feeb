// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Runtime choices the host makes for LibTorch: the compute device, the intra-op thread count and
// what the C allocator does with memory freed between denoiser steps.
#pragma once

#include <torch/types.h>

#include <string>

namespace higfa {

/// Parses "cpu", "cuda" (= "cuda:0") or "cuda:N" and checks that the device exists in this build
/// and on this machine. Throws InvalidArgument naming the device and what is available.
torch::Device parse_device(const std::string& name);

/// Sets LibTorch's intra-op thread count for the process; `threads` >= 1.
/// Throws InvalidArgument otherwise. The library itself never calls this.
void set_num_threads(int threads);

/// LibTorch's current intra-op thread count.
int num_threads();

/// The number of CPUs the calling process may run on: its CPU affinity mask
/// (sched_getaffinity), which taskset, cgroups' cpusets and container runtimes narrow; the
/// online CPU count where the mask cannot be read. Always >= 1.
int affinity_cpu_count();

/// The thread count a host's `threads` setting asks for: itself when >= 1, and for 0 the CPUs
/// of the process's affinity (affinity_cpu_count), not LibTorch's default (every core of the
/// machine). Throws InvalidArgument for a negative count. Sets nothing: pass the result to
/// set_num_threads.
int resolve_num_threads(int threads);

/// Keeps memory that tensors free in the process for the next allocation instead of returning it
/// to the kernel. With glibc's defaults a sampler step frees its activations (blocks above
/// 128 KiB, or above the dynamic threshold) and glibc unmaps them or trims the top of its heaps,
/// so the next step page-faults the same buffers in again: measured on the default bundle,
/// a quarter of the sampler's time was page faults in the kernel. This sets glibc's malloc to
/// serve blocks up to 32 MiB (mallopt's ceiling) from its heaps (M_MMAP_THRESHOLD) and never to
/// trim them (M_TRIM_THRESHOLD), so the resident memory stays at the run's high-water mark;
/// release_freed_memory() gives the free part back.
///
/// Process-wide and lasting: glibc cannot go back to its dynamic thresholds. Returns true once the
/// setting is in effect (again on later calls), false, changing nothing, where the C library is
/// not glibc or where the GLIBC_TUNABLES environment variable sets malloc's mmap or trim
/// threshold (the user's setting wins). The library itself never calls this.
bool retain_freed_memory();

/// Whether retain_freed_memory() has taken effect in this process.
bool freed_memory_retained();

/// Returns the free memory of the C allocator's heaps to the kernel (glibc's malloc_trim): what
/// retain_freed_memory() kept, once a run has ended. Returns whether any was returned; false where
/// the C library is not glibc.
bool release_freed_memory();

/// While alive, LibTorch work on the calling thread runs on that thread alone; the previous count
/// comes back on destruction. Model loading wraps its probe forwards in one, because with OpenMP
/// every thread that runs a parallel region keeps a pool of workers for the rest of the process:
/// probes on the application thread would leave a second pool beside the streaming thread's, and
/// once a process holds more OpenMP threads than cores, libgomp stops spinning between parallel
/// regions and every region pays a futex wake-up (measured: 2 threads ran the sampler at half
/// the speed of 1 on a 2-core machine). Other threads keep the process-wide count.
class SingleThreadScope {
 public:
  SingleThreadScope();
  ~SingleThreadScope();
  SingleThreadScope(const SingleThreadScope&) = delete;
  SingleThreadScope& operator=(const SingleThreadScope&) = delete;

 private:
  int saved_ = 0;
};

}  // namespace higfa
