// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Latent, text-conditioned bundles (docs/bundles.md): loading, the autoencoder, prompts and the
// sampler in latent space, on the analytic bundle of tools/make_latent_fixtures.py.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <higfa/bundle.h>
#include <higfa/classifier_guidance.h>
#include <higfa/error.h>
#include <higfa/noise_schedule.h>
#include <higfa/provenance.h>
#include <higfa/sample_frames.h>
#include <higfa/sampler.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "bundle_test_util.h"

#ifndef HIGFA_FIXTURES_DIR
#error "HIGFA_FIXTURES_DIR must name tests/fixtures"
#endif

namespace higfa {
namespace {

// RGB 8x12 images in [-1, 1]; latents [4, 4, 6] (f = 2, scaling factor 0.5); classes a, b, c
// with 2, 1 and 3 prompts; L = 4, D = 8. The denoiser is the exact ε of latent data that is the
// constant μ_c its prompt embedding carries (row 0, columns 0..3; the unconditional one has μ = 0);
// the decoder is linear with an exact left inverse as encoder; the classifier prefers the class
// whose decoded μ is nearest.
using testing::kBundles;
using testing::load_error;
const std::string kLatent = kBundles + "latent-tiny";
const std::vector<std::vector<float>> kMu = {
    {-0.6f, 0.3f, 0.0f, 0.5f}, {0.2f, -0.4f, 0.6f, -0.3f}, {0.5f, 0.5f, -0.5f, 0.1f}};

const ModelBundle& bundle() {
  static const ModelBundle b = ModelBundle::load(kLatent);
  return b;
}

// The scaled latent of class c: μ_c in every position.
torch::Tensor class_latent(int c) {
  return torch::tensor(kMu[static_cast<std::size_t>(c)]).view({1, 4, 1, 1}).expand({1, 4, 4, 6});
}

SamplerOptions cfg_options(int steps) {
  SamplerOptions o;
  o.mode = GuidanceMode::kCfg;
  o.num_inference_steps = steps;
  o.guidance_scale = 1.0;  // ε̂ = the conditional ε: the oracle's exact noise
  return o;
}

std::vector<SampleRequest> requests(int class_id, int n, std::uint64_t first_seed) {
  std::vector<SampleRequest> batch;
  for (int i = 0; i < n; ++i) {
    SampleRequest r;
    r.class_id = class_id;
    r.seed = first_seed + static_cast<std::uint64_t>(i);
    batch.push_back(r);
  }
  return batch;
}

TEST(LatentBundle, ManifestDescribesTheLatentAndTextShapes) {
  const BundleManifest& m = bundle().manifest();
  EXPECT_TRUE(m.latent);
  EXPECT_TRUE(m.text_conditioned());
  EXPECT_EQ(m.sample_shape(), (std::vector<std::int64_t>{4, 4, 6}));
  EXPECT_EQ(m.autoencoder.downsampling_factor, 2);
  EXPECT_DOUBLE_EQ(m.autoencoder.scaling_factor, 0.5);
  EXPECT_EQ(m.control_channels, 3);
  EXPECT_EQ(m.text.sequence_length, 4);
  EXPECT_EQ(m.text.embedding_dim, 8);
  ASSERT_EQ(m.text.prompts.size(), 3u);
  EXPECT_EQ(m.text.prompts[2][1], "a drawing of c");
  EXPECT_FALSE(m.scheduler.set_alpha_to_one);
  EXPECT_EQ(m.scheduler.steps_offset, 1);
  EXPECT_EQ(m.classifier.mean, (std::vector<float>{0.5f, 0.5f, 0.5f}));
}

TEST(LatentBundle, PromptTableRowsAreTheClassesPrompts) {
  EXPECT_EQ(bundle().prompt_count(0), 2);
  EXPECT_EQ(bundle().prompt_count(1), 1);
  EXPECT_EQ(bundle().prompt_count(2), 3);
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < bundle().prompt_count(c); ++i) {
      const torch::Tensor e = bundle().prompt_embedding(c, i);
      EXPECT_EQ(e.sizes(), (std::vector<std::int64_t>{4, 8}));
      EXPECT_TRUE(torch::allclose(e[0].narrow(0, 0, 4), torch::tensor(kMu[c])));
      EXPECT_FLOAT_EQ(e[0][4].item<float>(), static_cast<float>(i));
    }
  }
  EXPECT_EQ(bundle().unconditional(2).sizes(), (std::vector<std::int64_t>{2, 4, 8}));
  EXPECT_THROW(bundle().prompt_embedding(1, 1), InvalidArgument);
}

TEST(LatentBundle, EncoderInvertsTheDecoderAndAppliesTheScalingFactor) {
  const torch::Tensor z = torch::randn({2, 4, 4, 6}, torch::TensorOptions().dtype(torch::kFloat));
  const torch::Tensor x = bundle().decode(z);
  EXPECT_EQ(x.sizes(), (std::vector<std::int64_t>{2, 3, 8, 12}));
  EXPECT_LT((bundle().encode(x) - z).abs().max().item<float>(), 1e-4f);
  // decode takes scaled latents: twice the latent is not twice the image (the decoder's bias).
  EXPECT_GT((bundle().decode(2 * z) - 2 * x).abs().max().item<float>(), 1e-3f);
}

// Design §4 in latent space with an exact-ε oracle: deterministic DDIM keeps x̂0 = μ_c and ε̂ = the
// initial noise n at every step, so the last step (to ᾱ_0: set_alpha_to_one is false) lands on
// sqrt(ᾱ_0)·μ_c + sqrt(1 − ᾱ_0)·n, and the image is its decoding.
TEST(LatentSampler, ExactEpsilonRecoversTheClassImageThroughTheDecoder) {
  Sampler sampler(bundle(), cfg_options(50));
  const double ab0 =
      make_noise_schedule(bundle().manifest().scheduler.noise).alphas_cumprod[0].item<double>();
  for (int c = 0; c < 3; ++c) {
    const auto results = sampler.sample(requests(c, 2, 10));
    for (const SampleResult& r : results) {
      at::Generator g = at::make_generator<at::CPUGeneratorImpl>(r.seed);
      const torch::Tensor n =
          at::randn({1, 4, 4, 6}, g, torch::TensorOptions().dtype(torch::kFloat));
      const torch::Tensor z0 = std::sqrt(ab0) * class_latent(c) + std::sqrt(1.0 - ab0) * n;
      const torch::Tensor expected = bundle().decode(z0).clamp(-1.0, 1.0)[0];
      ASSERT_EQ(r.image.sizes(), (std::vector<std::int64_t>{3, 8, 12}));
      // Within float32 rounding over 50 steps; the noise residue alone is ~0.12 here.
      EXPECT_LT((r.image - expected).abs().max().item<float>(), 5e-3f) << "class " << c;
      // ... far from every other class's image, and classified as its own.
      for (int other = 0; other < 3; ++other) {
        if (other == c) continue;
        const torch::Tensor wrong = bundle().decode(class_latent(other)).clamp(-1.0, 1.0)[0];
        EXPECT_GT((r.image - wrong).abs().mean().item<float>(), 0.1f);
      }
      EXPECT_GT(r.final_confidence, 0.5) << "class " << c;
    }
  }
}

// A latent has no value range: clip-sample leaves latent sampling bit for bit as it is.
TEST(LatentSampler, ClipSampleNeverTouchesLatents) {
  SamplerOptions o = cfg_options(6);
  o.guidance_scale = 4.0;
  o.clip_sample = false;
  const auto plain = Sampler(bundle(), o).sample(requests(0, 2, 40));
  o.clip_sample = true;
  const auto clip = Sampler(bundle(), o).sample(requests(0, 2, 40));
  for (std::size_t i = 0; i < clip.size(); ++i) {
    EXPECT_FALSE(clip[i].x0_clipped);
    EXPECT_TRUE(torch::equal(clip[i].image, plain[i].image));
  }
}

TEST(LatentSampler, PromptIsDrawnFromTheSeedAndRecorded) {
  Sampler sampler(bundle(), cfg_options(4));
  const auto results = sampler.sample(requests(2, 12, 100));
  std::set<int> seen;
  for (const SampleResult& r : results) {
    EXPECT_EQ(r.prompt_index, prompt_index_for(r.seed, 3));
    ASSERT_GE(r.prompt_index, 0);
    ASSERT_LT(r.prompt_index, 3);
    EXPECT_EQ(r.prompt,
              bundle().manifest().text.prompts[2][static_cast<std::size_t>(r.prompt_index)]);
    seen.insert(r.prompt_index);
  }
  EXPECT_GT(seen.size(), 1u) << "12 seeds all drew the same prompt";
  // The same seed draws the same prompt in another batch.
  const auto again = sampler.sample(requests(2, 1, 105));
  EXPECT_EQ(again[0].prompt_index, results[5].prompt_index);
  EXPECT_TRUE(torch::equal(again[0].image, results[5].image));
}

TEST(LatentSampler, ProvenanceRecordsThePrompt) {
  Sampler sampler(bundle(), cfg_options(2));
  const auto results = sampler.sample(requests(0, 1, 7));
  SampleOrigin origin;
  origin.source_id = "img-0";
  origin.class_name = "a";
  const Provenance p = make_provenance(sampler.options(), results[0], origin);
  EXPECT_EQ(p.prompt_index, results[0].prompt_index);
  EXPECT_EQ(p.prompt, results[0].prompt);
  const std::string json = to_json(p);
  EXPECT_CONTAINS(json, "\"prompt_index\":" + std::to_string(p.prompt_index));
  EXPECT_CONTAINS(json, "\"prompt\":\"" + p.prompt + "\"");
}

// approx: the gradient of log p_y(decode(x̂0)) w.r.t. the latent x̂0, through the decoder and
// the classifier only, divided by sqrt(ᾱ).
TEST(LatentGuidance, ApproxGradientGoesThroughTheDecoderOnly) {
  const torch::Tensor z0 = class_latent(1).clone() + 0.3;
  const torch::Tensor labels = torch::tensor({std::int64_t{1}});
  const double ab = 0.64;
  const ClassifierGradient g = approx_classifier_gradient(bundle(), z0, labels, ab);
  ASSERT_EQ(g.grad.sizes(), z0.sizes());
  torch::Tensor leaf = z0.clone().requires_grad_(true);
  const torch::Tensor log_p = class_log_probability(bundle(), bundle().decode(leaf), labels);
  const torch::Tensor expected = torch::autograd::grad({log_p.sum()}, {leaf})[0] / 0.8;
  EXPECT_GT(expected.abs().max().item<float>(), 1e-3f);
  EXPECT_TRUE(torch::allclose(g.grad, expected, 1e-4, 1e-6));
}

// With w_y = 0 the oracle's x̂0 is the unconditional μ = 0, which the classifier does not read as
// class a: approx (the gradient through the decoder and the classifier, ∂x̂0/∂z_t taken as
// 1/sqrt(ᾱ)) pushes every final step towards a and raises its confidence. exact backpropagates
// through the denoiser too, and the oracle's x̂0 does not depend on z_t: its gradient vanishes,
// which a path that skipped the denoiser would not give.
TEST(LatentGuidance, ApproxGuidesThroughTheDecoderAndExactThroughTheDenoiser) {
  SamplerOptions o = cfg_options(10);
  o.guidance_scale = 0.0;
  const auto plain = Sampler(bundle(), o).sample(requests(0, 2, 3));
  o.mode = GuidanceMode::kHigfaFixed;
  o.fine_stage = 0.5;
  o.classifier_scale = 2.0;
  o.classifier_grad = ClassifierGrad::kApprox;
  const auto approx = Sampler(bundle(), o).sample(requests(0, 2, 3));
  o.classifier_grad = ClassifierGrad::kExact;
  const auto exact = Sampler(bundle(), o).sample(requests(0, 2, 3));
  for (std::size_t b = 0; b < 2; ++b) {
    for (std::size_t i = 0; i < approx[b].trace.size(); ++i) {
      const StepTrace& a = approx[b].trace[i];
      if (!a.fine_stage) continue;
      EXPECT_GT(a.grad_norm, 1e-3) << "step " << i;
      EXPECT_TRUE(a.classifier_applied);
      EXPECT_LT(exact[b].trace[i].grad_norm, 1e-4 * a.grad_norm) << "step " << i;
    }
    EXPECT_GT(approx[b].final_confidence, plain[b].final_confidence + 0.01);
    EXPECT_TRUE(torch::isfinite(exact[b].image).all().item<bool>());
  }
}

// classifier-grad auto (the default) is approx on a latent bundle: the same images as approx,
// and the provenance names the resolved mode, never "auto".
TEST(LatentGuidance, AutoGradIsApproxOnALatentBundle) {
  SamplerOptions o = cfg_options(10);
  o.mode = GuidanceMode::kHigfaFixed;
  o.fine_stage = 0.5;
  o.classifier_scale = 2.0;
  ASSERT_EQ(o.classifier_grad, ClassifierGrad::kAuto);
  Sampler automatic(bundle(), o);
  EXPECT_EQ(automatic.options().classifier_grad, ClassifierGrad::kApprox);
  o.classifier_grad = ClassifierGrad::kApprox;
  const auto a = automatic.sample(requests(0, 2, 3));
  const auto b = Sampler(bundle(), o).sample(requests(0, 2, 3));
  for (std::size_t i = 0; i < 2; ++i) EXPECT_TRUE(torch::equal(a[i].image, b[i].image));
  EXPECT_EQ(make_guidance_record(automatic.options(), a[0]).classifier_grad, "approx");
}

// "dtype": "bfloat16": the modules compute in bfloat16 behind a float32 boundary. The sampler
// runs the bundle unchanged; its images are the float32 bundle's to within bfloat16's precision
// (and not equal to them: the modules did compute in bfloat16); the guidance gradient reaches
// the float32 latents as float32 and points where the float32 one does.
TEST(LatentSampler, Bfloat16BundleMatchesFloat32WithinItsPrecision) {
  const ModelBundle bf16 = ModelBundle::load(kBundles + "latent-tiny-bf16");
  EXPECT_EQ(bf16.manifest().dtype, "bfloat16");
  EXPECT_EQ(bundle().manifest().dtype, "float32");
  const auto full = Sampler(bundle(), cfg_options(20)).sample(requests(2, 2, 60));
  const auto reduced = Sampler(bf16, cfg_options(20)).sample(requests(2, 2, 60));
  for (std::size_t b = 0; b < 2; ++b) {
    ASSERT_EQ(reduced[b].image.scalar_type(), torch::kFloat);
    const float diff = (reduced[b].image - full[b].image).abs().max().item<float>();
    EXPECT_GT(diff, 0.0f);
    EXPECT_LT(diff, 0.1f);
    EXPECT_NEAR(reduced[b].final_confidence, full[b].final_confidence, 0.05);
  }
  const torch::Tensor z0 = class_latent(1).clone() + 0.3;
  const torch::Tensor labels = torch::tensor({std::int64_t{2}});
  const ClassifierGradient g32 = approx_classifier_gradient(bundle(), z0, labels, 0.64);
  const ClassifierGradient g16 = approx_classifier_gradient(bf16, z0, labels, 0.64);
  ASSERT_EQ(g16.grad.scalar_type(), torch::kFloat);
  const double cosine = (g16.grad * g32.grad).sum().item<double>() /
                        (g16.grad.norm().item<double>() * g32.grad.norm().item<double>());
  EXPECT_GT(cosine, 0.99);
}

// On a GPU the whole loop runs on the device (the latents, the weights, the trace) and makes the
// CPU's images and guidance trace to within float rounding. Skipped, with the reason, where this
// LibTorch has no CUDA device.
TEST(LatentSampler, CudaSamplesMatchTheCpu_CUDA) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device visible to this LibTorch";
  const ModelBundle gpu = ModelBundle::load(kLatent, torch::Device("cuda:0"));
  SamplerOptions o = cfg_options(20);
  o.mode = GuidanceMode::kHigfa;
  o.fine_stage = 0.5;
  const auto cpu = Sampler(bundle(), o).sample(requests(2, 3, 80));
  const auto cuda = Sampler(gpu, o).sample(requests(2, 3, 80));
  for (std::size_t b = 0; b < 3; ++b) {
    ASSERT_TRUE(cuda[b].image.device().is_cpu());  // the one copy to the host, per image
    EXPECT_LT((cuda[b].image - cpu[b].image).abs().max().item<float>(), 1e-4f);
    EXPECT_NEAR(cuda[b].final_confidence, cpu[b].final_confidence, 1e-4);
    ASSERT_EQ(cuda[b].trace.size(), cpu[b].trace.size());
    for (std::size_t i = 0; i < cpu[b].trace.size(); ++i)
      EXPECT_NEAR(cuda[b].trace[i].classifier_weight, cpu[b].trace[i].classifier_weight, 1e-4);
  }
}

// img2img: the source is encoded; at a low strength the result stays near it.
TEST(LatentSampler, Img2ImgEncodesTheSource) {
  SamplerOptions o = cfg_options(20);
  o.strength = 0.2;
  Sampler sampler(bundle(), o);
  auto batch = requests(1, 1, 5);
  const torch::Tensor source = bundle().decode(class_latent(1))[0];
  batch[0].source = source;
  const auto results = sampler.sample(batch);
  EXPECT_EQ(results[0].trace.size(), 4u);
  EXPECT_LT((results[0].image - source.clamp(-1.0, 1.0)).abs().max().item<float>(), 0.1f);
}

TEST(LatentSampler, ControlIsRepeatedIntoTheControlChannels) {
  SamplerOptions o = cfg_options(10);
  o.mode = GuidanceMode::kContour;
  o.contour_scale = 1.0;
  Sampler sampler(bundle(), o);
  auto with = requests(0, 1, 9);
  with[0].contour = torch::ones({8, 12});
  const auto a = sampler.sample(with);
  const auto b = sampler.sample(requests(0, 1, 9));
  EXPECT_TRUE(a[0].contour_used);
  EXPECT_GT((a[0].image - b[0].image).abs().max().item<float>(), 1e-3f);
}

TEST(LatentBundleErrors, MissingClassInThePromptTableNamesTheKey) {
  const std::string msg = load_error("bad-text-missing-class");
  EXPECT_CONTAINS(msg, "bad-text-missing-class/manifest.json");
  EXPECT_CONTAINS(msg, "\"text.prompts\": expected 3 arrays (one per class)");
}

TEST(LatentBundleErrors, WrongSequenceLengthNamesTheFileAndShape) {
  const std::string msg = load_error("bad-text-wrong-length");
  EXPECT_CONTAINS(msg, "bad-text-wrong-length/prompts.pt: \"embeddings\"");
  EXPECT_CONTAINS(msg, "expected [6, 4, 8] Float, found [6, 5, 8] Float");
}

TEST(LatentBundleErrors, WrongEmbeddingWidthNamesTheFileAndShape) {
  const std::string msg = load_error("bad-text-wrong-dim");
  EXPECT_CONTAINS(msg, "bad-text-wrong-dim/prompts.pt: \"embeddings\"");
  EXPECT_CONTAINS(msg, "expected [6, 4, 8] Float, found [6, 4, 9] Float");
}

TEST(LatentBundleErrors, DecoderOfTheWrongScaleNamesTheFileAndShape) {
  const std::string msg = load_error("bad-latent-decoder-scale");
  EXPECT_CONTAINS(msg, "vae_decoder.pt: expected output [1, 3, 8, 12], found [1, 3, 16, 24]");
}

TEST(LatentBundleErrors, DenoiserOfTheWrongShapeNamesTheFile) {
  const std::string msg = load_error("bad-latent-denoiser-shape");
  EXPECT_CONTAINS(msg, "denoiser.pt: expected output [1, 4, 4, 6], found [1, 4, 2, 2]");
}

TEST(LatentBundleErrors, LatentWithoutAutoencoderNamesTheMissingKey) {
  const std::string msg = load_error("bad-latent-no-vae");
  EXPECT_CONTAINS(msg, "missing key \"files.vae_encoder\"");
}

}  // namespace
}  // namespace higfa
