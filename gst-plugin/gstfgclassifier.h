// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// fgclassifier: fine-grained classification of frames into a classification meta (top-k, label
// score).
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/// Which of a bundle's classifiers fgclassifier runs: the `classifier` property.
typedef enum {
  GST_HIGFA_BUNDLE_CLASSIFIER_AUTO,
  GST_HIGFA_BUNDLE_CLASSIFIER_GUIDANCE,
  GST_HIGFA_BUNDLE_CLASSIFIER_FILTER,
} GstHigfaBundleClassifier;

#define GST_TYPE_HIGFA_BUNDLE_CLASSIFIER (gst_higfa_bundle_classifier_get_type())
GType gst_higfa_bundle_classifier_get_type(void);

#define GST_TYPE_FG_CLASSIFIER (gst_fg_classifier_get_type())
G_DECLARE_FINAL_TYPE(GstFgClassifier, gst_fg_classifier, GST, FG_CLASSIFIER, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(fgclassifier);

G_END_DECLS
