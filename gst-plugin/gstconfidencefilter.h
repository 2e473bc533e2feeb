// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// confidencefilter: keeps frames whose classification supports their intended label.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/// Keep rules (flags; every selected rule must hold): the `rule` property.
typedef enum {
  GST_CONFIDENCE_FILTER_RULE_LABEL_SCORE = (1 << 0),
  GST_CONFIDENCE_FILTER_RULE_TOP_K = (1 << 1),
  GST_CONFIDENCE_FILTER_RULE_TOP_1 = (1 << 2),
} GstConfidenceFilterRule;

/// What a frame without a classification meta or an intended label does: `missing-meta`.
typedef enum {
  GST_CONFIDENCE_FILTER_MISSING_META_ERROR,
  GST_CONFIDENCE_FILTER_MISSING_META_PASS,
  GST_CONFIDENCE_FILTER_MISSING_META_DROP,
} GstConfidenceFilterMissingMeta;

#define GST_TYPE_CONFIDENCE_FILTER_RULE (gst_confidence_filter_rule_get_type())
GType gst_confidence_filter_rule_get_type(void);
#define GST_TYPE_CONFIDENCE_FILTER_MISSING_META (gst_confidence_filter_missing_meta_get_type())
GType gst_confidence_filter_missing_meta_get_type(void);

#define GST_TYPE_CONFIDENCE_FILTER (gst_confidence_filter_get_type())
G_DECLARE_FINAL_TYPE(GstConfidenceFilter, gst_confidence_filter, GST, CONFIDENCE_FILTER, GstElement)

GST_ELEMENT_REGISTER_DECLARE(confidencefilter);

G_END_DECLS
