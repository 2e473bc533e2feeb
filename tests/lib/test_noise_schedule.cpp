// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the noise schedules (higfa/noise_schedule.h) against their closed forms.
#include <gtest/gtest.h>
#include <higfa/error.h>
#include <higfa/noise_schedule.h>

#include <cmath>

namespace {

constexpr double kPi = 3.14159265358979323846;

higfa::NoiseSchedule make(higfa::BetaSchedule kind, int steps = 1000, double start = 0.0001,
                          double end = 0.02) {
  higfa::NoiseScheduleConfig config;
  config.beta_schedule = kind;
  config.num_train_timesteps = steps;
  config.beta_start = start;
  config.beta_end = end;
  return higfa::make_noise_schedule(config);
}

TEST(NoiseSchedule, LinearAlphasCumprodIsProductOfOneMinusBetas) {
  const auto s = make(higfa::BetaSchedule::kLinear);
  ASSERT_EQ(s.alphas_cumprod.numel(), 1000);
  ASSERT_EQ(s.alphas_cumprod.scalar_type(), torch::kDouble);
  const auto* acp = s.alphas_cumprod.data_ptr<double>();
  long double product = 1.0L;
  for (int i = 0; i < 1000; ++i) {
    const long double beta = 0.0001L + (0.02L - 0.0001L) * i / 999.0L;
    product *= 1.0L - beta;
    ASSERT_NEAR(acp[i], static_cast<double>(product), 1e-12 * std::max(1.0, acp[i])) << "t=" << i;
  }
}

// DDPM's schedule ends at ᾱ_999 ≈ 4.036e-5 (the value diffusers' DDPMScheduler reports).
TEST(NoiseSchedule, LinearScheduleEndsAtKnownValue) {
  const auto s = make(higfa::BetaSchedule::kLinear);
  EXPECT_NEAR(s.alphas_cumprod[999].item<double>(), 4.0358e-5, 1e-8);
  EXPECT_NEAR(s.betas[0].item<double>(), 0.0001, 1e-15);
  EXPECT_NEAR(s.betas[999].item<double>(), 0.02, 1e-15);
}

TEST(NoiseSchedule, ScaledLinearBetasAreSquaresOfLinearRoots) {
  const auto s = make(higfa::BetaSchedule::kScaledLinear, 1000, 0.00085, 0.012);
  const double r0 = std::sqrt(0.00085);
  const double r1 = std::sqrt(0.012);
  long double product = 1.0L;
  for (int i = 0; i < 1000; ++i) {
    const double root = r0 + (r1 - r0) * i / 999.0;
    EXPECT_NEAR(s.betas[i].item<double>(), root * root, 1e-15) << "t=" << i;
    product *= 1.0L - static_cast<long double>(root) * root;
  }
  EXPECT_NEAR(s.alphas_cumprod[999].item<double>(), static_cast<double>(product), 1e-12);
}

// Nichol & Dhariwal 2021 eq. 17: ᾱ_t = f(t + 1) / f(0) with f(t) = cos²((t/T + s)/(1 + s) · π/2),
// wherever the 0.999 cap on β does not bite (every t but the last).
TEST(NoiseSchedule, CosineAlphasCumprodFollowsSquaredCosine) {
  const int n = 1000;
  const auto s = make(higfa::BetaSchedule::kCosine, n);
  auto f = [&](double t) {
    const double c = std::cos((t / n + 0.008) / 1.008 * kPi / 2.0);
    return c * c;
  };
  const auto* acp = s.alphas_cumprod.data_ptr<double>();
  for (int t = 0; t < n - 1; ++t) {
    const double expected = f(t + 1) / f(0);
    ASSERT_NEAR(acp[t], expected, 1e-9 * std::max(expected, 1e-3)) << "t=" << t;
  }
  EXPECT_NEAR(s.betas[n - 1].item<double>(), 0.999, 1e-12);
}

TEST(NoiseSchedule, AlphasAreOneMinusBetas) {
  const auto s = make(higfa::BetaSchedule::kLinear, 10);
  EXPECT_TRUE(torch::allclose(s.alphas, 1.0 - s.betas));
}

TEST(NoiseSchedule, ParsesDiffusersNames) {
  EXPECT_EQ(higfa::parse_beta_schedule("linear"), higfa::BetaSchedule::kLinear);
  EXPECT_EQ(higfa::parse_beta_schedule("scaled_linear"), higfa::BetaSchedule::kScaledLinear);
  EXPECT_EQ(higfa::parse_beta_schedule("squaredcos_cap_v2"), higfa::BetaSchedule::kCosine);
  EXPECT_EQ(higfa::parse_beta_schedule("cosine"), higfa::BetaSchedule::kCosine);
  EXPECT_THROW(higfa::parse_beta_schedule("sigmoid"), higfa::InvalidArgument);
}

TEST(NoiseSchedule, RejectsNonPositiveLengthAndBetasOutsideUnitInterval) {
  EXPECT_THROW(make(higfa::BetaSchedule::kLinear, 0), higfa::InvalidArgument);
  EXPECT_THROW(make(higfa::BetaSchedule::kLinear, 10, 0.0, 0.02), higfa::InvalidArgument);
  EXPECT_THROW(make(higfa::BetaSchedule::kScaledLinear, 10, 0.001, 1.0), higfa::InvalidArgument);
}

}  // namespace
