// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the seeded contour transforms (higfa/contour_transform.h).
#include <gtest/gtest.h>
#include <higfa/contour_transform.h>
#include <higfa/error.h>
#include <torch/types.h>

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace {

using higfa::ContourTransformOptions;
using higfa::ContourTransformParams;

// A 1 px wide square outline and a diagonal, the kind of map Canny gives.
torch::Tensor outline(int size = 32) {
  cv::Mat m = cv::Mat::zeros(size, size, CV_32F);
  cv::rectangle(m, {size / 4, size / 4}, {3 * size / 4, 3 * size / 4}, cv::Scalar(1.0), 1);
  cv::line(m, {size / 4, 3 * size / 4}, {3 * size / 4, size / 4}, cv::Scalar(1.0), 1);
  return torch::from_blob(m.data, {size, size}, torch::kFloat).clone();
}

int components(const torch::Tensor& map) {
  const auto u8 = (map * 255).to(torch::kByte).contiguous();
  cv::Mat m(static_cast<int>(map.size(0)), static_cast<int>(map.size(1)), CV_8UC1, u8.data_ptr());
  cv::Mat labels;
  return cv::connectedComponents(m, labels, 8) - 1;
}

bool same_params(const ContourTransformParams& a, const ContourTransformParams& b) {
  return a.rotation_deg == b.rotation_deg && a.scale == b.scale && a.translate_x == b.translate_x &&
         a.translate_y == b.translate_y && a.shear_deg == b.shear_deg && a.flip == b.flip &&
         a.noise_seed == b.noise_seed && a.elastic_alpha == b.elastic_alpha &&
         a.elastic_sigma == b.elastic_sigma && a.edge_dropout == b.edge_dropout;
}

TEST(ContourTransform, SameSeedGivesSameParamsAndSameMap) {
  ContourTransformOptions options;
  options.elastic_alpha = 2.0;
  options.edge_dropout = 0.2;
  const auto a = higfa::draw_contour_transform(options, 1234);
  const auto b = higfa::draw_contour_transform(options, 1234);
  EXPECT_TRUE(same_params(a, b));
  EXPECT_TRUE(torch::equal(higfa::apply_contour_transform(outline(), a),
                           higfa::apply_contour_transform(outline(), b)));
}

TEST(ContourTransform, DifferentSeedsGiveDifferentParams) {
  const ContourTransformOptions options;
  const auto a = higfa::draw_contour_transform(options, 1);
  const auto b = higfa::draw_contour_transform(options, 2);
  EXPECT_NE(a.rotation_deg, b.rotation_deg);
  EXPECT_NE(a.scale, b.scale);
  EXPECT_NE(a.noise_seed, b.noise_seed);
}

// std::mt19937_64 is fixed by the standard and the mapping to doubles is ours, so these values
// are the same on every platform; a change here changes every recorded provenance.
TEST(ContourTransform, DrawnParamsArePlatformIndependent) {
  const auto p = higfa::draw_contour_transform(ContourTransformOptions{}, 42);
  EXPECT_DOUBLE_EQ(p.rotation_deg, 7.6546659886361681);
  EXPECT_DOUBLE_EQ(p.scale, 1.0417094181564091);
  EXPECT_DOUBLE_EQ(p.translate_x, 0.050429040149605336);
  EXPECT_DOUBLE_EQ(p.translate_y, -0.072745463273512598);
  EXPECT_DOUBLE_EQ(p.shear_deg, 6.4523034628540525);
  EXPECT_EQ(p.flip, true);
  EXPECT_EQ(p.noise_seed, 10598951352238613536ULL);
}

TEST(ContourTransform, DrawnParamsStayWithinRanges) {
  const ContourTransformOptions options;
  int flips = 0;
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    const auto p = higfa::draw_contour_transform(options, seed);
    ASSERT_LE(std::abs(p.rotation_deg), 15.0);
    ASSERT_GE(p.scale, 0.85);
    ASSERT_LE(p.scale, 1.15);
    ASSERT_LE(std::abs(p.translate_x), 0.10);
    ASSERT_LE(std::abs(p.translate_y), 0.10);
    ASSERT_LE(std::abs(p.shear_deg), 8.0);
    flips += p.flip ? 1 : 0;
  }
  EXPECT_NEAR(flips, 1000, 100);  // p = 0.5
}

TEST(ContourTransform, IdentityParamsLeaveMapUnchanged) {
  const auto map = outline();
  EXPECT_TRUE(
      torch::equal(higfa::apply_contour_transform(map, higfa::identity_contour_transform()), map));
}

TEST(ContourTransform, FlipMirrorsMap) {
  ContourTransformParams p;
  p.flip = true;
  const auto map = outline(33);
  EXPECT_TRUE(torch::equal(higfa::apply_contour_transform(map, p), map.flip({1})));
}

TEST(ContourTransform, TranslationShiftsMap) {
  ContourTransformParams p;
  p.translate_x = 0.25;    // 8 px of 32
  p.translate_y = -0.125;  // -4 px
  const auto map = outline();
  const auto out = higfa::apply_contour_transform(map, p);
  const auto expected = torch::zeros_like(map);
  expected.narrow(0, 0, 28).narrow(1, 8, 24).copy_(map.narrow(0, 4, 28).narrow(1, 0, 24));
  EXPECT_TRUE(torch::equal(out, expected));
}

// Positive rotation turns anticlockwise on screen (OpenCV's convention): a horizontal line
// through the centre becomes vertical.
TEST(ContourTransform, QuarterTurnMakesHorizontalLineVertical) {
  auto map = torch::zeros({33, 33});
  map[16].narrow(0, 8, 17).fill_(1.0f);
  ContourTransformParams p;
  p.rotation_deg = 90.0;
  const auto out = higfa::apply_contour_transform(map, p);
  EXPECT_TRUE(torch::equal(out, map.t()));
}

// 2x2 squares of edge pixels: a line two pixels wide has them, a one-pixel line has none.
int solid_squares(const torch::Tensor& map) {
  const torch::Tensor m = map > 0.5f;
  const auto n = m.size(0);
  const auto w = m.size(1);
  const torch::Tensor sq =
      m.narrow(0, 0, n - 1).narrow(1, 0, w - 1) & m.narrow(0, 1, n - 1).narrow(1, 0, w - 1) &
      m.narrow(0, 0, n - 1).narrow(1, 1, w - 1) & m.narrow(0, 1, n - 1).narrow(1, 1, w - 1);
  return static_cast<int>(sq.sum().item<std::int64_t>());
}

// Resampling spreads a line over two pixels; thinning takes it back to Canny's one-pixel lines,
// the only kind the denoiser's control branch was trained on.
TEST(ContourTransform, AffineOutputHasOnePixelLines) {
  const auto map = outline(48);
  ContourTransformOptions options;
  options.flip_probability = 0.5;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto p = higfa::draw_contour_transform(options, seed);
    EXPECT_EQ(solid_squares(higfa::apply_contour_transform(map, p)), 0)
        << "seed " << seed << ": " << p.to_json();
  }
}

// Bilinear resampling of 1 px lines, binarised above 0.35, keeps them connected and thin.
TEST(ContourTransform, AffineKeepsThinLinesConnected) {
  const auto map = outline(48);
  ASSERT_EQ(components(map), 1);
  ContourTransformOptions options;
  options.flip_probability = 0.5;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto p = higfa::draw_contour_transform(options, seed);
    const auto out = higfa::apply_contour_transform(map, p);
    EXPECT_EQ(components(out), 1) << "seed " << seed << ": " << p.to_json();
    const double ratio = out.sum().item<double>() / map.sum().item<double>();
    EXPECT_GT(ratio, 0.8 * p.scale) << "seed " << seed;
    EXPECT_LT(ratio, 1.5 * p.scale) << "seed " << seed;
  }
}

TEST(ContourTransform, OutputIsBinary) {
  ContourTransformOptions options;
  options.elastic_alpha = 1.5;
  const auto out =
      higfa::apply_contour_transform(outline(), higfa::draw_contour_transform(options, 5));
  EXPECT_TRUE(out.eq(0).logical_or(out.eq(1)).all().item<bool>());
}

TEST(ContourTransform, ElasticWarpMovesEdgesDeterministically) {
  ContourTransformParams p;
  p.elastic_alpha = 2.0;
  p.elastic_sigma = 3.0;
  p.noise_seed = 99;
  const auto map = outline();
  const auto a = higfa::apply_contour_transform(map, p);
  EXPECT_FALSE(torch::equal(a, map));
  EXPECT_TRUE(torch::equal(a, higfa::apply_contour_transform(map, p)));
  p.noise_seed = 100;
  EXPECT_FALSE(torch::equal(a, higfa::apply_contour_transform(map, p)));
}

// Dropout removes whole 8x8 cells: each cell is either untouched or empty.
TEST(ContourTransform, EdgeDropoutRemovesWholeCells) {
  const auto map = torch::ones({32, 32});
  ContourTransformParams p;
  p.edge_dropout = 0.5;
  p.noise_seed = 7;
  const auto out = higfa::apply_contour_transform(map, p);
  int dropped = 0;
  for (int cy = 0; cy < 4; ++cy) {
    for (int cx = 0; cx < 4; ++cx) {
      const double sum = out.narrow(0, cy * 8, 8).narrow(1, cx * 8, 8).sum().item<double>();
      ASSERT_TRUE(sum == 0.0 || sum == 64.0) << "cell " << cx << "," << cy;
      dropped += sum == 0.0 ? 1 : 0;
    }
  }
  EXPECT_GT(dropped, 0);
  EXPECT_LT(dropped, 16);
  p.edge_dropout = 1.0;
  EXPECT_EQ(higfa::apply_contour_transform(map, p).sum().item<double>(), 0.0);
}

TEST(ContourTransform, ToJsonRecordsEveryField) {
  ContourTransformOptions options;
  options.elastic_alpha = 1.0;
  const auto p = higfa::draw_contour_transform(options, 3);
  const auto j = nlohmann::json::parse(p.to_json());
  EXPECT_DOUBLE_EQ(j.at("rotation_deg").get<double>(), p.rotation_deg);
  EXPECT_DOUBLE_EQ(j.at("scale").get<double>(), p.scale);
  EXPECT_DOUBLE_EQ(j.at("translate_x").get<double>(), p.translate_x);
  EXPECT_DOUBLE_EQ(j.at("translate_y").get<double>(), p.translate_y);
  EXPECT_DOUBLE_EQ(j.at("shear_deg").get<double>(), p.shear_deg);
  EXPECT_EQ(j.at("flip").get<bool>(), p.flip);
  EXPECT_DOUBLE_EQ(j.at("elastic_alpha").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j.at("elastic_sigma").get<double>(), p.elastic_sigma);
  EXPECT_DOUBLE_EQ(j.at("edge_dropout").get<double>(), 0.0);
  EXPECT_EQ(j.at("noise_seed").get<std::uint64_t>(), p.noise_seed);
}

TEST(ContourTransform, RejectsBadOptionsAndShapes) {
  ContourTransformOptions o;
  o.min_scale = 1.2;
  EXPECT_THROW(higfa::validate(o), higfa::InvalidArgument);
  o = {};
  o.flip_probability = 1.5;
  EXPECT_THROW(higfa::draw_contour_transform(o, 0), higfa::InvalidArgument);
  o = {};
  o.max_rotation_deg = -1;
  EXPECT_THROW(higfa::validate(o), higfa::InvalidArgument);
  EXPECT_THROW(higfa::apply_contour_transform(torch::zeros({1, 8, 8}), {}), higfa::InvalidArgument);
}

}  // namespace
