// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfa's buffer metas: registration, init/free/transform, add/get and the intended label.
#include "gsthigfameta.h"

#include <gst/video/video.h>

#include <initializer_list>

namespace {

// ---------------------------------------------------------------------------------------------
// Contour meta.

gboolean contour_meta_init(GstMeta *meta, gpointer, GstBuffer *) {
  auto *m = reinterpret_cast<GstHigfaContourMeta *>(meta);
  m->width = m->height = m->stride = 0;
  m->edges = nullptr;
  m->params = GstHigfaContourParams{};
  return TRUE;
}

void contour_meta_free(GstMeta *meta, GstBuffer *) {
  auto *m = reinterpret_cast<GstHigfaContourMeta *>(meta);
  gst_clear_buffer(&m->edges);
}

// Copies share the edge data. A scale keeps the meta's own size: consumers resize the edge map
// to whatever resolution they work at, so resampling it here would only lose detail.
gboolean contour_meta_transform(GstBuffer *dest, GstMeta *meta, GstBuffer *, GQuark type,
                                gpointer) {
  if (!GST_META_TRANSFORM_IS_COPY(type) && type != gst_video_meta_transform_scale_get_quark())
    return FALSE;
  auto *m = reinterpret_cast<GstHigfaContourMeta *>(meta);
  return gst_buffer_add_higfa_contour_meta(dest, m->edges, m->width, m->height, m->stride,
                                           &m->params) != nullptr;
}

// ---------------------------------------------------------------------------------------------
// Label meta.

gboolean label_meta_init(GstMeta *meta, gpointer, GstBuffer *) {
  auto *m = reinterpret_cast<GstHigfaLabelMeta *>(meta);
  m->class_id = -1;
  m->class_name = m->source_path = m->source_id = nullptr;
  m->source_index = 0;
  return TRUE;
}

void label_meta_free(GstMeta *meta, GstBuffer *) {
  auto *m = reinterpret_cast<GstHigfaLabelMeta *>(meta);
  g_clear_pointer(&m->class_name, g_free);
  g_clear_pointer(&m->source_path, g_free);
  g_clear_pointer(&m->source_id, g_free);
}

// A label describes the content, not the pixels: every transform keeps it.
gboolean label_meta_transform(GstBuffer *dest, GstMeta *meta, GstBuffer *, GQuark, gpointer) {
  auto *m = reinterpret_cast<GstHigfaLabelMeta *>(meta);
  return gst_buffer_add_higfa_label_meta(dest, m->class_id, m->class_name, m->source_path,
                                         m->source_id, m->source_index) != nullptr;
}

// ---------------------------------------------------------------------------------------------
// Provenance meta.

gboolean provenance_meta_init(GstMeta *meta, gpointer, GstBuffer *) {
  auto *m = reinterpret_cast<GstHigfaProvenanceMeta *>(meta);
  m->source_id = m->class_name = m->mode = m->bundle = m->bundle_name = nullptr;
  m->class_id = -1;
  m->sample_index = 0;
  m->seed = 0;
  gst_higfa_transform_params_init(&m->transform);
  gst_higfa_guidance_params_init(&m->guidance);
  m->final_confidence = -1.0;
  m->base_seed = 0;
  m->contour_used = FALSE;
  m->n_confidences = 0;
  m->confidence_steps = nullptr;
  m->confidences = nullptr;
  m->prompt_index = -1;
  m->prompt = nullptr;
  return TRUE;
}

void provenance_meta_free(GstMeta *meta, GstBuffer *) {
  auto *m = reinterpret_cast<GstHigfaProvenanceMeta *>(meta);
  for (gchar **field : {&m->source_id, &m->class_name, &m->mode, &m->guidance.scheduler,
                        &m->guidance.classifier_grad, &m->bundle, &m->bundle_name, &m->prompt})
    g_clear_pointer(field, g_free);
  g_clear_pointer(&m->confidence_steps, g_free);
  g_clear_pointer(&m->confidences, g_free);
}

// Provenance describes how the content was made: every transform keeps it (a deep copy).
gboolean provenance_meta_transform(GstBuffer *dest, GstMeta *meta, GstBuffer *, GQuark, gpointer) {
  auto *m = reinterpret_cast<GstHigfaProvenanceMeta *>(meta);
  GstHigfaProvenanceMeta *copy = gst_buffer_add_higfa_provenance_meta(
      dest, m->source_id, m->class_id, m->class_name, m->sample_index, m->seed, m->mode,
      &m->transform, &m->guidance, m->final_confidence);
  if (copy == nullptr) return FALSE;
  gst_higfa_provenance_meta_set_bundle(copy, m->bundle, m->bundle_name, m->base_seed,
                                       m->contour_used);
  gst_higfa_provenance_meta_set_confidences(copy, m->n_confidences, m->confidence_steps,
                                            m->confidences);
  gst_higfa_provenance_meta_set_prompt(copy, m->prompt_index, m->prompt);
  return TRUE;
}

// ---------------------------------------------------------------------------------------------
// Classification meta.

gboolean classification_meta_init(GstMeta *meta, gpointer, GstBuffer *) {
  auto *m = reinterpret_cast<GstHigfaClassificationMeta *>(meta);
  m->n = 0;
  m->class_ids = nullptr;
  m->class_names = nullptr;
  m->scores = nullptr;
  m->label_id = -1;
  m->label_score = -1.0;
  return TRUE;
}

void classification_meta_free(GstMeta *meta, GstBuffer *) {
  auto *m = reinterpret_cast<GstHigfaClassificationMeta *>(meta);
  g_clear_pointer(&m->class_ids, g_free);
  g_clear_pointer(&m->class_names, g_strfreev);
  g_clear_pointer(&m->scores, g_free);
}

gboolean classification_meta_transform(GstBuffer *dest, GstMeta *meta, GstBuffer *, GQuark,
                                       gpointer) {
  auto *m = reinterpret_cast<GstHigfaClassificationMeta *>(meta);
  return gst_buffer_add_higfa_classification_meta(dest, m->n, m->class_ids, m->class_names,
                                                  m->scores, m->label_id,
                                                  m->label_score) != nullptr;
}

// A class is carried when the meta names it or gives its id.
bool carries_class(gint class_id, const gchar *class_name) {
  return class_id >= 0 || (class_name != nullptr && class_name[0] != '\0');
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Registration (once per process: the plugin and applications share this library).

GType gst_higfa_contour_meta_api_get_type(void) {
  static const gchar *tags[] = {GST_META_TAG_VIDEO_STR, GST_META_TAG_VIDEO_SIZE_STR, nullptr};
  static const GType type = gst_meta_api_type_register("GstHigfaContourMetaAPI", tags);
  return type;
}

const GstMetaInfo *gst_higfa_contour_meta_get_info(void) {
  static const GstMetaInfo *info = gst_meta_register(
      GST_HIGFA_CONTOUR_META_API_TYPE, "GstHigfaContourMeta", sizeof(GstHigfaContourMeta),
      contour_meta_init, contour_meta_free, contour_meta_transform);
  return info;
}

GType gst_higfa_label_meta_api_get_type(void) {
  static const gchar *tags[] = {nullptr};
  static const GType type = gst_meta_api_type_register("GstHigfaLabelMetaAPI", tags);
  return type;
}

const GstMetaInfo *gst_higfa_label_meta_get_info(void) {
  static const GstMetaInfo *info = gst_meta_register(
      GST_HIGFA_LABEL_META_API_TYPE, "GstHigfaLabelMeta", sizeof(GstHigfaLabelMeta),
      label_meta_init, label_meta_free, label_meta_transform);
  return info;
}

GType gst_higfa_provenance_meta_api_get_type(void) {
  static const gchar *tags[] = {nullptr};
  static const GType type = gst_meta_api_type_register("GstHigfaProvenanceMetaAPI", tags);
  return type;
}

const GstMetaInfo *gst_higfa_provenance_meta_get_info(void) {
  static const GstMetaInfo *info = gst_meta_register(
      GST_HIGFA_PROVENANCE_META_API_TYPE, "GstHigfaProvenanceMeta", sizeof(GstHigfaProvenanceMeta),
      provenance_meta_init, provenance_meta_free, provenance_meta_transform);
  return info;
}

GType gst_higfa_classification_meta_api_get_type(void) {
  static const gchar *tags[] = {nullptr};
  static const GType type = gst_meta_api_type_register("GstHigfaClassificationMetaAPI", tags);
  return type;
}

const GstMetaInfo *gst_higfa_classification_meta_get_info(void) {
  static const GstMetaInfo *info =
      gst_meta_register(GST_HIGFA_CLASSIFICATION_META_API_TYPE, "GstHigfaClassificationMeta",
                        sizeof(GstHigfaClassificationMeta), classification_meta_init,
                        classification_meta_free, classification_meta_transform);
  return info;
}

// ---------------------------------------------------------------------------------------------
// Add / get.

GstHigfaContourMeta *gst_buffer_add_higfa_contour_meta(GstBuffer *buffer, GstBuffer *edges,
                                                       gint width, gint height, gint stride,
                                                       const GstHigfaContourParams *params) {
  g_return_val_if_fail(GST_IS_BUFFER(buffer), nullptr);
  g_return_val_if_fail(GST_IS_BUFFER(edges), nullptr);
  g_return_val_if_fail(width > 0 && height > 0 && stride >= width, nullptr);
  g_return_val_if_fail(
      gst_buffer_get_size(edges) >= static_cast<gsize>(stride) * static_cast<gsize>(height),
      nullptr);
  auto *meta = reinterpret_cast<GstHigfaContourMeta *>(
      gst_buffer_add_meta(buffer, GST_HIGFA_CONTOUR_META_INFO, nullptr));
  if (meta == nullptr) return nullptr;
  meta->width = width;
  meta->height = height;
  meta->stride = stride;
  meta->edges = gst_buffer_ref(edges);
  if (params != nullptr) meta->params = *params;
  return meta;
}

GstHigfaContourMeta *gst_buffer_get_higfa_contour_meta(GstBuffer *buffer) {
  return reinterpret_cast<GstHigfaContourMeta *>(
      gst_buffer_get_meta(buffer, GST_HIGFA_CONTOUR_META_API_TYPE));
}

GstHigfaLabelMeta *gst_buffer_add_higfa_label_meta(GstBuffer *buffer, gint class_id,
                                                   const gchar *class_name,
                                                   const gchar *source_path, const gchar *source_id,
                                                   guint64 source_index) {
  g_return_val_if_fail(GST_IS_BUFFER(buffer), nullptr);
  auto *meta = reinterpret_cast<GstHigfaLabelMeta *>(
      gst_buffer_add_meta(buffer, GST_HIGFA_LABEL_META_INFO, nullptr));
  if (meta == nullptr) return nullptr;
  meta->class_id = class_id;
  meta->class_name = g_strdup(class_name);
  meta->source_path = g_strdup(source_path);
  meta->source_id = g_strdup(source_id);
  meta->source_index = source_index;
  return meta;
}

GstHigfaLabelMeta *gst_buffer_get_higfa_label_meta(GstBuffer *buffer) {
  return reinterpret_cast<GstHigfaLabelMeta *>(
      gst_buffer_get_meta(buffer, GST_HIGFA_LABEL_META_API_TYPE));
}

GstHigfaProvenanceMeta *gst_buffer_add_higfa_provenance_meta(
    GstBuffer *buffer, const gchar *source_id, gint class_id, const gchar *class_name,
    guint sample_index, guint64 seed, const gchar *mode, const GstHigfaTransformParams *transform,
    const GstHigfaGuidanceParams *guidance, gdouble final_confidence) {
  g_return_val_if_fail(GST_IS_BUFFER(buffer), nullptr);
  auto *meta = reinterpret_cast<GstHigfaProvenanceMeta *>(
      gst_buffer_add_meta(buffer, GST_HIGFA_PROVENANCE_META_INFO, nullptr));
  if (meta == nullptr) return nullptr;
  meta->source_id = g_strdup(source_id);
  meta->class_id = class_id;
  meta->class_name = g_strdup(class_name);
  meta->sample_index = sample_index;
  meta->seed = seed;
  meta->mode = g_strdup(mode);
  if (transform != nullptr) meta->transform = *transform;
  if (guidance != nullptr) {
    meta->guidance = *guidance;
    meta->guidance.scheduler = g_strdup(guidance->scheduler);
    meta->guidance.classifier_grad = g_strdup(guidance->classifier_grad);
  }
  meta->final_confidence = final_confidence;
  return meta;
}

void gst_higfa_provenance_meta_set_prompt(GstHigfaProvenanceMeta *meta, gint prompt_index,
                                          const gchar *prompt) {
  g_return_if_fail(meta != nullptr);
  meta->prompt_index = prompt_index;
  g_free(meta->prompt);
  meta->prompt = g_strdup(prompt);
}

void gst_higfa_provenance_meta_set_bundle(GstHigfaProvenanceMeta *meta, const gchar *bundle,
                                          const gchar *bundle_name, guint64 base_seed,
                                          gboolean contour_used) {
  g_return_if_fail(meta != nullptr);
  g_free(meta->bundle);
  meta->bundle = g_strdup(bundle);
  g_free(meta->bundle_name);
  meta->bundle_name = g_strdup(bundle_name);
  meta->base_seed = base_seed;
  meta->contour_used = contour_used;
}

void gst_higfa_provenance_meta_set_confidences(GstHigfaProvenanceMeta *meta, guint n,
                                               const gint *steps, const gdouble *confidences) {
  g_return_if_fail(meta != nullptr);
  g_return_if_fail(n == 0 || (steps != nullptr && confidences != nullptr));
  g_clear_pointer(&meta->confidence_steps, g_free);
  g_clear_pointer(&meta->confidences, g_free);
  meta->n_confidences = n;
  if (n == 0) return;
  meta->confidence_steps = static_cast<gint *>(g_memdup2(steps, n * sizeof(gint)));
  meta->confidences = static_cast<gdouble *>(g_memdup2(confidences, n * sizeof(gdouble)));
}

const gdouble *gst_higfa_provenance_meta_get_confidences(const GstHigfaProvenanceMeta *meta,
                                                         guint *n) {
  g_return_val_if_fail(meta != nullptr && n != nullptr, nullptr);
  *n = meta->n_confidences;
  return meta->confidences;
}

const gint *gst_higfa_provenance_meta_get_confidence_steps(const GstHigfaProvenanceMeta *meta,
                                                           guint *n) {
  g_return_val_if_fail(meta != nullptr && n != nullptr, nullptr);
  *n = meta->n_confidences;
  return meta->confidence_steps;
}

GstHigfaProvenanceMeta *gst_buffer_get_higfa_provenance_meta(GstBuffer *buffer) {
  return reinterpret_cast<GstHigfaProvenanceMeta *>(
      gst_buffer_get_meta(buffer, GST_HIGFA_PROVENANCE_META_API_TYPE));
}

GstHigfaClassificationMeta *gst_buffer_add_higfa_classification_meta(
    GstBuffer *buffer, guint n, const gint *class_ids, const gchar *const *class_names,
    const gfloat *scores, gint label_id, gdouble label_score) {
  g_return_val_if_fail(GST_IS_BUFFER(buffer), nullptr);
  g_return_val_if_fail(n == 0 || (class_ids != nullptr && scores != nullptr), nullptr);
  auto *meta = reinterpret_cast<GstHigfaClassificationMeta *>(
      gst_buffer_add_meta(buffer, GST_HIGFA_CLASSIFICATION_META_INFO, nullptr));
  if (meta == nullptr) return nullptr;
  meta->n = n;
  meta->class_ids = static_cast<gint *>(g_memdup2(class_ids, n * sizeof(gint)));
  meta->scores = static_cast<gfloat *>(g_memdup2(scores, n * sizeof(gfloat)));
  meta->class_names = g_new0(gchar *, n + 1);
  for (guint i = 0; i < n; ++i) {
    const gchar *name = class_names != nullptr ? class_names[i] : nullptr;
    meta->class_names[i] = g_strdup(name != nullptr ? name : "");
  }
  meta->label_id = label_id;
  meta->label_score = label_score;
  return meta;
}

GstHigfaClassificationMeta *gst_buffer_get_higfa_classification_meta(GstBuffer *buffer) {
  return reinterpret_cast<GstHigfaClassificationMeta *>(
      gst_buffer_get_meta(buffer, GST_HIGFA_CLASSIFICATION_META_API_TYPE));
}

const gint *gst_higfa_classification_meta_get_class_ids(const GstHigfaClassificationMeta *meta,
                                                        guint *n) {
  g_return_val_if_fail(meta != nullptr && n != nullptr, nullptr);
  *n = meta->n;
  return meta->class_ids;
}

const gchar *const *gst_higfa_classification_meta_get_class_names(
    const GstHigfaClassificationMeta *meta, guint *n) {
  g_return_val_if_fail(meta != nullptr && n != nullptr, nullptr);
  *n = meta->n;
  return meta->class_names;
}

const gfloat *gst_higfa_classification_meta_get_scores(const GstHigfaClassificationMeta *meta,
                                                       guint *n) {
  g_return_val_if_fail(meta != nullptr && n != nullptr, nullptr);
  *n = meta->n;
  return meta->scores;
}

// ---------------------------------------------------------------------------------------------
// The intended label.

GstHigfaLabelSource gst_higfa_buffer_get_intended_label(GstBuffer *buffer, gint *class_id,
                                                        const gchar **class_name) {
  gint id = -1;
  const gchar *name = nullptr;
  GstHigfaLabelSource source = GST_HIGFA_LABEL_SOURCE_NONE;
  g_return_val_if_fail(GST_IS_BUFFER(buffer), source);
  const GstHigfaProvenanceMeta *p = gst_buffer_get_higfa_provenance_meta(buffer);
  const GstHigfaLabelMeta *l = gst_buffer_get_higfa_label_meta(buffer);
  if (p != nullptr && carries_class(p->class_id, p->class_name)) {
    source = GST_HIGFA_LABEL_SOURCE_PROVENANCE;
    id = p->class_id;
    name = p->class_name;
  } else if (l != nullptr && carries_class(l->class_id, l->class_name)) {
    source = GST_HIGFA_LABEL_SOURCE_LABEL;
    id = l->class_id;
    name = l->class_name;
  }
  if (name != nullptr && name[0] == '\0') name = nullptr;
  if (class_id != nullptr) *class_id = id < 0 ? -1 : id;
  if (class_name != nullptr) *class_name = name;
  return source;
}
