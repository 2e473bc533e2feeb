// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The plugin's buffer metas: registration, init/free/transform, add/get, and their JSON form.
#include "gsthigfameta.h"

#include <gst/video/video.h>

#include <cmath>
#include <initializer_list>

namespace {

// Registration tolerates a second copy of this file in the process (a test executable that
// compiles it and also loads the plugin): the first registration wins, later ones reuse it.
GType register_api(const gchar *api, const gchar **tags) {
  GType existing = g_type_from_name(api);
  return existing != 0 ? existing : gst_meta_api_type_register(api, tags);
}

const GstMetaInfo *register_info(GType api, const gchar *impl, gsize size, GstMetaInitFunction init,
                                 GstMetaFreeFunction free_func,
                                 GstMetaTransformFunction transform) {
  const GstMetaInfo *existing = gst_meta_get_info(impl);
  return existing != nullptr ? existing
                             : gst_meta_register(api, impl, size, init, free_func, transform);
}

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
  m->source_id = m->class_name = m->mode = nullptr;
  m->transform_json = m->guidance_json = m->extra_json = nullptr;
  m->class_id = -1;
  m->sample_index = 0;
  m->seed = 0;
  m->final_confidence = -1.0;
  return TRUE;
}

void provenance_meta_free(GstMeta *meta, GstBuffer *) {
  auto *m = reinterpret_cast<GstHigfaProvenanceMeta *>(meta);
  for (gchar **field : {&m->source_id, &m->class_name, &m->mode, &m->transform_json,
                        &m->guidance_json, &m->extra_json})
    g_clear_pointer(field, g_free);
}

gboolean provenance_meta_transform(GstBuffer *dest, GstMeta *meta, GstBuffer *, GQuark, gpointer) {
  auto *m = reinterpret_cast<GstHigfaProvenanceMeta *>(meta);
  return gst_buffer_add_higfa_provenance_meta(
             dest, m->source_id, m->class_id, m->class_name, m->sample_index, m->seed, m->mode,
             m->transform_json, m->guidance_json, m->final_confidence, m->extra_json) != nullptr;
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

// ---------------------------------------------------------------------------------------------
// JSON helpers.

void append_key(GString *out, const gchar *key, bool first = false) {
  if (!first) g_string_append_c(out, ',');
  gst_higfa_json_append_string(out, key);
  g_string_append_c(out, ':');
}

void append_bool(GString *out, gboolean value) { g_string_append(out, value ? "true" : "false"); }

void append_float(GString *out, gfloat value) {
  if (!std::isfinite(value)) {
    g_string_append(out, "null");
    return;
  }
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (const gchar *format : {"%.6g", "%.7g", "%.8g", "%.9g"}) {
    g_ascii_formatd(buf, sizeof buf, format, value);
    if (static_cast<gfloat>(g_ascii_strtod(buf, nullptr)) == value) break;
  }
  g_string_append(out, buf);
}

// A caller-supplied JSON value, verbatim; line breaks (whitespace outside strings in valid JSON)
// become spaces so the result stays on one line for JSONL manifests.
void append_raw_json(GString *out, const gchar *json) {
  if (json == nullptr || *json == '\0') {
    g_string_append(out, "null");
    return;
  }
  for (const gchar *p = json; *p != '\0'; ++p)
    g_string_append_c(out, (*p == '\n' || *p == '\r') ? ' ' : *p);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Registration.

GType gst_higfa_contour_meta_api_get_type(void) {
  static const gchar *tags[] = {GST_META_TAG_VIDEO_STR, GST_META_TAG_VIDEO_SIZE_STR, nullptr};
  static const GType type = register_api("GstHigfaContourMetaAPI", tags);
  return type;
}

const GstMetaInfo *gst_higfa_contour_meta_get_info(void) {
  static const GstMetaInfo *info = register_info(
      GST_HIGFA_CONTOUR_META_API_TYPE, "GstHigfaContourMeta", sizeof(GstHigfaContourMeta),
      contour_meta_init, contour_meta_free, contour_meta_transform);
  return info;
}

GType gst_higfa_label_meta_api_get_type(void) {
  static const gchar *tags[] = {nullptr};
  static const GType type = register_api("GstHigfaLabelMetaAPI", tags);
  return type;
}

const GstMetaInfo *gst_higfa_label_meta_get_info(void) {
  static const GstMetaInfo *info =
      register_info(GST_HIGFA_LABEL_META_API_TYPE, "GstHigfaLabelMeta", sizeof(GstHigfaLabelMeta),
                    label_meta_init, label_meta_free, label_meta_transform);
  return info;
}

GType gst_higfa_provenance_meta_api_get_type(void) {
  static const gchar *tags[] = {nullptr};
  static const GType type = register_api("GstHigfaProvenanceMetaAPI", tags);
  return type;
}

const GstMetaInfo *gst_higfa_provenance_meta_get_info(void) {
  static const GstMetaInfo *info = register_info(
      GST_HIGFA_PROVENANCE_META_API_TYPE, "GstHigfaProvenanceMeta", sizeof(GstHigfaProvenanceMeta),
      provenance_meta_init, provenance_meta_free, provenance_meta_transform);
  return info;
}

GType gst_higfa_classification_meta_api_get_type(void) {
  static const gchar *tags[] = {nullptr};
  static const GType type = register_api("GstHigfaClassificationMetaAPI", tags);
  return type;
}

const GstMetaInfo *gst_higfa_classification_meta_get_info(void) {
  static const GstMetaInfo *info =
      register_info(GST_HIGFA_CLASSIFICATION_META_API_TYPE, "GstHigfaClassificationMeta",
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
    guint sample_index, guint64 seed, const gchar *mode, const gchar *transform_json,
    const gchar *guidance_json, gdouble final_confidence, const gchar *extra_json) {
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
  meta->transform_json = g_strdup(transform_json);
  meta->guidance_json = g_strdup(guidance_json);
  meta->final_confidence = final_confidence;
  meta->extra_json = g_strdup(extra_json);
  return meta;
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

// ---------------------------------------------------------------------------------------------
// JSON.

void gst_higfa_json_append_string(GString *out, const gchar *value) {
  if (value == nullptr) {
    g_string_append(out, "null");
    return;
  }
  gchar *valid = g_utf8_make_valid(value, -1);
  g_string_append_c(out, '"');
  for (const gchar *p = valid; *p != '\0'; ++p) {
    const auto c = static_cast<guchar>(*p);
    switch (c) {
      case '"':
        g_string_append(out, "\\\"");
        break;
      case '\\':
        g_string_append(out, "\\\\");
        break;
      case '\n':
        g_string_append(out, "\\n");
        break;
      case '\r':
        g_string_append(out, "\\r");
        break;
      case '\t':
        g_string_append(out, "\\t");
        break;
      case '\b':
        g_string_append(out, "\\b");
        break;
      case '\f':
        g_string_append(out, "\\f");
        break;
      default:
        if (c < 0x20)
          g_string_append_printf(out, "\\u%04x", c);
        else
          g_string_append_c(out, *p);
    }
  }
  g_string_append_c(out, '"');
  g_free(valid);
}

void gst_higfa_json_append_double(GString *out, gdouble value) {
  if (!std::isfinite(value)) {
    g_string_append(out, "null");
    return;
  }
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (const gchar *format : {"%.15g", "%.16g", "%.17g"}) {
    g_ascii_formatd(buf, sizeof buf, format, value);
    if (g_ascii_strtod(buf, nullptr) == value) break;
  }
  g_string_append(out, buf);
}

gchar *gst_higfa_contour_meta_to_json(const GstHigfaContourMeta *meta) {
  g_return_val_if_fail(meta != nullptr, nullptr);
  const GstHigfaContourParams &p = meta->params;
  GString *out = g_string_new("{");
  append_key(out, "width", true);
  g_string_append_printf(out, "%d", meta->width);
  append_key(out, "height");
  g_string_append_printf(out, "%d", meta->height);
  append_key(out, "blur_size");
  g_string_append_printf(out, "%d", p.blur_size);
  append_key(out, "blur_sigma");
  gst_higfa_json_append_double(out, p.blur_sigma);
  append_key(out, "low_threshold");
  gst_higfa_json_append_double(out, p.low_threshold);
  append_key(out, "high_threshold");
  gst_higfa_json_append_double(out, p.high_threshold);
  append_key(out, "auto_threshold");
  append_bool(out, p.auto_threshold);
  append_key(out, "auto_sigma");
  gst_higfa_json_append_double(out, p.auto_sigma);
  append_key(out, "l2_gradient");
  append_bool(out, p.l2_gradient);
  append_key(out, "thinning");
  append_bool(out, p.thinning);
  g_string_append_c(out, '}');
  return g_string_free(out, FALSE);
}

gchar *gst_higfa_label_meta_to_json(const GstHigfaLabelMeta *meta) {
  g_return_val_if_fail(meta != nullptr, nullptr);
  GString *out = g_string_new("{");
  append_key(out, "class_id", true);
  g_string_append_printf(out, "%d", meta->class_id);
  append_key(out, "class_name");
  gst_higfa_json_append_string(out, meta->class_name);
  append_key(out, "source_path");
  gst_higfa_json_append_string(out, meta->source_path);
  append_key(out, "source_id");
  gst_higfa_json_append_string(out, meta->source_id);
  append_key(out, "source_index");
  g_string_append_printf(out, "%" G_GUINT64_FORMAT, meta->source_index);
  g_string_append_c(out, '}');
  return g_string_free(out, FALSE);
}

gchar *gst_higfa_provenance_meta_to_json(const GstHigfaProvenanceMeta *meta) {
  g_return_val_if_fail(meta != nullptr, nullptr);
  GString *out = g_string_new("{");
  append_key(out, "source_id", true);
  gst_higfa_json_append_string(out, meta->source_id);
  append_key(out, "class_id");
  g_string_append_printf(out, "%d", meta->class_id);
  append_key(out, "class_name");
  gst_higfa_json_append_string(out, meta->class_name);
  append_key(out, "sample_index");
  g_string_append_printf(out, "%u", meta->sample_index);
  append_key(out, "seed");
  g_string_append_printf(out, "%" G_GUINT64_FORMAT, meta->seed);
  append_key(out, "mode");
  gst_higfa_json_append_string(out, meta->mode);
  append_key(out, "transform");
  append_raw_json(out, meta->transform_json);
  append_key(out, "guidance");
  append_raw_json(out, meta->guidance_json);
  append_key(out, "final_confidence");
  gst_higfa_json_append_double(out, meta->final_confidence < 0 ? NAN : meta->final_confidence);
  append_key(out, "extra");
  append_raw_json(out, meta->extra_json);
  g_string_append_c(out, '}');
  return g_string_free(out, FALSE);
}

gchar *gst_higfa_classification_meta_to_json(const GstHigfaClassificationMeta *meta) {
  g_return_val_if_fail(meta != nullptr, nullptr);
  GString *out = g_string_new("{");
  append_key(out, "topk", true);
  g_string_append_c(out, '[');
  for (guint i = 0; i < meta->n; ++i) {
    if (i > 0) g_string_append_c(out, ',');
    g_string_append_c(out, '{');
    append_key(out, "class_id", true);
    g_string_append_printf(out, "%d", meta->class_ids[i]);
    append_key(out, "class_name");
    gst_higfa_json_append_string(out, meta->class_names[i]);
    append_key(out, "score");
    append_float(out, meta->scores[i]);
    g_string_append_c(out, '}');
  }
  g_string_append_c(out, ']');
  const bool labelled = meta->label_id >= 0;
  append_key(out, "label_id");
  if (labelled)
    g_string_append_printf(out, "%d", meta->label_id);
  else
    g_string_append(out, "null");
  append_key(out, "label_score");
  gst_higfa_json_append_double(out, labelled && meta->label_score >= 0 ? meta->label_score : NAN);
  g_string_append_c(out, '}');
  return g_string_free(out, FALSE);
}

gchar *gst_higfa_buffer_metas_to_json(GstBuffer *buffer) {
  g_return_val_if_fail(GST_IS_BUFFER(buffer), nullptr);
  GString *out = g_string_new("{");
  bool first = true;
  auto append_member = [&](const gchar *key, gchar *json) {
    append_key(out, key, first);
    first = false;
    g_string_append(out, json);
    g_free(json);
  };
  if (const GstHigfaLabelMeta *m = gst_buffer_get_higfa_label_meta(buffer))
    append_member("label", gst_higfa_label_meta_to_json(m));
  if (const GstHigfaProvenanceMeta *m = gst_buffer_get_higfa_provenance_meta(buffer))
    append_member("provenance", gst_higfa_provenance_meta_to_json(m));
  if (const GstHigfaClassificationMeta *m = gst_buffer_get_higfa_classification_meta(buffer))
    append_member("classification", gst_higfa_classification_meta_to_json(m));
  if (const GstHigfaContourMeta *m = gst_buffer_get_higfa_contour_meta(buffer))
    append_member("contour", gst_higfa_contour_meta_to_json(m));
  g_string_append_c(out, '}');
  return g_string_free(out, FALSE);
}
