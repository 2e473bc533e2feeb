// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfasampler's properties: registered enums, the property table and the settings they write.
#include "gsthigfasamplersettings.h"

#include <higfa/frame_sampler.h>

#include "gsthigfautil.h"

namespace {

constexpr higfa::GuidanceMode to_library(GstHigfaGuidanceMode mode) {
  switch (mode) {
    case GST_HIGFA_GUIDANCE_MODE_CFG:
      return higfa::GuidanceMode::kCfg;
    case GST_HIGFA_GUIDANCE_MODE_CONTOUR:
      return higfa::GuidanceMode::kContour;
    case GST_HIGFA_GUIDANCE_MODE_HIGFA_FIXED:
      return higfa::GuidanceMode::kHigfaFixed;
    case GST_HIGFA_GUIDANCE_MODE_HIGFA:
    default:
      return higfa::GuidanceMode::kHigfa;
  }
}

constexpr higfa::SchedulerKind to_library(GstHigfaScheduler scheduler) {
  return scheduler == GST_HIGFA_SCHEDULER_DDIM ? higfa::SchedulerKind::kDdim
                                               : higfa::SchedulerKind::kDpmSolverMultistep;
}

constexpr higfa::ClassifierGrad to_library(GstHigfaClassifierGrad grad) {
  switch (grad) {
    case GST_HIGFA_CLASSIFIER_GRAD_EXACT:
      return higfa::ClassifierGrad::kExact;
    case GST_HIGFA_CLASSIFIER_GRAD_APPROX:
      return higfa::ClassifierGrad::kApprox;
    case GST_HIGFA_CLASSIFIER_GRAD_AUTO:
    default:
      return higfa::ClassifierGrad::kAuto;
  }
}

// The properties that mirror library options default to the library's defaults.
constexpr higfa::SamplerOptions kLib = higfa::kDefaultSamplerOptions;
static_assert(DEFAULT_PROP_SAMPLES_PER_IMAGE == higfa::kDefaultSamplesPerImage);
static_assert(DEFAULT_PROP_BATCH_SIZE == higfa::kDefaultBatchSize);
static_assert(to_library(DEFAULT_PROP_GUIDANCE) == kLib.mode);
static_assert(to_library(DEFAULT_PROP_SCHEDULER) == kLib.scheduler);
static_assert(to_library(DEFAULT_PROP_CLASSIFIER_GRAD) == kLib.classifier_grad);
static_assert(DEFAULT_PROP_NUM_INFERENCE_STEPS == kLib.num_inference_steps);
static_assert(DEFAULT_PROP_ETA == kLib.eta);
static_assert(DEFAULT_PROP_STRENGTH == kLib.strength);
static_assert(DEFAULT_PROP_FINE_STAGE == kLib.fine_stage);
static_assert(DEFAULT_PROP_GUIDANCE_SCALE == kLib.guidance_scale);
static_assert(DEFAULT_PROP_CONTOUR_SCALE == kLib.contour_scale);
static_assert(DEFAULT_PROP_CLASSIFIER_SCALE == kLib.classifier_scale);
static_assert(DEFAULT_PROP_TEXT_LO == kLib.text_modulation.lo);
static_assert(DEFAULT_PROP_TEXT_HI == kLib.text_modulation.hi);
static_assert(DEFAULT_PROP_CONTOUR_LO == kLib.contour_modulation.lo);
static_assert(DEFAULT_PROP_CONTOUR_HI == kLib.contour_modulation.hi);
static_assert(DEFAULT_PROP_CLASSIFIER_LO == kLib.classifier_modulation.lo);
static_assert(DEFAULT_PROP_CLASSIFIER_HI == kLib.classifier_modulation.hi);
static_assert(DEFAULT_PROP_GAMMA == kLib.gamma);
static_assert(DEFAULT_PROP_CLASSIFIER_GATE == kLib.classifier_gate);
static_assert(DEFAULT_PROP_GRAD_CLIP == kLib.grad_clip);
static_assert(DEFAULT_PROP_MAX_ROTATION == kLib.transform.max_rotation_deg);
static_assert(DEFAULT_PROP_MIN_SCALE == kLib.transform.min_scale);
static_assert(DEFAULT_PROP_MAX_SCALE == kLib.transform.max_scale);
static_assert(DEFAULT_PROP_MAX_TRANSLATION == kLib.transform.max_translation);
static_assert(DEFAULT_PROP_MAX_SHEAR == kLib.transform.max_shear_deg);
static_assert(DEFAULT_PROP_FLIP_PROBABILITY == kLib.transform.flip_probability);
static_assert(DEFAULT_PROP_ELASTIC_ALPHA == kLib.transform.elastic_alpha);
static_assert(DEFAULT_PROP_ELASTIC_SIGMA == kLib.transform.elastic_sigma);
static_assert(DEFAULT_PROP_EDGE_DROPOUT == kLib.transform.edge_dropout);
static_assert(static_cast<bool>(DEFAULT_PROP_TRANSFORM_CONTOUR) == kLib.transform_contour);
static_assert(static_cast<bool>(DEFAULT_PROP_CLIP_SAMPLE) == kLib.clip_sample);

constexpr GParamFlags kPlaying = static_cast<GParamFlags>(
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
constexpr GParamFlags kStrength = static_cast<GParamFlags>(kPlaying | GST_PARAM_CONTROLLABLE);
constexpr GParamFlags kReady =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

// One double-valued SamplerOptions field exposed as a property: the mapping is mechanical.
struct DoubleProp {
  guint id;
  const char* name;
  const char* nick;
  const char* blurb;
  double min, max, def;
  GParamFlags flags;
  double& (*field)(higfa::SamplerOptions&);
};

#define HIGFA_FIELD(expr) [](higfa::SamplerOptions& o) -> double& { return o.expr; }

const DoubleProp kDoubleProps[] = {
    {PROP_ETA, "eta", "Eta",
     "DDIM stochasticity eta (unitless, 0..1): 0 is deterministic DDIM, 1 adds DDPM-like noise", 0,
     1, DEFAULT_PROP_ETA, kPlaying, HIGFA_FIELD(eta)},
    {PROP_STRENGTH, "strength", "Strength",
     "img2img strength (fraction of the steps, 0..1): 1 starts from pure noise; below 1 the input "
     "frame is noised to step strength*S and denoised from there; 0 (or less than one step) is "
     "an error at start",
     0, 1, DEFAULT_PROP_STRENGTH, kPlaying, HIGFA_FIELD(strength)},
    {PROP_FINE_STAGE, "fine-stage", "Fine stage",
     "Fraction rho of the steps in the final, classifier-guided and confidence-modulated stage "
     "(0..1): 0 has no final stage",
     0, 1, DEFAULT_PROP_FINE_STAGE, kPlaying, HIGFA_FIELD(fine_stage)},
    {PROP_GUIDANCE_SCALE, "guidance-scale", "Guidance scale",
     "Class (text) guidance weight w_y of classifier-free guidance (0..100): 1 is the plain "
     "conditional prediction, 0 the unconditional one",
     0, 100, DEFAULT_PROP_GUIDANCE_SCALE, kStrength, HIGFA_FIELD(guidance_scale)},
    {PROP_CONTOUR_SCALE, "contour-scale", "Contour scale",
     "Contour guidance strength s_k given to the denoiser (0..10): 0 ignores the contour", 0, 10,
     DEFAULT_PROP_CONTOUR_SCALE, kStrength, HIGFA_FIELD(contour_scale)},
    {PROP_CLASSIFIER_SCALE, "classifier-scale", "Classifier scale",
     "Classifier guidance weight w_cls (0..1000): 0 disables classifier guidance", 0, 1000,
     DEFAULT_PROP_CLASSIFIER_SCALE, kStrength, HIGFA_FIELD(classifier_scale)},
    {PROP_TEXT_LO, "text-lo", "Text modulation low",
     "Factor of guidance-scale at full classifier confidence (0..10): 0 switches class guidance "
     "off where the image already shows the class",
     0, 10, DEFAULT_PROP_TEXT_LO, kStrength, HIGFA_FIELD(text_modulation.lo)},
    {PROP_TEXT_HI, "text-hi", "Text modulation high",
     "Factor of guidance-scale at zero classifier confidence (0..10): 0 switches class guidance "
     "off where the image does not show the class",
     0, 10, DEFAULT_PROP_TEXT_HI, kStrength, HIGFA_FIELD(text_modulation.hi)},
    {PROP_CONTOUR_LO, "contour-lo", "Contour modulation low",
     "Factor of contour-scale at full classifier confidence (0..10): 0 releases the contour "
     "where the image already shows the class",
     0, 10, DEFAULT_PROP_CONTOUR_LO, kStrength, HIGFA_FIELD(contour_modulation.lo)},
    {PROP_CONTOUR_HI, "contour-hi", "Contour modulation high",
     "Factor of contour-scale at zero classifier confidence (0..10): 0 releases the contour "
     "where the image does not show the class",
     0, 10, DEFAULT_PROP_CONTOUR_HI, kStrength, HIGFA_FIELD(contour_modulation.hi)},
    {PROP_CLASSIFIER_LO, "classifier-lo", "Classifier modulation low",
     "Factor of classifier-scale at full classifier confidence (0..10): 0 stops classifier "
     "guidance where the image already shows the class",
     0, 10, DEFAULT_PROP_CLASSIFIER_LO, kStrength, HIGFA_FIELD(classifier_modulation.lo)},
    {PROP_CLASSIFIER_HI, "classifier-hi", "Classifier modulation high",
     "Factor of classifier-scale at zero classifier confidence (0..10): 0 stops classifier "
     "guidance where the image does not show the class",
     0, 10, DEFAULT_PROP_CLASSIFIER_HI, kStrength, HIGFA_FIELD(classifier_modulation.hi)},
    {PROP_GAMMA, "gamma", "Gamma",
     "Exponent gamma of the modulation lo + (hi - lo) * (1 - c)^gamma (0..10): 0 holds every "
     "weight at its hi factor",
     0, 10, DEFAULT_PROP_GAMMA, kStrength, HIGFA_FIELD(gamma)},
    {PROP_CLASSIFIER_GATE, "classifier-gate", "Classifier gate",
     "Classifier confidence (probability, 0..1) at or above which the classifier term is off: "
     "0 never applies it, 1 always does",
     0, 1, DEFAULT_PROP_CLASSIFIER_GATE, kStrength, HIGFA_FIELD(classifier_gate)},
    {PROP_GRAD_CLIP, "grad-clip", "Gradient clip",
     "Largest L2 norm of the classifier gradient per sample (0..1e6): 0 does not clip", 0, 1e6,
     DEFAULT_PROP_GRAD_CLIP, kPlaying, HIGFA_FIELD(grad_clip)},
    {PROP_MAX_ROTATION, "max-rotation", "Maximum rotation",
     "Contour transform rotation, uniform in +-this (degrees, 0..180): 0 does not rotate", 0, 180,
     DEFAULT_PROP_MAX_ROTATION, kPlaying, HIGFA_FIELD(transform.max_rotation_deg)},
    {PROP_MIN_SCALE, "min-scale", "Minimum scale",
     "Contour transform scale, smallest value (factor, 0.01..10; at most max-scale): 1 with "
     "max-scale 1 keeps the size",
     0.01, 10, DEFAULT_PROP_MIN_SCALE, kPlaying, HIGFA_FIELD(transform.min_scale)},
    {PROP_MAX_SCALE, "max-scale", "Maximum scale",
     "Contour transform scale, largest value (factor, 0.01..10; at least min-scale): 1 with "
     "min-scale 1 keeps the size",
     0.01, 10, DEFAULT_PROP_MAX_SCALE, kPlaying, HIGFA_FIELD(transform.max_scale)},
    {PROP_MAX_TRANSLATION, "max-translation", "Maximum translation",
     "Contour transform translation, uniform in +-this (fraction of width / height, 0..1): 0 "
     "does not translate",
     0, 1, DEFAULT_PROP_MAX_TRANSLATION, kPlaying, HIGFA_FIELD(transform.max_translation)},
    {PROP_MAX_SHEAR, "max-shear", "Maximum shear",
     "Contour transform x-shear, uniform in +-this (degrees, 0..60): 0 does not shear", 0, 60,
     DEFAULT_PROP_MAX_SHEAR, kPlaying, HIGFA_FIELD(transform.max_shear_deg)},
    {PROP_FLIP_PROBABILITY, "flip-probability", "Flip probability",
     "Probability of a horizontal flip of the contour (0..1): 0 never flips", 0, 1,
     DEFAULT_PROP_FLIP_PROBABILITY, kPlaying, HIGFA_FIELD(transform.flip_probability)},
    {PROP_ELASTIC_ALPHA, "elastic-alpha", "Elastic alpha",
     "Elastic warp displacement amplitude (pixels, 0..1000): 0 disables the warp", 0, 1000,
     DEFAULT_PROP_ELASTIC_ALPHA, kPlaying, HIGFA_FIELD(transform.elastic_alpha)},
    {PROP_ELASTIC_SIGMA, "elastic-sigma", "Elastic sigma",
     "Smoothing of the elastic displacement field (pixels, 0.01..100; 0 is not allowed)", 0.01, 100,
     DEFAULT_PROP_ELASTIC_SIGMA, kPlaying, HIGFA_FIELD(transform.elastic_sigma)},
    {PROP_EDGE_DROPOUT, "edge-dropout", "Edge dropout",
     "Probability of dropping each 8x8 pixel cell of the contour (0..1): 0 keeps every edge", 0, 1,
     DEFAULT_PROP_EDGE_DROPOUT, kPlaying, HIGFA_FIELD(transform.edge_dropout)},
};

#undef HIGFA_FIELD

const DoubleProp* find_double_prop(guint id) {
  for (const DoubleProp& p : kDoubleProps)
    if (p.id == id) return &p;
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Registered enums.

GType gst_higfa_guidance_mode_get_type(void) {
  static const GEnumValue values[] = {
      {GST_HIGFA_GUIDANCE_MODE_CFG, "Class (text) guidance only: the plain CFG baseline", "cfg"},
      {GST_HIGFA_GUIDANCE_MODE_CONTOUR, "Class guidance and a fixed-strength contour", "contour"},
      {GST_HIGFA_GUIDANCE_MODE_HIGFA,
       "Class, contour and classifier guidance, modulated by confidence", "higfa"},
      {GST_HIGFA_GUIDANCE_MODE_HIGFA_FIXED,
       "Class, contour and classifier guidance without confidence modulation", "higfa-fixed"},
      {0, nullptr, nullptr}};
  static const GType type = g_enum_register_static("GstHigfaGuidanceMode", values);
  return type;
}

GType gst_higfa_scheduler_get_type(void) {
  static const GEnumValue values[] = {
      {GST_HIGFA_SCHEDULER_DDIM, "DDIM (Song et al. 2021)", "ddim"},
      {GST_HIGFA_SCHEDULER_DPM_SOLVER_MULTISTEP, "DPM-Solver++ 2M multistep", "dpm++2m"},
      {0, nullptr, nullptr}};
  static const GType type = g_enum_register_static("GstHigfaScheduler", values);
  return type;
}

GType gst_higfa_classifier_grad_get_type(void) {
  static const GEnumValue values[] = {
      {GST_HIGFA_CLASSIFIER_GRAD_EXACT, "Backpropagate through the denoiser", "exact"},
      {GST_HIGFA_CLASSIFIER_GRAD_APPROX, "Gradient w.r.t. x0, scaled by 1/sqrt(alpha_bar)",
       "approx"},
      {GST_HIGFA_CLASSIFIER_GRAD_AUTO, "approx for latent bundles, exact for pixel bundles",
       "auto"},
      {0, nullptr, nullptr}};
  static const GType type = g_enum_register_static("GstHigfaClassifierGrad", values);
  return type;
}

GType gst_higfa_missing_label_get_type(void) {
  static const GEnumValue values[] = {
      {GST_HIGFA_MISSING_LABEL_ERROR, "Post an error and stop", "error"},
      {GST_HIGFA_MISSING_LABEL_SKIP, "Drop the frame and count it in skipped", "skip"},
      {0, nullptr, nullptr}};
  static const GType type = g_enum_register_static("GstHigfaMissingLabel", values);
  return type;
}

const gchar* gst_higfa_sampler_enum_nick(GType type, gint value) {
  GEnumClass* klass = static_cast<GEnumClass*>(g_type_class_ref(type));
  const GEnumValue* v = g_enum_get_value(klass, value);
  const char* nick = v != nullptr ? v->value_nick : "unknown";
  g_type_class_unref(klass);  // the class of a static enum type is never finalized
  return nick;
}

higfa::SamplerOptions gst_higfa_sampler_settings_options(const GstHigfaSamplerSettings* settings) {
  const GstHigfaSamplerSettings& s = *settings;
  higfa::SamplerOptions o = s.options;
  o.mode = to_library(s.guidance);
  o.scheduler = to_library(s.scheduler);
  o.classifier_grad = to_library(s.classifier_grad);
  return o;
}

namespace {

using Settings = GstHigfaSamplerSettings;

// The properties that are not double-valued library options.
constexpr gsthigfa::Field<Settings> kFields[] = {
    gsthigfa::field<Settings, &Settings::bundle>(PROP_BUNDLE),
    gsthigfa::field<Settings, &Settings::samples_per_image>(PROP_SAMPLES_PER_IMAGE),
    gsthigfa::field<Settings, &Settings::seed>(PROP_SEED),
    gsthigfa::field<Settings, &Settings::batch_size>(PROP_BATCH_SIZE),
    gsthigfa::field<Settings, &Settings::threads>(PROP_THREADS),
    gsthigfa::field<Settings, &Settings::retain_memory>(PROP_RETAIN_MEMORY),
    gsthigfa::field<Settings, &Settings::device>(PROP_DEVICE),
    gsthigfa::field<Settings, &Settings::class_name>(PROP_CLASS),
    gsthigfa::field<Settings, &Settings::missing_label>(PROP_MISSING_LABEL),
    gsthigfa::field<Settings, &Settings::guidance>(PROP_GUIDANCE),
    gsthigfa::field<Settings, &Settings::scheduler>(PROP_SCHEDULER),
    gsthigfa::field<Settings, &Settings::classifier_grad>(PROP_CLASSIFIER_GRAD),
    gsthigfa::field<Settings, &Settings::options, &higfa::SamplerOptions::num_inference_steps>(
        PROP_NUM_INFERENCE_STEPS),
    gsthigfa::field<Settings, &Settings::options, &higfa::SamplerOptions::transform_contour>(
        PROP_TRANSFORM_CONTOUR),
    gsthigfa::field<Settings, &Settings::options, &higfa::SamplerOptions::clip_sample>(
        PROP_CLIP_SAMPLE),
};

}  // namespace

gboolean gst_higfa_sampler_settings_set(GstHigfaSamplerSettings* settings, guint prop_id,
                                        const GValue* value) {
  if (const DoubleProp* p = find_double_prop(prop_id)) {
    p->field(settings->options) = g_value_get_double(value);
    return TRUE;
  }
  return gsthigfa::set_field(kFields, *settings, prop_id, value);
}

gboolean gst_higfa_sampler_settings_get(const GstHigfaSamplerSettings* settings, guint prop_id,
                                        GValue* value) {
  if (const DoubleProp* p = find_double_prop(prop_id)) {
    higfa::SamplerOptions options = settings->options;  // the accessors take a mutable reference
    g_value_set_double(value, p->field(options));
    return TRUE;
  }
  return gsthigfa::get_field(kFields, *settings, prop_id, value);
}

static void install_model_properties(GObjectClass* gobject_class) {
  g_object_class_install_property(
      gobject_class, PROP_BUNDLE,
      g_param_spec_string("bundle", "Bundle",
                          "Model bundle directory (manifest.json and TorchScript modules), loaded "
                          "at start; NULL or empty is an error at start",
                          DEFAULT_PROP_BUNDLE, kReady));
  g_object_class_install_property(
      gobject_class, PROP_DEVICE,
      g_param_spec_string("device", "Device",
                          "Compute device: \"cpu\" or \"cuda:N\"; an unavailable device is an "
                          "error at start",
                          DEFAULT_PROP_DEVICE, kReady));
  g_object_class_install_property(
      gobject_class, PROP_THREADS,
      g_param_spec_int("threads", "Threads",
                       "LibTorch intra-op threads, set for the whole process at start (count, "
                       "0..1024): 0 uses the CPUs this process may run on (its CPU affinity)",
                       0, 1024, DEFAULT_PROP_THREADS, kReady));
  g_object_class_install_property(
      gobject_class, PROP_RETAIN_MEMORY,
      g_param_spec_boolean("retain-memory", "Retain memory",
                           "Keep the memory a denoiser step frees for the next step instead of "
                           "returning it to the kernel and page-faulting it in again (glibc "
                           "malloc's mmap and trim thresholds, set for the whole process at "
                           "start and kept; unless GLIBC_TUNABLES sets them). Stop returns the "
                           "free memory. FALSE leaves the allocator alone",
                           DEFAULT_PROP_RETAIN_MEMORY, kReady));
  g_object_class_install_property(
      gobject_class, PROP_CLASS,
      g_param_spec_string("class", "Class",
                          "Class name for frames without a label meta; it must be one of the "
                          "bundle's classes (checked at start). NULL: such frames follow "
                          "missing-label",
                          DEFAULT_PROP_CLASS, kReady));
  g_object_class_install_property(
      gobject_class, PROP_MISSING_LABEL,
      g_param_spec_enum("missing-label", "Missing label",
                        "What a frame with neither a label meta nor a class property does",
                        GST_TYPE_HIGFA_MISSING_LABEL, DEFAULT_PROP_MISSING_LABEL, kPlaying));
}

static void install_output_properties(GObjectClass* gobject_class) {
  g_object_class_install_property(
      gobject_class, PROP_SAMPLES_PER_IMAGE,
      g_param_spec_uint("samples-per-image", "Samples per image",
                        "Generated frames per input frame (count, 1..1024); it scales the output "
                        "framerate, so it is fixed once caps are set",
                        1, 1024, DEFAULT_PROP_SAMPLES_PER_IMAGE, kReady));
  g_object_class_install_property(
      gobject_class, PROP_SEED,
      g_param_spec_uint64("seed", "Seed",
                          "Base seed (0..2^64-1; 0 is an ordinary seed): sample i of a frame is "
                          "seeded derive_seed(seed, source id, i)",
                          0, G_MAXUINT64, DEFAULT_PROP_SEED, kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_BATCH_SIZE,
      g_param_spec_uint("batch-size", "Batch size",
                        "Samples drawn together in one sampler call (count, 1..256), across input "
                        "frames: frames are held until a batch is full, a partial batch goes at "
                        "EOS, a caps or segment change or a drain query; 1 samples one at a time",
                        1, 256, DEFAULT_PROP_BATCH_SIZE, kPlaying));
  gsthigfa::install_counter(gobject_class, PROP_PROCESSED, "processed", "Processed",
                            "Input frames sampled since start (count; read-only)");
  gsthigfa::install_counter(gobject_class, PROP_GENERATED, "generated", "Generated",
                            "Frames generated since start (count; read-only)");
  gsthigfa::install_counter(gobject_class, PROP_SKIPPED, "skipped", "Skipped",
                            "Input frames dropped for want of a label since start "
                            "(missing-label=skip; count; read-only)");
  gsthigfa::install_counter(gobject_class, PROP_ALREADY_WRITTEN, "already-written",
                            "Already written",
                            "Samples not generated since start because a resumed datasetsink "
                            "downstream has them already (count; read-only)");
}

static void install_sampler_properties(GObjectClass* gobject_class) {
  g_object_class_install_property(
      gobject_class, PROP_GUIDANCE,
      g_param_spec_enum("guidance", "Guidance",
                        "Guidance mode: cfg, contour, higfa or higfa-fixed (design section 4)",
                        GST_TYPE_HIGFA_GUIDANCE_MODE, DEFAULT_PROP_GUIDANCE, kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_SCHEDULER,
      g_param_spec_enum("scheduler", "Scheduler", "Diffusion scheduler", GST_TYPE_HIGFA_SCHEDULER,
                        DEFAULT_PROP_SCHEDULER, kPlaying));
  g_object_class_install_property(gobject_class, PROP_NUM_INFERENCE_STEPS,
                                  g_param_spec_int("num-inference-steps", "Inference steps",
                                                   "Sampling steps S (count, 1..1000)", 1, 1000,
                                                   DEFAULT_PROP_NUM_INFERENCE_STEPS, kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_CLASSIFIER_GRAD,
      g_param_spec_enum("classifier-grad", "Classifier gradient",
                        "exact backpropagates through the denoiser; approx takes the gradient "
                        "with respect to x0 scaled by 1/sqrt(alpha_bar), through the classifier "
                        "and the VAE decoder only; auto is approx for latent bundles and exact "
                        "for pixel bundles",
                        GST_TYPE_HIGFA_CLASSIFIER_GRAD, DEFAULT_PROP_CLASSIFIER_GRAD, kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_TRANSFORM_CONTOUR,
      g_param_spec_boolean("transform-contour", "Transform contour",
                           "Apply the per-sample seeded random contour transform; FALSE uses the "
                           "contour as extracted",
                           DEFAULT_PROP_TRANSFORM_CONTOUR, kPlaying));
  g_object_class_install_property(
      gobject_class, PROP_CLIP_SAMPLE,
      g_param_spec_boolean("clip-sample", "Clip sample",
                           "Pixel bundles: clamp the predicted clean image to the value range "
                           "before every scheduler update, so guidance cannot push it out of "
                           "range; latent bundles are never clipped",
                           DEFAULT_PROP_CLIP_SAMPLE, kPlaying));
  for (const DoubleProp& p : kDoubleProps)
    g_object_class_install_property(
        gobject_class, p.id,
        g_param_spec_double(p.name, p.nick, p.blurb, p.min, p.max, p.def, p.flags));
}

GstHigfaSamplerSettings gst_higfa_sampler_default_settings() {
  GstHigfaSamplerSettings s;
  for (const DoubleProp& p : kDoubleProps) p.field(s.options) = p.def;
  s.options.num_inference_steps = DEFAULT_PROP_NUM_INFERENCE_STEPS;
  s.options.transform_contour = DEFAULT_PROP_TRANSFORM_CONTOUR;
  s.options.clip_sample = DEFAULT_PROP_CLIP_SAMPLE;
  return s;
}

void gst_higfa_sampler_install_properties(GObjectClass* gobject_class) {
  install_model_properties(gobject_class);
  install_output_properties(gobject_class);
  install_sampler_properties(gobject_class);
}
