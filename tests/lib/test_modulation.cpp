// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the modulation rule, the classifier-guidance helpers and the sampler options.
#include <c10/core/GradMode.h>
#include <gtest/gtest.h>
#include <higfa/classifier_guidance.h>
#include <higfa/error.h>
#include <higfa/image.h>
#include <higfa/modulation.h>
#include <higfa/sampler.h>
#include <torch/types.h>

#include <cmath>

namespace higfa {
namespace {

TEST(Modulate, FollowsTheDesignFormula) {
  const Modulation m{0.5, 1.0};
  for (const double c : {0.0, 0.2, 0.5, 0.9, 1.0}) {
    for (const double gamma : {0.5, 1.0, 2.0}) {
      EXPECT_DOUBLE_EQ(modulate(5.0, m, c, gamma), 5.0 * (0.5 + 0.5 * std::pow(1.0 - c, gamma)));
    }
  }
}

TEST(Modulate, GivesHiAtZeroConfidenceAndLoAtFullConfidence) {
  const Modulation m{0.25, 2.0};
  EXPECT_DOUBLE_EQ(modulate(3.0, m, 0.0, 1.0), 6.0);
  EXPECT_DOUBLE_EQ(modulate(3.0, m, 1.0, 1.0), 0.75);
}

TEST(Modulate, ClampsConfidenceToTheUnitInterval) {
  const Modulation m{0.0, 1.0};
  EXPECT_DOUBLE_EQ(modulate(2.0, m, -0.5, 1.0), 2.0);
  EXPECT_DOUBLE_EQ(modulate(2.0, m, 1.5, 1.0), 0.0);
}

TEST(Modulate, IsMonotoneInConfidence) {
  const Modulation m{0.0, 1.0};
  double previous = modulate(3.0, m, 0.0, 1.0);
  for (int i = 1; i <= 10; ++i) {
    const double w = modulate(3.0, m, i / 10.0, 1.0);
    EXPECT_LE(w, previous);
    previous = w;
  }
}

TEST(ClipGradNormPerSample, CapsEachSampleSeparately) {
  torch::Tensor g = torch::zeros({2, 1, 2, 2});
  g[0].fill_(3.0);   // norm 6
  g[1].fill_(0.25);  // norm 0.5
  const torch::Tensor clipped = clip_grad_norm_per_sample(g, 1.0);
  const torch::Tensor norms = per_sample_norm(clipped);
  EXPECT_NEAR(norms[0].item<double>(), 1.0, 1e-6);
  EXPECT_NEAR(norms[1].item<double>(), 0.5, 1e-6);
  EXPECT_TRUE(torch::allclose(clipped[1], g[1]));
  // The direction is kept.
  EXPECT_NEAR((clipped[0] / clipped[0].norm() - g[0] / g[0].norm()).abs().max().item<double>(), 0.0,
              1e-6);
}

TEST(ClipGradNormPerSample, ZeroMeansOff) {
  const torch::Tensor g = torch::full({1, 1, 2, 2}, 10.0f);
  EXPECT_TRUE(torch::equal(clip_grad_norm_per_sample(g, 0.0), g));
  EXPECT_THROW(clip_grad_norm_per_sample(g, -1.0), InvalidArgument);
}

TEST(ToClassifierInput, MapsValueRangeChannelsAndResolution) {
  ImageSpec from;
  from.height = from.width = 4;
  from.channels = 1;
  from.range = {-1.0f, 1.0f};
  ImageSpec to = from;
  to.height = to.width = 8;
  to.channels = 3;
  to.range = {0.0f, 1.0f};
  to.fit = FitMode::kResize;
  const torch::Tensor x = torch::full({2, 1, 4, 4}, 0.5f);
  const torch::Tensor y = to_classifier_input(x, from, to);
  ASSERT_EQ(y.sizes(), (std::vector<std::int64_t>{2, 3, 8, 8}));
  EXPECT_NEAR(y.min().item<double>(), 0.75, 1e-6);
  EXPECT_NEAR(y.max().item<double>(), 0.75, 1e-6);
}

TEST(ToClassifierInput, PadsSmallerImagesWithTheBackground) {
  ImageSpec from;
  from.height = from.width = 2;
  from.channels = 1;
  ImageSpec to = from;
  to.height = to.width = 4;
  to.fit = FitMode::kPad;
  const torch::Tensor y = to_classifier_input(torch::ones({1, 1, 2, 2}), from, to);
  ASSERT_EQ(y.sizes(), (std::vector<std::int64_t>{1, 1, 4, 4}));
  EXPECT_EQ(y[0][0][0][0].item<float>(), -1.0f);
  EXPECT_EQ(y[0][0][1][1].item<float>(), 1.0f);
  EXPECT_EQ(y.sum().item<float>(), 4.0f - 12.0f);
}

// The guidance's centre crop matches the frames' (fit_to_resolution), differentiably.
TEST(ToClassifierInput, CenterCropsLikeTheFramePath) {
  ImageSpec from;
  from.height = 4;
  from.width = 8;
  from.channels = 1;
  ImageSpec to = from;
  to.height = to.width = 4;
  to.fit = FitMode::kCenterCrop;
  c10::AutoGradMode grad(true);
  const torch::Tensor x =
      torch::arange(32, torch::kFloat).reshape({1, 1, 4, 8}).div(32.0).requires_grad_(true);
  const torch::Tensor y = to_classifier_input(x, from, to);
  ASSERT_EQ(y.sizes(), (std::vector<std::int64_t>{1, 1, 4, 4}));
  EXPECT_TRUE(torch::allclose(y, fit_to_resolution(x.detach(), 4, 4, FitMode::kCenterCrop, -1.0f)));
  y.sum().backward();
  EXPECT_NEAR(x.grad().sum().item<double>(), 16.0, 1e-6);  // the 16 kept pixels
}

TEST(ToClassifierInput, IsDifferentiable) {
  ImageSpec from;
  from.height = from.width = 4;
  from.channels = 1;
  ImageSpec to = from;
  to.height = to.width = 2;
  to.fit = FitMode::kResize;
  c10::AutoGradMode grad(true);
  const torch::Tensor x = torch::ones({1, 1, 4, 4}).requires_grad_(true);
  to_classifier_input(x, from, to).sum().backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_NEAR(x.grad().sum().item<double>(), 4.0, 1e-6);  // area average: each output sees 1/4
}

TEST(SamplerOptions, DefaultsAreValid) { EXPECT_NO_THROW(validate(SamplerOptions{})); }

TEST(SamplerOptions, OutOfRangeValuesThrowInvalidArgument) {
  const auto bad = [](auto mutate) {
    SamplerOptions o;
    mutate(o);
    return o;
  };
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.num_inference_steps = 0; })),
               InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.eta = 1.5; })), InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) {
                 o.eta = 0.5;
                 o.scheduler = SchedulerKind::kDpmSolverMultistep;
               })),
               InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.strength = 0.0; })), InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.strength = 0.01; })), InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.fine_stage = 1.2; })), InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.guidance_scale = -1.0; })), InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.contour_scale = NAN; })), InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.classifier_scale = -0.1; })),
               InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.text_modulation.lo = -0.5; })),
               InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.gamma = -1.0; })), InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.classifier_gate = 1.5; })), InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.grad_clip = -1.0; })), InvalidArgument);
  EXPECT_THROW(validate(bad([](SamplerOptions& o) { o.transform.flip_probability = 2.0; })),
               InvalidArgument);
}

TEST(SamplerOptions, ErrorMessageNamesTheOption) {
  SamplerOptions o;
  o.fine_stage = 2.0;
  try {
    validate(o);
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("fine-stage"), std::string::npos) << e.what();
  }
}

TEST(GuidanceMode, ParsesEveryModeAndRoundTrips) {
  for (const char* name : {"cfg", "contour", "higfa", "higfa-fixed"}) {
    EXPECT_EQ(to_string(parse_guidance_mode(name)), name);
  }
  EXPECT_THROW(parse_guidance_mode("HiGFA"), InvalidArgument);
  for (const char* name : {"exact", "approx", "auto"}) {
    EXPECT_EQ(to_string(parse_classifier_grad(name)), name);
  }
  EXPECT_THROW(parse_classifier_grad("fast"), InvalidArgument);
}

// The sampler's per-sample form of the rule gives the scalar rule's values, sample by sample.
TEST(Modulation, TensorFormMatchesTheScalarRule) {
  const Modulation m{0.25, 1.5};
  const std::vector<double> c = {-0.2, 0.0, 0.1, 0.5, 0.93, 1.0, 1.7};
  const torch::Tensor conf = torch::tensor(c, torch::TensorOptions().dtype(torch::kDouble));
  const torch::Tensor weight = torch::full({7}, 4.0, torch::TensorOptions().dtype(torch::kDouble));
  for (const double gamma : {0.0, 1.0, 2.5}) {
    const torch::Tensor w = modulate(weight, m, conf, gamma);
    ASSERT_EQ(w.scalar_type(), torch::kDouble);
    ASSERT_EQ(w.numel(), 7);
    for (std::size_t b = 0; b < c.size(); ++b) {
      EXPECT_NEAR(w[static_cast<std::int64_t>(b)].item<double>(), modulate(4.0, m, c[b], gamma),
                  1e-12)
          << "c " << c[b] << " gamma " << gamma;
    }
  }
}

}  // namespace
}  // namespace higfa
