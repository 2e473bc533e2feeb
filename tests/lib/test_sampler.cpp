// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the HiGFA sampler (design §4) on exact Gaussian-data bundles with an analytic
// classifier.
#include <gtest/gtest.h>
#include <higfa/bundle.h>
#include <higfa/error.h>
#include <higfa/modulation.h>
#include <higfa/noise_schedule.h>
#include <higfa/sampler.h>
#include <torch/types.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#ifndef HIGFA_FIXTURES_DIR
#error "HIGFA_FIXTURES_DIR must name tests/fixtures"
#endif

namespace higfa {
namespace {

// tools/make_sampler_fixtures.py: 8x8 grey, classes a, b, c (means −0.5, 0, 0.5), null class 3;
// x0 ~ N(mean, 0.5²) and a contour brightens the pixels it marks by 0.5·s.
const std::string kBundle = std::string(HIGFA_FIXTURES_DIR) + "/bundles/gaussian";
const std::string kBundleV = std::string(HIGFA_FIXTURES_DIR) + "/bundles/gaussian-v";
constexpr int kClassB = 1;

const ModelBundle& bundle() {
  static const ModelBundle b = ModelBundle::load(kBundle);
  return b;
}

// A contour marking a plus sign through the centre of a 16x16 map (the sampler fits it to 8x8).
torch::Tensor plus_contour() {
  torch::Tensor k = torch::zeros({16, 16});
  k.narrow(0, 6, 4).fill_(1.0);
  k.narrow(1, 6, 4).fill_(1.0);
  return k;
}

SamplerOptions fast_options(GuidanceMode mode) {
  SamplerOptions o;
  o.mode = mode;
  o.scheduler = SchedulerKind::kDdim;  // design §4's sampler; eta needs it
  o.num_inference_steps = 20;          // final stage: steps 14..19
  // Design §4's constants, pinned: these tests check the mechanics against them, whatever the
  // tuned defaults are.
  o.fine_stage = 0.3;
  o.guidance_scale = 5.0;
  o.contour_scale = 0.8;
  o.classifier_scale = 3.0;
  return o;
}

std::vector<SampleRequest> requests(int n, std::uint64_t first_seed, bool contour = true) {
  std::vector<SampleRequest> batch;
  for (int i = 0; i < n; ++i) {
    SampleRequest r;
    r.class_id = kClassB;
    r.seed = first_seed + static_cast<std::uint64_t>(i);
    if (contour) r.contour = plus_contour();
    batch.push_back(r);
  }
  return batch;
}

double mean_final_confidence(const std::vector<SampleResult>& results) {
  double sum = 0.0;
  for (const SampleResult& r : results) sum += r.final_confidence;
  return sum / static_cast<double>(results.size());
}

std::vector<SampleResult> run(const SamplerOptions& options, const std::vector<SampleRequest>& b) {
  Sampler sampler(bundle(), options);
  return sampler.sample(b);
}

double alpha_prod(std::int64_t t) {
  const NoiseSchedule s = make_noise_schedule(bundle().manifest().scheduler.noise);
  return s.alphas_cumprod[t].item<double>();
}

TEST(Sampler, ProducesOneImagePerRequestInTheModelRange) {
  const auto results = run(fast_options(GuidanceMode::kHigfa), requests(3, 1));
  ASSERT_EQ(results.size(), 3u);
  for (const SampleResult& r : results) {
    EXPECT_EQ(r.image.sizes(), (std::vector<std::int64_t>{1, 8, 8}));
    EXPECT_EQ(r.image.scalar_type(), torch::kFloat);
    EXPECT_GE(r.image.min().item<float>(), -1.0f);
    EXPECT_LE(r.image.max().item<float>(), 1.0f);
    EXPECT_GT(r.final_confidence, 0.0);
    EXPECT_LE(r.final_confidence, 1.0);
    EXPECT_EQ(r.trace.size(), 20u);
    EXPECT_TRUE(r.contour_used);
  }
}

// On step k the callback has seen only early steps until k reaches the final stage's first step.
TEST(Sampler, ClassifierIsNeverCalledBeforeTheFinalStage) {
  for (const GuidanceMode mode : {GuidanceMode::kHigfa, GuidanceMode::kHigfaFixed}) {
    Sampler sampler(bundle(), fast_options(mode));
    const int first_fine = 20 - 6;  // S − round(0.3·S)
    const auto results = sampler.sample(requests(2, 5), [&](int step, int) {
      if (step <= first_fine) {
        EXPECT_EQ(sampler.stats().classifier_calls, 0) << "step " << step;
      }
      return true;
    });
    for (const StepTrace& s : results[0].trace) {
      EXPECT_EQ(s.fine_stage, s.step >= first_fine);
      if (s.fine_stage) {
        EXPECT_GE(s.confidence, 0.0);
      } else {
        EXPECT_EQ(s.confidence, -1.0);
      }
    }
    // One call per final step (its gradient pass), one for the final image, and in higfa one
    // more on the first final step for the confidence that modulates text and contour.
    const std::int64_t expected = 6 + 1 + (mode == GuidanceMode::kHigfa ? 1 : 0);
    EXPECT_EQ(sampler.stats().classifier_calls, expected) << to_string(mode);
    EXPECT_EQ(sampler.stats().denoiser_calls, 20);
  }
}

TEST(Sampler, BaselinesCallTheClassifierOnlyOnTheFinalImage) {
  for (const GuidanceMode mode : {GuidanceMode::kCfg, GuidanceMode::kContour}) {
    Sampler sampler(bundle(), fast_options(mode));
    const auto results = sampler.sample(requests(2, 5));
    EXPECT_EQ(sampler.stats().classifier_calls, 1) << to_string(mode);
    for (const StepTrace& s : results[0].trace) {
      EXPECT_EQ(s.classifier_weight, 0.0);
      EXPECT_FALSE(s.classifier_applied);
    }
  }
}

TEST(Sampler, ModulatedWeightsInTheTraceFollowTheFormula) {
  const SamplerOptions o = fast_options(GuidanceMode::kHigfa);
  const auto results = run(o, requests(4, 11));
  for (const SampleResult& r : results) {
    for (std::size_t i = 0; i < r.trace.size(); ++i) {
      const StepTrace& s = r.trace[i];
      if (!s.fine_stage) {
        EXPECT_EQ(s.text_weight, o.guidance_scale);
        EXPECT_EQ(s.contour_weight, o.contour_scale);
        EXPECT_EQ(s.modulation_confidence, -1.0);
        continue;
      }
      // Text and contour follow the previous step's confidence, the classifier this step's.
      if (r.trace[i - 1].fine_stage) {
        EXPECT_EQ(s.modulation_confidence, r.trace[i - 1].confidence);
      }
      const double c = s.modulation_confidence;
      ASSERT_GE(c, 0.0);
      EXPECT_DOUBLE_EQ(s.text_weight, modulate(o.guidance_scale, o.text_modulation, c, o.gamma));
      EXPECT_DOUBLE_EQ(s.contour_weight,
                       modulate(o.contour_scale, o.contour_modulation, c, o.gamma));
      const double want =
          s.confidence < o.classifier_gate
              ? modulate(o.classifier_scale, o.classifier_modulation, s.confidence, o.gamma)
              : 0.0;
      EXPECT_DOUBLE_EQ(s.classifier_weight, want);
      EXPECT_EQ(s.classifier_applied, want > 0.0);
    }
  }
}

TEST(Sampler, HigfaFixedUsesFixedWeightsWithoutGate) {
  const SamplerOptions o = fast_options(GuidanceMode::kHigfaFixed);
  for (const SampleResult& r : run(o, requests(3, 11))) {
    for (const StepTrace& s : r.trace) {
      EXPECT_EQ(s.text_weight, o.guidance_scale);
      EXPECT_EQ(s.contour_weight, o.contour_scale);
      EXPECT_EQ(s.classifier_weight, s.fine_stage ? o.classifier_scale : 0.0);
      EXPECT_EQ(s.classifier_applied, s.fine_stage);
    }
  }
}

// Same seeds, same contour: only the classifier term differs, and every sample gains.
void expect_every_sample_gains(const std::vector<SampleResult>& without,
                               const std::vector<SampleResult>& with, const std::string& what) {
  ASSERT_EQ(without.size(), with.size());
  for (std::size_t n = 0; n < with.size(); ++n) {
    EXPECT_GT(with[n].final_confidence, without[n].final_confidence) << what << " sample " << n;
  }
  EXPECT_GT(mean_final_confidence(with), mean_final_confidence(without) + 0.02) << what;
}

// The plus contour as it is: its bars are two pixels wide on the 8x8 bundle, so it pulls x̂0
// away from the class mean and the classifier term has something to undo. (A transformed contour
// is thinned to one-pixel lines and leaves the samples at the classifier's maximum already.)
SamplerOptions untransformed(GuidanceMode mode) {
  SamplerOptions o = fast_options(mode);
  o.transform_contour = false;
  return o;
}

TEST(Sampler, ClassifierGuidanceRaisesTheTargetConfidence) {
  const auto batch = requests(8, 100);
  expect_every_sample_gains(run(untransformed(GuidanceMode::kContour), batch),
                            run(untransformed(GuidanceMode::kHigfaFixed), batch), "higfa-fixed");
}

TEST(Sampler, ExactAndApproxGradientsBothRaiseTheTargetConfidence) {
  const auto batch = requests(8, 100);
  const auto without = run(untransformed(GuidanceMode::kContour), batch);
  for (const ClassifierGrad grad : {ClassifierGrad::kExact, ClassifierGrad::kApprox}) {
    SamplerOptions o = untransformed(GuidanceMode::kHigfaFixed);
    o.classifier_grad = grad;
    expect_every_sample_gains(without, run(o, batch), to_string(grad));
  }
}

// classifier-grad auto (the default) resolves to exact on a pixel bundle.
TEST(Sampler, AutoGradIsExactOnAPixelBundle) {
  SamplerOptions o = fast_options(GuidanceMode::kHigfaFixed);
  ASSERT_EQ(o.classifier_grad, ClassifierGrad::kAuto);
  Sampler automatic(bundle(), o);
  EXPECT_EQ(automatic.options().classifier_grad, ClassifierGrad::kExact);
  o.classifier_grad = ClassifierGrad::kExact;
  const auto a = automatic.sample(requests(2, 7));
  const auto b = run(o, requests(2, 7));
  for (std::size_t i = 0; i < 2; ++i) EXPECT_TRUE(torch::equal(a[i].image, b[i].image));
}

TEST(Sampler, ExactAndApproxGradientsDiffer) {
  SamplerOptions exact = fast_options(GuidanceMode::kHigfaFixed);
  SamplerOptions approx = exact;
  approx.classifier_grad = ClassifierGrad::kApprox;
  const auto a = run(exact, requests(1, 3));
  const auto b = run(approx, requests(1, 3));
  EXPECT_FALSE(torch::equal(a[0].image, b[0].image));
  // On the first final step both start from the same x_t; for Gaussian data
  // ∂x̂0/∂x_t = sqrt(ᾱ)σ0² / (ᾱσ0² + 1 − ᾱ) < 1/sqrt(ᾱ), so the exact gradient is the smaller.
  const StepTrace& first_exact = a[0].trace[14];
  const StepTrace& first_approx = b[0].trace[14];
  ASSERT_TRUE(first_exact.fine_stage && !a[0].trace[13].fine_stage);
  EXPECT_EQ(first_exact.confidence, first_approx.confidence);
  EXPECT_LT(first_exact.grad_norm, first_approx.grad_norm);
}

TEST(Sampler, GradClipBoundsTheAppliedTerm) {
  SamplerOptions o = fast_options(GuidanceMode::kHigfaFixed);
  o.grad_clip = 0.05;
  int clipped = 0;
  for (const SampleResult& r : run(o, requests(3, 21))) {
    for (const StepTrace& s : r.trace) {
      if (!s.classifier_applied) continue;
      const double scale = std::sqrt(1.0 - alpha_prod(s.timestep)) * s.classifier_weight;
      EXPECT_NEAR(s.guidance_norm, scale * std::min(s.grad_norm, o.grad_clip), 1e-5);
      if (s.grad_norm > o.grad_clip) ++clipped;
    }
  }
  EXPECT_GT(clipped, 0) << "the clip never bound; pick a smaller one";
}

// The fraction of pixels at the edge of the value range [−1, 1].
double saturated_fraction(const std::vector<SampleResult>& results) {
  double n = 0.0, total = 0.0;
  for (const SampleResult& r : results) {
    n += (r.image.abs() >= 0.999f).sum().item<double>();
    total += static_cast<double>(r.image.numel());
  }
  return n / total;
}

// clip-sample: an over-driven classifier term pushes x̂0 out of range, and the final clamp turns
// that into saturated pixels; clamping x̂0 before every update keeps them off the edges.
TEST(Sampler, ClipSampleKeepsOverDrivenGuidanceOffTheRangeEdges) {
  SamplerOptions o = fast_options(GuidanceMode::kHigfaFixed);
  o.classifier_scale = 400.0;
  std::vector<SampleRequest> b = requests(8, 31);
  for (SampleRequest& r : b) r.class_id = 0;  // mean −0.5: the term pushes towards −1
  o.clip_sample = false;
  const auto unclipped = run(o, b);
  o.clip_sample = true;
  const auto clipped = run(o, b);
  for (const SampleResult& r : unclipped) EXPECT_FALSE(r.x0_clipped);
  for (const SampleResult& r : clipped) EXPECT_TRUE(r.x0_clipped);
  EXPECT_GT(saturated_fraction(unclipped), 0.5) << "the guidance did not saturate; raise it";
  EXPECT_LT(saturated_fraction(clipped), 0.75 * saturated_fraction(unclipped));
}

// record_intermediates exposes x_t after every step; the modes share everything before ρ.
TEST(Sampler, HigfaAndHigfaFixedDifferOnlyInTheFinalStage) {
  SamplerOptions fixed = fast_options(GuidanceMode::kHigfaFixed);
  fixed.record_intermediates = true;
  SamplerOptions modulated = fixed;
  modulated.mode = GuidanceMode::kHigfa;
  const auto a = run(fixed, requests(2, 31));
  const auto b = run(modulated, requests(2, 31));
  for (std::size_t n = 0; n < a.size(); ++n) {
    ASSERT_EQ(a[n].intermediates.size(), 20u);
    for (std::size_t i = 0; i < 20; ++i) {
      const StepTrace& sa = a[n].trace[i];
      const StepTrace& sb = b[n].trace[i];
      if (!sa.fine_stage) {
        EXPECT_TRUE(torch::equal(a[n].intermediates[i], b[n].intermediates[i])) << "step " << i;
        EXPECT_EQ(sa.text_weight, sb.text_weight);
        EXPECT_EQ(sa.contour_weight, sb.contour_weight);
        EXPECT_EQ(sa.classifier_weight, sb.classifier_weight);
        EXPECT_EQ(sa.confidence, sb.confidence);
      } else {
        EXPECT_FALSE(torch::equal(a[n].intermediates[i], b[n].intermediates[i])) << "step " << i;
      }
    }
    EXPECT_FALSE(torch::equal(a[n].image, b[n].image));
  }
}

TEST(Sampler, SameSeedGivesBitIdenticalImages) {
  const auto a = run(fast_options(GuidanceMode::kHigfa), requests(3, 41));
  const auto b = run(fast_options(GuidanceMode::kHigfa), requests(3, 41));
  for (std::size_t n = 0; n < a.size(); ++n) {
    EXPECT_TRUE(torch::equal(a[n].image, b[n].image));
    EXPECT_EQ(a[n].final_confidence, b[n].final_confidence);
    EXPECT_EQ(a[n].transform.to_json(), b[n].transform.to_json());
  }
}

TEST(Sampler, DifferentSeedsGiveDifferentImages) {
  const auto results = run(fast_options(GuidanceMode::kHigfa), requests(2, 41));
  EXPECT_FALSE(torch::equal(results[0].image, results[1].image));
}

// A sample depends on its own request only, not on the rest of the batch or its position.
TEST(Sampler, SampleDoesNotDependOnItsBatch) {
  for (const double eta : {0.0, 0.5}) {
    SamplerOptions o = fast_options(GuidanceMode::kHigfa);
    o.eta = eta;
    const auto alone = run(o, requests(1, 52));
    auto batch = requests(3, 51);  // seeds 51, 52, 53
    batch[0].class_id = 0;
    batch[2].contour = torch::Tensor();
    const auto together = run(o, batch);
    EXPECT_TRUE(torch::equal(alone[0].image, together[1].image)) << "eta " << eta;
    EXPECT_EQ(alone[0].final_confidence, together[1].final_confidence);
  }
}

TEST(Sampler, ContourTransformIsDrawnFromTheSeedAndRecorded) {
  const auto a = run(fast_options(GuidanceMode::kContour), requests(2, 61));
  EXPECT_NE(a[0].transform.to_json(), a[1].transform.to_json());
  EXPECT_NE(a[0].transform.to_json(), identity_contour_transform().to_json());
  SamplerOptions untransformed = fast_options(GuidanceMode::kContour);
  untransformed.transform_contour = false;
  const auto b = run(untransformed, requests(1, 61));
  EXPECT_EQ(b[0].transform.to_json(), identity_contour_transform().to_json());
}

TEST(Sampler, MissingContourRunsWithoutContourGuidance) {
  const auto results = run(fast_options(GuidanceMode::kHigfa), requests(1, 71, false));
  EXPECT_FALSE(results[0].contour_used);
  for (const StepTrace& s : results[0].trace) EXPECT_EQ(s.contour_weight, 0.0);
}

TEST(Sampler, CfgModeIgnoresTheContour) {
  const auto with = run(fast_options(GuidanceMode::kCfg), requests(1, 71, true));
  const auto without = run(fast_options(GuidanceMode::kCfg), requests(1, 71, false));
  EXPECT_FALSE(with[0].contour_used);
  EXPECT_TRUE(torch::equal(with[0].image, without[0].image));
}

TEST(Sampler, ContourModeUsesTheContour) {
  const auto with = run(fast_options(GuidanceMode::kContour), requests(1, 71, true));
  const auto without = run(fast_options(GuidanceMode::kContour), requests(1, 71, false));
  EXPECT_FALSE(torch::equal(with[0].image, without[0].image));
}

TEST(Sampler, CallbackReturningFalseCancels) {
  Sampler sampler(bundle(), fast_options(GuidanceMode::kHigfa));
  int calls = 0;
  const auto cancel_at_3 = [&](int step, int total) {
    ++calls;
    EXPECT_EQ(total, 20);
    return step < 3;
  };
  EXPECT_THROW(sampler.sample(requests(2, 81), cancel_at_3), Cancelled);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(sampler.stats().denoiser_calls, 3);
  // The sampler stays usable after a cancellation.
  EXPECT_EQ(sampler.sample(requests(1, 81)).size(), 1u);
}

TEST(Sampler, Img2ImgRunsOnlyTheLastStrengthTimesSSteps) {
  SamplerOptions o = fast_options(GuidanceMode::kHigfa);
  o.strength = 0.5;
  auto batch = requests(2, 91);
  for (SampleRequest& r : batch) r.source = torch::full({1, 4, 4}, 0.25f);  // any resolution
  Sampler sampler(bundle(), o);
  const auto results = sampler.sample(batch);
  ASSERT_EQ(results[0].trace.size(), 10u);
  EXPECT_EQ(results[0].trace.front().step, 10);
  EXPECT_EQ(sampler.stats().denoiser_calls, 10);
}

// With strength ≤ ρ the run starts inside the final stage: a first pass gives the confidence.
TEST(Sampler, Img2ImgStartingInTheFinalStageMeasuresConfidenceFirst) {
  SamplerOptions o = fast_options(GuidanceMode::kHigfa);
  o.strength = 0.2;
  auto batch = requests(1, 91);
  batch[0].source = torch::zeros({1, 8, 8});
  Sampler sampler(bundle(), o);
  const auto results = sampler.sample(batch);
  ASSERT_EQ(results[0].trace.size(), 4u);
  EXPECT_GE(results[0].trace.front().modulation_confidence, 0.0);
  EXPECT_EQ(sampler.stats().denoiser_calls, 4 + 1);
}

TEST(Sampler, Img2ImgWithoutSourceThrows) {
  SamplerOptions o = fast_options(GuidanceMode::kHigfa);
  o.strength = 0.5;
  Sampler sampler(bundle(), o);
  EXPECT_THROW(sampler.sample(requests(1, 1)), InvalidArgument);
}

TEST(Sampler, Img2ImgAtLowStrengthStaysNearTheSource) {
  SamplerOptions o = fast_options(GuidanceMode::kCfg);
  o.strength = 0.1;
  auto batch = requests(1, 5, false);
  batch[0].source = torch::full({1, 8, 8}, 0.3f);
  // Two steps from t = 50: the posterior mean shrinks 0.3 only slightly towards class b's 0.
  EXPECT_NEAR(run(o, batch)[0].image.mean().item<double>(), 0.3, 0.08);
}

TEST(Sampler, DpmSolverSchedulerSamples) {
  SamplerOptions o = fast_options(GuidanceMode::kHigfa);
  o.scheduler = SchedulerKind::kDpmSolverMultistep;
  const auto a = run(o, requests(2, 7));
  const auto b = run(o, requests(2, 7));
  ASSERT_EQ(a[0].trace.size(), 20u);
  EXPECT_TRUE(torch::equal(a[0].image, b[0].image));
  EXPECT_TRUE(at::isfinite(a[0].image).all().item<bool>());
}

// The v-prediction bundle describes the same data: guidance in ε space gives the same images.
TEST(Sampler, VPredictionBundleMatchesEpsilonBundle) {
  const ModelBundle v = ModelBundle::load(kBundleV);
  for (const ClassifierGrad grad : {ClassifierGrad::kExact, ClassifierGrad::kApprox}) {
    SamplerOptions o = fast_options(GuidanceMode::kHigfa);
    o.classifier_grad = grad;
    const auto a = run(o, requests(2, 13));
    const auto b = Sampler(v, o).sample(requests(2, 13));
    EXPECT_LT((a[0].image - b[0].image).abs().max().item<double>(), 1e-3) << to_string(grad);
  }
}

// tiny/'s point-mass denoiser makes x̂0 = μ_∅ + w·(μ_y − μ_∅) exactly, whatever x_t: the image
// tells whether the conditional and unconditional halves of the batched call are combined right.
TEST(Sampler, CfgCombinesTheBatchedPassesAsDesigned) {
  const ModelBundle tiny = ModelBundle::load(std::string(HIGFA_FIXTURES_DIR) + "/bundles/tiny");
  SamplerOptions o = fast_options(GuidanceMode::kCfg);
  o.guidance_scale = 1.5;
  auto batch = requests(2, 1, false);
  batch[0].class_id = 2;  // μ = 0.5: x̂0 = 0 + 1.5·0.5 = 0.75
  batch[1].class_id = 0;  // μ = −0.5: x̂0 = −0.75
  const auto results = Sampler(tiny, o).sample(batch);
  EXPECT_NEAR((results[0].image - 0.75).abs().max().item<double>(), 0.0, 1e-4);
  EXPECT_NEAR((results[1].image + 0.75).abs().max().item<double>(), 0.0, 1e-4);
}

TEST(Sampler, NanFromTheDenoiserThrowsError) {
  const ModelBundle nan = ModelBundle::load(std::string(HIGFA_FIXTURES_DIR) + "/bundles/nan");
  Sampler sampler(nan, fast_options(GuidanceMode::kHigfa));
  EXPECT_THROW(sampler.sample(requests(1, 1)), Error);
}

TEST(Sampler, InvalidOptionsThrowInvalidArgument) {
  SamplerOptions o;
  o.fine_stage = -0.1;
  EXPECT_THROW(Sampler(bundle(), o), InvalidArgument);
  o = SamplerOptions{};
  o.num_inference_steps = 5000;  // more than the 1000 training timesteps
  EXPECT_THROW(Sampler(bundle(), o), InvalidArgument);
}

// DPM-Solver++ with "leading" spacing takes S < T: refused when the sampler is made (the
// element's start), not at the first sample; DDIM takes S = T.
TEST(Sampler, TheSolversStepLimitIsCheckedAtConstruction) {
  SamplerOptions o;
  o.scheduler = SchedulerKind::kDpmSolverMultistep;
  o.num_inference_steps = 1000;
  try {
    Sampler(bundle(), o);
    ADD_FAILURE() << "DPM-Solver++ at 1000 steps was accepted";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("num-inference-steps"), std::string::npos) << e.what();
  }
  o.scheduler = SchedulerKind::kDdim;
  EXPECT_NO_THROW(Sampler(bundle(), o));
}

TEST(Sampler, InvalidRequestsThrowInvalidArgument) {
  Sampler sampler(bundle(), fast_options(GuidanceMode::kHigfa));
  auto bad_class = requests(1, 1);
  bad_class[0].class_id = 3;  // the null class is not a target
  EXPECT_THROW(sampler.sample(bad_class), InvalidArgument);
  auto bad_contour = requests(1, 1);
  bad_contour[0].contour = torch::zeros({1, 8, 8});
  EXPECT_THROW(sampler.sample(bad_contour), InvalidArgument);
}

TEST(Sampler, EmptyBatchGivesNoResults) {
  Sampler sampler(bundle(), fast_options(GuidanceMode::kHigfa));
  EXPECT_TRUE(sampler.sample({}).empty());
  EXPECT_EQ(sampler.stats().denoiser_calls, 0);
}

}  // namespace
}  // namespace higfa
