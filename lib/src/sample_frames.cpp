// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Frames in and out of the Sampler: contour and source tensors, per-sample requests, provenance.
#include <higfa/error.h>
#include <higfa/sample_frames.h>
#include <higfa/seed.h>

namespace higfa {

torch::Tensor contour_from_edges(const ImageView& edges) {
  if (edges.format != PixelFormat::kGray8)
    throw InvalidArgument("contour_from_edges: expected a GRAY8 edge map, got " +
                          std::to_string(bytes_per_pixel(edges.format)) + " bytes per pixel");
  // [1, 1, H, W] -> [H, W]; values 0 / 255 map to 0 / 1.
  return image_to_tensor(edges, 1, ValueRange{0.0f, 1.0f})[0][0];
}

torch::Tensor source_from_frame(const ImageView& frame, const BundleManifest& manifest) {
  return image_to_tensor(frame, manifest.image.channels, manifest.image.range)[0];
}

SampleRequest make_request(const FrameSamples& frame, std::uint32_t index) {
  SampleRequest request;
  request.class_id = frame.class_id;
  request.seed = derive_seed(frame.base_seed, frame.source_id, index);
  request.contour = frame.contour;
  request.source = frame.source;
  return request;
}

std::vector<SampleRequest> make_requests(const FrameSamples& frame, std::uint32_t first_index,
                                         std::uint32_t count) {
  std::vector<SampleRequest> requests;
  requests.reserve(count);
  for (std::uint32_t i = first_index; i < first_index + count; ++i)
    requests.push_back(make_request(frame, i));
  return requests;
}

std::string scheduler_kind_name(SchedulerKind kind) {
  return kind == SchedulerKind::kDdim ? "ddim" : "dpm++2m";
}

GuidanceRecord make_guidance_record(const SamplerOptions& options, const SampleResult& result) {
  GuidanceRecord g;
  g.mode = to_string(options.mode);
  g.scheduler = scheduler_kind_name(options.scheduler);
  g.num_inference_steps = options.num_inference_steps;
  g.eta = options.eta;
  g.strength = options.strength;
  g.fine_stage = options.fine_stage;
  g.guidance_scale = options.guidance_scale;
  g.contour_scale = options.contour_scale;
  g.classifier_scale = options.classifier_scale;
  g.text_lo = options.text_modulation.lo;
  g.text_hi = options.text_modulation.hi;
  g.contour_lo = options.contour_modulation.lo;
  g.contour_hi = options.contour_modulation.hi;
  g.classifier_lo = options.classifier_modulation.lo;
  g.classifier_hi = options.classifier_modulation.hi;
  g.gamma = options.gamma;
  g.classifier_gate = options.classifier_gate;
  g.classifier_grad = to_string(options.classifier_grad);
  g.grad_clip = options.grad_clip;
  g.transform_contour = options.transform_contour;
  g.clip_sample = result.x0_clipped;
  g.has_final_weights = !result.trace.empty();
  if (g.has_final_weights) {
    const StepTrace& last = result.trace.back();
    g.final_weights.step = last.step;
    g.final_weights.text_weight = last.text_weight;
    g.final_weights.contour_weight = last.contour_weight;
    g.final_weights.classifier_weight = last.classifier_weight;
    g.final_weights.modulation_confidence = last.modulation_confidence;
    g.final_weights.classifier_applied = last.classifier_applied;
  }
  return g;
}

Provenance make_provenance(const SamplerOptions& options, const SampleResult& result,
                           const SampleOrigin& origin) {
  Provenance p;
  p.source_id = origin.source_id;
  p.class_id = result.class_id;
  p.class_name = origin.class_name;
  p.sample_index = origin.sample_index;
  p.seed = result.seed;
  p.transform = result.transform;
  p.guidance = make_guidance_record(options, result);
  p.final_confidence = result.final_confidence;
  p.bundle = origin.bundle_dir;
  p.bundle_name = origin.bundle_name;
  p.base_seed = origin.base_seed;
  p.contour_used = result.contour_used;
  p.prompt_index = result.prompt_index;
  p.prompt = result.prompt;
  for (const StepTrace& step : result.trace)
    if (step.confidence >= 0.0) p.confidences.emplace_back(step.step, step.confidence);
  return p;
}

}  // namespace higfa
