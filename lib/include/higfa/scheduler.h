// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Diffusion schedulers (diffusers' interface): set_timesteps, step, add_noise.
#pragma once

#include <higfa/noise_schedule.h>
#include <higfa/scheduler_config.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace higfa {

struct SchedulerOutput {
  torch::Tensor prev_sample;           ///< x_{t-1}, same shape as the sample
  torch::Tensor pred_original_sample;  ///< x̂0, same shape as the sample
};

/// Per-call options of step().
struct StepOptions {
  double eta = 0.0;                          ///< DDIM stochasticity; 0 is deterministic
  std::optional<at::Generator> generator{};  ///< noise source when eta > 0
};

/// A scheduler over a fixed training schedule. Not thread-safe; one per sampling run.
class Scheduler {
 public:
  explicit Scheduler(SchedulerConfig config);
  virtual ~Scheduler() = default;

  /// Chooses `num_inference_steps` timesteps (descending) and resets multistep state.
  /// Throws InvalidArgument unless 1 <= steps <= num_train_timesteps.
  virtual void set_timesteps(int num_inference_steps);

  /// One reverse step from `sample` (x_t) given the model output at `timestep`.
  /// model_output and sample: [B, C, H, W] f32, same device.
  virtual SchedulerOutput step(const torch::Tensor& model_output, std::int64_t timestep,
                               const torch::Tensor& sample, const StepOptions& options = {}) = 0;

  /// x_t = sqrt(ᾱ_t)·x0 + sqrt(1-ᾱ_t)·noise, per sample; timesteps [B] i64.
  torch::Tensor add_noise(const torch::Tensor& original_samples, const torch::Tensor& noise,
                          const torch::Tensor& timesteps) const;

  /// ε from a model output (identity for epsilon prediction; converts v).
  torch::Tensor epsilon_from_output(const torch::Tensor& model_output, std::int64_t timestep,
                                    const torch::Tensor& sample) const;

  /// ᾱ_t for one timestep.
  double alpha_prod(std::int64_t timestep) const;

  const std::vector<std::int64_t>& timesteps() const { return timesteps_; }
  const SchedulerConfig& config() const { return config_; }
  const NoiseSchedule& schedule() const { return schedule_; }
  int num_inference_steps() const { return static_cast<int>(timesteps_.size()); }

 protected:
  /// The timestep that follows `timestep` in the current sequence (may be -1: past the end).
  std::int64_t previous_timestep(std::int64_t timestep) const;

  SchedulerConfig config_;
  NoiseSchedule schedule_;
  std::vector<std::int64_t> timesteps_;
  double final_alpha_cumprod_ = 1.0;
};

enum class SchedulerKind { kDdim, kDpmSolverMultistep };

/// Parses "ddim" / "dpm++2m"; throws InvalidArgument.
SchedulerKind parse_scheduler_kind(const std::string& name);

/// A new scheduler of `kind`.
std::unique_ptr<Scheduler> make_scheduler(SchedulerKind kind, const SchedulerConfig& config);

}  // namespace higfa
