// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Frames in and out of the Sampler: contour and source tensors, per-sample requests, provenance.
#include <higfa/error.h>
#include <higfa/sample_frames.h>
#include <higfa/seed.h>

#include <nlohmann/json.hpp>

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

std::vector<SampleRequest> make_requests(const FrameSamples& frame, std::uint32_t first_index,
                                         std::uint32_t count) {
  std::vector<SampleRequest> requests;
  requests.reserve(count);
  for (std::uint32_t i = first_index; i < first_index + count; ++i) {
    SampleRequest request;
    request.class_id = frame.class_id;
    request.seed = derive_seed(frame.base_seed, frame.source_id, i);
    request.contour = frame.contour;
    request.source = frame.source;
    requests.push_back(std::move(request));
  }
  return requests;
}

std::string scheduler_kind_name(SchedulerKind kind) {
  return kind == SchedulerKind::kDdim ? "ddim" : "dpm++2m";
}

namespace {

nlohmann::json modulation_json(const Modulation& m) { return {{"lo", m.lo}, {"hi", m.hi}}; }

nlohmann::json final_weights_json(const SampleResult& result) {
  if (result.trace.empty()) return nullptr;
  const StepTrace& last = result.trace.back();
  return {{"step", last.step},
          {"text_weight", last.text_weight},
          {"contour_weight", last.contour_weight},
          {"classifier_weight", last.classifier_weight},
          {"modulation_confidence", last.modulation_confidence},
          {"classifier_applied", last.classifier_applied}};
}

}  // namespace

std::string guidance_json(const SamplerOptions& options, const SampleResult& result) {
  const nlohmann::json j = {
      {"mode", to_string(options.mode)},
      {"scheduler", scheduler_kind_name(options.scheduler)},
      {"num_inference_steps", options.num_inference_steps},
      {"eta", options.eta},
      {"strength", options.strength},
      {"fine_stage", options.fine_stage},
      {"guidance_scale", options.guidance_scale},
      {"contour_scale", options.contour_scale},
      {"classifier_scale", options.classifier_scale},
      {"text_modulation", modulation_json(options.text_modulation)},
      {"contour_modulation", modulation_json(options.contour_modulation)},
      {"classifier_modulation", modulation_json(options.classifier_modulation)},
      {"gamma", options.gamma},
      {"classifier_gate", options.classifier_gate},
      {"classifier_grad", to_string(options.classifier_grad)},
      {"grad_clip", options.grad_clip},
      {"transform_contour", options.transform_contour},
      {"final_weights", final_weights_json(result)},
  };
  return j.dump();
}

std::string sample_extra_json(const std::string& bundle_dir, const BundleManifest& manifest,
                              std::uint64_t base_seed, const SampleResult& result) {
  nlohmann::json confidences = nlohmann::json::array();
  for (const StepTrace& step : result.trace)
    if (step.confidence >= 0.0) confidences.push_back({step.step, step.confidence});
  const nlohmann::json j = {{"bundle", bundle_dir},
                            {"bundle_name", manifest.name},
                            {"base_seed", base_seed},
                            {"contour_used", result.contour_used},
                            {"confidences", confidences}};
  // Invalid UTF-8 in a path is replaced rather than thrown on.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace higfa
