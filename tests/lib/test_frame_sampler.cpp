// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of higfa::FrameSampler: frames in, batched across frames, images with typed provenance out.
#include <gtest/gtest.h>
#include <higfa/bundle.h>
#include <higfa/error.h>
#include <higfa/frame_sampler.h>
#include <higfa/provenance.h>
#include <higfa/seed.h>
#include <torch/torch.h>

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#ifndef HIGFA_FIXTURES_DIR
#error "HIGFA_FIXTURES_DIR must name tests/fixtures"
#endif

namespace higfa {
namespace {

// tools/make_sampler_fixtures.py: 8x8 grey, classes a, b, c; the denoiser depends on x_t, the
// class and the contour, so every part of a request shows in the image.
const std::string kBundle = std::string(HIGFA_FIXTURES_DIR) + "/bundles/gaussian";

const ModelBundle& bundle() {
  static const ModelBundle b = ModelBundle::load(kBundle);
  return b;
}

SamplerOptions fast_options() {
  SamplerOptions o;
  o.scheduler = SchedulerKind::kDdim;
  o.num_inference_steps = 12;  // the final stage: the last 6 steps (fine_stage 0.5)
  return o;
}

FrameSamplerOptions frame_options(std::uint32_t n, std::uint32_t batch) {
  FrameSamplerOptions f;
  f.samples_per_image = n;
  f.batch_size = batch;
  f.bundle_dir = "some/bundle/dir";
  return f;
}

// A 16x12 edge map (the sampler fits it to 8x8): a box outline, offset by `shift` pixels.
struct EdgeMap {
  std::vector<std::uint8_t> pixels;
  explicit EdgeMap(int shift) : pixels(16 * 12, 0) {
    for (int y = 2; y < 10; ++y)
      for (int x = 3 + shift; x < 12 + shift; ++x)
        if (y == 2 || y == 9 || x == 3 + shift || x == 11 + shift) pixels[y * 16 + x] = 255;
  }
  ImageView view() { return {pixels.data(), 16, 12, 16, PixelFormat::kGray8}; }
};

FrameInput frame(int class_id, const std::string& source_id, std::uint64_t base_seed,
                 EdgeMap* edges) {
  static const char* const kNames[] = {"a", "b", "c"};
  FrameInput f;
  f.class_id = class_id;
  f.class_name = kNames[class_id];
  f.source_id = source_id;
  f.base_seed = base_seed;
  if (edges != nullptr) f.edges = edges->view();
  return f;
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

TEST(FrameSampler, ReturnsEverySampleOfEveryFrameInInputOrder) {
  EdgeMap e0(0), e2(2);
  FrameSampler sampler(bundle(), fast_options(), frame_options(3, 8));
  const std::vector<FrameInput> frames = {frame(0, "img-0", 7, &e0), frame(2, "img-1", 7, nullptr),
                                          frame(1, "img-2", 9, &e2)};
  const std::vector<FrameResult> results = sampler.sample(frames);
  ASSERT_EQ(results.size(), 3u);
  for (std::size_t f = 0; f < 3; ++f) {
    ASSERT_EQ(results[f].samples.size(), 3u);
    for (std::uint32_t i = 0; i < 3; ++i) {
      const FrameSample& s = results[f].samples[i];
      EXPECT_EQ(s.index, i);
      EXPECT_EQ(s.image.sizes(), (std::vector<std::int64_t>{1, 8, 8}));
      EXPECT_EQ(s.image.scalar_type(), torch::kFloat);
      EXPECT_GE(s.image.min().item<float>(), -1.0f);
      EXPECT_LE(s.image.max().item<float>(), 1.0f);
      EXPECT_EQ(s.provenance.source_id, frames[f].source_id);
      EXPECT_EQ(s.provenance.seed, derive_seed(frames[f].base_seed, frames[f].source_id, i));
    }
  }
  EXPECT_EQ(sampler.stats().samples, 9);
}

TEST(FrameSampler, ProvenanceIsFullyFilled) {
  EdgeMap edges(1);
  FrameSampler sampler(bundle(), fast_options(), frame_options(2, 8));
  const std::vector<FrameResult> results =
      sampler.sample({frame(2, "shirt/50000.png", 1234, &edges), frame(0, "x", 5, nullptr)});
  const Provenance& p = results.at(0).samples.at(1).provenance;
  EXPECT_EQ(p.source_id, "shirt/50000.png");
  EXPECT_EQ(p.class_id, 2);
  EXPECT_EQ(p.class_name, "c");
  EXPECT_EQ(p.sample_index, 1u);
  EXPECT_EQ(p.seed, derive_seed(1234, "shirt/50000.png", 1));
  EXPECT_EQ(p.base_seed, 1234u);
  EXPECT_EQ(p.bundle, "some/bundle/dir");
  EXPECT_EQ(p.bundle_name, bundle().manifest().name);
  EXPECT_TRUE(p.contour_used);
  EXPECT_NE(to_json(p.transform), to_json(ContourTransformParams{}));  // a drawn transform
  EXPECT_GE(p.final_confidence, 0.0);
  EXPECT_LE(p.final_confidence, 1.0);
  EXPECT_EQ(p.guidance.mode, "higfa");
  EXPECT_EQ(p.guidance.scheduler, "ddim");
  EXPECT_EQ(p.guidance.num_inference_steps, 12);
  EXPECT_DOUBLE_EQ(p.guidance.guidance_scale, kDefaultSamplerOptions.guidance_scale);
  ASSERT_TRUE(p.guidance.has_final_weights);
  EXPECT_EQ(p.guidance.final_weights.step, 11);
  EXPECT_EQ(p.confidences.size(), 6u);  // measured on each final-stage step
  const Provenance& q = results.at(1).samples.at(0).provenance;
  EXPECT_FALSE(q.contour_used);
  EXPECT_EQ(to_json(q.transform), to_json(ContourTransformParams{}));
}

// Issue 16: a sample is the same whatever it is batched with, across frames too.
TEST(FrameSampler, CrossFrameBatchesGiveTheImagesOfBatchSizeOne) {
  EdgeMap e0(0), e1(3);
  const std::vector<FrameInput> frames = {frame(0, "img-0", 3, &e0), frame(1, "img-1", 3, nullptr),
                                          frame(2, "img-2", 4, &e1)};
  FrameSampler one(bundle(), fast_options(), frame_options(3, 1));
  const std::vector<FrameResult> alone = one.sample(frames);
  for (const std::uint32_t batch : {2u, 4u, 9u}) {
    SCOPED_TRACE(batch);
    FrameSampler batched(bundle(), fast_options(), frame_options(3, batch));
    const std::vector<FrameResult> together = batched.sample(frames);
    ASSERT_EQ(together.size(), alone.size());
    for (std::size_t f = 0; f < frames.size(); ++f) {
      ASSERT_EQ(together[f].samples.size(), 3u);
      for (std::size_t i = 0; i < 3; ++i) {
        const FrameSample& a = alone[f].samples[i];
        const FrameSample& b = together[f].samples[i];
        EXPECT_LE(max_abs_diff(a.image, b.image), 1e-5) << "frame " << f << " sample " << i;
        EXPECT_EQ(a.provenance.seed, b.provenance.seed);
        EXPECT_EQ(to_json(a.provenance.transform), to_json(b.provenance.transform));
        EXPECT_NEAR(a.provenance.final_confidence, b.provenance.final_confidence, 1e-5);
      }
    }
  }
  // The samples of one frame differ from each other, and from another frame's.
  EXPECT_GT(max_abs_diff(alone[0].samples[0].image, alone[0].samples[1].image), 1e-3);
  EXPECT_GT(max_abs_diff(alone[0].samples[0].image, alone[2].samples[0].image), 1e-3);
}

// 3 frames x 2 samples at batch-size 4: two batches (4 + 2), the first spanning two frames.
TEST(FrameSampler, BatchesSpanFrames) {
  FrameSampler sampler(bundle(), fast_options(), frame_options(2, 4));
  int batches = 0;
  const auto results = sampler.sample(
      {frame(0, "a0", 1, nullptr), frame(1, "b0", 1, nullptr), frame(2, "c0", 1, nullptr)},
      [&batches](int step, int) {
        if (step == 0) ++batches;
        return true;
      });
  EXPECT_EQ(batches, 2);
  EXPECT_EQ(results.size(), 3u);
  EXPECT_EQ(sampler.stats().samples, 6);
}

// The later resume path: a frame asks only for the samples not yet on disk.
TEST(FrameSampler, SampleIndicesChooseWhichSamplesAreMade) {
  EdgeMap edges(0);
  FrameSampler sampler(bundle(), fast_options(), frame_options(4, 8));
  const std::vector<FrameResult> all = sampler.sample({frame(1, "img", 2, &edges)});
  FrameInput some = frame(1, "img", 2, &edges);
  some.sample_indices = {3, 1};
  const std::vector<FrameResult> chosen = sampler.sample({some});
  ASSERT_EQ(chosen.at(0).samples.size(), 2u);
  EXPECT_EQ(chosen[0].samples[0].index, 3u);
  EXPECT_EQ(chosen[0].samples[1].index, 1u);
  EXPECT_EQ(chosen[0].samples[0].provenance.sample_index, 3u);
  EXPECT_LE(max_abs_diff(chosen[0].samples[0].image, all[0].samples[3].image), 1e-5);
  EXPECT_LE(max_abs_diff(chosen[0].samples[1].image, all[0].samples[1].image), 1e-5);
}

TEST(FrameSampler, Img2ImgReadsTheFrameAndNeedsIt) {
  SamplerOptions o = fast_options();
  o.strength = 0.5;
  FrameSampler sampler(bundle(), o, frame_options(1, 8));
  FrameInput f = frame(1, "img2img-0", 0, nullptr);
  EXPECT_THROW(sampler.sample({f}), InvalidArgument);
  std::vector<std::uint8_t> pixels(5 * 4 * 3, 200);  // any size, any format
  f.frame = ImageView{pixels.data(), 5, 4, 15, PixelFormat::kRgb};
  const std::vector<FrameResult> results = sampler.sample({f});
  ASSERT_EQ(results.at(0).samples.size(), 1u);
  EXPECT_DOUBLE_EQ(results[0].samples[0].provenance.guidance.strength, 0.5);
}

TEST(FrameSampler, ABadFrameIsAnErrorNamingIt) {
  FrameSampler sampler(bundle(), fast_options(), frame_options(1, 8));
  FrameInput unknown = frame(0, "img-unknown-class", 0, nullptr);
  unknown.class_id = 3;  // the null class is not a class
  try {
    sampler.sample({frame(0, "fine", 0, nullptr), unknown});
    ADD_FAILURE() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("img-unknown-class"), std::string::npos) << e.what();
  }
  std::vector<std::uint8_t> rgb(8 * 8 * 3, 0);
  FrameInput colour_edges = frame(0, "img-colour-edges", 0, nullptr);
  colour_edges.edges = ImageView{rgb.data(), 8, 8, 24, PixelFormat::kRgb};
  EXPECT_THROW(sampler.sample({colour_edges}), InvalidArgument);
  EXPECT_EQ(sampler.stats().samples, 0);  // nothing ran
}

TEST(FrameSampler, ASetCancelFlagCancels) {
  FrameSampler sampler(bundle(), fast_options(), frame_options(2, 8));
  std::atomic<bool> cancel{true};
  EXPECT_THROW(sampler.sample({frame(0, "img", 0, nullptr)}, cancel), Cancelled);
  cancel = false;
  EXPECT_EQ(sampler.sample({frame(0, "img", 0, nullptr)}, cancel).at(0).samples.size(), 2u);
}

TEST(FrameSampler, ConstructionValidatesAgainstTheBundle) {
  SamplerOptions too_many_steps = fast_options();
  too_many_steps.num_inference_steps = bundle().manifest().scheduler.noise.num_train_timesteps + 1;
  EXPECT_THROW(FrameSampler(bundle(), too_many_steps), InvalidArgument);
  SamplerOptions bad = fast_options();
  bad.fine_stage = 2.0;
  EXPECT_THROW(FrameSampler(bundle(), bad), InvalidArgument);
  EXPECT_THROW(FrameSampler(bundle(), fast_options(), frame_options(0, 8)), InvalidArgument);
  EXPECT_THROW(FrameSampler(bundle(), fast_options(), frame_options(4, 0)), InvalidArgument);
}

TEST(FrameSampler, SetOptionsAppliesToLaterCallsAndKeepsTheOldOnesOnError) {
  FrameSampler sampler(bundle(), fast_options(), frame_options(1, 8));
  SamplerOptions cfg = fast_options();
  cfg.mode = GuidanceMode::kCfg;
  sampler.set_options(cfg);
  EXPECT_EQ(sampler.sample({frame(0, "img", 0, nullptr)})[0].samples[0].provenance.guidance.mode,
            "cfg");
  SamplerOptions bad = cfg;
  bad.eta = -1.0;
  EXPECT_THROW(sampler.set_options(bad), InvalidArgument);
  EXPECT_TRUE(sampler.options() == cfg);
  EXPECT_THROW(sampler.set_batch_size(0), InvalidArgument);
  EXPECT_EQ(sampler.frame_options().batch_size, 8u);
  EXPECT_EQ(sampler.stats().samples, 1);
}

TEST(FrameSampler, WriteFillsAViewOfTheModelsSize) {
  FrameSampler sampler(bundle(), fast_options(), frame_options(1, 8));
  const FrameSample s = sampler.sample({frame(1, "img", 0, nullptr)}).at(0).samples.at(0);
  std::vector<std::uint8_t> rgb(8 * 10 * 3, 7);  // 8x8 RGB in rows of 10 pixels
  sampler.write(s, ImageView{rgb.data(), 8, 8, 30, PixelFormat::kRgb});
  const torch::Tensor expected =
      ((s.image[0] + 1.0) * 127.5).clamp(0, 255).round().to(torch::kByte);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      for (int c = 0; c < 3; ++c)
        EXPECT_EQ(rgb[y * 30 + x * 3 + c], expected[y][x].item<std::uint8_t>());
  EXPECT_EQ(rgb[8 * 3], 7);  // the padding is untouched
  std::vector<std::uint8_t> small(4 * 4, 0);
  EXPECT_THROW(sampler.write(s, ImageView{small.data(), 4, 4, 4, PixelFormat::kGray8}),
               InvalidArgument);
}

TEST(SamplerOptions, DefaultsAreConstexprAndCompareEqual) {
  static_assert(kDefaultSamplerOptions.num_inference_steps == 10);
  static_assert(kDefaultSamplerOptions.scheduler == SchedulerKind::kDpmSolverMultistep);
  static_assert(kDefaultSamplesPerImage == 4 && kDefaultBatchSize == 8);
  SamplerOptions o;
  EXPECT_TRUE(o == kDefaultSamplerOptions);
  o.transform.max_shear_deg = 1.0;
  EXPECT_TRUE(o != kDefaultSamplerOptions);
}

}  // namespace
}  // namespace higfa
