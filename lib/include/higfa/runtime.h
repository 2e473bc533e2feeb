// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Runtime choices the host makes for LibTorch: the compute device and the intra-op thread count.
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
