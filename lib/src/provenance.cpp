// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The JSON form of a frame's typed records (provenance, label, classification, contour), written
// once from the typed fields.
#include <higfa/provenance.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

#include "record_json.h"

namespace higfa {

using nlohmann::json;
using ordered = nlohmann::ordered_json;

// to_json(JsonType&, const Type&) for a record written member by member, each under its own
// name, in the order listed (found by argument-dependent lookup, so in namespace higfa).
#define HIGFA_JSON_MEMBERS(JsonType, Type, ...)                                 \
  static void to_json(JsonType& nlohmann_json_j, const Type& nlohmann_json_t) { \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_TO, __VA_ARGS__))    \
  }

HIGFA_JSON_MEMBERS(json, ContourTransformParams, rotation_deg, scale, translate_x, translate_y,
                   shear_deg, flip, elastic_alpha, elastic_sigma, edge_dropout, noise_seed)
HIGFA_JSON_MEMBERS(json, FinalWeights, step, text_weight, contour_weight, classifier_weight,
                   modulation_confidence, classifier_applied)
HIGFA_JSON_MEMBERS(ordered, ContourRecord, width, height, blur_size, blur_sigma, low_threshold,
                   high_threshold, auto_threshold, auto_sigma, l2_gradient, thinning)

#undef HIGFA_JSON_MEMBERS

namespace {

json transform_object(const ContourTransformParams& p) { return p; }

json range_object(double lo, double hi) { return {{"lo", lo}, {"hi", hi}}; }

json final_weights_object(const GuidanceRecord& g) {
  return g.has_final_weights ? json(g.final_weights) : json(nullptr);
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
      {"clip_sample", g.clip_sample},
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

ordered provenance_object(const Provenance& p) {
  ordered j;
  j["source_id"] = p.source_id;
  j["class_id"] = p.class_id;
  j["class_name"] = p.class_name;
  j["sample_index"] = p.sample_index;
  j["seed"] = p.seed;
  j["mode"] = p.guidance.mode;
  if (p.prompt_index >= 0) {  // text bundles only: class-id bundles' lines are unchanged
    j["prompt_index"] = p.prompt_index;
    j["prompt"] = p.prompt;
  }
  j["transform"] = transform_object(p.transform);
  j["guidance"] = guidance_object(p.guidance);
  if (p.final_confidence >= 0.0 && std::isfinite(p.final_confidence))
    j["final_confidence"] = p.final_confidence;
  else
    j["final_confidence"] = nullptr;
  j["extra"] = extra_object(p);
  return j;
}

ordered optional_string(const std::optional<std::string>& s) {
  return s ? ordered(*s) : ordered(nullptr);
}

ordered label_object(const LabelRecord& l) {
  ordered j;
  j["class_id"] = l.class_id;
  j["class_name"] = optional_string(l.class_name);
  j["source_path"] = optional_string(l.source_path);
  j["source_id"] = optional_string(l.source_id);
  j["source_index"] = l.source_index;
  return j;
}

// The double nearest to the shortest decimal that reads back as `value`: a float score is
// written as "0.7", not as the float's exact binary value 0.699999988079071.
ordered float_number(float value) {
  if (!std::isfinite(value)) return nullptr;
  char buf[64];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, value);
  double decimal = static_cast<double>(value);
  if (r.ec == std::errc()) std::from_chars(buf, r.ptr, decimal);
  return decimal;
}

ordered classification_object(const ClassificationRecord& c) {
  ordered topk = ordered::array();
  for (const ClassScore& e : c.topk) {
    ordered entry;
    entry["class_id"] = e.class_id;
    entry["class_name"] = e.class_name;
    entry["score"] = float_number(e.score);
    topk.push_back(std::move(entry));
  }
  const bool labelled = c.label_id >= 0;
  ordered j;
  j["topk"] = std::move(topk);
  j["label_id"] = labelled ? ordered(c.label_id) : ordered(nullptr);
  j["label_score"] = labelled && c.label_score >= 0.0 ? ordered(c.label_score) : ordered(nullptr);
  return j;
}

ordered contour_object(const ContourRecord& c) { return c; }

}  // namespace

namespace detail {

std::string dump_json(const nlohmann::ordered_json& j) {
  // Invalid UTF-8 (a path, a class name) is replaced rather than thrown on.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

nlohmann::ordered_json frame_record_object(const FrameRecord& r) {
  ordered j = ordered::object();
  if (r.label) j["label"] = label_object(*r.label);
  if (r.provenance) j["provenance"] = provenance_object(*r.provenance);
  if (r.classification) j["classification"] = classification_object(*r.classification);
  if (r.contour) j["contour"] = contour_object(*r.contour);
  return j;
}

}  // namespace detail

using detail::dump_json;

std::string ContourTransformParams::to_json() const { return higfa::to_json(*this); }

std::string to_json(const ContourTransformParams& transform) {
  return dump_json(transform_object(transform));
}

std::string to_json(const GuidanceRecord& guidance) { return dump_json(guidance_object(guidance)); }

std::string to_json(const Provenance& provenance) {
  return dump_json(provenance_object(provenance));
}

std::string to_json(const LabelRecord& label) { return dump_json(label_object(label)); }

std::string to_json(const ClassificationRecord& classification) {
  return dump_json(classification_object(classification));
}

std::string to_json(const ContourRecord& contour) { return dump_json(contour_object(contour)); }

std::string to_json(const FrameRecord& record) {
  return dump_json(detail::frame_record_object(record));
}

}  // namespace higfa
