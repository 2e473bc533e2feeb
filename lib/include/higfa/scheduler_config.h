// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// A scheduler's configuration as a bundle manifest gives it: noise schedule, prediction, spacing.
#pragma once

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

enum class PredictionType { kEpsilon, kVPrediction };
enum class TimestepSpacing { kLeading, kTrailing };

/// Parses "epsilon" / "v_prediction"; "leading" / "trailing". Throw InvalidArgument.
PredictionType parse_prediction_type(const std::string& name);
TimestepSpacing parse_timestep_spacing(const std::string& name);

struct SchedulerConfig {
  NoiseScheduleConfig noise;
  PredictionType prediction_type = PredictionType::kEpsilon;
  TimestepSpacing timestep_spacing = TimestepSpacing::kLeading;
  int steps_offset = 0;
  bool set_alpha_to_one = true;  ///< ᾱ of the step after the last one is 1 (else ᾱ_0)
};

}  // namespace higfa
