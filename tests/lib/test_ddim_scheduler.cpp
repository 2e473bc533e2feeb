// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the scheduler base and the DDIM scheduler (higfa/scheduler.h) against diffusers' values.
#include <gtest/gtest.h>
#include <higfa/ddim_scheduler.h>
#include <higfa/error.h>
#include <torch/types.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using higfa::DdimScheduler;
using higfa::PredictionType;
using higfa::SchedulerConfig;
using higfa::TimestepSpacing;

SchedulerConfig config(PredictionType prediction = PredictionType::kEpsilon,
                       TimestepSpacing spacing = TimestepSpacing::kLeading) {
  SchedulerConfig c;
  c.prediction_type = prediction;
  c.timestep_spacing = spacing;
  return c;
}

torch::Tensor seeded_randn(std::vector<std::int64_t> shape, std::uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::randn(shape, gen, torch::kFloat);
}

// The model an oracle would be: the exact ε (or v) of x_t for the known clean sample x0.
torch::Tensor oracle_output(const higfa::Scheduler& s, const torch::Tensor& x_t,
                            const torch::Tensor& x0, std::int64_t t) {
  const double a = s.alpha_prod(t);
  const auto eps = (x_t - std::sqrt(a) * x0) / std::sqrt(1.0 - a);
  if (s.config().prediction_type == PredictionType::kEpsilon) return eps;
  return std::sqrt(a) * eps - std::sqrt(1.0 - a) * x0;
}

torch::Tensor run_loop(DdimScheduler& s, torch::Tensor x, const torch::Tensor& x0,
                       const higfa::StepOptions& options = {}) {
  for (const std::int64_t t : s.timesteps()) {
    x = s.step(oracle_output(s, x, x0, t), t, x, options).prev_sample;
  }
  return x;
}

void expect_recovers(DdimScheduler& s, int steps, const higfa::StepOptions& options = {}) {
  s.set_timesteps(steps);
  const auto x0 = seeded_randn({2, 1, 8, 8}, 1).clamp(-1, 1);
  const auto x_t = seeded_randn({2, 1, 8, 8}, 2);
  const auto out = run_loop(s, x_t, x0, options);
  EXPECT_LT((out - x0).abs().max().item<double>(), 1e-4);
}

TEST(DdimScheduler, FullLoopRecoversCleanSampleWithExactModel) {
  DdimScheduler s(config());
  expect_recovers(s, 50);
}

TEST(DdimScheduler, VPredictionLoopRecoversCleanSampleWithExactModel) {
  DdimScheduler s(config(PredictionType::kVPrediction));
  expect_recovers(s, 50);
}

TEST(DdimScheduler, TrailingSpacingLoopRecoversCleanSampleWithExactModel) {
  DdimScheduler s(config(PredictionType::kEpsilon, TimestepSpacing::kTrailing));
  expect_recovers(s, 7);  // 7 does not divide 1000: uneven gaps
}

TEST(DdimScheduler, StochasticLoopRecoversCleanSampleWithExactModel) {
  DdimScheduler s(config());
  higfa::StepOptions options;
  options.eta = 1.0;
  options.generator = at::make_generator<at::CPUGeneratorImpl>(7);
  expect_recovers(s, 20, options);
}

TEST(DdimScheduler, StochasticStepIsDeterministicWithSeededGenerator) {
  DdimScheduler s(config());
  s.set_timesteps(10);
  const auto x = seeded_randn({1, 1, 8, 8}, 3);
  const auto eps = seeded_randn({1, 1, 8, 8}, 4);
  auto step_with_seed = [&](std::uint64_t seed) {
    higfa::StepOptions options;
    options.eta = 0.5;
    options.generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    return s.step(eps, s.timesteps()[3], x, options).prev_sample;
  };
  EXPECT_TRUE(torch::equal(step_with_seed(11), step_with_seed(11)));
  EXPECT_FALSE(torch::equal(step_with_seed(11), step_with_seed(12)));
}

// diffusers: DDIMScheduler(num_train_timesteps=1000).set_timesteps(10) (leading, offset 0).
TEST(DdimScheduler, LeadingTimestepsMatchDiffusers) {
  DdimScheduler s(config());
  s.set_timesteps(10);
  EXPECT_EQ(s.timesteps(),
            (std::vector<std::int64_t>{900, 800, 700, 600, 500, 400, 300, 200, 100, 0}));
  s.set_timesteps(50);
  ASSERT_EQ(s.num_inference_steps(), 50);
  EXPECT_EQ(s.timesteps().front(), 980);
  EXPECT_EQ(s.timesteps().back(), 0);
}

// Stable Diffusion's scheduler config: leading spacing with steps_offset 1.
TEST(DdimScheduler, LeadingTimestepsAddStepsOffset) {
  auto c = config();
  c.steps_offset = 1;
  DdimScheduler s(c);
  s.set_timesteps(10);
  EXPECT_EQ(s.timesteps(),
            (std::vector<std::int64_t>{901, 801, 701, 601, 501, 401, 301, 201, 101, 1}));
}

// diffusers (timestep_spacing="trailing"): np.round(np.arange(1000, 0, -1000 / S)) - 1.
TEST(DdimScheduler, TrailingTimestepsMatchDiffusers) {
  DdimScheduler s(config(PredictionType::kEpsilon, TimestepSpacing::kTrailing));
  s.set_timesteps(10);
  EXPECT_EQ(s.timesteps(),
            (std::vector<std::int64_t>{999, 899, 799, 699, 599, 499, 399, 299, 199, 99}));
  s.set_timesteps(3);
  EXPECT_EQ(s.timesteps(), (std::vector<std::int64_t>{999, 666, 332}));
  s.set_timesteps(7);
  EXPECT_EQ(s.timesteps(), (std::vector<std::int64_t>{999, 856, 713, 570, 428, 285, 142}));
}

// numpy's arange yields 62 elements for 61 steps (the last rounds to -1); exactly 61 are kept.
TEST(DdimScheduler, TrailingTimestepsKeepRequestedCount) {
  DdimScheduler s(config(PredictionType::kEpsilon, TimestepSpacing::kTrailing));
  s.set_timesteps(61);
  ASSERT_EQ(s.num_inference_steps(), 61);
  EXPECT_EQ(s.timesteps().front(), 999);
  EXPECT_GE(s.timesteps().back(), 0);
}

TEST(DdimScheduler, SetTimestepsRejectsOutOfRangeCounts) {
  DdimScheduler s(config());
  EXPECT_THROW(s.set_timesteps(0), higfa::InvalidArgument);
  EXPECT_THROW(s.set_timesteps(1001), higfa::InvalidArgument);
  EXPECT_NO_THROW(s.set_timesteps(1000));
}

TEST(DdimScheduler, AddNoiseMatchesClosedFormPerSample) {
  DdimScheduler s(config());
  const auto x0 = seeded_randn({3, 1, 4, 4}, 5);
  const auto noise = seeded_randn({3, 1, 4, 4}, 6);
  const auto t = torch::tensor({0, 500, 999}, torch::kLong);
  const auto x_t = s.add_noise(x0, noise, t);
  for (int i = 0; i < 3; ++i) {
    const double a = s.alpha_prod(t[i].item<std::int64_t>());
    const auto expected = std::sqrt(a) * x0[i] + std::sqrt(1.0 - a) * noise[i];
    EXPECT_TRUE(torch::allclose(x_t[i], expected, 1e-6, 1e-6)) << "sample " << i;
  }
}

// A step from add_noise(x0, ε, t) with the true ε predicts x0 and lands on add_noise(x0, ε, t').
TEST(DdimScheduler, StepFromNoisedSampleLandsOnNextNoisedSample) {
  DdimScheduler s(config());
  s.set_timesteps(20);
  const auto x0 = seeded_randn({1, 1, 8, 8}, 8);
  const auto noise = seeded_randn({1, 1, 8, 8}, 9);
  const std::int64_t t = s.timesteps()[5];
  const std::int64_t t_next = s.timesteps()[6];
  const auto x_t = s.add_noise(x0, noise, torch::tensor({t}, torch::kLong));
  const auto out = s.step(noise, t, x_t);
  EXPECT_TRUE(torch::allclose(out.pred_original_sample, x0, 1e-4, 1e-4));
  const auto expected = s.add_noise(x0, noise, torch::tensor({t_next}, torch::kLong));
  EXPECT_TRUE(torch::allclose(out.prev_sample, expected, 1e-5, 1e-5));
}

TEST(DdimScheduler, EpsilonFromVOutputRecoversNoise) {
  DdimScheduler s(config(PredictionType::kVPrediction));
  const auto x0 = seeded_randn({1, 1, 4, 4}, 10);
  const auto noise = seeded_randn({1, 1, 4, 4}, 11);
  const std::int64_t t = 321;
  const double a = s.alpha_prod(t);
  const auto x_t = s.add_noise(x0, noise, torch::tensor({t}, torch::kLong));
  const auto v = std::sqrt(a) * noise - std::sqrt(1.0 - a) * x0;
  EXPECT_TRUE(torch::allclose(s.epsilon_from_output(v, t, x_t), noise, 1e-5, 1e-5));
}

TEST(DdimScheduler, LastStepUsesFirstAlphaWhenSetAlphaToOneIsFalse) {
  auto c = config();
  c.set_alpha_to_one = false;
  DdimScheduler s(c);
  s.set_timesteps(10);
  const auto x0 = seeded_randn({1, 1, 4, 4}, 12);
  const auto noise = seeded_randn({1, 1, 4, 4}, 13);
  const auto x_t = s.add_noise(x0, noise, torch::tensor({0}, torch::kLong));
  const auto out = s.step(noise, 0, x_t);
  const double a0 = s.alpha_prod(0);
  EXPECT_TRUE(torch::allclose(out.prev_sample, std::sqrt(a0) * x0 + std::sqrt(1.0 - a0) * noise,
                              1e-5, 1e-5));
}

TEST(DdimScheduler, StepRejectsMismatchedShapesAndMissingTimesteps) {
  DdimScheduler s(config());
  const auto x = torch::zeros({1, 1, 4, 4});
  EXPECT_THROW(s.step(x, 0, x), higfa::InvalidArgument);  // no set_timesteps yet
  s.set_timesteps(10);
  EXPECT_THROW(s.step(torch::zeros({1, 1, 4, 3}), 0, x), higfa::InvalidArgument);
}

TEST(SchedulerFactory, MakesDdimAndParsesKinds) {
  const auto ddim = higfa::make_scheduler(higfa::SchedulerKind::kDdim, config());
  EXPECT_NE(dynamic_cast<DdimScheduler*>(ddim.get()), nullptr);
  EXPECT_EQ(higfa::parse_scheduler_kind("ddim"), higfa::SchedulerKind::kDdim);
  EXPECT_EQ(higfa::parse_scheduler_kind("dpm++2m"), higfa::SchedulerKind::kDpmSolverMultistep);
  EXPECT_THROW(higfa::parse_scheduler_kind("euler"), higfa::InvalidArgument);
}

TEST(SchedulerFactory, ParsesPredictionTypesAndSpacings) {
  EXPECT_EQ(higfa::parse_prediction_type("epsilon"), PredictionType::kEpsilon);
  EXPECT_EQ(higfa::parse_prediction_type("v_prediction"), PredictionType::kVPrediction);
  EXPECT_THROW(higfa::parse_prediction_type("sample"), higfa::InvalidArgument);
  EXPECT_EQ(higfa::parse_timestep_spacing("leading"), TimestepSpacing::kLeading);
  EXPECT_EQ(higfa::parse_timestep_spacing("trailing"), TimestepSpacing::kTrailing);
  EXPECT_THROW(higfa::parse_timestep_spacing("linspace"), higfa::InvalidArgument);
}

}  // namespace
