// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The HiGFA guided sampler (design §4): CFG, contour and confidence-modulated classifier guidance.
#pragma once

#include <higfa/bundle.h>
#include <higfa/contour_transform.h>
#include <higfa/modulation.h>
#include <higfa/scheduler.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace higfa {

/// The `guidance` property (design §4, modes for ablation).
enum class GuidanceMode {
  kCfg,         ///< text / class guidance only (plain CFG baseline)
  kContour,     ///< text + fixed-strength transformed contour
  kHigfa,       ///< everything, modulated by the classifier's confidence in the final stage
  kHigfaFixed,  ///< classifier guidance in the final stage, no modulation and no gate
};

/// Parses "cfg", "contour", "higfa", "higfa-fixed"; throws InvalidArgument otherwise.
GuidanceMode parse_guidance_mode(const std::string& name);
/// The inverse of parse_guidance_mode.
std::string to_string(GuidanceMode mode);

/// How g = ∇_{x_t} log p_y(x̂0(x_t)) is computed.
enum class ClassifierGrad {
  kExact,   ///< backpropagate through the denoiser
  kApprox,  ///< ∇_{x̂0} log p_y / sqrt(ᾱ_t): through the classifier (and the decoder) only
  kAuto,    ///< approx for latent bundles (a backward through a UNet costs more than its
            ///< forward), exact for pixel bundles; the Sampler resolves it at construction
};

/// Parses "exact" / "approx" / "auto"; throws InvalidArgument otherwise.
ClassifierGrad parse_classifier_grad(const std::string& name);
std::string to_string(ClassifierGrad grad);

/// Sampler options; defaults are design §4's, except w_y, s_k, w_cls and ρ, which
/// bench/tune.py tuned on the few-shot pool's validation half (docs/RESULTS.md, "Tuning"; §4's
/// values were 5.0, 0.8, 3.0 and 0.3), and the solver and S, which bench/steps.py chose there
/// (DPM-Solver++ 2M at 10 steps holds DDIM 50's accuracy and fidelity; docs/RESULTS.md,
/// "Solver and steps"). Names map to the element's kebab-case properties.
struct SamplerOptions {
  SchedulerKind scheduler = SchedulerKind::kDpmSolverMultistep;
  int num_inference_steps = 10;   ///< S
  double eta = 0.0;               ///< DDIM stochasticity in [0, 1]; DDIM only
  double strength = 1.0;          ///< img2img: (0, 1]; 1 starts from pure noise
  double fine_stage = 0.5;        ///< ρ in [0, 1]: the last round(ρ·S) steps are the final stage
  double guidance_scale = 3.0;    ///< w_y, CFG scale (>= 0)
  double contour_scale = 0.6;     ///< s_k, contour strength (>= 0)
  double classifier_scale = 6.0;  ///< w_cls (>= 0)
  Modulation text_modulation{0.5, 1.0};
  Modulation contour_modulation{0.0, 1.0};
  Modulation classifier_modulation{0.0, 1.0};
  double gamma = 1.0;             ///< γ >= 0, the modulation exponent
  double classifier_gate = 0.95;  ///< higfa: the classifier term only where c < gate, in [0, 1]
  ClassifierGrad classifier_grad = ClassifierGrad::kAuto;
  double grad_clip = 0.0;  ///< max per-sample L2 norm of g; 0 = off
  GuidanceMode mode = GuidanceMode::kHigfa;
  ContourTransformOptions transform;  ///< ranges of the per-sample contour transform
  bool transform_contour = true;      ///< false: use the fitted contour as is
  /// Pixel bundles: clamp x̂0 to the value range before every scheduler update and step with the
  /// ε of the clamped x̂0 (diffusers' clip_sample with use_clipped_model_output). Latent bundles
  /// are never clipped (a latent has no range).
  bool clip_sample = true;
  bool record_intermediates = false;  ///< keep x_t after every step in SampleResult
};

/// The defaults, for hosts that mirror them (the element's DEFAULT_PROP_* values check against it).
inline constexpr SamplerOptions kDefaultSamplerOptions{};

/// Throws InvalidArgument naming the option, the range and the value for anything out of range.
void validate(const SamplerOptions& options);

/// Whether two option sets sample alike (every field equal), so that requests made under one
/// may share a batch with requests made under the other.
bool operator==(const SamplerOptions& a, const SamplerOptions& b);
inline bool operator!=(const SamplerOptions& a, const SamplerOptions& b) { return !(a == b); }

/// One image to generate.
struct SampleRequest {
  int class_id = 0;        ///< y, in [0, num_classes)
  std::uint64_t seed = 0;  ///< the only source of this sample's randomness
  /// Optional contour [H, W] f32 in [0, 1], CPU, any resolution; undefined = none.
  torch::Tensor contour;
  /// Optional img2img source [C, H, W] f32 in the model's value range, CPU, any resolution;
  /// required when strength < 1, ignored when strength == 1.
  torch::Tensor source;
};

/// What one step did to one sample.
struct StepTrace {
  int step = 0;                    ///< index in the full S-step schedule
  std::int64_t timestep = 0;       ///< t
  bool fine_stage = false;         ///< step >= S − round(ρ·S)
  double text_weight = 0.0;        ///< the CFG scale used
  double contour_weight = 0.0;     ///< the contour strength passed to the denoiser
  double classifier_weight = 0.0;  ///< w_cls(c) (modulated in higfa); 0 outside classifier modes
  double modulation_confidence = -1.0;  ///< the c that modulated text and contour; −1 if none
  double confidence = -1.0;         ///< p_y on this step's x̂0 (from ε̂); −1 when not measured
  bool classifier_applied = false;  ///< the classifier term changed ε this step
  double grad_norm = -1.0;          ///< ||g|| before clipping; −1 when not computed
  double guidance_norm = 0.0;       ///< ||sqrt(1−ᾱ_t)·w_cls·g||, the change applied to ε̂
};

/// The prompt of a sample of a class with `count` prompts (text bundles): drawn by the sample's
/// seed alone, from a stream of its own (independent of the noise and the contour transform).
int prompt_index_for(std::uint64_t seed, int count);

/// One generated image with its provenance.
struct SampleResult {
  torch::Tensor image;  ///< [C, H, W] f32 in the model's value range (clamped), CPU
  int class_id = 0;
  std::uint64_t seed = 0;
  double final_confidence = 0.0;     ///< p_y on the final image
  bool contour_used = false;         ///< a contour conditioned this sample
  ContourTransformParams transform;  ///< identity unless a contour was transformed
  bool x0_clipped = false;           ///< clip_sample applied (a pixel bundle with clip_sample)
  int prompt_index = -1;             ///< text bundles: the prompt drawn from the class's set
  std::string prompt;                ///< its text ("" for class bundles)
  std::vector<StepTrace> trace;      ///< one entry per step run
  std::vector<torch::Tensor> intermediates;  ///< the sample x_t (latents for latent bundles) CPU
                                             ///< after each step, if asked
};

/// Counters over a Sampler's lifetime.
struct SamplerStats {
  std::int64_t denoiser_calls = 0;    ///< batched denoise() calls
  std::int64_t classifier_calls = 0;  ///< batched classify() calls
  std::int64_t gradient_passes = 0;   ///< backward passes of classifier guidance
  std::int64_t samples = 0;           ///< images completed
};

/// Called before each step: step in [0, total), total = the steps this run performs.
/// Returning false cancels the run.
using StepCallback = std::function<bool(int step, int total)>;

/// Guided sampling over a bundle's denoiser and classifier. One sample() at a time per instance.
class Sampler {
 public:
  /// Drives pixel and latent bundles, class- and text-conditioned (docs/bundles.md). Throws
  /// InvalidArgument for invalid options.
  Sampler(ModelBundle bundle, SamplerOptions options);
  ~Sampler();
  Sampler(Sampler&&) noexcept;
  Sampler& operator=(Sampler&&) noexcept;

  /// Generates one image per request, batched. Same request (class, seed, contour, source) and
  /// options ⇒ the same image, whatever else is in the batch (bit for bit on one machine for
  /// models whose kernels do not depend on the batch size). Throws InvalidArgument for a bad
  /// request, Cancelled when `on_step` returns false, Error when a model produces NaN.
  std::vector<SampleResult> sample(const std::vector<SampleRequest>& batch,
                                   const StepCallback& on_step = {});

  /// The options, with classifier_grad resolved for the bundle (never kAuto).
  const SamplerOptions& options() const;
  const ModelBundle& bundle() const;
  SamplerStats stats() const;
  void reset_stats();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace higfa
