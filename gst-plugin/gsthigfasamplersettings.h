// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfasampler's properties: their defaults and ids, the settings they write, their installation.
#pragma once

#include <gst/gst.h>
#include <higfa/sampler.h>

#include <string>

#include "gsthigfasampler.h"

#define DEFAULT_PROP_BUNDLE nullptr
#define DEFAULT_PROP_SAMPLES_PER_IMAGE 4
#define DEFAULT_PROP_SEED 0
#define DEFAULT_PROP_BATCH_SIZE 8
#define DEFAULT_PROP_THREADS 0
#define DEFAULT_PROP_RETAIN_MEMORY TRUE
#define DEFAULT_PROP_DEVICE "cpu"
#define DEFAULT_PROP_CLASS nullptr
#define DEFAULT_PROP_MISSING_LABEL GST_HIGFA_MISSING_LABEL_ERROR
#define DEFAULT_PROP_GUIDANCE GST_HIGFA_GUIDANCE_MODE_HIGFA
#define DEFAULT_PROP_SCHEDULER GST_HIGFA_SCHEDULER_DPM_SOLVER_MULTISTEP
#define DEFAULT_PROP_NUM_INFERENCE_STEPS 10
#define DEFAULT_PROP_ETA 0.0
#define DEFAULT_PROP_STRENGTH 1.0
// Tuned on the pool's validation half by bench/tune.py (design §4: 0.3, 5.0, 0.8, 3.0).
#define DEFAULT_PROP_FINE_STAGE 0.5
#define DEFAULT_PROP_GUIDANCE_SCALE 3.0
#define DEFAULT_PROP_CONTOUR_SCALE 0.6
#define DEFAULT_PROP_CLASSIFIER_SCALE 6.0
#define DEFAULT_PROP_TEXT_LO 0.5
#define DEFAULT_PROP_TEXT_HI 1.0
#define DEFAULT_PROP_CONTOUR_LO 0.0
#define DEFAULT_PROP_CONTOUR_HI 1.0
#define DEFAULT_PROP_CLASSIFIER_LO 0.0
#define DEFAULT_PROP_CLASSIFIER_HI 1.0
#define DEFAULT_PROP_GAMMA 1.0
#define DEFAULT_PROP_CLASSIFIER_GATE 0.95
#define DEFAULT_PROP_CLASSIFIER_GRAD GST_HIGFA_CLASSIFIER_GRAD_AUTO
#define DEFAULT_PROP_GRAD_CLIP 0.0
#define DEFAULT_PROP_MAX_ROTATION 15.0
#define DEFAULT_PROP_MIN_SCALE 0.85
#define DEFAULT_PROP_MAX_SCALE 1.15
#define DEFAULT_PROP_MAX_TRANSLATION 0.10
#define DEFAULT_PROP_MAX_SHEAR 8.0
#define DEFAULT_PROP_FLIP_PROBABILITY 0.5
#define DEFAULT_PROP_ELASTIC_ALPHA 0.0
#define DEFAULT_PROP_ELASTIC_SIGMA 3.0
#define DEFAULT_PROP_EDGE_DROPOUT 0.0
#define DEFAULT_PROP_TRANSFORM_CONTOUR TRUE
#define DEFAULT_PROP_CLIP_SAMPLE TRUE

enum {
  PROP_0,
  PROP_BUNDLE,
  PROP_SAMPLES_PER_IMAGE,
  PROP_SEED,
  PROP_BATCH_SIZE,
  PROP_THREADS,
  PROP_RETAIN_MEMORY,
  PROP_DEVICE,
  PROP_CLASS,
  PROP_MISSING_LABEL,
  PROP_PROCESSED,
  PROP_GENERATED,
  PROP_SKIPPED,
  PROP_GUIDANCE,
  PROP_SCHEDULER,
  PROP_NUM_INFERENCE_STEPS,
  PROP_CLASSIFIER_GRAD,
  PROP_TRANSFORM_CONTOUR,
  PROP_CLIP_SAMPLE,
  // The double-valued sampler options, in the order of kDoubleProps.
  PROP_ETA,
  PROP_STRENGTH,
  PROP_FINE_STAGE,
  PROP_GUIDANCE_SCALE,
  PROP_CONTOUR_SCALE,
  PROP_CLASSIFIER_SCALE,
  PROP_TEXT_LO,
  PROP_TEXT_HI,
  PROP_CONTOUR_LO,
  PROP_CONTOUR_HI,
  PROP_CLASSIFIER_LO,
  PROP_CLASSIFIER_HI,
  PROP_GAMMA,
  PROP_CLASSIFIER_GATE,
  PROP_GRAD_CLIP,
  PROP_MAX_ROTATION,
  PROP_MIN_SCALE,
  PROP_MAX_SCALE,
  PROP_MAX_TRANSLATION,
  PROP_MAX_SHEAR,
  PROP_FLIP_PROBABILITY,
  PROP_ELASTIC_ALPHA,
  PROP_ELASTIC_SIGMA,
  PROP_EDGE_DROPOUT,
  PROP_ALREADY_WRITTEN,
};

/// Everything the writable properties set; guarded by the element's object lock and copied once
/// per input frame. The GEnum-typed fields map to SamplerOptions in
/// gst_higfa_sampler_settings_options().
struct GstHigfaSamplerSettings {
  std::string bundle;
  std::string device = DEFAULT_PROP_DEVICE;
  std::string class_name;  // empty: no default class
  guint samples_per_image = DEFAULT_PROP_SAMPLES_PER_IMAGE;
  guint64 seed = DEFAULT_PROP_SEED;
  guint batch_size = DEFAULT_PROP_BATCH_SIZE;
  gint threads = DEFAULT_PROP_THREADS;
  bool retain_memory = DEFAULT_PROP_RETAIN_MEMORY;
  GstHigfaMissingLabel missing_label = DEFAULT_PROP_MISSING_LABEL;
  GstHigfaGuidanceMode guidance = DEFAULT_PROP_GUIDANCE;
  GstHigfaScheduler scheduler = DEFAULT_PROP_SCHEDULER;
  GstHigfaClassifierGrad classifier_grad = DEFAULT_PROP_CLASSIFIER_GRAD;
  higfa::SamplerOptions options;  // doubles, steps and transform-contour; enums mapped on use
};

/// The settings every property's default describes (the DEFAULT_PROP_* values of the library
/// options are static_assert'ed against higfa::kDefaultSamplerOptions).
GstHigfaSamplerSettings gst_higfa_sampler_default_settings();

/// Installs every property of the element on `gobject_class`, the read-only counters included.
void gst_higfa_sampler_install_properties(GObjectClass* gobject_class);

/// Writes a writable property into `settings`; FALSE for an id that is not one.
gboolean gst_higfa_sampler_settings_set(GstHigfaSamplerSettings* settings, guint prop_id,
                                        const GValue* value);

/// Reads a writable property from `settings`; FALSE for an id that is not one.
gboolean gst_higfa_sampler_settings_get(const GstHigfaSamplerSettings* settings, guint prop_id,
                                        GValue* value);

/// The library options of `settings`.
higfa::SamplerOptions gst_higfa_sampler_settings_options(const GstHigfaSamplerSettings* settings);

/// The nick of `value` in the registered enum `type` ("unknown" for no such value).
const gchar* gst_higfa_sampler_enum_nick(GType type, gint value);
