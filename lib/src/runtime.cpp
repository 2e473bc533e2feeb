// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Device parsing and thread-count control over LibTorch, for hosts (the plugin, tools).
#include <ATen/Parallel.h>
#include <higfa/error.h>
#include <higfa/runtime.h>
#include <torch/cuda.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include <cstdint>
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
