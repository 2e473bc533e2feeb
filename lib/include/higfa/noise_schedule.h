// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Noise schedules: betas and the cumulative alphas (ᾱ_t) of a diffusion model.
#pragma once

#include <higfa/scheduler_config.h>
#include <torch/types.h>

namespace higfa {

/// Betas, alphas and alphas_cumprod, each [num_train_timesteps] f64 on CPU.
struct NoiseSchedule {
  torch::Tensor betas;
  torch::Tensor alphas;
  torch::Tensor alphas_cumprod;
};

/// Builds the schedule; throws InvalidArgument for non-positive lengths or betas outside (0, 1).
NoiseSchedule make_noise_schedule(const NoiseScheduleConfig& config);

}  // namespace higfa
