// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the frame helpers around the Sampler (higfa/sample_frames.h) and higfa/runtime.h.
#include <gtest/gtest.h>
#include <higfa/error.h>
#include <higfa/runtime.h>
#include <higfa/sample_frames.h>
#include <higfa/seed.h>
#include <sched.h>
#include <torch/torch.h>

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#ifndef HIGFA_FIXTURES_DIR
#error "HIGFA_FIXTURES_DIR must name tests/fixtures"
#endif

namespace {

const std::string kTinyBundle = std::string(HIGFA_FIXTURES_DIR) + "/bundles/tiny";

TEST(SampleFrames, ContourFromEdgesMapsEdgesToOneAndHonoursTheStride) {
  // 3x2 edge map in rows of 5 bytes; the padding bytes must be ignored.
  std::vector<std::uint8_t> bytes = {255, 0, 0, 77, 77, 0, 255, 255, 77, 77};
  const higfa::ImageView edges{bytes.data(), 3, 2, 5, higfa::PixelFormat::kGray8};
  const torch::Tensor k = higfa::contour_from_edges(edges);
  ASSERT_EQ(k.sizes(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(k.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(k, torch::tensor({{1.0f, 0.0f, 0.0f}, {0.0f, 1.0f, 1.0f}})));
}

TEST(SampleFrames, ContourFromEdgesRejectsColour) {
  std::vector<std::uint8_t> bytes(12, 0);
  const higfa::ImageView rgb{bytes.data(), 2, 2, 6, higfa::PixelFormat::kRgb};
  EXPECT_THROW(higfa::contour_from_edges(rgb), higfa::InvalidArgument);
}

TEST(SampleFrames, SourceFromFrameHasTheBundlesChannelsAndRange) {
  const higfa::BundleManifest m = higfa::load_manifest(kTinyBundle);
  std::vector<std::uint8_t> bytes = {0, 0, 0, 255, 255, 255};  // 2x1 RGB: black, white
  const higfa::ImageView frame{bytes.data(), 2, 1, 6, higfa::PixelFormat::kRgb};
  const torch::Tensor x = higfa::source_from_frame(frame, m);
  ASSERT_EQ(x.sizes(), (std::vector<std::int64_t>{1, 1, 2}));
  EXPECT_NEAR(x[0][0][0].item<float>(), m.image.range.lo, 1e-5);
  EXPECT_NEAR(x[0][0][1].item<float>(), m.image.range.hi, 1e-5);
}

TEST(SampleFrames, MakeRequestsSeedsEachSampleFromItsIndex) {
  higfa::FrameSamples frame;
  frame.class_id = 2;
  frame.source_id = "img-9";
  frame.base_seed = 17;
  frame.contour = torch::ones({4, 4});
  const std::vector<higfa::SampleRequest> requests = higfa::make_requests(frame, 3, 2);
  ASSERT_EQ(requests.size(), 2u);
  for (std::uint32_t k = 0; k < 2; ++k) {
    EXPECT_EQ(requests[k].class_id, 2);
    EXPECT_EQ(requests[k].seed, higfa::derive_seed(17, "img-9", 3 + k));
    EXPECT_TRUE(requests[k].contour.is_same(frame.contour));
    EXPECT_FALSE(requests[k].source.defined());
  }
}

TEST(SampleFrames, GuidanceJsonHasTheSettingsAndTheLastStepsWeights) {
  higfa::SamplerOptions options;
  options.guidance_scale = 6.5;
  options.classifier_grad = higfa::ClassifierGrad::kExact;
  higfa::SampleResult result;
  higfa::StepTrace last;
  last.step = 49;
  last.text_weight = 3.25;
  last.classifier_applied = true;
  result.trace = {higfa::StepTrace{}, last};
  const nlohmann::json j =
      nlohmann::json::parse(higfa::to_json(higfa::make_guidance_record(options, result)));
  EXPECT_EQ(j.at("mode"), "higfa");
  EXPECT_EQ(j.at("scheduler"), "dpm++2m");
  EXPECT_EQ(j.at("num_inference_steps"), 10);
  EXPECT_DOUBLE_EQ(j.at("guidance_scale").get<double>(), 6.5);
  EXPECT_DOUBLE_EQ(j.at("text_modulation").at("lo").get<double>(), 0.5);
  EXPECT_EQ(j.at("classifier_grad"), "exact");
  EXPECT_EQ(j.at("final_weights").at("step"), 49);
  EXPECT_DOUBLE_EQ(j.at("final_weights").at("text_weight").get<double>(), 3.25);
  EXPECT_EQ(j.at("final_weights").at("classifier_applied"), true);
}

TEST(SampleFrames, GuidanceJsonWithoutATraceHasNullWeights) {
  const nlohmann::json j = nlohmann::json::parse(
      higfa::to_json(higfa::make_guidance_record(higfa::SamplerOptions{}, higfa::SampleResult{})));
  EXPECT_TRUE(j.at("final_weights").is_null());
}

TEST(SampleFrames, ExtraJsonListsMeasuredConfidences) {
  const higfa::BundleManifest m = higfa::load_manifest(kTinyBundle);
  higfa::SampleResult result;
  result.contour_used = true;
  higfa::StepTrace unmeasured, measured;
  measured.step = 3;
  measured.confidence = 0.25;
  result.trace = {unmeasured, measured};
  higfa::SampleOrigin origin;
  origin.bundle_dir = "some/dir";
  origin.bundle_name = m.name;
  origin.base_seed = 42;
  const nlohmann::json j = nlohmann::json::parse(
      higfa::to_json(higfa::make_provenance(higfa::SamplerOptions{}, result, origin)))["extra"];
  EXPECT_EQ(j.at("bundle"), "some/dir");
  EXPECT_EQ(j.at("bundle_name"), "tiny");
  EXPECT_EQ(j.at("base_seed"), 42);
  EXPECT_EQ(j.at("contour_used"), true);
  EXPECT_EQ(j.at("confidences"), nlohmann::json::parse("[[3, 0.25]]"));
}

// The provenance's JSON has the keys and values the string-built form had.
TEST(SampleFrames, ProvenanceRecordsTheResultAndItsOrigin) {
  higfa::SamplerOptions options;
  options.mode = higfa::GuidanceMode::kContour;
  higfa::SampleResult result;
  result.class_id = 2;
  result.seed = 99;
  result.final_confidence = 0.75;
  result.contour_used = true;
  result.transform.rotation_deg = 4.5;
  higfa::SampleOrigin origin{"img-3", "coat", 5, 17, "models/x", "x"};
  const higfa::Provenance p = higfa::make_provenance(options, result, origin);
  const nlohmann::json j = nlohmann::json::parse(higfa::to_json(p));
  EXPECT_EQ(j.at("source_id"), "img-3");
  EXPECT_EQ(j.at("class_id"), 2);
  EXPECT_EQ(j.at("class_name"), "coat");
  EXPECT_EQ(j.at("sample_index"), 5);
  EXPECT_EQ(j.at("seed"), 99);
  EXPECT_EQ(j.at("mode"), "contour");
  EXPECT_DOUBLE_EQ(j.at("transform").at("rotation_deg").get<double>(), 4.5);
  EXPECT_EQ(j.at("guidance").at("mode"), "contour");
  EXPECT_DOUBLE_EQ(j.at("final_confidence").get<double>(), 0.75);
  EXPECT_EQ(j.at("extra").at("bundle"), "models/x");
  EXPECT_EQ(j.at("extra").at("base_seed"), 17);
}

TEST(Runtime, ParseDeviceAcceptsCpuAndRejectsNonsense) {
  EXPECT_EQ(higfa::parse_device("cpu"), torch::Device(torch::kCPU));
  EXPECT_THROW(higfa::parse_device("gpu"), higfa::InvalidArgument);
  EXPECT_THROW(higfa::parse_device("cuda:x"), higfa::InvalidArgument);
  EXPECT_THROW(higfa::parse_device("cuda:"), higfa::InvalidArgument);
}

TEST(Runtime, ParseDeviceRejectsAnAbsentCudaDevice) {
  EXPECT_THROW(higfa::parse_device("cuda:99"), higfa::InvalidArgument);
}

TEST(Runtime, SetNumThreadsSetsLibTorchsThreadCount) {
  const int before = higfa::num_threads();
  higfa::set_num_threads(1);
  EXPECT_EQ(higfa::num_threads(), 1);
  higfa::set_num_threads(before);
  EXPECT_THROW(higfa::set_num_threads(0), higfa::InvalidArgument);
}

// threads=0 means the CPUs of the process's affinity mask, which taskset / cpusets narrow.
TEST(Runtime, ZeroThreadsResolvesToTheCpusOfTheAffinityMask) {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  ASSERT_EQ(sched_getaffinity(0, sizeof(mask), &mask), 0);
  EXPECT_EQ(higfa::affinity_cpu_count(), CPU_COUNT(&mask));
  EXPECT_EQ(higfa::resolve_num_threads(0), CPU_COUNT(&mask));
  EXPECT_EQ(higfa::resolve_num_threads(3), 3);
  EXPECT_THROW(higfa::resolve_num_threads(-1), higfa::InvalidArgument);
  if (CPU_COUNT(&mask) < 2) GTEST_SKIP() << "one CPU: cannot narrow the mask";
  // Narrowed to one CPU (on a thread of its own: the mask is per thread), the count follows.
  int narrowed = 0;
  std::thread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &mask)) {
        CPU_SET(cpu, &one);
        break;
      }
    }
    if (sched_setaffinity(0, sizeof(one), &one) == 0) narrowed = higfa::resolve_num_threads(0);
  }).join();
  EXPECT_EQ(narrowed, 1);
}

// The scope puts the calling thread's LibTorch work on that thread alone and restores the count;
// other threads keep the process-wide count (model loading uses it so that probes on the
// application thread leave no OpenMP pool beside the streaming thread's).
TEST(Runtime, SingleThreadScopeLimitsOnlyTheCallingThread) {
  const int before = higfa::num_threads();
  higfa::set_num_threads(2);
  {
    higfa::SingleThreadScope scope;
    EXPECT_EQ(higfa::num_threads(), 1);
    std::set<std::thread::id> ids;
    std::mutex mutex;
    at::parallel_for(0, 1000, 1, [&](std::int64_t, std::int64_t) {
      const std::lock_guard<std::mutex> lock(mutex);
      ids.insert(std::this_thread::get_id());
    });
    EXPECT_EQ(ids.size(), 1u);
    int other = 0;
    std::thread([&] {
      at::parallel_for(0, 1, 1, [](std::int64_t, std::int64_t) {});
      other = higfa::num_threads();
    }).join();
    EXPECT_EQ(other, 2);
  }
  EXPECT_EQ(higfa::num_threads(), 2);
  higfa::set_num_threads(before);
}

}  // namespace
