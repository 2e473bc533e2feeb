// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// FrameSampler: frames to seeded requests, batches across frames, results with typed provenance.
#include <higfa/error.h>
#include <higfa/frame_sampler.h>
#include <higfa/sample_frames.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

namespace higfa {
namespace {

// One sample to generate: the frame it belongs to, its index there and its request.
struct PlannedSample {
  std::size_t frame = 0;
  std::uint32_t index = 0;
  SampleRequest request;
};

// The library tensors of one frame. Errors name the frame.
FrameSamples prepare_frame(const FrameInput& f, const SamplerOptions& options,
                           const BundleManifest& m) {
  const std::string which = "frame \"" + f.source_id + "\": ";
  if (f.class_id < 0 || f.class_id >= m.num_classes) {
    throw InvalidArgument(which + "class id must be in [0, " + std::to_string(m.num_classes) +
                          "), got " + std::to_string(f.class_id));
  }
  FrameSamples s;
  s.class_id = f.class_id;
  s.source_id = f.source_id;
  s.base_seed = f.base_seed;
  try {
    if (f.edges) s.contour = contour_from_edges(*f.edges);
    if (options.strength < 1.0) {
      if (!f.frame) throw InvalidArgument("strength < 1 (img2img) needs the frame itself");
      s.source = source_from_frame(*f.frame, m);
    }
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(which + e.what());
  }
  return s;
}

SamplerStats operator+(SamplerStats a, const SamplerStats& b) {
  a.denoiser_calls += b.denoiser_calls;
  a.classifier_calls += b.classifier_calls;
  a.gradient_passes += b.gradient_passes;
  a.samples += b.samples;
  return a;
}

}  // namespace

void validate(const FrameSamplerOptions& options) {
  if (options.samples_per_image < 1)
    throw InvalidArgument("frame sampler option samples-per-image: expected >= 1, got 0");
  if (options.batch_size < 1)
    throw InvalidArgument("frame sampler option batch-size: expected >= 1, got 0");
}

struct FrameSampler::Impl {
  ModelBundle bundle;
  SamplerOptions options;
  FrameSamplerOptions frame_options;
  Sampler sampler;
  SamplerStats replaced;  // the counters of samplers set_options() replaced
};

FrameSampler::FrameSampler(ModelBundle bundle, SamplerOptions options,
                           FrameSamplerOptions frame_options) {
  validate(frame_options);
  Sampler sampler(bundle, options);  // validates the options against the bundle
  impl_ = std::make_unique<Impl>(Impl{
      std::move(bundle), std::move(options), std::move(frame_options), std::move(sampler), {}});
}

FrameSampler::~FrameSampler() = default;
FrameSampler::FrameSampler(FrameSampler&&) noexcept = default;
FrameSampler& FrameSampler::operator=(FrameSampler&&) noexcept = default;

std::vector<std::uint32_t> FrameSampler::indices_of(const FrameInput& frame) const {
  if (!frame.sample_indices.empty()) return frame.sample_indices;
  std::vector<std::uint32_t> all(impl_->frame_options.samples_per_image);
  std::iota(all.begin(), all.end(), 0u);
  return all;
}

std::vector<FrameResult> FrameSampler::sample(const std::vector<FrameInput>& frames,
                                              const StepCallback& on_step) {
  const BundleManifest& m = impl_->bundle.manifest();
  // 1. Every frame's tensors and seeded requests, before anything runs: a bad frame fails the
  //    call before any sampling time is spent.
  std::vector<PlannedSample> planned;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const FrameSamples prepared = prepare_frame(frames[f], impl_->options, m);
    for (std::uint32_t index : indices_of(frames[f]))
      planned.push_back({f, index, make_request(prepared, index)});
  }
  // 2. Batches across frames, in input order. The Sampler draws everything random about a
  //    request from its seed, so a sample does not depend on its batch.
  std::vector<FrameResult> results(frames.size());
  const std::size_t batch = impl_->frame_options.batch_size;
  for (std::size_t first = 0; first < planned.size(); first += batch) {
    const std::size_t count = std::min(batch, planned.size() - first);
    std::vector<SampleRequest> requests;
    requests.reserve(count);
    for (std::size_t k = 0; k < count; ++k) requests.push_back(planned[first + k].request);
    std::vector<SampleResult> out = impl_->sampler.sample(requests, on_step);
    // 3. Typed provenance for each.
    for (std::size_t k = 0; k < count; ++k) {
      const PlannedSample& p = planned[first + k];
      const FrameInput& f = frames[p.frame];
      const SampleOrigin origin{
          f.source_id, f.class_name, p.index, f.base_seed, impl_->frame_options.bundle_dir, m.name};
      FrameSample s;
      s.index = p.index;
      s.provenance = make_provenance(impl_->sampler.options(), out[k], origin);
      s.image = std::move(out[k].image);
      results[p.frame].samples.push_back(std::move(s));
    }
  }
  return results;
}

std::vector<FrameResult> FrameSampler::sample(const std::vector<FrameInput>& frames,
                                              const std::atomic<bool>& cancel) {
  return sample(frames, [&cancel](int, int) { return !cancel.load(); });
}

void FrameSampler::set_options(const SamplerOptions& options) {
  if (options == impl_->options) return;
  Sampler sampler(impl_->bundle, options);
  impl_->replaced = impl_->replaced + impl_->sampler.stats();
  impl_->sampler = std::move(sampler);
  impl_->options = options;
}

void FrameSampler::set_batch_size(std::uint32_t batch_size) {
  FrameSamplerOptions o = impl_->frame_options;
  o.batch_size = batch_size;
  validate(o);
  impl_->frame_options.batch_size = batch_size;
}

void FrameSampler::write(const FrameSample& sample, const ImageView& dst) const {
  tensor_to_image(sample.image, dst, impl_->bundle.manifest().image.range);
}

const SamplerOptions& FrameSampler::options() const { return impl_->options; }
const FrameSamplerOptions& FrameSampler::frame_options() const { return impl_->frame_options; }
const ModelBundle& FrameSampler::bundle() const { return impl_->bundle; }
SamplerStats FrameSampler::stats() const { return impl_->replaced + impl_->sampler.stats(); }

}  // namespace higfa
