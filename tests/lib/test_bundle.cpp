// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the model bundle loader (higfa/bundle.h) on the fixtures of tools/make_test_fixtures.py.
#include <gtest/gtest.h>
#include <higfa/bundle.h>
#include <higfa/error.h>
#include <higfa/log.h>
#include <torch/types.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bundle_test_util.h"
#include "temp_dir.h"

namespace {

using higfa::testing::kBundles;
using higfa::testing::load_error;

torch::Tensor alphas_cumprod() {
  const auto betas = torch::linspace(0.0001, 0.02, 1000, torch::kDouble);
  return torch::cumprod(1.0 - betas, 0);
}

TEST(Bundle, TinyBundleLoadsAndExposesItsManifest) {
  const auto bundle = higfa::ModelBundle::load(kBundles + "tiny");
  const auto& m = bundle.manifest();
  EXPECT_EQ(m.name, "tiny");
  EXPECT_EQ(m.image.height, 8);
  EXPECT_EQ(m.image.width, 8);
  EXPECT_EQ(m.image.channels, 1);
  EXPECT_FLOAT_EQ(m.image.range.lo, -1.0f);
  EXPECT_FLOAT_EQ(m.image.range.hi, 1.0f);
  EXPECT_EQ(m.image.fit, higfa::FitMode::kPad);
  EXPECT_FALSE(m.latent);
  EXPECT_EQ(m.scheduler.prediction_type, higfa::PredictionType::kEpsilon);
  EXPECT_EQ(m.scheduler.noise.beta_schedule, higfa::BetaSchedule::kLinear);
  EXPECT_DOUBLE_EQ(m.scheduler.noise.beta_start, 0.0001);
  EXPECT_DOUBLE_EQ(m.scheduler.noise.beta_end, 0.02);
  EXPECT_EQ(m.scheduler.noise.num_train_timesteps, 1000);
  EXPECT_EQ(m.conditioning, "class");
  EXPECT_EQ(m.num_classes, 3);
  EXPECT_EQ(m.null_class, 3);
  EXPECT_EQ(m.class_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(m.contour.blur_size, 3);
  EXPECT_DOUBLE_EQ(m.contour.low_threshold, 50.0);
  EXPECT_DOUBLE_EQ(m.contour.high_threshold, 150.0);
  EXPECT_EQ(m.classifier.height, 8);
  EXPECT_EQ(m.denoiser_file, "denoiser.pt");
  EXPECT_EQ(m.classifier_file, "classifier.pt");
  EXPECT_EQ(m.provenance_json.rfind("{\"command\":", 0), 0u)
      << m.provenance_json;  // key order kept
  EXPECT_CONTAINS(m.provenance_json, "make_test_fixtures.py");
  EXPECT_EQ(bundle.directory(), kBundles + "tiny");
  EXPECT_EQ(bundle.device(), torch::Device(torch::kCPU));
}

TEST(Bundle, LoadingLogsTheBundle) {
  std::vector<std::string> messages;
  std::mutex mutex;
  higfa::set_log_callback([&](higfa::LogLevel, const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex);
    messages.push_back(message);
  });
  higfa::ModelBundle::load(kBundles + "tiny");
  higfa::set_log_callback(nullptr);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_CONTAINS(messages[0], "tiny");
}

TEST(Bundle, ClassIdMatchesNamesExactly) {
  const auto bundle = higfa::ModelBundle::load(kBundles + "tiny");
  EXPECT_EQ(bundle.class_id("a"), 0);
  EXPECT_EQ(bundle.class_id("c"), 2);
  EXPECT_EQ(bundle.class_id("A"), -1);
  EXPECT_EQ(bundle.class_id(""), -1);
}

// The tiny denoiser is the exact ε for data μ_c (README.md there); the sampler tests rely on it.
TEST(Bundle, TinyDenoiserComputesAnalyticNoisePrediction) {
  const auto bundle = higfa::ModelBundle::load(kBundles + "tiny");
  const auto acp = alphas_cumprod();
  const auto x = torch::linspace(-1.5, 1.5, 3 * 64).reshape({3, 1, 8, 8});
  const auto t = torch::tensor({0, 500, 999}, torch::kLong);
  const auto cond = torch::tensor({0, 2, 3}, torch::kLong);
  auto contour = torch::zeros({3, 1, 8, 8});
  contour.select(2, 4).fill_(1.0f);  // row 4 of every map
  const auto scale = torch::tensor({0.0f, 0.8f, 1.0f});
  const auto eps = bundle.denoise(x, t, cond, contour, scale);
  const double mu[] = {-0.5, 0.5, 0.0};
  for (int i = 0; i < 3; ++i) {
    const double a = acp[t[i].item<std::int64_t>()].item<double>();
    const auto expected = (x[i] - std::sqrt(a) * mu[i]) / std::sqrt(1.0 - a) +
                          0.1 * scale[i].item<double>() * contour[i];
    EXPECT_TRUE(torch::allclose(eps[i], expected, 1e-5, 1e-5)) << "sample " << i;
  }
}

TEST(Bundle, TinyClassifierPrefersClosestClassMean) {
  const auto bundle = higfa::ModelBundle::load(kBundles + "tiny");
  const auto x = torch::stack({torch::full({1, 8, 8}, -0.45f), torch::full({1, 8, 8}, 0.05f),
                               torch::full({1, 8, 8}, 0.6f)});
  const auto logits = bundle.classify(x);
  ASSERT_EQ(logits.sizes(), (torch::IntArrayRef{3, 3}));
  EXPECT_TRUE(torch::equal(logits.argmax(1), torch::tensor({0, 1, 2}, torch::kLong)));
  // logits_k = -10 * mean((x - mu_k)^2): for x = 0.05, class 2 (mu 0.5) scores -10 * 0.2025.
  EXPECT_NEAR(logits[1][2].item<float>(), -2.025f, 1e-5);
}

// Autograd passes through the module when the caller enables it (classifier guidance).
TEST(Bundle, DenoiseIsDifferentiableWhenGradIsEnabled) {
  const auto bundle = higfa::ModelBundle::load(kBundles + "tiny");
  const auto x = torch::zeros({1, 1, 8, 8}).requires_grad_(true);
  const auto eps =
      bundle.denoise(x, torch::tensor({10}, torch::kLong), torch::tensor({1}, torch::kLong),
                     torch::zeros({1, 1, 8, 8}), torch::zeros({1}));
  eps.sum().backward();
  const double a = alphas_cumprod()[10].item<double>();
  EXPECT_TRUE(
      torch::allclose(x.grad(), torch::full({1, 1, 8, 8}, 1.0 / std::sqrt(1.0 - a)), 1e-4, 1e-4));
}

TEST(Bundle, ConcurrentInferenceMatchesSerialResults) {
  const auto bundle = higfa::ModelBundle::load(kBundles + "tiny");
  const auto x = torch::linspace(-1, 1, 4 * 64).reshape({4, 1, 8, 8});
  auto run = [&](std::int64_t t) {
    return bundle.denoise(x, torch::full({4}, t, torch::kLong), torch::tensor({0, 1, 2, 3}),
                          torch::zeros({4, 1, 8, 8}), torch::zeros({4}));
  };
  std::vector<torch::Tensor> serial;
  for (int i = 0; i < 4; ++i) serial.push_back(run(100 * i));
  std::vector<torch::Tensor> parallel(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 20; ++k) parallel[static_cast<std::size_t>(i)] = run(100 * i);
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(torch::equal(serial[i], parallel[i]));
}

TEST(Bundle, DenoiseRejectsInputsOfTheWrongShape) {
  const auto bundle = higfa::ModelBundle::load(kBundles + "tiny");
  const auto t = torch::zeros({1}, torch::kLong);
  const auto c = torch::zeros({1}, torch::kLong);
  const auto s = torch::zeros({1});
  EXPECT_THROW(bundle.denoise(torch::zeros({1, 1, 4, 4}), t, c, torch::zeros({1, 1, 4, 4}), s),
               higfa::InvalidArgument);
  EXPECT_THROW(bundle.denoise(torch::zeros({1, 1, 8, 8}), t.to(torch::kInt), c,
                              torch::zeros({1, 1, 8, 8}), s),
               higfa::InvalidArgument);
  EXPECT_THROW(bundle.classify(torch::zeros({2, 3, 8, 8})), higfa::InvalidArgument);
}

// The nan bundle loads (the probe checks shapes, not values); its output is NaN.
TEST(Bundle, NanBundleLoadsAndPredictsNan) {
  const auto bundle = higfa::ModelBundle::load(kBundles + "nan");
  const auto eps = bundle.denoise(torch::zeros({2, 1, 8, 8}), torch::zeros({2}, torch::kLong),
                                  torch::full({2}, 3, torch::kLong), torch::zeros({2, 1, 8, 8}),
                                  torch::zeros({2}));
  EXPECT_TRUE(eps.isnan().all().item<bool>());
}

TEST(BundleErrors, MissingManifestNamesTheFile) {
  const std::string msg = load_error("bad-no-manifest");
  EXPECT_CONTAINS(msg, "bad-no-manifest/manifest.json");
  EXPECT_CONTAINS(msg, "cannot open");
}

TEST(BundleErrors, MalformedJsonNamesTheFile) {
  const std::string msg = load_error("bad-malformed-json");
  EXPECT_CONTAINS(msg, "bad-malformed-json/manifest.json");
  EXPECT_CONTAINS(msg, "malformed JSON");
}

TEST(BundleErrors, MissingKeyNamesTheKeyAndWhatWasExpected) {
  const std::string msg = load_error("bad-missing-key");
  EXPECT_CONTAINS(msg, "bad-missing-key/manifest.json");
  EXPECT_CONTAINS(msg, "missing key \"num_classes\" (expected an integer)");
}

TEST(BundleErrors, WrongTypeSaysWhatWasExpectedAndFound) {
  const std::string msg = load_error("bad-wrong-type");
  EXPECT_CONTAINS(msg, "bad-wrong-type/manifest.json");
  EXPECT_CONTAINS(msg, "\"channels\": expected an integer in 1..3, found the string \"1\"");
}

TEST(BundleErrors, ClassNamesLengthMismatchGivesBothCounts) {
  const std::string msg = load_error("bad-class-names");
  EXPECT_CONTAINS(msg, "bad-class-names/manifest.json");
  EXPECT_CONTAINS(msg, "\"class_names\": expected 3 names (num_classes), found 2");
}

TEST(BundleErrors, LatentBundleWithoutAutoencoderNamesTheMissingFiles) {
  const std::string msg = load_error("bad-latent");
  EXPECT_CONTAINS(msg, "bad-latent/manifest.json");
  EXPECT_CONTAINS(msg,
                  "missing key \"files.vae_encoder\" (a latent bundle needs "
                  "files.vae_encoder and files.vae_decoder)");
}

TEST(BundleErrors, MissingDenoiserFileNamesTheFile) {
  const std::string msg = load_error("bad-missing-denoiser");
  EXPECT_CONTAINS(msg, "bad-missing-denoiser/denoiser.pt: file not found");
  EXPECT_CONTAINS(msg, "files.denoiser");
}

TEST(BundleErrors, CorruptTorchScriptNamesTheFile) {
  const std::string msg = load_error("bad-corrupt-denoiser");
  EXPECT_CONTAINS(msg, "bad-corrupt-denoiser/denoiser.pt: expected a TorchScript module");
}

TEST(BundleErrors, DenoiserOutputShapeMismatchGivesBothShapes) {
  const std::string msg = load_error("bad-denoiser-shape");
  EXPECT_CONTAINS(
      msg, "bad-denoiser-shape/denoiser.pt: expected output [1, 1, 8, 8], found [1, 1, 4, 4]");
}

TEST(BundleErrors, ClassifierWithWrongClassCountGivesBothShapes) {
  const std::string msg = load_error("bad-classifier-classes");
  EXPECT_CONTAINS(msg,
                  "bad-classifier-classes/classifier.pt: expected output [1, 3], found [1, 2]");
}

TEST(BundleErrors, MissingDirectoryIsAModelLoadError) {
  const std::string msg = load_error("no-such-bundle");
  EXPECT_CONTAINS(msg, "no-such-bundle/manifest.json");
}

TEST(BundleManifest, LoadManifestAloneValidatesWithoutLoadingModules) {
  const auto m = higfa::load_manifest(kBundles + "bad-denoiser-shape");
  EXPECT_EQ(m.name, "bad-denoiser-shape");
  EXPECT_THROW(higfa::load_manifest(kBundles + "bad-class-names"), higfa::ModelLoadError);
}

// A copy of the tiny bundle whose manifest has `key` set to `value` (docs/bundles.md §2).
class EditedTiny {
 public:
  EditedTiny(const std::string& key, const std::string& value) {
    namespace fs = std::filesystem;
    fs::copy(kBundles + "tiny", dir(), fs::copy_options::recursive);
    nlohmann::json m;
    std::ifstream(dir() + "/manifest.json") >> m;
    m[key] = value;
    std::ofstream(dir() + "/manifest.json") << m.dump(2);
  }
  std::string dir() const { return tmp_.path() + "/tiny"; }
  std::string load_error(torch::Device device = torch::kCPU) const {
    try {
      higfa::ModelBundle::load(dir(), device);
    } catch (const higfa::ModelLoadError& e) {
      return e.what();
    }
    return "";
  }

 private:
  higfa_test::TempDir tmp_;
};

TEST(BundleDevice, AbsentDeviceAndDtypeMeanAnyDeviceAndFloat32) {
  const auto m = higfa::load_manifest(kBundles + "tiny");
  EXPECT_EQ(m.device, "any");
  EXPECT_EQ(m.dtype, "float32");
}

TEST(BundleDevice, ACpuTraceLoadsOnTheCpu) {
  const EditedTiny b("device", "cpu");
  EXPECT_EQ(b.load_error(), "");
  EXPECT_EQ(higfa::ModelBundle::load(b.dir()).manifest().device, "cpu");
}

// A trace made on CUDA holds cuda factory calls: refused on the CPU, saying what to change.
TEST(BundleDevice, ACudaTraceIsRefusedOnTheCpuNamingBothDevices) {
  const std::string msg = EditedTiny("device", "cuda").load_error();
  EXPECT_CONTAINS(msg, "tiny/manifest.json");
  EXPECT_CONTAINS(msg, "traced for cuda");
  EXPECT_CONTAINS(msg, "asked for on cpu");
}

TEST(BundleDevice, UnknownDeviceOrDtypeNamesTheChoices) {
  std::string msg = EditedTiny("device", "gpu").load_error();
  EXPECT_CONTAINS(msg,
                  "\"device\": expected \"any\" or \"cpu\" or \"cuda\", found the string \"gpu\"");
  msg = EditedTiny("dtype", "fp16").load_error();
  EXPECT_CONTAINS(msg, "\"dtype\": expected \"float32\" or \"float16\" or \"bfloat16\"");
}

TEST(BundleDevice, Float16WithoutCudaIsRefused) {
  const std::string msg = EditedTiny("dtype", "float16").load_error();
  EXPECT_CONTAINS(msg, "tiny/manifest.json");
  EXPECT_CONTAINS(msg, "\"float16\" only with \"device\": \"cuda\"");
}

// Counts the "loaded model bundle" messages while alive: one per load that opened modules.
class LoadCounter {
 public:
  LoadCounter() {
    higfa::set_log_callback([this](higfa::LogLevel, const std::string& message) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (message.find("loaded model bundle") != std::string::npos) messages_.push_back(message);
    });
  }
  ~LoadCounter() { higfa::set_log_callback(nullptr); }
  std::size_t loads() {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_.size();
  }
  std::string last() {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_.empty() ? "" : messages_.back();
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> messages_;
};

// The message of the ModelLoadError that a shared load of `name` throws ("" if it loads).
std::string shared_load_error(const std::string& name, higfa::BundleParts parts) {
  try {
    higfa::ModelBundle::shared(kBundles + name, torch::kCPU, parts);
  } catch (const higfa::ModelLoadError& e) {
    return e.what();
  }
  return "";
}

TEST(SharedBundle, SameDirectoryAndDeviceGiveTheSameBundle) {
  LoadCounter counter;
  const auto a = higfa::ModelBundle::shared(kBundles + "tiny");
  // Another spelling of the same directory is the same key.
  const auto b = higfa::ModelBundle::shared(kBundles + "../bundles/tiny/.");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(counter.loads(), 1u);
  EXPECT_TRUE(a->has_denoiser());
  EXPECT_EQ(a->manifest().name, "tiny");
}

TEST(SharedBundle, AfterTheLastReleaseANewCallLoadsAgain) {
  LoadCounter counter;
  auto a = higfa::ModelBundle::shared(kBundles + "tiny");
  a.reset();
  const auto b = higfa::ModelBundle::shared(kBundles + "tiny");
  EXPECT_EQ(counter.loads(), 2u);
  EXPECT_EQ(b->manifest().name, "tiny");
}

TEST(SharedBundle, ACopyOfTheBundleKeepsItsModulesShared) {
  LoadCounter counter;
  auto a = higfa::ModelBundle::shared(kBundles + "tiny");
  const higfa::ModelBundle copy = *a;
  a.reset();
  const auto b = higfa::ModelBundle::shared(kBundles + "tiny");
  EXPECT_EQ(counter.loads(), 1u);
  EXPECT_EQ(&b->manifest(), &copy.manifest());
}

TEST(SharedBundle, ConcurrentFirstCallsLoadOnce) {
  LoadCounter counter;
  std::vector<std::shared_ptr<const higfa::ModelBundle>> got(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&got, i]() { got[i] = higfa::ModelBundle::shared(kBundles + "tiny"); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.loads(), 1u);
  for (const auto& g : got) EXPECT_EQ(g.get(), got[0].get());
}

TEST(SharedBundle, ClassifierOnlyLoadNeverOpensTheDenoiser) {
  // bad-corrupt-denoiser's denoiser.pt is garbage; its classifier is tiny's.
  LoadCounter counter;
  const auto part = higfa::ModelBundle::shared(kBundles + "bad-corrupt-denoiser", torch::kCPU,
                                               higfa::BundleParts::kClassifier);
  EXPECT_FALSE(part->has_denoiser());
  EXPECT_CONTAINS(counter.last(), "(classifier only)");
  const auto logits = part->classify(torch::full({1, 1, 8, 8}, 0.5f));
  EXPECT_EQ(logits.argmax(1).item<std::int64_t>(), 2);
  const auto x = torch::zeros({1, 1, 8, 8});
  const auto i = torch::zeros({1}, torch::kLong);
  EXPECT_THROW(part->denoise(x, i, i, x, torch::zeros({1})), higfa::Error);
  // The full load, beside the live classifier-only one, opens the denoiser and fails on it.
  EXPECT_CONTAINS(shared_load_error("bad-corrupt-denoiser", higfa::BundleParts::kAll),
                  "bad-corrupt-denoiser/denoiser.pt: expected a TorchScript module");
}

TEST(SharedBundle, ALiveFullBundleServesClassifierOnlyRequests) {
  LoadCounter counter;
  const auto full = higfa::ModelBundle::shared(kBundles + "tiny");
  const auto part =
      higfa::ModelBundle::shared(kBundles + "tiny", torch::kCPU, higfa::BundleParts::kClassifier);
  EXPECT_EQ(part.get(), full.get());
  EXPECT_EQ(counter.loads(), 1u);
}

TEST(SharedBundle, AFullLoadReusesTheLiveClassifierOnlyManifest) {
  LoadCounter counter;
  const auto part =
      higfa::ModelBundle::shared(kBundles + "tiny", torch::kCPU, higfa::BundleParts::kClassifier);
  const auto full = higfa::ModelBundle::shared(kBundles + "tiny");
  EXPECT_NE(part.get(), full.get());
  EXPECT_TRUE(full->has_denoiser());
  EXPECT_EQ(&full->manifest(), &part->manifest());
  EXPECT_EQ(counter.loads(), 2u);
}

TEST(SharedManifest, IsTheLiveBundlesManifestAndParsedOnceWhileHeld) {
  const auto bundle = higfa::ModelBundle::shared(kBundles + "tiny");
  EXPECT_EQ(higfa::shared_manifest(kBundles + "tiny").get(), &bundle->manifest());
  const auto alone = higfa::shared_manifest(kBundles + "bad-denoiser-shape");
  EXPECT_EQ(higfa::shared_manifest(kBundles + "bad-denoiser-shape").get(), alone.get());
  EXPECT_EQ(alone->name, "bad-denoiser-shape");
  EXPECT_THROW(higfa::shared_manifest(kBundles + "bad-class-names"), higfa::ModelLoadError);
}

}  // namespace
