// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The plugin's buffer metas (contour, label, provenance, classification) and their JSON form.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* ------------------------------------------------------------------------------------------ */
/* Contour meta: the edge map of the frame it is attached to.                                 */
/* ------------------------------------------------------------------------------------------ */

/// The contour options an edge map was made with (the fields of higfa::ContourOptions).
typedef struct {
  gint blur_size;           ///< Gaussian kernel size in px (odd); 0: no pre-blur
  gdouble blur_sigma;       ///< Gaussian sigma in px; 0: derived from blur_size
  gdouble low_threshold;    ///< Canny low threshold used for this map (derived if auto_threshold)
  gdouble high_threshold;   ///< Canny high threshold used for this map (derived if auto_threshold)
  gboolean auto_threshold;  ///< TRUE: the thresholds were derived from the frame's median instead
  gdouble auto_sigma;       ///< spread around the median used when auto_threshold is TRUE
  gboolean l2_gradient;     ///< TRUE: exact L2 gradient magnitude
  gboolean thinning;        ///< TRUE: edges thinned to one pixel
} GstHigfaContourParams;

/// Tagged "video" and "size": copied by buffer copies, videoconvert and videoscale. A scale
/// transform copies it unchanged (it keeps its own width and height; consumers resize it).
typedef struct {
  GstMeta meta;
  gint width;   ///< edge map width in px
  gint height;  ///< edge map height in px
  gint stride;  ///< bytes per row of `edges`, >= width
  /// GRAY8 edge map, 0 (no edge) or 255 (edge), `stride * height` bytes. Shared (ref-counted)
  /// between the copies of the meta: treat it as read-only.
  GstBuffer *edges;
  GstHigfaContourParams params;
} GstHigfaContourMeta;

GType gst_higfa_contour_meta_api_get_type(void);
#define GST_HIGFA_CONTOUR_META_API_TYPE (gst_higfa_contour_meta_api_get_type())
const GstMetaInfo *gst_higfa_contour_meta_get_info(void);
#define GST_HIGFA_CONTOUR_META_INFO (gst_higfa_contour_meta_get_info())

/// Attaches an edge map to the writable `buffer`; takes a new reference to `edges`, which must
/// hold at least `stride * height` bytes. Returns NULL (with a critical) on bad arguments.
GstHigfaContourMeta *gst_buffer_add_higfa_contour_meta(GstBuffer *buffer, GstBuffer *edges,
                                                       gint width, gint height, gint stride,
                                                       const GstHigfaContourParams *params);
/// The contour meta of `buffer`, or NULL.
GstHigfaContourMeta *gst_buffer_get_higfa_contour_meta(GstBuffer *buffer);

/* ------------------------------------------------------------------------------------------ */
/* Label meta: the class of a real frame and where the frame came from.                       */
/* ------------------------------------------------------------------------------------------ */

/// Untagged: survives every transform.
typedef struct {
  GstMeta meta;
  gint class_id;         ///< index into the class list; -1: unknown
  gchar *class_name;     ///< owned; may be NULL
  gchar *source_path;    ///< owned; the file the frame was decoded from; may be NULL
  gchar *source_id;      ///< owned; a stable id of the source image; may be NULL
  guint64 source_index;  ///< position of the source image in its dataset
} GstHigfaLabelMeta;

GType gst_higfa_label_meta_api_get_type(void);
#define GST_HIGFA_LABEL_META_API_TYPE (gst_higfa_label_meta_api_get_type())
const GstMetaInfo *gst_higfa_label_meta_get_info(void);
#define GST_HIGFA_LABEL_META_INFO (gst_higfa_label_meta_get_info())

/// Attaches a label to the writable `buffer`; the strings are copied (each may be NULL).
GstHigfaLabelMeta *gst_buffer_add_higfa_label_meta(GstBuffer *buffer, gint class_id,
                                                   const gchar *class_name,
                                                   const gchar *source_path, const gchar *source_id,
                                                   guint64 source_index);
/// The label meta of `buffer`, or NULL.
GstHigfaLabelMeta *gst_buffer_get_higfa_label_meta(GstBuffer *buffer);

/* ------------------------------------------------------------------------------------------ */
/* Provenance meta: how a generated frame was made.                                           */
/* ------------------------------------------------------------------------------------------ */

/// Untagged: survives every transform. The *_json fields hold one JSON value each (normally an
/// object), written verbatim into the JSON form; NULL or "" is written as null.
typedef struct {
  GstMeta meta;
  gchar *source_id;          ///< owned; the source image's stable id; may be NULL
  gint class_id;             ///< the intended class; -1: none
  gchar *class_name;         ///< owned; may be NULL
  guint sample_index;        ///< index of this sample among those made from the source
  guint64 seed;              ///< the sample's seed
  gchar *mode;               ///< owned; guidance mode ("cfg", "contour", "higfa", "higfa-fixed")
  gchar *transform_json;     ///< owned; the contour transform parameters drawn for this sample
  gchar *guidance_json;      ///< owned; guidance settings (weights, schedule, steps)
  gdouble final_confidence;  ///< classifier confidence in the intended class, 0..1; -1: unknown
  gchar *extra_json;         ///< owned; anything else, e.g. per-step confidences
} GstHigfaProvenanceMeta;

GType gst_higfa_provenance_meta_api_get_type(void);
#define GST_HIGFA_PROVENANCE_META_API_TYPE (gst_higfa_provenance_meta_api_get_type())
const GstMetaInfo *gst_higfa_provenance_meta_get_info(void);
#define GST_HIGFA_PROVENANCE_META_INFO (gst_higfa_provenance_meta_get_info())

/// Attaches provenance to the writable `buffer`; the strings are copied (each may be NULL).
GstHigfaProvenanceMeta *gst_buffer_add_higfa_provenance_meta(
    GstBuffer *buffer, const gchar *source_id, gint class_id, const gchar *class_name,
    guint sample_index, guint64 seed, const gchar *mode, const gchar *transform_json,
    const gchar *guidance_json, gdouble final_confidence, const gchar *extra_json);
/// The provenance meta of `buffer`, or NULL.
GstHigfaProvenanceMeta *gst_buffer_get_higfa_provenance_meta(GstBuffer *buffer);

/* ------------------------------------------------------------------------------------------ */
/* Classification meta: a classifier's top-k on the frame.                                    */
/* ------------------------------------------------------------------------------------------ */

/// Untagged: survives every transform.
typedef struct {
  GstMeta meta;
  guint n;              ///< number of entries (top-k), best first
  gint *class_ids;      ///< owned; n class ids
  gchar **class_names;  ///< owned; n names ("" where unknown), NULL-terminated
  gfloat *scores;       ///< owned; n probabilities, 0..1
  gint label_id;        ///< the intended label's class id; -1: no label
  gdouble label_score;  ///< the intended label's probability, 0..1; -1: no label
} GstHigfaClassificationMeta;

GType gst_higfa_classification_meta_api_get_type(void);
#define GST_HIGFA_CLASSIFICATION_META_API_TYPE (gst_higfa_classification_meta_api_get_type())
const GstMetaInfo *gst_higfa_classification_meta_get_info(void);
#define GST_HIGFA_CLASSIFICATION_META_INFO (gst_higfa_classification_meta_get_info())

/// Attaches a top-k to the writable `buffer`; the arrays are copied. `class_names` may be NULL
/// (all names ""), as may any of its n entries.
GstHigfaClassificationMeta *gst_buffer_add_higfa_classification_meta(
    GstBuffer *buffer, guint n, const gint *class_ids, const gchar *const *class_names,
    const gfloat *scores, gint label_id, gdouble label_score);
/// The classification meta of `buffer`, or NULL.
GstHigfaClassificationMeta *gst_buffer_get_higfa_classification_meta(GstBuffer *buffer);

/* ------------------------------------------------------------------------------------------ */
/* JSON form (for manifests and WebDataset .json members). Every function returns one JSON      */
/* object, UTF-8 (invalid bytes in strings are replaced by U+FFFD); free it with g_free().      */
/* Non-finite numbers are written as null.                                                     */
/* ------------------------------------------------------------------------------------------ */

/// Appends `value` as a quoted, escaped JSON string to `out`; NULL appends null.
void gst_higfa_json_append_string(GString *out, const gchar *value);
/// Appends `value` as a JSON number (shortest form that reads back exactly); NaN/inf: null.
void gst_higfa_json_append_double(GString *out, gdouble value);

/// {"width", "height", "blur_size", "blur_sigma", "low_threshold", "high_threshold",
///  "auto_threshold", "auto_sigma", "l2_gradient", "thinning"}; the edge data is not included.
gchar *gst_higfa_contour_meta_to_json(const GstHigfaContourMeta *meta);
/// {"class_id", "class_name", "source_path", "source_id", "source_index"}.
gchar *gst_higfa_label_meta_to_json(const GstHigfaLabelMeta *meta);
/// {"source_id", "class_id", "class_name", "sample_index", "seed", "mode", "transform",
///  "guidance", "final_confidence", "extra"}; the last four as given (null where unknown).
gchar *gst_higfa_provenance_meta_to_json(const GstHigfaProvenanceMeta *meta);
/// {"topk": [{"class_id", "class_name", "score"}...], "label_id", "label_score"}; the label
/// fields are null when label_id is -1.
gchar *gst_higfa_classification_meta_to_json(const GstHigfaClassificationMeta *meta);
/// {"label": ..., "provenance": ..., "classification": ..., "contour": ...} with only the
/// metas `buffer` carries ({} when none).
gchar *gst_higfa_buffer_metas_to_json(GstBuffer *buffer);

G_END_DECLS
