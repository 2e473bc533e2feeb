// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the DPM-Solver++ (2M) scheduler against diffusers' formulas and an exact model.
#include <higfa/dpm_solver_scheduler.h>
#include <higfa/error.h>

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/types.h>

#include <array>
#include <cmath>
#include <vector>

namespace higfa {
namespace {

SchedulerConfig config_with(TimestepSpacing spacing) {
  SchedulerConfig config;  // linear 1e-4..0.02 over 1000 steps, epsilon, set_alpha_to_one
  config.timestep_spacing = spacing;
  return config;
}

// Runs S = 10 steps on x = [1, -0.5] with the synthetic model output 0.5·x + 0.1·(k + 1) and
// compares every prev_sample with tools/dpm_solver_reference.py's output.
void expect_matches_reference(TimestepSpacing spacing,
                              const std::vector<std::array<double, 2>>& expected) {
  DpmSolverMultistepScheduler scheduler(config_with(spacing));
  scheduler.set_timesteps(10);
  torch::Tensor x = torch::tensor({1.0f, -0.5f}).view({1, 1, 1, 2});
  for (int k = 0; k < 10; ++k) {
    const torch::Tensor eps = 0.5 * x + 0.1 * (k + 1);
    x = scheduler.step(eps, scheduler.timesteps()[static_cast<std::size_t>(k)], x).prev_sample;
    for (int j = 0; j < 2; ++j) {
      const double want = expected[static_cast<std::size_t>(k)][static_cast<std::size_t>(j)];
      EXPECT_NEAR(x.view({-1})[j].item<double>(), want, 2e-5 * std::max(1.0, std::abs(want)))
          << "step " << k << " element " << j;
    }
  }
}

TEST(DpmSolverMultistepScheduler, LeadingTimestepsFollowDiffusers) {
  DpmSolverMultistepScheduler scheduler(config_with(TimestepSpacing::kLeading));
  scheduler.set_timesteps(10);
  // diffusers steps by T // (S + 1) here, unlike DDIM's T // S.
  const std::vector<std::int64_t> want{900, 810, 720, 630, 540, 450, 360, 270, 180, 90};
  EXPECT_EQ(scheduler.timesteps(), want);
}

TEST(DpmSolverMultistepScheduler, TrailingTimestepsFollowDiffusers) {
  DpmSolverMultistepScheduler scheduler(config_with(TimestepSpacing::kTrailing));
  scheduler.set_timesteps(10);
  const std::vector<std::int64_t> want{999, 899, 799, 699, 599, 499, 399, 299, 199, 99};
  EXPECT_EQ(scheduler.timesteps(), want);
}

TEST(DpmSolverMultistepScheduler, SigmasMatchDiffusersAndEndAtZero) {
  DpmSolverMultistepScheduler scheduler(config_with(TimestepSpacing::kLeading));
  scheduler.set_timesteps(10);
  ASSERT_EQ(scheduler.sigmas().size(), 11u);
  EXPECT_NEAR(scheduler.sigmas()[0], 60.822303153, 1e-8);
  EXPECT_NEAR(scheduler.sigmas()[9], 0.308176989341, 1e-11);
  EXPECT_EQ(scheduler.sigmas()[10], 0.0);
}

TEST(DpmSolverMultistepScheduler, LeadingStepsMatchDiffusersFormulas) {
  expect_matches_reference(TimestepSpacing::kLeading,
                           {{1.47069075167, -0.911984354542},
                            {1.85655009161, -1.52361328902},
                            {2.2159712754, -2.32618595678},
                            {2.55525552257, -3.29105443478},
                            {2.8443990572, -4.34946387294},
                            {3.03247454712, -5.38319596439},
                            {3.06315746155, -6.23499714472},
                            {2.89454931501, -6.74300085292},
                            {2.51971696651, -6.79017256844},
                            {1.9402196463, -6.36719129977}});
}

TEST(DpmSolverMultistepScheduler, TrailingStepsMatchDiffusersFormulas) {
  expect_matches_reference(TimestepSpacing::kTrailing,
                           {{1.64448273769, -1.0639542395},
                            {2.23302260753, -1.94817519928},
                            {2.82817612658, -3.16239213514},
                            {3.46050078704, -4.69170687274},
                            {4.09668261904, -6.45029364742},
                            {4.64180312948, -8.2412232126},
                            {4.96190114695, -9.7573022856},
                            {4.92786790466, -10.6484977265},
                            {4.47354420326, -10.6439614269},
                            {3.62665062864, -9.77394363099}});
}

// The exact ε of a point mass at x0 makes every data prediction x0, so the solver lands on it.
void expect_recovers_clean_sample(PredictionType prediction, int first_step) {
  SchedulerConfig config = config_with(TimestepSpacing::kLeading);
  config.prediction_type = prediction;
  DpmSolverMultistepScheduler scheduler(config);
  scheduler.set_timesteps(25);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(7);
  const torch::Tensor x0 = at::rand({2, 1, 4, 4}, gen) * 2 - 1;
  const torch::Tensor noise = at::randn({2, 1, 4, 4}, gen);
  const std::int64_t t0 = scheduler.timesteps()[static_cast<std::size_t>(first_step)];
  torch::Tensor x = scheduler.add_noise(x0, noise, torch::full({2}, t0, torch::kLong));
  for (std::size_t i = static_cast<std::size_t>(first_step); i < scheduler.timesteps().size(); ++i) {
    const std::int64_t t = scheduler.timesteps()[i];
    const double a = scheduler.alpha_prod(t);
    const torch::Tensor eps = (x - std::sqrt(a) * x0) / std::sqrt(1 - a);
    const torch::Tensor out = prediction == PredictionType::kEpsilon
                                  ? eps
                                  : std::sqrt(a) * eps - std::sqrt(1 - a) * x0;  // v
    x = scheduler.step(out, t, x).prev_sample;
  }
  EXPECT_LT((x - x0).abs().max().item<double>(), 1e-4);
}

TEST(DpmSolverMultistepScheduler, FullLoopRecoversCleanSampleWithExactModel) {
  expect_recovers_clean_sample(PredictionType::kEpsilon, 0);
}

TEST(DpmSolverMultistepScheduler, FullLoopRecoversCleanSampleWithExactVModel) {
  expect_recovers_clean_sample(PredictionType::kVPrediction, 0);
}

TEST(DpmSolverMultistepScheduler, RunStartingMidSequenceRecoversCleanSample) {
  expect_recovers_clean_sample(PredictionType::kEpsilon, 10);  // img2img
}

TEST(DpmSolverMultistepScheduler, PredOriginalSampleIsTheDataPrediction) {
  DpmSolverMultistepScheduler scheduler(config_with(TimestepSpacing::kLeading));
  scheduler.set_timesteps(10);
  const torch::Tensor x = torch::full({1, 1, 2, 2}, 0.3f);
  const torch::Tensor eps = torch::full({1, 1, 2, 2}, 0.2f);
  const std::int64_t t = scheduler.timesteps()[0];
  const double a = scheduler.alpha_prod(t);
  const SchedulerOutput out = scheduler.step(eps, t, x);
  EXPECT_NEAR(out.pred_original_sample[0][0][0][0].item<double>(),
              (0.3 - std::sqrt(1 - a) * 0.2) / std::sqrt(a), 1e-4);
}

TEST(DpmSolverMultistepScheduler, RejectsATimestepOutsideTheSequence) {
  DpmSolverMultistepScheduler scheduler(config_with(TimestepSpacing::kLeading));
  scheduler.set_timesteps(10);
  const torch::Tensor x = torch::zeros({1, 1, 2, 2});
  EXPECT_THROW(scheduler.step(x, 901, x), InvalidArgument);
  EXPECT_THROW(scheduler.set_timesteps(0), InvalidArgument);
}

TEST(DpmSolverMultistepScheduler, MakeSchedulerBuildsIt) {
  const auto scheduler = make_scheduler(SchedulerKind::kDpmSolverMultistep, SchedulerConfig{});
  EXPECT_NE(dynamic_cast<DpmSolverMultistepScheduler*>(scheduler.get()), nullptr);
}

}  // namespace
}  // namespace higfa
