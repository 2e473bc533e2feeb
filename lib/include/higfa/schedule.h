// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Noise schedules: betas and the cumulative alphas (ᾱ_t) of a diffusion model.
#pragma once

#include <torch/types.h>

#include <string>

namespace higfa {

enum class BetaSchedule {
  kLinear,        ///< betas linear in [beta_start, beta_end] (DDPM)
  kScaledLinear,  ///< sqrt(betas) linear (Stable Diffusion)
  kCosine,        ///< Nichol & Dhariwal 2021 "squaredcos_cap_v2", betas capped at 0.999
};

/// Parses "linear", "scaled_linear", "cosine" / "squaredcos_cap_v2"; throws InvalidArgument.
BetaSchedule parse_beta_schedule(const std::string& name);

struct NoiseScheduleConfig {
  int num_train_timesteps = 1000;
  BetaSchedule beta_schedule = BetaSchedule::kLinear;
  double beta_start = 0.0001;
  double beta_end = 0.02;
};

/// Betas, alphas and alphas_cumprod, each [num_train_timesteps] f64 on CPU.
struct NoiseSchedule {
  torch::Tensor betas;
  torch::Tensor alphas;
  torch::Tensor alphas_cumprod;
};

/// Builds the schedule; throws InvalidArgument for non-positive lengths or betas outside (0, 1).
NoiseSchedule make_noise_schedule(const NoiseScheduleConfig& config);

}  // namespace higfa
