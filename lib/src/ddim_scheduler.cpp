// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// DDIM step (Song et al. 2021), following diffusers' DDIMScheduler.step.
#include <ATen/ATen.h>
#include <higfa/ddim_scheduler.h>
#include <higfa/error.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace higfa {

// Notation (Song et al. 2021, "Denoising Diffusion Implicit Models", eq. 12):
//   ᾱ_t       alpha_prod_t, the cumulative alpha at the current timestep t
//   ᾱ_prev    at the next timestep of the sequence (1, or ᾱ_0, past the last one)
//   x̂0        pred_original_sample, ε̂ pred_epsilon
//   σ_t       eta · √((1 − ᾱ_prev)/(1 − ᾱ_t)) · √(1 − ᾱ_t/ᾱ_prev)   (eq. 16)
//   x_prev    = √ᾱ_prev · x̂0 + √(1 − ᾱ_prev − σ_t²) · ε̂ + σ_t · z
// Unlike diffusers' default (clip_sample=True) x̂0 is not clipped: the project's reference
// sampler (tools/sample_reference.py) does not clip either.
SchedulerOutput DdimScheduler::step(const torch::Tensor& model_output, std::int64_t timestep,
                                    const torch::Tensor& sample, const StepOptions& options) {
  if (timesteps_.empty()) {
    throw InvalidArgument("DdimScheduler::step: set_timesteps() must be called first");
  }
  if (!model_output.sizes().equals(sample.sizes())) {
    throw InvalidArgument("DdimScheduler::step: expected a model output of the sample's shape " +
                          c10::str(sample.sizes()) + ", found " + c10::str(model_output.sizes()));
  }
  if (!(options.eta >= 0.0)) {
    throw InvalidArgument("DdimScheduler::step: expected eta >= 0, found " +
                          std::to_string(options.eta));
  }

  // 1. the previous timestep and the cumulative alphas
  const std::int64_t prev_timestep = previous_timestep(timestep);
  const double alpha_prod_t = alpha_prod(timestep);
  const double alpha_prod_t_prev = alpha_prod(prev_timestep);
  const double beta_prod_t = 1.0 - alpha_prod_t;

  // 2. x̂0 and ε̂ from the model output (eq. 12's "predicted x0")
  torch::Tensor pred_original_sample;
  torch::Tensor pred_epsilon;
  if (config_.prediction_type == PredictionType::kEpsilon) {
    pred_original_sample =
        (sample - std::sqrt(beta_prod_t) * model_output) / std::sqrt(alpha_prod_t);
    pred_epsilon = model_output;
  } else {
    // v-prediction (Salimans & Ho 2022, section 4)
    pred_original_sample = std::sqrt(alpha_prod_t) * sample - std::sqrt(beta_prod_t) * model_output;
    pred_epsilon = std::sqrt(alpha_prod_t) * model_output + std::sqrt(beta_prod_t) * sample;
  }

  // 3. σ_t (eq. 16)
  const double beta_prod_t_prev = 1.0 - alpha_prod_t_prev;
  const double variance =
      (beta_prod_t_prev / beta_prod_t) * (1.0 - alpha_prod_t / alpha_prod_t_prev);
  const double std_dev_t = options.eta * std::sqrt(std::max(variance, 0.0));

  // 4. the direction pointing to x_t and x_prev without noise (eq. 12)
  const double direction_coeff =
      std::sqrt(std::max(1.0 - alpha_prod_t_prev - std_dev_t * std_dev_t, 0.0));
  torch::Tensor prev_sample =
      std::sqrt(alpha_prod_t_prev) * pred_original_sample + direction_coeff * pred_epsilon;

  // 5. the random part (eta > 0); drawn on the generator's device, like diffusers' randn_tensor
  if (std_dev_t > 0.0) {
    const auto opts = sample.options();
    torch::Tensor noise;
    if (options.generator.has_value()) {
      const auto gen_device = options.generator->device();
      noise = at::randn(sample.sizes(), c10::optional<at::Generator>(*options.generator),
                        opts.device(gen_device))
                  .to(opts);
    } else {
      noise = at::randn(sample.sizes(), opts);
    }
    prev_sample = prev_sample + std_dev_t * noise;
  }
  return {prev_sample, pred_original_sample};
}

}  // namespace higfa
