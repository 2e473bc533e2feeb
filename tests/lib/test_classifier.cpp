// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of ImageClassifier (higfa/classifier.h) against analytic classifiers with a closed form.
#include <gtest/gtest.h>
#include <higfa/bundle.h>
#include <higfa/classifier.h>
#include <higfa/error.h>
#include <higfa/manifest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#ifndef HIGFA_FIXTURES_DIR
#error "HIGFA_FIXTURES_DIR must name tests/fixtures"
#endif

namespace {

const std::string kFixtures = HIGFA_FIXTURES_DIR;
const std::string kAnalytic = kFixtures + "/classifiers/analytic.pt";
const std::string kTinyBundle = kFixtures + "/bundles/tiny";

higfa::ImageClassifier load_analytic() {
  return higfa::ImageClassifier::load(kAnalytic, higfa::ImageClassifier::spec_path_for(kAnalytic));
}

// The fixtures' closed form: logits_k = -scale * mean((x - mu_k)^2), mu_k = -0.5 + 0.5 k, x in
// [-1, 1] from 8-bit v as v / 255 * 2 - 1 (scale 10; tiny-filter's filter classifier is 0.75 on
// this scale); returns the softmax over 3 classes.
std::vector<double> analytic_probs(const std::vector<double>& x, double scale = 10.0) {
  std::vector<double> logits(3), probs(3);
  double max_logit = -1e30, sum = 0.0;
  for (int k = 0; k < 3; ++k) {
    double d = 0.0;
    for (double v : x) d += (v - (-0.5 + 0.5 * k)) * (v - (-0.5 + 0.5 * k));
    logits[k] = -scale * d / static_cast<double>(x.size());
    max_logit = std::max(max_logit, logits[k]);
  }
  for (int k = 0; k < 3; ++k) sum += probs[k] = std::exp(logits[k] - max_logit);
  for (double& p : probs) p /= sum;
  return probs;
}

double to_range(std::uint8_t v) { return v / 255.0 * 2.0 - 1.0; }

// An 8x8 GRAY8 frame; pixel (x, y) = base + x + 8 y (mod 256), `stride` >= 8 with junk padding.
struct Frame {
  std::vector<std::uint8_t> bytes;
  higfa::ImageView view;
  std::vector<double> values;  // the 64 pixels in the model range
  Frame(int base, int stride = 8) : bytes(static_cast<std::size_t>(stride) * 8, 0xAB) {
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) {
        const auto v = static_cast<std::uint8_t>((base + x + 8 * y) & 0xFF);
        bytes[static_cast<std::size_t>(y * stride + x)] = v;
        values.push_back(to_range(v));
      }
    view = {bytes.data(), 8, 8, stride, higfa::PixelFormat::kGray8};
  }
};

void expect_matches_formula(const higfa::Classification& c, const std::vector<double>& x,
                            double scale = 10.0) {
  const auto want = analytic_probs(x, scale);
  ASSERT_EQ(c.probs.size(), 3u);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(c.probs[k], want[k], 1e-5) << "class " << k;
  for (std::size_t i = 0; i < c.ids.size(); ++i) EXPECT_FLOAT_EQ(c.scores[i], c.probs[c.ids[i]]);
  for (std::size_t i = 1; i < c.scores.size(); ++i) EXPECT_GE(c.scores[i - 1], c.scores[i]);
}

TEST(ImageClassifier, StandaloneLoadReadsTheDescription) {
  const auto clf = load_analytic();
  EXPECT_EQ(clf.num_classes(), 3);
  EXPECT_EQ(clf.class_names(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(clf.spec().height, 8);
  EXPECT_EQ(clf.spec().width, 8);
  EXPECT_EQ(clf.spec().channels, 1);
  EXPECT_FLOAT_EQ(clf.spec().range.lo, -1.0f);
  EXPECT_EQ(clf.class_id("b"), 1);
  EXPECT_EQ(clf.class_id("z"), -1);
}

TEST(ImageClassifier, TopKOrderingAndSoftmaxMatchTheAnalyticFormula) {
  const auto clf = load_analytic();
  // Constant frames at the prototypes mu_k: pixel value (mu_k + 1) / 2 * 255.
  const std::uint8_t at_mu[3] = {64, 128, 191};
  for (int k = 0; k < 3; ++k) {
    std::vector<std::uint8_t> px(64, at_mu[k]);
    const higfa::ImageView view{px.data(), 8, 8, 8, higfa::PixelFormat::kGray8};
    const auto c = clf.classify({view}, 3).at(0);
    EXPECT_EQ(c.ids.front(), k);
    expect_matches_formula(c, std::vector<double>(64, to_range(at_mu[k])));
  }
  Frame ramp(40);
  expect_matches_formula(clf.classify({ramp.view}, 2).at(0), ramp.values);
}

// The tiny bundle's classifier is the same closed form, with the manifest's classifier spec.
TEST(ImageClassifier, BundleClassifierUsesTheManifestSpecAndMatchesTheFormula) {
  const higfa::ImageClassifier clf(higfa::ModelBundle::load(kTinyBundle));
  EXPECT_EQ(clf.class_names(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(clf.spec().height, 8);
  EXPECT_EQ(clf.spec().channels, 1);
  Frame ramp(100), other(7, 11);
  const auto out = clf.classify({ramp.view, other.view}, 3);
  ASSERT_EQ(out.size(), 2u);
  expect_matches_formula(out[0], ramp.values);
  expect_matches_formula(out[1], other.values);
}

TEST(ImageClassifier, TopKIsClampedToTheNumberOfClasses) {
  const auto clf = load_analytic();
  Frame f(0);
  EXPECT_EQ(clf.classify({f.view}, 1).at(0).ids.size(), 1u);
  EXPECT_EQ(clf.classify({f.view}, 99).at(0).ids.size(), 3u);
  EXPECT_THROW(clf.classify({f.view}, 0), higfa::InvalidArgument);
}

TEST(ImageClassifier, BatchEqualsOneByOne) {
  const auto clf = load_analytic();
  std::vector<Frame> frames;
  for (int base : {0, 50, 100, 150, 200, 250}) frames.emplace_back(base);
  std::vector<higfa::ImageView> views;
  for (const auto& f : frames) views.push_back(f.view);
  const auto batch = clf.classify(views, 3);
  ASSERT_EQ(batch.size(), frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto one = clf.classify({frames[i].view}, 3).at(0);
    EXPECT_EQ(batch[i].ids, one.ids) << "frame " << i;
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(batch[i].probs[k], one.probs[k], 1e-6);
  }
}

TEST(ImageClassifier, HonoursTheStride) {
  const auto clf = load_analytic();
  Frame packed(77), padded(77, 13);
  const auto a = clf.classify({packed.view}, 3).at(0);
  const auto b = clf.classify({padded.view}, 3).at(0);
  EXPECT_EQ(a.ids, b.ids);
  for (int k = 0; k < 3; ++k) EXPECT_FLOAT_EQ(a.probs[k], b.probs[k]);
}

TEST(ImageClassifier, ColourFramesAreConvertedToTheModelsChannels) {
  const auto clf = load_analytic();
  std::vector<std::uint8_t> grey(64, 128), rgb(64 * 3, 128);
  const auto g = clf.classify({{grey.data(), 8, 8, 8, higfa::PixelFormat::kGray8}}, 3).at(0);
  const auto c = clf.classify({{rgb.data(), 8, 8, 24, higfa::PixelFormat::kRgb}}, 3).at(0);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(g.probs[k], c.probs[k], 1e-5);
}

TEST(ImageClassifier, ClassifyTensorMatchesClassifyAndFitsOtherSizes) {
  const auto clf = load_analytic();
  Frame f(10);
  const auto from_frame = clf.classify({f.view}, 3).at(0);
  const auto x = clf.preprocess({f.view});
  ASSERT_EQ(x.sizes(), (torch::IntArrayRef{1, 1, 8, 8}));
  const auto from_tensor = clf.classify_tensor(x, 3).at(0);
  for (int k = 0; k < 3; ++k) EXPECT_FLOAT_EQ(from_frame.probs[k], from_tensor.probs[k]);
  // A constant 16x16 image is scaled down to the same constant 8x8 image.
  const auto big = clf.classify_tensor(torch::full({2, 1, 16, 16}, 0.25f), 3);
  ASSERT_EQ(big.size(), 2u);
  expect_matches_formula(big[1], std::vector<double>(64, 0.25));
  EXPECT_THROW(clf.classify_tensor(torch::zeros({1, 3, 8, 8}), 3), higfa::InvalidArgument);
  EXPECT_THROW(clf.classify_tensor(torch::zeros({1, 8, 8}), 3), higfa::InvalidArgument);
}

TEST(ImageClassifier, NonFiniteLogitsAreAnError) {
  const auto clf = load_analytic();
  EXPECT_THROW(clf.classify_tensor(torch::full({1, 1, 8, 8}, NAN), 1), higfa::Error);
}

TEST(ImageClassifier, EmptyOrInvalidFramesAreRejected) {
  const auto clf = load_analytic();
  EXPECT_THROW(clf.classify({}, 1), higfa::InvalidArgument);
  std::vector<std::uint8_t> px(64);
  EXPECT_THROW(clf.classify({{px.data(), 8, 8, 4, higfa::PixelFormat::kGray8}}, 1),
               higfa::InvalidArgument);
}

// Each broken fixture fails at load with a ModelLoadError naming the file at fault.
void expect_load_error(const std::string& stem, const std::string& names) {
  const std::string pt = kFixtures + "/classifiers/" + stem + ".pt";
  try {
    higfa::ImageClassifier::load(pt, higfa::ImageClassifier::spec_path_for(pt));
    FAIL() << stem << ": expected ModelLoadError";
  } catch (const higfa::ModelLoadError& e) {
    EXPECT_NE(std::string(e.what()).find(names), std::string::npos) << e.what();
  }
}

TEST(ImageClassifier, ClassListThatMismatchesTheModuleNamesTheModule) {
  expect_load_error("mismatch", "mismatch.pt");
}

TEST(ImageClassifier, CorruptModuleNamesTheModule) { expect_load_error("corrupt", "corrupt.pt"); }

TEST(ImageClassifier, IncompleteDescriptionNamesTheFileAndKey) {
  expect_load_error("badspec", "badspec.json");
  expect_load_error("badspec", "\"channels\"");
  expect_load_error("absent", "absent.json");
}

TEST(ImageClassifier, SpecPathReplacesTheExtension) {
  EXPECT_EQ(higfa::ImageClassifier::spec_path_for("/m/judge.pt"), "/m/judge.json");
  EXPECT_EQ(higfa::ImageClassifier::spec_path_for("/m.d/judge"), "/m.d/judge.json");
}

TEST(SharedClassifier, SameBundleGivesTheSameClassifierAndTheBundlesResults) {
  const auto a = higfa::shared_classifier(kTinyBundle);
  const auto b = higfa::shared_classifier(kTinyBundle);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->class_names(), (std::vector<std::string>{"a", "b", "c"}));
  Frame ramp(100);
  expect_matches_formula(a->classify({ramp.view}, 3).at(0), ramp.values);
}

TEST(SharedClassifier, LoadsWithoutTheDenoiser) {
  // The bundle's denoiser.pt is garbage bytes: a full load fails on it.
  const std::string dir = kFixtures + "/bundles/bad-corrupt-denoiser";
  const auto clf = higfa::shared_classifier(dir);
  Frame ramp(100);
  expect_matches_formula(clf->classify({ramp.view}, 3).at(0), ramp.values);
  EXPECT_THROW(higfa::ModelBundle::load(dir), higfa::ModelLoadError);
}

// tiny-filter: tiny's classifier plus a filter classifier with its own input contract ([0, 1]).
const std::string kFilterBundle = kFixtures + "/bundles/tiny-filter";
constexpr double kFilterScale = 0.75;  // its logits on the [-1, 1] scale

TEST(FilterClassifier, ManifestNamesTheFileAndItsOwnInputContract) {
  const higfa::BundleManifest m = higfa::load_manifest(kFilterBundle);
  EXPECT_EQ(m.filter_classifier_file, "filter_classifier.pt");
  EXPECT_FLOAT_EQ(m.filter_classifier.range.lo, 0.0f);
  EXPECT_FLOAT_EQ(m.filter_classifier.range.hi, 1.0f);
  EXPECT_FLOAT_EQ(m.classifier.range.lo, -1.0f);
  EXPECT_TRUE(higfa::load_manifest(kTinyBundle).filter_classifier_file.empty());
}

TEST(FilterClassifier, AutoPicksTheFilterWhereTheBundleHasOne) {
  using higfa::BundleClassifier;
  EXPECT_EQ(higfa::resolve_bundle_classifier(kFilterBundle, BundleClassifier::kAuto),
            BundleClassifier::kFilter);
  EXPECT_EQ(higfa::resolve_bundle_classifier(kTinyBundle, BundleClassifier::kAuto),
            BundleClassifier::kGuidance);
  EXPECT_EQ(higfa::resolve_bundle_classifier(kFilterBundle, BundleClassifier::kGuidance),
            BundleClassifier::kGuidance);
  EXPECT_EQ(higfa::parse_bundle_classifier("filter"), BundleClassifier::kFilter);
  EXPECT_THROW(higfa::parse_bundle_classifier("judge"), higfa::InvalidArgument);
}

TEST(FilterClassifier, FilterAndGuidanceClassifiersGiveTheirOwnFormulas) {
  const auto filter =
      higfa::shared_classifier(kFilterBundle, torch::kCPU, higfa::BundleClassifier::kFilter);
  const auto guidance =
      higfa::shared_classifier(kFilterBundle, torch::kCPU, higfa::BundleClassifier::kGuidance);
  const auto automatic =
      higfa::shared_classifier(kFilterBundle, torch::kCPU, higfa::BundleClassifier::kAuto);
  EXPECT_NE(filter.get(), guidance.get());
  EXPECT_EQ(filter.get(), automatic.get());
  EXPECT_EQ(filter->class_names(), (std::vector<std::string>{"a", "b", "c"}));
  Frame ramp(100), other(7, 11);
  // The frames reach the filter in [0, 1] (its own contract): its logits are then exactly
  // -0.75 * mean((x - mu_k)^2) on the [-1, 1] scale.
  const auto f = filter->classify({ramp.view, other.view}, 3);
  expect_matches_formula(f.at(0), ramp.values, kFilterScale);
  expect_matches_formula(f.at(1), other.values, kFilterScale);
  expect_matches_formula(guidance->classify({ramp.view}, 3).at(0), ramp.values);
}

TEST(FilterClassifier, MissingOrBrokenFilterIsALoadErrorNamingIt) {
  try {
    higfa::shared_classifier(kTinyBundle, torch::kCPU, higfa::BundleClassifier::kFilter);
    ADD_FAILURE() << "expected ModelLoadError";
  } catch (const higfa::ModelLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("files.filter_classifier"), std::string::npos) << e.what();
  }
  try {
    higfa::ImageClassifier::load_filter(kFixtures + "/bundles/bad-filter-classes");
    ADD_FAILURE() << "expected ModelLoadError";
  } catch (const higfa::ModelLoadError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("filter_classifier.pt"), std::string::npos) << text;
    EXPECT_NE(text.find("[1, 3]"), std::string::npos) << text;
  }
}

}  // namespace
