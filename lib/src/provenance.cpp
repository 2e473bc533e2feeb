// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The JSON form of a sample's provenance, written once from the typed fields.
#include <higfa/provenance.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace higfa {

namespace {

using nlohmann::json;

json transform_object(const ContourTransformParams& p) {
  json j;
  j["rotation_deg"] = p.rotation_deg;
  j["scale"] = p.scale;
  j["translate_x"] = p.translate_x;
  j["translate_y"] = p.translate_y;
  j["shear_deg"] = p.shear_deg;
  j["flip"] = p.flip;
  j["elastic_alpha"] = p.elastic_alpha;
  j["elastic_sigma"] = p.elastic_sigma;
  j["edge_dropout"] = p.edge_dropout;
  j["noise_seed"] = p.noise_seed;
  return j;
}

json range_object(double lo, double hi) { return {{"lo", lo}, {"hi", hi}}; }

json final_weights_object(const GuidanceRecord& g) {
  if (!g.has_final_weights) return nullptr;
  const FinalWeights& w = g.final_weights;
  return {{"step", w.step},
          {"text_weight", w.text_weight},
          {"contour_weight", w.contour_weight},
          {"classifier_weight", w.classifier_weight},
          {"modulation_confidence", w.modulation_confidence},
          {"classifier_applied", w.classifier_applied}};
}

json guidance_object(const GuidanceRecord& g) {
  return {
      {"mode", g.mode},
      {"scheduler", g.scheduler},
      {"num_inference_steps", g.num_inference_steps},
      {"eta", g.eta},
      {"strength", g.strength},
      {"fine_stage", g.fine_stage},
      {"guidance_scale", g.guidance_scale},
      {"contour_scale", g.contour_scale},
      {"classifier_scale", g.classifier_scale},
      {"text_modulation", range_object(g.text_lo, g.text_hi)},
      {"contour_modulation", range_object(g.contour_lo, g.contour_hi)},
      {"classifier_modulation", range_object(g.classifier_lo, g.classifier_hi)},
      {"gamma", g.gamma},
      {"classifier_gate", g.classifier_gate},
      {"classifier_grad", g.classifier_grad},
      {"grad_clip", g.grad_clip},
      {"transform_contour", g.transform_contour},
      {"final_weights", final_weights_object(g)},
  };
}

json extra_object(const Provenance& p) {
  json confidences = json::array();
  for (const auto& [step, confidence] : p.confidences) confidences.push_back({step, confidence});
  return {{"bundle", p.bundle},
          {"bundle_name", p.bundle_name},
          {"base_seed", p.base_seed},
          {"contour_used", p.contour_used},
          {"confidences", confidences}};
}

std::string dump(const nlohmann::ordered_json& j) {
  // Invalid UTF-8 (a path, a class name) is replaced rather than thrown on.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string ContourTransformParams::to_json() const { return higfa::to_json(*this); }

std::string to_json(const ContourTransformParams& transform) {
  return dump(transform_object(transform));
}

std::string to_json(const GuidanceRecord& guidance) { return dump(guidance_object(guidance)); }

std::string to_json(const Provenance& p) {
  nlohmann::ordered_json j;
  j["source_id"] = p.source_id;
  j["class_id"] = p.class_id;
  j["class_name"] = p.class_name;
  j["sample_index"] = p.sample_index;
  j["seed"] = p.seed;
  j["mode"] = p.guidance.mode;
  j["transform"] = transform_object(p.transform);
  j["guidance"] = guidance_object(p.guidance);
  if (p.final_confidence >= 0.0 && std::isfinite(p.final_confidence))
    j["final_confidence"] = p.final_confidence;
  else
    j["final_confidence"] = nullptr;
  j["extra"] = extra_object(p);
  return dump(j);
}

}  // namespace higfa
