// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// DPM-Solver++ (2M) multistep scheduler; reference: diffusers' DPMSolverMultistepScheduler.
#include <higfa/dpm_solver_scheduler.h>

#include <higfa/error.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

// Notation (Lu et al. 2022, "DPM-Solver++", arXiv 2211.01095; diffusers' names):
//   ᾱ_t     cumulative alpha of timestep t
//   σ_t     = sqrt((1 − ᾱ_t) / ᾱ_t), the VE sigma diffusers keeps in `sigmas`
//   α_t     = 1 / sqrt(σ_t² + 1) = sqrt(ᾱ_t);  s_t = σ_t·α_t = sqrt(1 − ᾱ_t)
//   λ_t     = log α_t − log s_t, the half log-SNR
//   h       = λ_t − λ_s for a step from s (current) to t (next); h_0 the previous step's h
//   m0, m1  data predictions x̂0 at this and the previous step

namespace higfa {
namespace {

struct AlphaSigma {
  double alpha;  // α
  double sigma;  // s, the VP noise level
  double lambda;
};

AlphaSigma alpha_sigma(double ve_sigma) {
  const double alpha = 1.0 / std::sqrt(ve_sigma * ve_sigma + 1.0);
  const double sigma = ve_sigma * alpha;
  return {alpha, sigma, std::log(alpha) - std::log(sigma)};
}

}  // namespace

DpmSolverMultistepScheduler::DpmSolverMultistepScheduler(SchedulerConfig config)
    : Scheduler(std::move(config)) {}

void DpmSolverMultistepScheduler::set_timesteps(int num_inference_steps) {
  const int train = config_.noise.num_train_timesteps;
  if (num_inference_steps < 1 || num_inference_steps > train) {
    throw InvalidArgument("DPM-Solver++: num_inference_steps must be in 1.." +
                          std::to_string(train) + ", got " +
                          std::to_string(num_inference_steps));
  }
  const int steps = num_inference_steps;
  timesteps_.clear();
  if (config_.timestep_spacing == TimestepSpacing::kLeading) {
    // diffusers: arange(0, S + 1) * (T // (S + 1)), reversed, the trailing 0 dropped.
    const int ratio = train / (steps + 1);
    if (ratio == 0) {
      throw InvalidArgument("DPM-Solver++: \"leading\" spacing needs num_inference_steps < " +
                            std::to_string(train) + ", got " + std::to_string(steps));
    }
    for (int i = steps; i >= 1; --i) {
      timesteps_.push_back(static_cast<std::int64_t>(i) * ratio + config_.steps_offset);
    }
  } else {
    // diffusers: arange(T, 0, −T / S).round() − 1. numpy's float arange computes element i as
    // T + i·((T − T/S) − T) and rounds half to even; both reproduced (as the base class does).
    const double start = static_cast<double>(train);
    const double delta = (start - start / steps) - start;
    for (int i = 0; i < steps; ++i) {
      timesteps_.push_back(static_cast<std::int64_t>(std::nearbyint(start + i * delta)) - 1);
    }
  }
  const auto acp = schedule_.alphas_cumprod.contiguous();
  const double* a = acp.data_ptr<double>();
  sigmas_.clear();
  for (std::int64_t& t : timesteps_) {
    t = std::min<std::int64_t>(t, train - 1);  // steps_offset may pass the table; as the base
    sigmas_.push_back(std::sqrt((1.0 - a[t]) / a[t]));
  }
  // final_sigmas_type "zero" (diffusers' default) when the last step returns x0 itself.
  sigmas_.push_back(config_.set_alpha_to_one ? 0.0 : std::sqrt((1.0 - a[0]) / a[0]));
  final_alpha_cumprod_ = config_.set_alpha_to_one ? 1.0 : a[0];
  previous_output_ = torch::Tensor();
  previous_index_ = -1;
}

SchedulerOutput DpmSolverMultistepScheduler::step(const torch::Tensor& model_output,
                                                  std::int64_t timestep,
                                                  const torch::Tensor& sample,
                                                  const StepOptions& /*options*/) {
  const auto it = std::find(timesteps_.begin(), timesteps_.end(), timestep);
  if (it == timesteps_.end()) {
    throw InvalidArgument("DPM-Solver++: timestep " + std::to_string(timestep) +
                          " is not in the current sequence (call set_timesteps first)");
  }
  if (!model_output.defined() || !sample.defined() || model_output.sizes() != sample.sizes()) {
    throw InvalidArgument("DPM-Solver++: model_output and sample must have the same shape");
  }
  const int index = static_cast<int>(it - timesteps_.begin());
  const int steps = num_inference_steps();
  const AlphaSigma s0 = alpha_sigma(sigmas_[index]);

  // 1. Data prediction m0 = x̂0 (diffusers' convert_model_output, "dpmsolver++").
  const torch::Tensor m0 = config_.prediction_type == PredictionType::kEpsilon
                               ? (sample - s0.sigma * model_output) / s0.alpha
                               : s0.alpha * sample - s0.sigma * model_output;

  // 2. Order: first on a run's first step, and on the last one (lower_order_final; with a zero
  //    final sigma the second-order ratio r0 degenerates).
  const bool final_zero = sigmas_[index + 1] == 0.0;
  const bool lower_order_final = index == steps - 1 && (final_zero || steps < 15);
  const bool first_order =
      previous_index_ != index - 1 || !previous_output_.defined() || lower_order_final;

  torch::Tensor prev_sample;
  if (final_zero) {
    // The limit of step 3 at σ_t = 0: α_t = 1, s_t / s_s = 0, e^{−h} = 0.
    prev_sample = m0.clone();
  } else {
    const AlphaSigma t = alpha_sigma(sigmas_[index + 1]);
    const double h = t.lambda - s0.lambda;
    const double phi = t.alpha * std::expm1(-h);  // α_t (e^{−h} − 1)
    // 3. First order (DDIM in data prediction): x_t = (s_t/s_s) x_s − α_t (e^{−h} − 1) m0.
    prev_sample = (t.sigma / s0.sigma) * sample - phi * m0;
    if (!first_order) {
      // 4. Second order, midpoint (Alg. 2): D1 = (m0 − m1) / r0, r0 = h_0 / h.
      const AlphaSigma s1 = alpha_sigma(sigmas_[index - 1]);
      const double r0 = (s0.lambda - s1.lambda) / h;
      prev_sample = prev_sample - (0.5 * phi / r0) * (m0 - previous_output_);
    }
  }
  previous_output_ = m0;
  previous_index_ = index;
  return {prev_sample, m0};
}

}  // namespace higfa
