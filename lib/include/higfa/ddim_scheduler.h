// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// DDIM scheduler, as diffusers' DDIMScheduler.
#pragma once

#include <higfa/scheduler.h>
#include <torch/types.h>

#include <cstdint>

namespace higfa {

/// DDIM (Song et al. 2021), eta-stochastic, epsilon or v prediction.
class DdimScheduler : public Scheduler {
 public:
  using Scheduler::Scheduler;
  SchedulerOutput step(const torch::Tensor& model_output, std::int64_t timestep,
                       const torch::Tensor& sample, const StepOptions& options = {}) override;
};

}  // namespace higfa
