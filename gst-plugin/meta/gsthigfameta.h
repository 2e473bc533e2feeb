// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// libgsthigfa-1.0: higfa's buffer metas (contour, label, provenance, classification), typed.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#ifdef __GI_SCANNER__
#define GST_HIGFA_API
#elif defined(__GNUC__)
#define GST_HIGFA_API __attribute__((visibility("default")))
#else
#define GST_HIGFA_API
#endif

/**
 * SECTION:gsthigfameta
 * @title: GstHigfa metas
 * @short_description: labels, contours, provenance and classifications on buffers
 *
 * The metas higfa's elements attach to frames, readable by applications in C, C++ and, through
 * GObject introspection (namespace GstHigfa 1.0), Python: datasetsrc adds a #GstHigfaLabelMeta,
 * contourextract a #GstHigfaContourMeta, higfasampler a #GstHigfaProvenanceMeta (and a copy of
 * the label) on every generated frame, fgclassifier a #GstHigfaClassificationMeta. Every field is
 * typed; the JSON form (gst_higfa_buffer_metas_to_json()) is written from these fields by
 * libhigfa, once.
 */

/* ------------------------------------------------------------------------------------------ */
/* Contour meta: the edge map of the frame it is attached to.                                 */
/* ------------------------------------------------------------------------------------------ */

typedef struct _GstHigfaContourParams GstHigfaContourParams;
typedef struct _GstHigfaContourMeta GstHigfaContourMeta;

/**
 * GstHigfaContourParams:
 * @blur_size: Gaussian kernel size in px (odd); 0: no pre-blur
 * @blur_sigma: Gaussian sigma in px; 0: derived from @blur_size
 * @low_threshold: Canny low threshold used for this map (derived if @auto_threshold)
 * @high_threshold: Canny high threshold used for this map (derived if @auto_threshold)
 * @auto_threshold: %TRUE: the thresholds were derived from the frame's median
 * @auto_sigma: spread around the median used when @auto_threshold is %TRUE
 * @l2_gradient: %TRUE: exact L2 gradient magnitude
 * @thinning: %TRUE: edges thinned to one pixel
 *
 * The contour options an edge map was made with (the fields of higfa::ContourOptions).
 */
struct _GstHigfaContourParams {
  gint blur_size;
  gdouble blur_sigma;
  gdouble low_threshold;
  gdouble high_threshold;
  gboolean auto_threshold;
  gdouble auto_sigma;
  gboolean l2_gradient;
  gboolean thinning;
};

/**
 * GstHigfaContourMeta:
 * @meta: the parent #GstMeta
 * @width: edge map width in px
 * @height: edge map height in px
 * @stride: bytes per row of @edges, >= @width
 * @edges: GRAY8 edge map, 0 (no edge) or 255 (edge), @stride * @height bytes; shared
 *   (ref-counted) between the copies of the meta: treat it as read-only
 * @params: the options the map was made with
 *
 * Tagged "video" and "size": copied by buffer copies, videoconvert and videoscale. A scale
 * transform copies it unchanged (it keeps its own width and height; consumers resize it).
 */
struct _GstHigfaContourMeta {
  GstMeta meta;
  gint width;
  gint height;
  gint stride;
  GstBuffer *edges;
  GstHigfaContourParams params;
};

GST_HIGFA_API GType gst_higfa_contour_meta_api_get_type(void);
#define GST_HIGFA_CONTOUR_META_API_TYPE (gst_higfa_contour_meta_api_get_type())
GST_HIGFA_API const GstMetaInfo *gst_higfa_contour_meta_get_info(void);
#define GST_HIGFA_CONTOUR_META_INFO (gst_higfa_contour_meta_get_info())

/**
 * gst_buffer_add_higfa_contour_meta:
 * @buffer: a writable #GstBuffer
 * @edges: the GRAY8 edge map, at least @stride * @height bytes; a new reference is taken
 * @width: edge map width in px, > 0
 * @height: edge map height in px, > 0
 * @stride: bytes per row of @edges, >= @width
 * @params: (nullable): the options the map was made with; %NULL: all zero
 *
 * Returns: (transfer none) (nullable): the new meta, or %NULL (with a critical) on bad arguments
 */
GST_HIGFA_API GstHigfaContourMeta *gst_buffer_add_higfa_contour_meta(
    GstBuffer *buffer, GstBuffer *edges, gint width, gint height, gint stride,
    const GstHigfaContourParams *params);

/**
 * gst_buffer_get_higfa_contour_meta:
 * @buffer: a #GstBuffer
 *
 * Returns: (transfer none) (nullable): the contour meta of @buffer, or %NULL
 */
GST_HIGFA_API GstHigfaContourMeta *gst_buffer_get_higfa_contour_meta(GstBuffer *buffer);

/* ------------------------------------------------------------------------------------------ */
/* Label meta: the class of a real frame and where the frame came from.                       */
/* ------------------------------------------------------------------------------------------ */

typedef struct _GstHigfaLabelMeta GstHigfaLabelMeta;

/**
 * GstHigfaLabelMeta:
 * @meta: the parent #GstMeta
 * @class_id: index into the class list; -1: unknown
 * @class_name: (nullable): the class name
 * @source_path: (nullable): the file the frame was decoded from
 * @source_id: (nullable): a stable id of the source image
 * @source_index: position of the source image in its dataset
 *
 * Untagged: survives every transform. The strings are owned by the meta.
 */
struct _GstHigfaLabelMeta {
  GstMeta meta;
  gint class_id;
  gchar *class_name;
  gchar *source_path;
  gchar *source_id;
  guint64 source_index;
};

GST_HIGFA_API GType gst_higfa_label_meta_api_get_type(void);
#define GST_HIGFA_LABEL_META_API_TYPE (gst_higfa_label_meta_api_get_type())
GST_HIGFA_API const GstMetaInfo *gst_higfa_label_meta_get_info(void);
#define GST_HIGFA_LABEL_META_INFO (gst_higfa_label_meta_get_info())

/**
 * gst_buffer_add_higfa_label_meta:
 * @buffer: a writable #GstBuffer
 * @class_id: index into the class list; -1: unknown
 * @class_name: (nullable): copied
 * @source_path: (nullable): copied
 * @source_id: (nullable): copied
 * @source_index: position of the source image in its dataset
 *
 * Returns: (transfer none) (nullable): the new meta
 */
GST_HIGFA_API GstHigfaLabelMeta *gst_buffer_add_higfa_label_meta(GstBuffer *buffer, gint class_id,
                                                                 const gchar *class_name,
                                                                 const gchar *source_path,
                                                                 const gchar *source_id,
                                                                 guint64 source_index);

/**
 * gst_buffer_get_higfa_label_meta:
 * @buffer: a #GstBuffer
 *
 * Returns: (transfer none) (nullable): the label meta of @buffer, or %NULL
 */
GST_HIGFA_API GstHigfaLabelMeta *gst_buffer_get_higfa_label_meta(GstBuffer *buffer);

/* ------------------------------------------------------------------------------------------ */
/* Provenance meta: how a generated frame was made (the fields of higfa::Provenance).         */
/* ------------------------------------------------------------------------------------------ */

typedef struct _GstHigfaTransformParams GstHigfaTransformParams;
typedef struct _GstHigfaFinalWeights GstHigfaFinalWeights;
typedef struct _GstHigfaGuidanceParams GstHigfaGuidanceParams;
typedef struct _GstHigfaProvenanceMeta GstHigfaProvenanceMeta;

/**
 * GstHigfaTransformParams:
 * @rotation_deg: rotation in degrees
 * @scale: isotropic scale factor (1: none)
 * @translate_x: translation, fraction of the width
 * @translate_y: translation, fraction of the height
 * @shear_deg: shear in degrees
 * @flip: %TRUE: flipped horizontally
 * @elastic_alpha: elastic warp strength in px (0: none)
 * @elastic_sigma: elastic field smoothing in px
 * @edge_dropout: fraction of edge pixels dropped (0: none)
 * @noise_seed: seeds the elastic field and the dropout mask
 *
 * The contour transform drawn for one sample (higfa::ContourTransformParams).
 */
struct _GstHigfaTransformParams {
  gdouble rotation_deg;
  gdouble scale;
  gdouble translate_x;
  gdouble translate_y;
  gdouble shear_deg;
  gboolean flip;
  gdouble elastic_alpha;
  gdouble elastic_sigma;
  gdouble edge_dropout;
  guint64 noise_seed;
};

/**
 * GstHigfaFinalWeights:
 * @step: the index of the last traced step
 * @text_weight: the text (class) guidance weight at that step
 * @contour_weight: the contour guidance weight at that step
 * @classifier_weight: the classifier guidance weight at that step
 * @modulation_confidence: the confidence that modulated them, 0..1; -1: none
 * @classifier_applied: %TRUE: the classifier term was applied at that step
 *
 * The guidance weights in effect at the last step a sample ran (higfa::FinalWeights).
 */
struct _GstHigfaFinalWeights {
  gint step;
  gdouble text_weight;
  gdouble contour_weight;
  gdouble classifier_weight;
  gdouble modulation_confidence;
  gboolean classifier_applied;
};

/**
 * GstHigfaGuidanceParams:
 * @scheduler: (nullable): "ddim" or "dpm++2m"
 * @num_inference_steps: sampling steps
 * @eta: DDIM eta
 * @strength: 1: from pure noise; < 1: img2img from the source noised to strength·steps
 * @fine_stage: fraction of the steps in the final (classifier) stage
 * @guidance_scale: text (class) guidance weight w_y
 * @contour_scale: contour guidance strength s_k
 * @classifier_scale: classifier guidance weight w_cls
 * @text_lo: text modulation range, low end
 * @text_hi: text modulation range, high end
 * @contour_lo: contour modulation range, low end
 * @contour_hi: contour modulation range, high end
 * @classifier_lo: classifier modulation range, low end
 * @classifier_hi: classifier modulation range, high end
 * @gamma: modulation exponent
 * @classifier_gate: confidence at or above which the classifier term is off
 * @classifier_grad: (nullable): "exact" or "approx"
 * @grad_clip: gradient-norm clip (0: none)
 * @transform_contour: %TRUE: the contour was transformed per sample
 * @clip_sample: %TRUE: x̂0 was clamped to the value range before every scheduler update
 * @has_final_weights: %FALSE: no step was traced and @final_weights is unset
 * @final_weights: the weights at the last traced step
 *
 * The sampler settings that produced a sample (higfa::GuidanceRecord, less the mode, which is
 * the provenance meta's @mode). In a meta the strings are owned by the meta.
 */
struct _GstHigfaGuidanceParams {
  gchar *scheduler;
  gint num_inference_steps;
  gdouble eta;
  gdouble strength;
  gdouble fine_stage;
  gdouble guidance_scale;
  gdouble contour_scale;
  gdouble classifier_scale;
  gdouble text_lo;
  gdouble text_hi;
  gdouble contour_lo;
  gdouble contour_hi;
  gdouble classifier_lo;
  gdouble classifier_hi;
  gdouble gamma;
  gdouble classifier_gate;
  gchar *classifier_grad;
  gdouble grad_clip;
  gboolean transform_contour;
  gboolean clip_sample;
  gboolean has_final_weights;
  GstHigfaFinalWeights final_weights;
};

/**
 * GstHigfaProvenanceMeta:
 * @meta: the parent #GstMeta
 * @source_id: (nullable): the source image's stable id
 * @class_id: the intended class; -1: none
 * @class_name: (nullable): the intended class's name
 * @sample_index: index of this sample among those made from the source
 * @seed: the sample's seed (higfa::derive_seed(@base_seed, @source_id, @sample_index))
 * @mode: (nullable): guidance mode ("cfg", "contour", "higfa", "higfa-fixed")
 * @transform: the contour transform drawn for this sample
 * @guidance: the guidance settings
 * @final_confidence: classifier confidence in the intended class on the final image, 0..1;
 *   -1: unknown
 * @bundle: (nullable): the model bundle directory as given
 * @bundle_name: (nullable): the bundle's name
 * @base_seed: the run's base seed
 * @contour_used: %TRUE: a contour guided the sample
 * @n_confidences: number of entries of @confidence_steps and @confidences
 * @confidence_steps: (array length=n_confidences): the steps where p_y of x̂0 was measured
 * @confidences: (array length=n_confidences): p_y of x̂0 at those steps, 0..1
 * @prompt_index: text bundles: the index of the sample's prompt in its class's set; -1: none
 * @prompt: (nullable): the prompt's text
 *
 * Untagged: survives every transform. Strings and arrays are owned by the meta; read the arrays
 * with gst_higfa_provenance_meta_get_confidences().
 */
struct _GstHigfaProvenanceMeta {
  GstMeta meta;
  gchar *source_id;
  gint class_id;
  gchar *class_name;
  guint sample_index;
  guint64 seed;
  gchar *mode;
  GstHigfaTransformParams transform;
  GstHigfaGuidanceParams guidance;
  gdouble final_confidence;
  gchar *bundle;
  gchar *bundle_name;
  guint64 base_seed;
  gboolean contour_used;
  guint n_confidences;
  gint *confidence_steps;
  gdouble *confidences;
  gint prompt_index;
  gchar *prompt;
};

GST_HIGFA_API GType gst_higfa_provenance_meta_api_get_type(void);
#define GST_HIGFA_PROVENANCE_META_API_TYPE (gst_higfa_provenance_meta_api_get_type())
GST_HIGFA_API const GstMetaInfo *gst_higfa_provenance_meta_get_info(void);
#define GST_HIGFA_PROVENANCE_META_INFO (gst_higfa_provenance_meta_get_info())

/**
 * gst_higfa_transform_params_init:
 * @params: (out caller-allocates): the parameters to set
 *
 * Sets @params to the identity transform (higfa::ContourTransformParams' defaults).
 */
GST_HIGFA_API void gst_higfa_transform_params_init(GstHigfaTransformParams *params);

/**
 * gst_higfa_guidance_params_init:
 * @params: (out caller-allocates): the parameters to set
 *
 * Sets @params to higfa::GuidanceRecord's defaults (strings %NULL, no final weights).
 */
GST_HIGFA_API void gst_higfa_guidance_params_init(GstHigfaGuidanceParams *params);

/**
 * gst_buffer_add_higfa_provenance_meta:
 * @buffer: a writable #GstBuffer
 * @source_id: (nullable): copied
 * @class_id: the intended class; -1: none
 * @class_name: (nullable): copied
 * @sample_index: index of this sample among those made from the source
 * @seed: the sample's seed
 * @mode: (nullable): the guidance mode; copied
 * @transform: (nullable): copied; %NULL: the identity
 * @guidance: (nullable): copied, strings included; %NULL: gst_higfa_guidance_params_init()'s
 * @final_confidence: 0..1; -1: unknown
 *
 * Attaches provenance; set the bundle and the per-step confidences with
 * gst_higfa_provenance_meta_set_bundle() and gst_higfa_provenance_meta_set_confidences().
 *
 * Returns: (transfer none) (nullable): the new meta
 */
GST_HIGFA_API GstHigfaProvenanceMeta *gst_buffer_add_higfa_provenance_meta(
    GstBuffer *buffer, const gchar *source_id, gint class_id, const gchar *class_name,
    guint sample_index, guint64 seed, const gchar *mode, const GstHigfaTransformParams *transform,
    const GstHigfaGuidanceParams *guidance, gdouble final_confidence);

/**
 * gst_higfa_provenance_meta_set_prompt:
 * @meta: a provenance meta
 * @prompt_index: the index of the prompt in its class's set; -1: none
 * @prompt: (nullable): the prompt's text; copied
 */
GST_HIGFA_API void gst_higfa_provenance_meta_set_prompt(GstHigfaProvenanceMeta *meta,
                                                        gint prompt_index, const gchar *prompt);

/**
 * gst_higfa_provenance_meta_set_bundle:
 * @meta: a provenance meta
 * @bundle: (nullable): the bundle directory as given; copied
 * @bundle_name: (nullable): the bundle's name; copied
 * @base_seed: the run's base seed
 * @contour_used: %TRUE: a contour guided the sample
 */
GST_HIGFA_API void gst_higfa_provenance_meta_set_bundle(GstHigfaProvenanceMeta *meta,
                                                        const gchar *bundle,
                                                        const gchar *bundle_name, guint64 base_seed,
                                                        gboolean contour_used);

/**
 * gst_higfa_provenance_meta_set_confidences:
 * @meta: a provenance meta
 * @n: number of entries
 * @steps: (array length=n) (nullable): the steps where p_y of x̂0 was measured; copied
 * @confidences: (array length=n) (nullable): p_y at those steps; copied
 *
 * Replaces the per-step confidences.
 */
GST_HIGFA_API void gst_higfa_provenance_meta_set_confidences(GstHigfaProvenanceMeta *meta, guint n,
                                                             const gint *steps,
                                                             const gdouble *confidences);

/**
 * gst_higfa_provenance_meta_get_confidences:
 * @meta: a provenance meta
 * @n: (out): number of entries
 *
 * Returns: (array length=n) (transfer none) (nullable): p_y of x̂0 at the measured steps
 */
GST_HIGFA_API const gdouble *gst_higfa_provenance_meta_get_confidences(
    const GstHigfaProvenanceMeta *meta, guint *n);

/**
 * gst_higfa_provenance_meta_get_confidence_steps:
 * @meta: a provenance meta
 * @n: (out): number of entries
 *
 * Returns: (array length=n) (transfer none) (nullable): the steps where p_y was measured
 */
GST_HIGFA_API const gint *gst_higfa_provenance_meta_get_confidence_steps(
    const GstHigfaProvenanceMeta *meta, guint *n);

/**
 * gst_buffer_get_higfa_provenance_meta:
 * @buffer: a #GstBuffer
 *
 * Returns: (transfer none) (nullable): the provenance meta of @buffer, or %NULL
 */
GST_HIGFA_API GstHigfaProvenanceMeta *gst_buffer_get_higfa_provenance_meta(GstBuffer *buffer);

/* ------------------------------------------------------------------------------------------ */
/* Classification meta: a classifier's top-k on the frame.                                    */
/* ------------------------------------------------------------------------------------------ */

typedef struct _GstHigfaClassificationMeta GstHigfaClassificationMeta;

/**
 * GstHigfaClassificationMeta:
 * @meta: the parent #GstMeta
 * @n: number of entries (top-k), best first
 * @class_ids: (array length=n): class ids
 * @class_names: (array length=n): names, "" where unknown (also %NULL-terminated)
 * @scores: (array length=n): probabilities, 0..1, descending
 * @label_id: the intended label's class id; -1: no label
 * @label_score: the intended label's probability, 0..1; -1: no label
 *
 * Untagged: survives every transform. Read the arrays with
 * gst_higfa_classification_meta_get_class_ids(), _get_class_names() and _get_scores().
 */
struct _GstHigfaClassificationMeta {
  GstMeta meta;
  guint n;
  gint *class_ids;
  gchar **class_names;
  gfloat *scores;
  gint label_id;
  gdouble label_score;
};

GST_HIGFA_API GType gst_higfa_classification_meta_api_get_type(void);
#define GST_HIGFA_CLASSIFICATION_META_API_TYPE (gst_higfa_classification_meta_api_get_type())
GST_HIGFA_API const GstMetaInfo *gst_higfa_classification_meta_get_info(void);
#define GST_HIGFA_CLASSIFICATION_META_INFO (gst_higfa_classification_meta_get_info())

/**
 * gst_buffer_add_higfa_classification_meta:
 * @buffer: a writable #GstBuffer
 * @n: number of entries
 * @class_ids: (array length=n) (nullable): copied
 * @class_names: (array length=n) (nullable): copied; %NULL (or a %NULL entry): ""
 * @scores: (array length=n) (nullable): copied
 * @label_id: the intended label's class id; -1: no label
 * @label_score: the intended label's probability; -1: no label
 *
 * Returns: (transfer none) (nullable): the new meta, or %NULL (with a critical) when @n > 0 and
 *   @class_ids or @scores is %NULL
 */
GST_HIGFA_API GstHigfaClassificationMeta *gst_buffer_add_higfa_classification_meta(
    GstBuffer *buffer, guint n, const gint *class_ids, const gchar *const *class_names,
    const gfloat *scores, gint label_id, gdouble label_score);

/**
 * gst_buffer_get_higfa_classification_meta:
 * @buffer: a #GstBuffer
 *
 * Returns: (transfer none) (nullable): the classification meta of @buffer, or %NULL
 */
GST_HIGFA_API GstHigfaClassificationMeta *gst_buffer_get_higfa_classification_meta(
    GstBuffer *buffer);

/**
 * gst_higfa_classification_meta_get_class_ids:
 * @meta: a classification meta
 * @n: (out): number of entries
 *
 * Returns: (array length=n) (transfer none) (nullable): the top-k class ids, best first
 */
GST_HIGFA_API const gint *gst_higfa_classification_meta_get_class_ids(
    const GstHigfaClassificationMeta *meta, guint *n);

/**
 * gst_higfa_classification_meta_get_class_names:
 * @meta: a classification meta
 * @n: (out): number of entries
 *
 * Returns: (array length=n) (transfer none) (nullable): the top-k class names ("" where unknown)
 */
GST_HIGFA_API const gchar *const *gst_higfa_classification_meta_get_class_names(
    const GstHigfaClassificationMeta *meta, guint *n);

/**
 * gst_higfa_classification_meta_get_scores:
 * @meta: a classification meta
 * @n: (out): number of entries
 *
 * Returns: (array length=n) (transfer none) (nullable): the top-k probabilities, descending
 */
GST_HIGFA_API const gfloat *gst_higfa_classification_meta_get_scores(
    const GstHigfaClassificationMeta *meta, guint *n);

/* ------------------------------------------------------------------------------------------ */
/* The intended label: the one rule every element uses.                                       */
/* ------------------------------------------------------------------------------------------ */

/**
 * GstHigfaLabelSource:
 * @GST_HIGFA_LABEL_SOURCE_NONE: no meta carries a class: the caller's default applies
 * @GST_HIGFA_LABEL_SOURCE_PROVENANCE: the provenance meta's class (a generated frame)
 * @GST_HIGFA_LABEL_SOURCE_LABEL: the label meta's class (a labelled or pseudo-labelled frame)
 *
 * Where gst_higfa_buffer_get_intended_label() found the class.
 */
typedef enum {
  GST_HIGFA_LABEL_SOURCE_NONE = 0,
  GST_HIGFA_LABEL_SOURCE_PROVENANCE = 1,
  GST_HIGFA_LABEL_SOURCE_LABEL = 2,
} GstHigfaLabelSource;

/**
 * gst_higfa_buffer_get_intended_label:
 * @buffer: a #GstBuffer
 * @class_id: (out) (optional): the intended class id; -1 when unknown (the meta names the class
 *   only) or with %GST_HIGFA_LABEL_SOURCE_NONE
 * @class_name: (out) (optional) (nullable) (transfer none): the intended class name, owned by
 *   the meta; %NULL when the meta gives an id only, or with %GST_HIGFA_LABEL_SOURCE_NONE
 *
 * The class @buffer is meant to show, by one precedence for every element: the provenance
 * meta's class (what a generated frame was made to be), else the label meta's class, else none
 * (the caller applies its default, e.g. higfasampler's class property). A meta carries a class
 * when its class_name is non-empty or its class_id is >= 0. A caller that holds a class list
 * should match @class_name first (names survive different class orders), then @class_id.
 *
 * Returns: where the class came from
 */
GST_HIGFA_API GstHigfaLabelSource gst_higfa_buffer_get_intended_label(GstBuffer *buffer,
                                                                      gint *class_id,
                                                                      const gchar **class_name);

/* ------------------------------------------------------------------------------------------ */
/* JSON form (for manifests and WebDataset .json members), written by libhigfa from the typed   */
/* fields: one line, UTF-8 (invalid bytes replaced by U+FFFD), non-finite numbers as null.       */
/* ------------------------------------------------------------------------------------------ */

/**
 * gst_higfa_contour_meta_to_json:
 * @meta: a contour meta
 *
 * Returns: (transfer full): {"width", "height", "blur_size", "blur_sigma", "low_threshold",
 *   "high_threshold", "auto_threshold", "auto_sigma", "l2_gradient", "thinning"} (not the edges)
 */
GST_HIGFA_API gchar *gst_higfa_contour_meta_to_json(const GstHigfaContourMeta *meta);

/**
 * gst_higfa_label_meta_to_json:
 * @meta: a label meta
 *
 * Returns: (transfer full): {"class_id", "class_name", "source_path", "source_id",
 *   "source_index"}, %NULL strings as null
 */
GST_HIGFA_API gchar *gst_higfa_label_meta_to_json(const GstHigfaLabelMeta *meta);

/**
 * gst_higfa_provenance_meta_to_json:
 * @meta: a provenance meta
 *
 * Returns: (transfer full): higfa::to_json of the meta's higfa::Provenance: {"source_id",
 *   "class_id", "class_name", "sample_index", "seed", "mode", "transform": {...},
 *   "guidance": {...}, "final_confidence" (null when < 0), "extra": {"bundle", "bundle_name",
 *   "base_seed", "contour_used", "confidences": [[step, p], ...]}}
 */
GST_HIGFA_API gchar *gst_higfa_provenance_meta_to_json(const GstHigfaProvenanceMeta *meta);

/**
 * gst_higfa_classification_meta_to_json:
 * @meta: a classification meta
 *
 * Returns: (transfer full): {"topk": [{"class_id", "class_name", "score"}, ...], "label_id",
 *   "label_score"}; the label fields are null when label_id is -1
 */
GST_HIGFA_API gchar *gst_higfa_classification_meta_to_json(const GstHigfaClassificationMeta *meta);

/**
 * gst_higfa_buffer_metas_to_json:
 * @buffer: a #GstBuffer
 *
 * Returns: (transfer full): {"label": ..., "provenance": ..., "classification": ...,
 *   "contour": ...} with only the metas @buffer carries ({} when none)
 */
GST_HIGFA_API gchar *gst_higfa_buffer_metas_to_json(GstBuffer *buffer);

G_END_DECLS
