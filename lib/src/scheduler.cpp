// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The scheduler base (timestep spacing, add_noise, ε from v) and the scheduler factory.
#include <ATen/ATen.h>
#include <higfa/ddim_scheduler.h>
#include <higfa/dpm_solver_scheduler.h>
#include <higfa/error.h>
#include <higfa/scheduler.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace higfa {
namespace {

// Leading spacing (diffusers' DDIMScheduler.set_timesteps, "leading"):
//   timesteps = (arange(0, S) * (T // S)).round()[::-1] + steps_offset
std::vector<std::int64_t> leading_timesteps(int train_steps, int steps, int steps_offset) {
  const std::int64_t ratio = train_steps / steps;
  std::vector<std::int64_t> ts(static_cast<std::size_t>(steps));
  for (int i = 0; i < steps; ++i) {
    ts[static_cast<std::size_t>(steps - 1 - i)] = i * ratio + steps_offset;
  }
  return ts;
}

// Trailing spacing (Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps are
// Flawed", table 2; diffusers' "trailing"):
//   timesteps = round(arange(T, 0, -T / S)) - 1
// numpy's float arange computes element i as T + i * ((T - T / S) - T) and rounds half to even;
// both are reproduced so the values match bit for bit. numpy's length ceil(T / (T / S)) can be
// S + 1 for some S (the extra element rounds to -1); only the first S are kept.
std::vector<std::int64_t> trailing_timesteps(int train_steps, int steps) {
  const double start = static_cast<double>(train_steps);
  const double step = -(start / steps);
  const double delta = (start + step) - start;
  std::vector<std::int64_t> ts(static_cast<std::size_t>(steps));
  for (int i = 0; i < steps; ++i) {
    const double value = start + i * delta;
    ts[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(std::nearbyint(value)) - 1;
  }
  return ts;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

Scheduler::Scheduler(SchedulerConfig config)
    : config_(config), schedule_(make_noise_schedule(config.noise)) {
  if (config_.steps_offset < 0 || config_.steps_offset >= config_.noise.num_train_timesteps) {
    throw InvalidArgument("scheduler: expected 0 <= steps_offset < num_train_timesteps, found " +
                          std::to_string(config_.steps_offset));
  }
  schedule_.alphas_cumprod = schedule_.alphas_cumprod.contiguous();
  final_alpha_cumprod_ =
      config_.set_alpha_to_one ? 1.0 : schedule_.alphas_cumprod.data_ptr<double>()[0];
}

void Scheduler::set_timesteps(int num_inference_steps) {
  const int train_steps = config_.noise.num_train_timesteps;
  if (num_inference_steps < 1 || num_inference_steps > train_steps) {
    throw InvalidArgument(
        "set_timesteps: expected 1 <= num_inference_steps <= " + std::to_string(train_steps) +
        ", found " + std::to_string(num_inference_steps));
  }
  if (config_.timestep_spacing == TimestepSpacing::kLeading) {
    timesteps_ = leading_timesteps(train_steps, num_inference_steps, config_.steps_offset);
  } else {
    timesteps_ = trailing_timesteps(train_steps, num_inference_steps);
  }
  // steps_offset can push the first leading timestep past the table (diffusers would index out
  // of range there); clamp it to the last trained timestep.
  for (auto& t : timesteps_) t = std::min<std::int64_t>(t, train_steps - 1);
}

std::int64_t Scheduler::previous_timestep(std::int64_t timestep) const {
  // The next element of the sequence. diffusers' DDIM computes t - T // S instead; the two agree
  // for every leading sequence and every trailing one with S dividing T. Where they differ, this
  // keeps the ᾱ of the step that actually follows, so a step lands exactly where the next begins.
  const auto it = std::find(timesteps_.begin(), timesteps_.end(), timestep);
  if (it != timesteps_.end()) {
    const auto next = it + 1;
    return next == timesteps_.end() ? -1 : *next;
  }
  const int steps = std::max(1, num_inference_steps());
  return timestep - config_.noise.num_train_timesteps / steps;
}

double Scheduler::alpha_prod(std::int64_t timestep) const {
  if (timestep < 0) return final_alpha_cumprod_;
  if (timestep >= config_.noise.num_train_timesteps) {
    throw InvalidArgument("timestep: expected < " +
                          std::to_string(config_.noise.num_train_timesteps) + ", found " +
                          std::to_string(timestep));
  }
  return schedule_.alphas_cumprod.data_ptr<double>()[timestep];
}

torch::Tensor Scheduler::add_noise(const torch::Tensor& original_samples,
                                   const torch::Tensor& noise,
                                   const torch::Tensor& timesteps) const {
  if (!original_samples.sizes().equals(noise.sizes())) {
    throw InvalidArgument("add_noise: expected noise of the samples' shape " +
                          c10::str(original_samples.sizes()) + ", found " +
                          c10::str(noise.sizes()));
  }
  const auto t = timesteps.to(at::kCPU, at::kLong).reshape({-1});
  const std::int64_t batch = original_samples.dim() > 0 ? original_samples.size(0) : 0;
  if (t.numel() != batch && t.numel() != 1) {
    throw InvalidArgument("add_noise: expected " + std::to_string(batch) +
                          " timesteps (one per sample), found " + std::to_string(t.numel()));
  }
  const auto lo = t.min().item<std::int64_t>();
  const auto hi = t.max().item<std::int64_t>();
  if (lo < 0 || hi >= config_.noise.num_train_timesteps) {
    throw InvalidArgument("add_noise: expected timesteps in [0, " +
                          std::to_string(config_.noise.num_train_timesteps) + "), found " +
                          std::to_string(lo) + ".." + std::to_string(hi));
  }
  std::vector<std::int64_t> shape(static_cast<std::size_t>(original_samples.dim()), 1);
  shape[0] = t.numel();
  const auto acp = schedule_.alphas_cumprod.index_select(0, t);
  const auto opts = original_samples.options();
  const auto sqrt_a = acp.sqrt().to(opts).reshape(shape);
  const auto sqrt_1ma = (1.0 - acp).sqrt().to(opts).reshape(shape);
  return sqrt_a * original_samples + sqrt_1ma * noise;
}

torch::Tensor Scheduler::epsilon_from_output(const torch::Tensor& model_output,
                                             std::int64_t timestep,
                                             const torch::Tensor& sample) const {
  if (config_.prediction_type == PredictionType::kEpsilon) return model_output;
  // v = √ᾱ·ε − √(1−ᾱ)·x0 and x_t = √ᾱ·x0 + √(1−ᾱ)·ε give ε = √ᾱ·v + √(1−ᾱ)·x_t
  // (Salimans & Ho 2022, "Progressive Distillation", appendix D).
  const double a = alpha_prod(timestep);
  return std::sqrt(a) * model_output + std::sqrt(1.0 - a) * sample;
}

SchedulerKind parse_scheduler_kind(const std::string& name) {
  if (name == "ddim") return SchedulerKind::kDdim;
  if (name == "dpm++2m" || name == "dpmsolver++" || name == "dpm_solver_multistep") {
    return SchedulerKind::kDpmSolverMultistep;
  }
  throw InvalidArgument("scheduler: expected \"ddim\" or \"dpm++2m\", found " + quoted(name));
}

std::unique_ptr<Scheduler> make_scheduler(SchedulerKind kind, const SchedulerConfig& config) {
  switch (kind) {
    case SchedulerKind::kDdim:
      return std::make_unique<DdimScheduler>(config);
    case SchedulerKind::kDpmSolverMultistep:
      return std::make_unique<DpmSolverMultistepScheduler>(config);
  }
  throw InvalidArgument("scheduler: unknown scheduler kind");
}

}  // namespace higfa
