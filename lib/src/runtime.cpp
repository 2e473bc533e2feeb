// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Device parsing, thread-count control over LibTorch and the allocator's retention of freed memory,
// for hosts (the plugin, tools).
#include <ATen/Parallel.h>
#include <higfa/error.h>
#include <higfa/runtime.h>
#include <torch/cuda.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <string>
#include <thread>

namespace higfa {

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  const std::string prefix = "cuda";
  if (name.compare(0, prefix.size(), prefix) != 0)
    throw InvalidArgument("device: expected \"cpu\", \"cuda\" or \"cuda:N\", got \"" + name + "\"");
  int index = 0;
  if (name.size() > prefix.size()) {
    const std::string rest = name.substr(prefix.size());
    if (rest.size() < 2 || rest[0] != ':' ||
        rest.find_first_not_of("0123456789", 1) != std::string::npos || rest.size() > 4)
      throw InvalidArgument("device: expected \"cuda:N\" with N a device index, got \"" + name +
                            "\"");
    index = std::stoi(rest.substr(1));
  }
  const int available =
      torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  if (index >= available)
    throw InvalidArgument("device \"" + name + "\" is not available: this LibTorch build sees " +
                          std::to_string(available) + " CUDA device(s)");
  return torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(index));
}

void set_num_threads(int threads) {
  if (threads < 1)
    throw InvalidArgument("set_num_threads: expected >= 1 threads, got " + std::to_string(threads));
  at::set_num_threads(threads);
}

int num_threads() { return at::get_num_threads(); }

int affinity_cpu_count() {
#ifdef __linux__
  // A mask sized for many CPUs: CPU_SETSIZE (1024) is too small on the largest machines, where
  // sched_getaffinity fails with EINVAL; grow until it fits.
  for (int cpus = 1024; cpus <= (1 << 20); cpus *= 2) {
    cpu_set_t* mask = CPU_ALLOC(cpus);
    if (mask == nullptr) break;
    const std::size_t size = CPU_ALLOC_SIZE(cpus);
    CPU_ZERO_S(size, mask);
    const int rc = sched_getaffinity(0, size, mask);
    const int count = rc == 0 ? CPU_COUNT_S(size, mask) : 0;
    CPU_FREE(mask);
    if (rc == 0 && count > 0) return count;
    if (rc != 0 && errno != EINVAL) break;
  }
#endif
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online > 0) return static_cast<int>(online);
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

int resolve_num_threads(int threads) {
  if (threads < 0)
    throw InvalidArgument("threads: expected >= 0 (0: the CPUs this process may run on), got " +
                          std::to_string(threads));
  return threads > 0 ? threads : affinity_cpu_count();
}

namespace {

std::atomic<bool> g_freed_memory_retained{false};

// Whether the user set one of malloc's thresholds through glibc's tunables.
bool tunables_set_malloc_thresholds() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables == nullptr) return false;
  const std::string t = tunables;
  return t.find("glibc.malloc.mmap_threshold") != std::string::npos ||
         t.find("glibc.malloc.trim_threshold") != std::string::npos;
}

}  // namespace

bool retain_freed_memory() {
#ifdef __GLIBC__
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (g_freed_memory_retained) return true;
  if (tunables_set_malloc_thresholds()) return false;
  // 32 MiB is the largest mmap threshold mallopt accepts on 64-bit (half of a thread arena's
  // heap); both settings turn glibc's dynamic threshold off, so they are set together.
  constexpr int kMmapThreshold = 32 << 20;
  if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) != 1) return false;
  if (mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max()) != 1) return false;
  g_freed_memory_retained = true;
  return true;
#else
  return false;
#endif
}

bool freed_memory_retained() { return g_freed_memory_retained; }

bool release_freed_memory() {
#ifdef __GLIBC__
  return malloc_trim(0) == 1;
#else
  return false;
#endif
}

SingleThreadScope::SingleThreadScope() {
#ifdef _OPENMP
  // LibTorch sets a thread's OpenMP count from the process-wide one at its first parallel_for;
  // run one first so that later initialisation cannot undo the count set here.
  at::parallel_for(0, 1, 1, [](std::int64_t, std::int64_t) {});
  saved_ = omp_get_max_threads();
  omp_set_num_threads(1);
#endif
}

SingleThreadScope::~SingleThreadScope() {
#ifdef _OPENMP
  omp_set_num_threads(saved_);
#endif
}

}  // namespace higfa
