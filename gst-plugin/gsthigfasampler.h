// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfasampler: HiGFA guided diffusion sampling, N generated frames per input frame.
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/// Guidance modes (design §4): the `guidance` property.
typedef enum {
  GST_HIGFA_GUIDANCE_MODE_CFG,
  GST_HIGFA_GUIDANCE_MODE_CONTOUR,
  GST_HIGFA_GUIDANCE_MODE_HIGFA,
  GST_HIGFA_GUIDANCE_MODE_HIGFA_FIXED,
} GstHigfaGuidanceMode;

/// Diffusion schedulers: the `scheduler` property.
typedef enum {
  GST_HIGFA_SCHEDULER_DDIM,
  GST_HIGFA_SCHEDULER_DPM_SOLVER_MULTISTEP,
} GstHigfaScheduler;

/// How the classifier gradient is taken: the `classifier-grad` property.
typedef enum {
  GST_HIGFA_CLASSIFIER_GRAD_EXACT,
  GST_HIGFA_CLASSIFIER_GRAD_APPROX,
  GST_HIGFA_CLASSIFIER_GRAD_AUTO,
} GstHigfaClassifierGrad;

/// What a frame without a label meta (and no `class` property) does: the `missing-label` property.
typedef enum {
  GST_HIGFA_MISSING_LABEL_ERROR,
  GST_HIGFA_MISSING_LABEL_SKIP,
} GstHigfaMissingLabel;

#define GST_TYPE_HIGFA_GUIDANCE_MODE (gst_higfa_guidance_mode_get_type())
GType gst_higfa_guidance_mode_get_type(void);
#define GST_TYPE_HIGFA_SCHEDULER (gst_higfa_scheduler_get_type())
GType gst_higfa_scheduler_get_type(void);
#define GST_TYPE_HIGFA_CLASSIFIER_GRAD (gst_higfa_classifier_grad_get_type())
GType gst_higfa_classifier_grad_get_type(void);
#define GST_TYPE_HIGFA_MISSING_LABEL (gst_higfa_missing_label_get_type())
GType gst_higfa_missing_label_get_type(void);

#define GST_TYPE_HIGFA_SAMPLER (gst_higfa_sampler_get_type())
G_DECLARE_FINAL_TYPE(GstHigfaSampler, gst_higfa_sampler, GST, HIGFA_SAMPLER, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(higfasampler);

G_END_DECLS
