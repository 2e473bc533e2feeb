// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Typed records of a frame's metas (provenance of a generated image, label, classification,
// contour; design §3) and their one JSON form.
#pragma once

#include <cstdint>
#include <optional>
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
  bool clip_sample = false;        ///< x̂0 clamped to the value range before each update
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
  int prompt_index = -1;  ///< text bundles: the sample's prompt in its class's set; -1: none
  std::string prompt;     ///< that prompt's text
};

/// The label of a frame and where the frame came from (the label meta's fields).
struct LabelRecord {
  int class_id = -1;                       ///< -1: unknown
  std::optional<std::string> class_name;   ///< nullopt: unknown (JSON null)
  std::optional<std::string> source_path;  ///< the file the frame was decoded from
  std::optional<std::string> source_id;    ///< a stable id of the source image
  std::uint64_t source_index = 0;          ///< position of the source image in its dataset
};

/// One entry of a classifier's top-k.
struct ClassScore {
  int class_id = -1;
  std::string class_name;  ///< "" where unknown
  float score = 0.0f;      ///< probability, 0..1
};

/// A classifier's top-k on a frame and the intended label's score (the classification meta).
struct ClassificationRecord {
  std::vector<ClassScore> topk;  ///< best first
  int label_id = -1;             ///< the intended label's class id; -1: no label
  double label_score = -1.0;     ///< the intended label's probability, 0..1; -1: no label
};

/// The size of a frame's edge map and the contour options it was made with (the contour meta).
struct ContourRecord {
  int width = 0;
  int height = 0;
  int blur_size = 0;
  double blur_sigma = 0.0;
  double low_threshold = 0.0;
  double high_threshold = 0.0;
  bool auto_threshold = false;
  double auto_sigma = 0.0;
  bool l2_gradient = false;
  bool thinning = false;
};

/// Everything a frame's metas record; a member is set when the frame carries that meta.
struct FrameRecord {
  std::optional<LabelRecord> label;
  std::optional<Provenance> provenance;
  std::optional<ClassificationRecord> classification;
  std::optional<ContourRecord> contour;
};

/// {"rotation_deg", ...} as ContourTransformParams::to_json writes it.
std::string to_json(const ContourTransformParams& transform);
/// {"mode", "scheduler", "num_inference_steps", "eta", "strength", "fine_stage",
///  "guidance_scale", "contour_scale", "classifier_scale", "text_modulation": {"lo", "hi"},
///  "contour_modulation", "classifier_modulation", "gamma", "classifier_gate",
///  "classifier_grad", "grad_clip", "transform_contour", "clip_sample",
///  "final_weights": {...} or null}.
std::string to_json(const GuidanceRecord& guidance);
/// {"source_id", "class_id", "class_name", "sample_index", "seed", "mode", "transform",
///  "guidance", "final_confidence" (null when < 0), "extra": {"bundle", "bundle_name",
///  "base_seed", "contour_used", "confidences": [[step, p], ...]}}. Invalid UTF-8 is replaced.
std::string to_json(const Provenance& provenance);
/// {"class_id", "class_name", "source_path", "source_id", "source_index"}; unknown strings null.
std::string to_json(const LabelRecord& label);
/// {"topk": [{"class_id", "class_name", "score"}, ...], "label_id", "label_score"}; the label
/// fields are null when label_id is -1 (label_score also when it is < 0). A score is written
/// as the shortest decimal that reads back as the same float.
std::string to_json(const ClassificationRecord& classification);
/// {"width", "height", "blur_size", "blur_sigma", "low_threshold", "high_threshold",
///  "auto_threshold", "auto_sigma", "l2_gradient", "thinning"}.
std::string to_json(const ContourRecord& contour);
/// {"label", "provenance", "classification", "contour"} with only the members that are set
/// ({} when none). Every function here writes one line, non-finite numbers as null and invalid
/// UTF-8 replaced by U+FFFD.
std::string to_json(const FrameRecord& record);

}  // namespace higfa
