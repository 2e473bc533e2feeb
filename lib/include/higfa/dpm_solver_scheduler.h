// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// DPM-Solver++ (2M) multistep scheduler, as diffusers' DPMSolverMultistepScheduler.
#pragma once

#include <higfa/scheduler.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace higfa {

/// DPM-Solver++ 2M (Lu et al. 2022, "DPM-Solver++", Alg. 2): diffusers' DPMSolverMultistepScheduler
/// with algorithm_type "dpmsolver++", solver_order 2, solver_type "midpoint", lower_order_final.
/// Deterministic (StepOptions::eta and the generator are ignored). Keeps the previous model output
/// between steps, so one instance serves one sampling run; set_timesteps() resets it.
class DpmSolverMultistepScheduler : public Scheduler {
 public:
  explicit DpmSolverMultistepScheduler(SchedulerConfig config);

  /// diffusers' spacing for this scheduler: "leading" steps by num_train_timesteps / (S + 1),
  /// "trailing" by num_train_timesteps / S. The sigma after the last step is 0 when
  /// set_alpha_to_one (final_sigmas_type "zero"), else that of ᾱ_0 ("sigma_min").
  /// Throws InvalidArgument unless 1 <= steps <= num_train_timesteps.
  void set_timesteps(int num_inference_steps) override;

  /// One solver step. `timestep` must be one of timesteps(); the run may start at any of them
  /// (img2img), the first step of a run being first order. model_output and sample: [B, C, H, W]
  /// f32, same device. pred_original_sample is the data prediction x̂0 of this step.
  /// Throws InvalidArgument for a timestep not in the sequence or mismatched shapes.
  SchedulerOutput step(const torch::Tensor& model_output, std::int64_t timestep,
                       const torch::Tensor& sample, const StepOptions& options = {}) override;

  /// σ_t = sqrt((1 − ᾱ_t) / ᾱ_t) at each timestep, then the final sigma: size S + 1 (diffusers'
  /// `sigmas`, here in f64).
  const std::vector<double>& sigmas() const { return sigmas_; }

 private:
  std::vector<double> sigmas_;
  torch::Tensor previous_output_;  // x̂0 of the previous step (diffusers' model_outputs[-2])
  int previous_index_ = -1;        // its step index; -1 before the first step of a run
};

}  // namespace higfa
