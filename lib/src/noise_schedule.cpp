// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Noise schedules (linear, scaled-linear, cosine) as in diffusers' DDPM/DDIM schedulers.
#include <ATen/ATen.h>
#include <higfa/error.h>
#include <higfa/noise_schedule.h>

#include <cmath>
#include <string>
#include <vector>

namespace higfa {
namespace {

constexpr double kPi = 3.14159265358979323846;

// diffusers' betas_for_alpha_bar(alpha_transform_type="cosine"), Nichol & Dhariwal 2021 eq. 17:
// ᾱ(t) = cos²(((t / T) + s) / (1 + s) · π / 2) with s = 0.008, β_i = min(1 - ᾱ((i+1)/T) / ᾱ(i/T),
// 0.999). Every schedule is kept in float64 (diffusers stores float32), as the project's training
// tools compute it.
std::vector<double> cosine_betas(int num_train_timesteps) {
  auto alpha_bar = [](double t) {
    const double c = std::cos((t + 0.008) / 1.008 * kPi / 2.0);
    return c * c;
  };
  std::vector<double> betas(static_cast<std::size_t>(num_train_timesteps));
  const double n = static_cast<double>(num_train_timesteps);
  for (int i = 0; i < num_train_timesteps; ++i) {
    const double t1 = i / n;
    const double t2 = (i + 1) / n;
    betas[static_cast<std::size_t>(i)] = std::min(1.0 - alpha_bar(t2) / alpha_bar(t1), 0.999);
  }
  return betas;
}

void check_beta_range(const NoiseScheduleConfig& config) {
  auto in_unit = [](double b) { return std::isfinite(b) && b > 0.0 && b < 1.0; };
  if (!in_unit(config.beta_start) || !in_unit(config.beta_end)) {
    throw InvalidArgument("noise schedule: expected beta_start and beta_end in (0, 1), found " +
                          std::to_string(config.beta_start) + " and " +
                          std::to_string(config.beta_end));
  }
}

}  // namespace

NoiseSchedule make_noise_schedule(const NoiseScheduleConfig& config) {
  if (config.num_train_timesteps < 1) {
    throw InvalidArgument("noise schedule: expected num_train_timesteps >= 1, found " +
                          std::to_string(config.num_train_timesteps));
  }
  const auto f64 = at::TensorOptions().dtype(at::kDouble);
  const int n = config.num_train_timesteps;
  NoiseSchedule s;
  switch (config.beta_schedule) {
    case BetaSchedule::kLinear:
      check_beta_range(config);
      s.betas = at::linspace(config.beta_start, config.beta_end, n, f64);
      break;
    case BetaSchedule::kScaledLinear:
      check_beta_range(config);
      s.betas =
          at::linspace(std::sqrt(config.beta_start), std::sqrt(config.beta_end), n, f64).pow(2);
      break;
    case BetaSchedule::kCosine: {
      std::vector<double> betas = cosine_betas(n);
      s.betas = at::tensor(betas, f64);
      break;
    }
  }
  s.alphas = 1.0 - s.betas;
  s.alphas_cumprod = at::cumprod(s.alphas, 0);
  return s;
}

}  // namespace higfa
