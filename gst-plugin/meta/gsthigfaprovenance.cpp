// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The bridge between the metas and libhigfa's typed records, both ways, and the metas' JSON.
#include "gsthigfaprovenance.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

std::string str(const gchar* s) { return s != nullptr ? s : ""; }

std::optional<std::string> optional_str(const gchar* s) {
  return s != nullptr ? std::optional<std::string>(s) : std::nullopt;
}

GstHigfaTransformParams transform_params(const higfa::ContourTransformParams& t) {
  return GstHigfaTransformParams{t.rotation_deg, t.scale,     t.translate_x,   t.translate_y,
                                 t.shear_deg,    t.flip,      t.elastic_alpha, t.elastic_sigma,
                                 t.edge_dropout, t.noise_seed};
}

higfa::ContourTransformParams transform_record(const GstHigfaTransformParams& t) {
  higfa::ContourTransformParams r;
  r.rotation_deg = t.rotation_deg;
  r.scale = t.scale;
  r.translate_x = t.translate_x;
  r.translate_y = t.translate_y;
  r.shear_deg = t.shear_deg;
  r.flip = t.flip != FALSE;
  r.elastic_alpha = t.elastic_alpha;
  r.elastic_sigma = t.elastic_sigma;
  r.edge_dropout = t.edge_dropout;
  r.noise_seed = t.noise_seed;
  return r;
}

// The strings point into `g`: the meta copies them.
GstHigfaGuidanceParams guidance_params(const higfa::GuidanceRecord& g) {
  const higfa::FinalWeights& w = g.final_weights;
  return GstHigfaGuidanceParams{
      const_cast<gchar*>(g.scheduler.c_str()),
      g.num_inference_steps,
      g.eta,
      g.strength,
      g.fine_stage,
      g.guidance_scale,
      g.contour_scale,
      g.classifier_scale,
      g.text_lo,
      g.text_hi,
      g.contour_lo,
      g.contour_hi,
      g.classifier_lo,
      g.classifier_hi,
      g.gamma,
      g.classifier_gate,
      const_cast<gchar*>(g.classifier_grad.c_str()),
      g.grad_clip,
      g.transform_contour,
      g.clip_sample,
      g.has_final_weights,
      GstHigfaFinalWeights{w.step, w.text_weight, w.contour_weight, w.classifier_weight,
                           w.modulation_confidence, w.classifier_applied},
  };
}

higfa::GuidanceRecord guidance_record(const GstHigfaGuidanceParams& g, const gchar* mode) {
  higfa::GuidanceRecord r;
  r.mode = str(mode);
  r.scheduler = str(g.scheduler);
  r.num_inference_steps = g.num_inference_steps;
  r.eta = g.eta;
  r.strength = g.strength;
  r.fine_stage = g.fine_stage;
  r.guidance_scale = g.guidance_scale;
  r.contour_scale = g.contour_scale;
  r.classifier_scale = g.classifier_scale;
  r.text_lo = g.text_lo;
  r.text_hi = g.text_hi;
  r.contour_lo = g.contour_lo;
  r.contour_hi = g.contour_hi;
  r.classifier_lo = g.classifier_lo;
  r.classifier_hi = g.classifier_hi;
  r.gamma = g.gamma;
  r.classifier_gate = g.classifier_gate;
  r.classifier_grad = str(g.classifier_grad);
  r.grad_clip = g.grad_clip;
  r.transform_contour = g.transform_contour != FALSE;
  r.clip_sample = g.clip_sample != FALSE;
  r.has_final_weights = g.has_final_weights != FALSE;
  const GstHigfaFinalWeights& w = g.final_weights;
  r.final_weights = higfa::FinalWeights{w.step,
                                        w.text_weight,
                                        w.contour_weight,
                                        w.classifier_weight,
                                        w.modulation_confidence,
                                        w.classifier_applied != FALSE};
  return r;
}

gchar* to_gchar(const std::string& json) { return g_strndup(json.data(), json.size()); }

}  // namespace

// The defaults are libhigfa's, so C callers and the typed records agree on them.
void gst_higfa_transform_params_init(GstHigfaTransformParams* params) {
  g_return_if_fail(params != nullptr);
  *params = transform_params(higfa::ContourTransformParams{});
}

void gst_higfa_guidance_params_init(GstHigfaGuidanceParams* params) {
  g_return_if_fail(params != nullptr);
  const higfa::GuidanceRecord defaults;
  *params = guidance_params(defaults);
  params->scheduler = nullptr;
  params->classifier_grad = nullptr;
}

GstHigfaProvenanceMeta* gst_higfa_buffer_add_provenance(GstBuffer* buffer,
                                                        const higfa::Provenance& p) {
  const GstHigfaTransformParams transform = transform_params(p.transform);
  const GstHigfaGuidanceParams guidance = guidance_params(p.guidance);
  GstHigfaProvenanceMeta* meta = gst_buffer_add_higfa_provenance_meta(
      buffer, p.source_id.c_str(), p.class_id, p.class_name.c_str(), p.sample_index, p.seed,
      p.guidance.mode.c_str(), &transform, &guidance, p.final_confidence);
  if (meta == nullptr) return nullptr;
  gst_higfa_provenance_meta_set_bundle(meta, p.bundle.c_str(), p.bundle_name.c_str(), p.base_seed,
                                       p.contour_used);
  std::vector<gint> steps;
  std::vector<gdouble> confidences;
  for (const auto& [step, confidence] : p.confidences) {
    steps.push_back(step);
    confidences.push_back(confidence);
  }
  gst_higfa_provenance_meta_set_confidences(meta, static_cast<guint>(steps.size()), steps.data(),
                                            confidences.data());
  if (p.prompt_index >= 0)
    gst_higfa_provenance_meta_set_prompt(meta, p.prompt_index, p.prompt.c_str());
  return meta;
}

higfa::Provenance gst_higfa_provenance_meta_to_record(const GstHigfaProvenanceMeta* m) {
  higfa::Provenance p;
  p.source_id = str(m->source_id);
  p.class_id = m->class_id;
  p.class_name = str(m->class_name);
  p.sample_index = m->sample_index;
  p.seed = m->seed;
  p.transform = transform_record(m->transform);
  p.guidance = guidance_record(m->guidance, m->mode);
  p.final_confidence = m->final_confidence;
  p.bundle = str(m->bundle);
  p.bundle_name = str(m->bundle_name);
  p.base_seed = m->base_seed;
  p.contour_used = m->contour_used != FALSE;
  for (guint i = 0; i < m->n_confidences; ++i)
    p.confidences.emplace_back(m->confidence_steps[i], m->confidences[i]);
  p.prompt_index = m->prompt_index;
  p.prompt = str(m->prompt);
  return p;
}

higfa::LabelRecord gst_higfa_label_meta_to_record(const GstHigfaLabelMeta* m) {
  higfa::LabelRecord l;
  l.class_id = m->class_id;
  l.class_name = optional_str(m->class_name);
  l.source_path = optional_str(m->source_path);
  l.source_id = optional_str(m->source_id);
  l.source_index = m->source_index;
  return l;
}

higfa::ClassificationRecord gst_higfa_classification_meta_to_record(
    const GstHigfaClassificationMeta* m) {
  higfa::ClassificationRecord c;
  for (guint i = 0; i < m->n; ++i)
    c.topk.push_back(higfa::ClassScore{m->class_ids[i], str(m->class_names[i]), m->scores[i]});
  c.label_id = m->label_id;
  c.label_score = m->label_score;
  return c;
}

higfa::ContourRecord gst_higfa_contour_meta_to_record(const GstHigfaContourMeta* m) {
  const GstHigfaContourParams& p = m->params;
  return higfa::ContourRecord{m->width,
                              m->height,
                              p.blur_size,
                              p.blur_sigma,
                              p.low_threshold,
                              p.high_threshold,
                              p.auto_threshold != FALSE,
                              p.auto_sigma,
                              p.l2_gradient != FALSE,
                              p.thinning != FALSE};
}

higfa::FrameRecord gst_higfa_buffer_metas_record(GstBuffer* buffer) {
  higfa::FrameRecord r;
  if (const GstHigfaLabelMeta* m = gst_buffer_get_higfa_label_meta(buffer))
    r.label = gst_higfa_label_meta_to_record(m);
  if (const GstHigfaProvenanceMeta* m = gst_buffer_get_higfa_provenance_meta(buffer))
    r.provenance = gst_higfa_provenance_meta_to_record(m);
  if (const GstHigfaClassificationMeta* m = gst_buffer_get_higfa_classification_meta(buffer))
    r.classification = gst_higfa_classification_meta_to_record(m);
  if (const GstHigfaContourMeta* m = gst_buffer_get_higfa_contour_meta(buffer))
    r.contour = gst_higfa_contour_meta_to_record(m);
  return r;
}

// ---------------------------------------------------------------------------------------------
// The C API's JSON form: the typed records through libhigfa's one writer.

gchar* gst_higfa_contour_meta_to_json(const GstHigfaContourMeta* meta) {
  g_return_val_if_fail(meta != nullptr, nullptr);
  return to_gchar(higfa::to_json(gst_higfa_contour_meta_to_record(meta)));
}

gchar* gst_higfa_label_meta_to_json(const GstHigfaLabelMeta* meta) {
  g_return_val_if_fail(meta != nullptr, nullptr);
  return to_gchar(higfa::to_json(gst_higfa_label_meta_to_record(meta)));
}

gchar* gst_higfa_provenance_meta_to_json(const GstHigfaProvenanceMeta* meta) {
  g_return_val_if_fail(meta != nullptr, nullptr);
  return to_gchar(higfa::to_json(gst_higfa_provenance_meta_to_record(meta)));
}

gchar* gst_higfa_classification_meta_to_json(const GstHigfaClassificationMeta* meta) {
  g_return_val_if_fail(meta != nullptr, nullptr);
  return to_gchar(higfa::to_json(gst_higfa_classification_meta_to_record(meta)));
}

gchar* gst_higfa_buffer_metas_to_json(GstBuffer* buffer) {
  g_return_val_if_fail(GST_IS_BUFFER(buffer), nullptr);
  return to_gchar(higfa::to_json(gst_higfa_buffer_metas_record(buffer)));
}
