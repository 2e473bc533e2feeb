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

}  // namespace higfa
