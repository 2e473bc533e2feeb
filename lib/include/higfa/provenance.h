// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Typed provenance of one generated image (design §3), and its one JSON form.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace higfa {

/// The parameters drawn for one sample's contour transform (design §4.1); identity by default.
struct ContourTransformParams {
  double rotation_deg = 0.0;
  double scale = 1.0;
  double translate_x = 0.0;  ///< fraction of the width
  double translate_y = 0.0;  ///< fraction of the height
  double shear_deg = 0.0;
  bool flip = false;
  double elastic_alpha = 0.0;
  double elastic_sigma = 3.0;
  double edge_dropout = 0.0;
  std::uint64_t noise_seed = 0;  ///< seeds the elastic field and the dropout mask

  /// A JSON object with every field, e.g. for provenance metas and manifests.
  std::string to_json() const;
};

/// The guidance weights in effect at the last step a sample ran.
struct FinalWeights {
  int step = 0;
  double text_weight = 0.0;
  double contour_weight = 0.0;
  double classifier_weight = 0.0;
  double modulation_confidence = -1.0;  ///< -1: none
  bool classifier_applied = false;
};

/// The sampler settings that produced a sample (SamplerOptions' values, by name).
struct GuidanceRecord {
  std::string mode;       ///< "cfg", "contour", "higfa", "higfa-fixed"
  std::string scheduler;  ///< "ddim", "dpm++2m"
  int num_inference_steps = 0;
  double eta = 0.0;
  double strength = 1.0;
  double fine_stage = 0.0;
  double guidance_scale = 0.0;
  double contour_scale = 0.0;
  double classifier_scale = 0.0;
  double text_lo = 0.0, text_hi = 0.0;
  double contour_lo = 0.0, contour_hi = 0.0;
  double classifier_lo = 0.0, classifier_hi = 0.0;
  double gamma = 1.0;
  double classifier_gate = 1.0;
  std::string classifier_grad;  ///< "exact", "approx"
  double grad_clip = 0.0;
  bool transform_contour = true;
  bool has_final_weights = false;  ///< false: no step was traced (JSON null)
  FinalWeights final_weights;
};

/// How one generated image was made. Every field is typed; to_json() is the only place the
/// JSON form is written.
struct Provenance {
  std::string source_id;  ///< the source image's stable id
  int class_id = -1;      ///< the intended class; -1: none
  std::string class_name;
  std::uint32_t sample_index = 0;  ///< index of this sample among those made from the source
  std::uint64_t seed = 0;          ///< the sample's seed
  ContourTransformParams transform;
  GuidanceRecord guidance;
  double final_confidence = -1.0;  ///< p_y on the final image, 0..1; -1: unknown
  std::string bundle;              ///< the bundle directory as given
  std::string bundle_name;
  std::uint64_t base_seed = 0;
  bool contour_used = false;
  std::vector<std::pair<int, double>> confidences;  ///< (step, p_y of x̂0) where measured
};

/// {"rotation_deg", ...} as ContourTransformParams::to_json writes it.
std::string to_json(const ContourTransformParams& transform);
/// {"mode", "scheduler", "num_inference_steps", "eta", "strength", "fine_stage",
///  "guidance_scale", "contour_scale", "classifier_scale", "text_modulation": {"lo", "hi"},
///  "contour_modulation", "classifier_modulation", "gamma", "classifier_gate",
///  "classifier_grad", "grad_clip", "transform_contour", "final_weights": {...} or null}.
std::string to_json(const GuidanceRecord& guidance);
/// {"source_id", "class_id", "class_name", "sample_index", "seed", "mode", "transform",
///  "guidance", "final_confidence" (null when < 0), "extra": {"bundle", "bundle_name",
///  "base_seed", "contour_used", "confidences": [[step, p], ...]}}. Invalid UTF-8 is replaced.
std::string to_json(const Provenance& provenance);

}  // namespace higfa
