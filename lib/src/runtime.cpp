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

#include <cstdint>
#include <string>

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
