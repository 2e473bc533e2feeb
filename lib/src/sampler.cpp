// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The HiGFA sampling loop (design §4): staged CFG, contour and classifier guidance over a bundle.
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/GradMode.h>
#include <higfa/classifier_guidance.h>
#include <higfa/error.h>
#include <higfa/log.h>
#include <higfa/sampler.h>
#include <higfa/seed.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

// Notation (design §4; diffusers' names where they exist):
//   S          num_inference_steps; i the step index in the full schedule, t = timesteps[i]
//   ρ          fine_stage; the final stage is i >= S − round(ρ·S)
//   ᾱ_t        alphas_cumprod[t]
//   ε(x,t,c,k,s) the denoiser's noise prediction; c = y (the class) or ∅ (null_class),
//              k the transformed contour, s its strength
//   ε̂          the CFG combination ε_∅ + w_y·(ε_y − ε_∅)
//   x̂0         (x_t − sqrt(1−ᾱ_t)·ε̂) / sqrt(ᾱ_t), the predicted clean image
//   c          p_y = softmax(f(x̂0))_y, the guidance classifier's confidence in y
//   g          ∇_{x_t} log p_y(x̂0(x_t))
//   ε̃          ε̂ − sqrt(1−ᾱ_t)·w_cls(c)·g, what the scheduler steps with
//
// When c is measured (the paper does not specify it; this is ours): text and contour strengths
// of final-stage step i are modulated by the c of step i − 1's x̂0, because the contour strength
// enters the denoiser before step i's x̂0 exists; the classifier weight and gate of step i use the
// c measured on step i's own x̂0, in the same classifier forward that gives g. On the first final
// step the previous x̂0 is the last early step's (an extra classifier call); if the run starts in
// the final stage (img2img), an unmodulated first pass gives it (an extra denoiser call).
//
// Every per-sample weight (w_y, s_k, c, w_cls, the gates) is a [B] f64 tensor on the bundle's
// device, so a step makes no device-to-host copy: the per-step trace is kept as device tensors
// and copied to the host once, with the images, when the batch finishes. (`exact` reads one
// bool per final step, whether any sample is below the gate, to skip a backward through the
// denoiser when none is.)

namespace higfa {
namespace {

// A sample's contour-transform seed: a second stream from the sample seed, so that the transform
// and the initial noise (the torch generator seeded with the seed itself) are independent.
std::uint64_t transform_seed(std::uint64_t seed) { return splitmix64(seed); }

// The scheduler the sampler steps with, S set: guidance is done in ε space whatever the model
// predicts. Throws InvalidArgument for a step count the solver cannot take.
std::unique_ptr<Scheduler> epsilon_scheduler(const SamplerOptions& options,
                                             const BundleManifest& manifest) {
  SchedulerConfig config = manifest.scheduler;
  config.prediction_type = PredictionType::kEpsilon;
  std::unique_ptr<Scheduler> scheduler = make_scheduler(options.scheduler, config);
  scheduler->set_timesteps(options.num_inference_steps);
  return scheduler;
}

bool uses_contour(GuidanceMode mode) { return mode != GuidanceMode::kCfg; }
bool uses_classifier(GuidanceMode mode) {
  return mode == GuidanceMode::kHigfa || mode == GuidanceMode::kHigfaFixed;
}

// A per-sample weight [B] f64 as the factor of a [B, ...] f32 tensor.
torch::Tensor as_factor(const torch::Tensor& w) { return w.to(torch::kFloat).view({-1, 1, 1, 1}); }

// The classifier term of one final-stage step, per sample; [B] f64 on the device.
struct ClassifierTerm {
  torch::Tensor eps_hat;     // ε̂ (detached)
  torch::Tensor confidence;  // c on this step's x̂0; undefined outside classifier steps
  torch::Tensor weight;      // w_cls(c), 0 where gated
  torch::Tensor grad_norm;   // ||g|| before clipping, −1 where not computed
  torch::Tensor correction;  // sqrt(1−ᾱ_t)·w_cls(c)·g, or undefined
};

// The rows of one step's trace, in StepTrace's order; each [B] f64 on the device.
enum TraceRow : std::int64_t {
  kTextWeight,
  kContourWeight,
  kModulationConfidence,
  kConfidence,
  kClassifierWeight,
  kGradNorm,
  kGuidanceNorm,
  kClassifierApplied,
  kTraceRows
};

// One sample() call: the batch's state and the loop.
class SamplingRun {
 public:
  SamplingRun(const ModelBundle& bundle, const SamplerOptions& options, SamplerStats& stats,
              const std::vector<SampleRequest>& batch);
  std::vector<SampleResult> run(const StepCallback& on_step);

 private:
  void prepare_sample(std::size_t b, std::vector<torch::Tensor>& noise,
                      std::vector<torch::Tensor>& contours);
  torch::Tensor fit_contour(const torch::Tensor& contour) const;
  torch::Tensor initial_sample(const std::vector<torch::Tensor>& noise, int t_start);
  torch::Tensor per_sample(double value) const;
  torch::Tensor guided_epsilon(const torch::Tensor& x, std::int64_t t, const torch::Tensor& text,
                               const torch::Tensor& contour);
  torch::Tensor predict_x0(const torch::Tensor& x, const torch::Tensor& eps, double ab) const;
  torch::Tensor measure(const torch::Tensor& x0);
  torch::Tensor classifier_weights(const torch::Tensor& confidence) const;
  ClassifierTerm classifier_term(std::int64_t t, const torch::Tensor& text,
                                 const torch::Tensor& contour);
  void modulation_confidence(std::int64_t t);
  void write_trace();
  torch::Tensor clipped(const torch::Tensor& eps, std::int64_t t) const;
  void advance(const torch::Tensor& eps, std::int64_t t);
  void step(int i);
  void finish();

  const ModelBundle& bundle_;
  const SamplerOptions& opt_;
  SamplerStats& stats_;
  const std::vector<SampleRequest>& batch_;
  const BundleManifest& manifest_;
  const std::int64_t b_;
  const torch::Device device_;
  const bool clip_;  // clip_sample on a pixel bundle
  std::unique_ptr<Scheduler> scheduler_;
  int first_fine_ = 0;
  int t_start_ = 0;  // the first step run (img2img skips the ones before)
  std::vector<at::Generator> generators_;
  std::vector<SampleResult> results_;
  std::vector<double> contour_scales_;  // s_k, or 0 for a sample without contour (host)
  torch::Tensor contour_scale_;         // the same, [B] f64 on the device
  torch::Tensor labels_;                // y [B] i64
  torch::Tensor cond2_;                 // [∅ × B; y]: [2B] i64 or [2B, L, D] f32
  torch::Tensor contour2_;              // [k; k] [2B, 1, H, W] f32
  torch::Tensor x_;                     // the sample x_t [B, C, H, W] (latents [B, Cz, h, w]) f32
  torch::Tensor x0_prev_;     // x̂0 of the previous step's ε̂, when the next one needs it
  torch::Tensor confidence_;  // c of the previous final-stage step [B] f64; undefined if none
  std::vector<torch::Tensor> trace_;  // per step run from t_start_: [kTraceRows, B] f64, device
};

SamplingRun::SamplingRun(const ModelBundle& bundle, const SamplerOptions& options,
                         SamplerStats& stats, const std::vector<SampleRequest>& batch)
    : bundle_(bundle),
      opt_(options),
      stats_(stats),
      batch_(batch),
      manifest_(bundle.manifest()),
      b_(static_cast<std::int64_t>(batch.size())),
      device_(bundle.device()),
      clip_(options.clip_sample && !manifest_.latent) {
  scheduler_ = epsilon_scheduler(opt_, manifest_);
  const int steps = scheduler_->num_inference_steps();
  first_fine_ = steps - static_cast<int>(std::llround(opt_.fine_stage * steps));

  std::vector<torch::Tensor> noise, contours;
  std::vector<std::int64_t> labels;
  for (std::size_t b = 0; b < batch.size(); ++b) {
    prepare_sample(b, noise, contours);
    labels.push_back(batch[b].class_id);
  }
  labels_ = torch::tensor(labels, torch::TensorOptions().dtype(torch::kLong)).to(device_);
  // The conditions of the CFG pair: [∅ × B; y] (class ids, or the prompts' embeddings).
  torch::Tensor cond = labels_;
  if (manifest_.text_conditioned()) {
    std::vector<torch::Tensor> prompts;
    for (const SampleResult& r : results_)
      prompts.push_back(bundle_.prompt_embedding(r.class_id, r.prompt_index));
    cond = at::stack(prompts);
  }
  cond2_ = at::cat({bundle_.unconditional(b_), cond});
  contour_scale_ =
      torch::tensor(contour_scales_, torch::TensorOptions().dtype(torch::kDouble)).to(device_);
  const torch::Tensor k = at::stack(contours).to(device_);
  contour2_ = at::cat({k, k});
  t_start_ = steps - std::min(static_cast<int>(opt_.strength * steps), steps);
  x_ = initial_sample(noise, t_start_);
}

// Validates one request and draws everything random about it from its seed alone.
void SamplingRun::prepare_sample(std::size_t b, std::vector<torch::Tensor>& noise,
                                 std::vector<torch::Tensor>& contours) {
  const SampleRequest& r = batch_[b];
  const std::string which = "sample request " + std::to_string(b) + ": ";
  if (r.class_id < 0 || r.class_id >= manifest_.num_classes) {
    throw InvalidArgument(which + "class id must be in [0, " +
                          std::to_string(manifest_.num_classes) + "), got " +
                          std::to_string(r.class_id));
  }
  const ImageSpec& spec = manifest_.image;
  if (r.contour.defined() && (r.contour.dim() != 2 || r.contour.numel() == 0)) {
    throw InvalidArgument(which + "contour must be [H, W], got " + std::to_string(r.contour.dim()) +
                          "-d");
  }
  if (opt_.strength < 1.0 &&
      (!r.source.defined() || r.source.dim() != 3 || r.source.size(0) != spec.channels)) {
    throw InvalidArgument(which + "strength < 1 (img2img) needs a source [" +
                          std::to_string(spec.channels) + ", H, W]");
  }
  SampleResult result;
  result.class_id = r.class_id;
  result.seed = r.seed;
  result.x0_clipped = clip_;
  if (manifest_.text_conditioned()) {
    result.prompt_index = prompt_index_for(r.seed, bundle_.prompt_count(r.class_id));
    result.prompt = manifest_.text.prompts[static_cast<std::size_t>(r.class_id)]
                                          [static_cast<std::size_t>(result.prompt_index)];
  }
  generators_.push_back(at::make_generator<at::CPUGeneratorImpl>(r.seed));
  noise.push_back(at::randn(manifest_.sample_shape(), generators_.back(),
                            torch::TensorOptions().dtype(torch::kFloat)));
  torch::Tensor k = at::zeros({spec.height, spec.width}, torch::kFloat);
  result.contour_used = uses_contour(opt_.mode) && r.contour.defined();
  if (result.contour_used) {
    k = fit_contour(r.contour);
    if (opt_.transform_contour) {
      result.transform = draw_contour_transform(opt_.transform, transform_seed(r.seed));
      k = apply_contour_transform(k, result.transform);
    }
  } else if (uses_contour(opt_.mode)) {
    log(LogLevel::kDebug, which + "no contour: sampling without contour guidance");
  }
  contour_scales_.push_back(result.contour_used ? opt_.contour_scale : 0.0);
  contours.push_back(k.unsqueeze(0));
  results_.push_back(std::move(result));
}

torch::Tensor SamplingRun::fit_contour(const torch::Tensor& contour) const {
  const ImageSpec& spec = manifest_.image;
  const torch::Tensor k = contour.detach().to(torch::kCPU, torch::kFloat).clamp(0.0, 1.0);
  return fit_to_resolution(k.unsqueeze(0).unsqueeze(0), spec.height, spec.width, spec.fit, 0.0f)
      .reshape({spec.height, spec.width})
      .contiguous();
}

// Design §4.2: pure noise, or the source (encoded, for a latent bundle) noised to
// timesteps[t_start] (diffusers' img2img: the first S − int(strength·S) steps are skipped).
torch::Tensor SamplingRun::initial_sample(const std::vector<torch::Tensor>& noise, int t_start) {
  const torch::Tensor n = at::stack(noise).to(device_);
  if (t_start == 0) return n;
  const ImageSpec& spec = manifest_.image;
  std::vector<torch::Tensor> sources;
  for (const SampleRequest& r : batch_) {
    const torch::Tensor s = r.source.detach().to(torch::kCPU, torch::kFloat).unsqueeze(0);
    sources.push_back(fit_to_resolution(s, spec.height, spec.width, spec.fit, spec.range.lo));
  }
  const torch::Tensor x0 = bundle_.encode(at::cat(sources).to(device_));  // latents: z_0
  const std::int64_t t = scheduler_->timesteps()[static_cast<std::size_t>(t_start)];
  return scheduler_->add_noise(x0, n, at::full({b_}, t, torch::kLong).to(device_));
}

// `value` for every sample: [B] f64 on the device.
torch::Tensor SamplingRun::per_sample(double value) const {
  return at::full({b_}, value, torch::TensorOptions().dtype(torch::kDouble).device(device_));
}

// Design §4.3: ε̂ = ε(x,t,∅,k,s) + w_y·(ε(x,t,y,k,s) − ε(x,t,∅,k,s)), both passes in one call.
torch::Tensor SamplingRun::guided_epsilon(const torch::Tensor& x, std::int64_t t,
                                          const torch::Tensor& text, const torch::Tensor& contour) {
  const torch::Tensor x2 = at::cat({x, x});
  const torch::Tensor t2 =
      at::full({2 * b_}, t, torch::TensorOptions().dtype(torch::kLong).device(device_));
  const torch::Tensor s = contour.to(torch::kFloat);
  torch::Tensor e = bundle_.denoise(x2, t2, cond2_, contour2_, at::cat({s, s}));
  ++stats_.denoiser_calls;
  if (e.sizes() != x2.sizes()) {
    throw Error("denoiser: expected an output of the sample's shape [2B, ...]");
  }
  if (manifest_.scheduler.prediction_type == PredictionType::kVPrediction) {
    const double ab = scheduler_->alpha_prod(t);
    e = std::sqrt(ab) * e + std::sqrt(1.0 - ab) * x2;  // ε = sqrt(ᾱ)·v + sqrt(1−ᾱ)·x_t
  }
  const torch::Tensor eps_u = e.narrow(0, 0, b_);
  const torch::Tensor eps_c = e.narrow(0, b_, b_);
  return eps_u + as_factor(text) * (eps_c - eps_u);
}

torch::Tensor SamplingRun::predict_x0(const torch::Tensor& x, const torch::Tensor& eps,
                                      double ab) const {
  return (x - std::sqrt(1.0 - ab) * eps) / std::sqrt(ab);
}

// c on the image of x̂0 (decoded, for a latent bundle): [B] f64 on the device.
torch::Tensor SamplingRun::measure(const torch::Tensor& x0) {
  ++stats_.classifier_calls;
  return class_log_probability(bundle_, bundle_.decode(x0), labels_).exp().to(torch::kDouble);
}

// Design §4.4: w_cls(c) = w_cls·(lo + (hi − lo)(1 − c)^γ) where c < gate (higfa); w_cls (fixed).
torch::Tensor SamplingRun::classifier_weights(const torch::Tensor& confidence) const {
  const torch::Tensor w = per_sample(opt_.classifier_scale);
  if (opt_.mode != GuidanceMode::kHigfa) return w;
  return at::where(confidence < opt_.classifier_gate,
                   modulate(w, opt_.classifier_modulation, confidence, opt_.gamma),
                   at::zeros_like(w));
}

// Design §4.4, classifier guidance in ε form (Dhariwal & Nichol 2021, Alg. 2 / eq. 14):
// ε̃ = ε̂ − sqrt(1−ᾱ_t)·w_cls(c)·g. Returns ε̂, c and the correction.
ClassifierTerm SamplingRun::classifier_term(std::int64_t t, const torch::Tensor& text,
                                            const torch::Tensor& contour) {
  const double ab = scheduler_->alpha_prod(t);
  ClassifierTerm term;
  torch::Tensor grad;
  if (opt_.classifier_grad == ClassifierGrad::kExact) {
    // 1. exact: one denoiser forward with the graph gives both ε̂ and, by backward through the
    // classifier, the decoder (latent bundles) and the denoiser, g.
    c10::AutoGradMode enable_grad(true);
    const torch::Tensor leaf = x_.detach().requires_grad_(true);
    const torch::Tensor eps = guided_epsilon(leaf, t, text, contour);
    const torch::Tensor log_p =
        class_log_probability(bundle_, bundle_.decode(predict_x0(leaf, eps, ab)), labels_);
    ++stats_.classifier_calls;
    term.eps_hat = eps.detach();
    term.confidence = log_p.detach().exp().to(torch::kDouble);
    term.weight = classifier_weights(term.confidence);
    if ((term.weight > 0.0).any().item<bool>()) {  // the one host read of `exact` (see the top)
      grad = torch::autograd::grad({log_p.sum()}, {leaf})[0].detach();
      ++stats_.gradient_passes;
    }
  } else {
    // 1. approx: ∇_{x̂0} log p_y / sqrt(ᾱ_t), through the classifier (and the decoder) only.
    term.eps_hat = guided_epsilon(x_, t, text, contour);
    const ClassifierGradient cg =
        approx_classifier_gradient(bundle_, predict_x0(x_, term.eps_hat, ab), labels_, ab);
    ++stats_.classifier_calls;
    ++stats_.gradient_passes;
    term.confidence = cg.confidence.to(torch::kDouble);
    term.weight = classifier_weights(term.confidence);
    grad = cg.grad;
  }
  term.grad_norm = per_sample(-1.0);
  if (!grad.defined()) return term;
  // 2. per-sample norm cap on g (grad-clip), then the ε-form correction.
  term.grad_norm = per_sample_norm(grad).to(torch::kDouble);
  term.correction = std::sqrt(1.0 - ab) * as_factor(term.weight) *
                    clip_grad_norm_per_sample(grad, opt_.grad_clip);
  return term;
}

// The c that modulates the text and contour strengths of a final-stage step (see the top).
void SamplingRun::modulation_confidence(std::int64_t t) {
  if (confidence_.defined()) return;
  if (x0_prev_.defined()) {
    confidence_ = measure(x0_prev_);
  } else {
    const torch::Tensor eps =
        guided_epsilon(x_, t, per_sample(opt_.guidance_scale), contour_scale_);
    confidence_ = measure(predict_x0(x_, eps, scheduler_->alpha_prod(t)));
  }
  x0_prev_ = torch::Tensor();
}

// clip_sample: the ε whose x̂0 is x̂0(ε) clamped to the value range, ε unchanged otherwise.
// DDIM then steps as diffusers' clip_sample with use_clipped_model_output, DPM-Solver++ from the
// clamped data prediction. Guidance that pushes x̂0 out of range (classifier gradients climbing
// into saturated texture) is cut at every step instead of only at the final image.
torch::Tensor SamplingRun::clipped(const torch::Tensor& eps, std::int64_t t) const {
  if (!clip_) return eps;
  const double ab = scheduler_->alpha_prod(t);
  const ValueRange& range = manifest_.image.range;
  const torch::Tensor x0 = predict_x0(x_, eps, ab).clamp(range.lo, range.hi);
  return (x_ - std::sqrt(ab) * x0) / std::sqrt(1.0 - ab);
}

void SamplingRun::advance(const torch::Tensor& eps, std::int64_t t) {
  if (opt_.eta == 0.0) {
    x_ = scheduler_->step(eps, t, x_).prev_sample;
    return;
  }
  // DDIM's σ_t·z noise from each sample's own generator, so that a sample does not depend on
  // the rest of its batch; DDIM is stateless, so per-sample steps equal one batched step.
  std::vector<torch::Tensor> next;
  for (std::int64_t b = 0; b < b_; ++b) {
    StepOptions step_options;
    step_options.eta = opt_.eta;
    step_options.generator = generators_[static_cast<std::size_t>(b)];
    next.push_back(
        scheduler_->step(eps.narrow(0, b, 1), t, x_.narrow(0, b, 1), step_options).prev_sample);
  }
  x_ = at::cat(next);
}

// One step i of design §4.3–§4.5.
void SamplingRun::step(int i) {
  const std::int64_t t = scheduler_->timesteps()[static_cast<std::size_t>(i)];
  const bool fine = i >= first_fine_;
  // 1. Strengths: fixed (§4.3), or modulated by c in higfa's final stage (§4.4).
  torch::Tensor text = per_sample(opt_.guidance_scale);
  torch::Tensor contour = contour_scale_;
  torch::Tensor modulating = per_sample(-1.0);
  if (fine && opt_.mode == GuidanceMode::kHigfa) {
    modulation_confidence(t);
    modulating = confidence_;
    text = modulate(text, opt_.text_modulation, modulating, opt_.gamma);
    contour = modulate(contour_scale_, opt_.contour_modulation, modulating, opt_.gamma);
  }
  // 2. ε̂ and, in the final stage of the classifier modes, the classifier term.
  ClassifierTerm term;
  if (fine && uses_classifier(opt_.mode)) {
    term = classifier_term(t, text, contour);
    confidence_ = term.confidence;
  } else {
    term.eps_hat = guided_epsilon(x_, t, text, contour);
  }
  if (opt_.mode == GuidanceMode::kHigfa && i + 1 == first_fine_) {
    x0_prev_ = predict_x0(x_, term.eps_hat, scheduler_->alpha_prod(t));
  }
  // 3. The scheduler's update with ε̃ (§4.5).
  advance(clipped(term.correction.defined() ? term.eps_hat - term.correction : term.eps_hat, t), t);
  // 4. The trace, on the device (write_trace() copies it once).
  const torch::Tensor none = per_sample(-1.0);
  const torch::Tensor zero = per_sample(0.0);
  const bool measured = term.confidence.defined();
  const torch::Tensor applied =
      term.correction.defined() ? (term.weight > 0.0).to(torch::kDouble) : zero;
  trace_.push_back(at::stack(
      {text, contour, modulating, measured ? term.confidence : none, measured ? term.weight : zero,
       measured ? term.grad_norm : none,
       term.correction.defined() ? per_sample_norm(term.correction).to(torch::kDouble) : zero,
       applied}));
  if (opt_.record_intermediates) {
    const torch::Tensor x = x_.to(torch::kCPU);
    for (std::int64_t b = 0; b < b_; ++b)
      results_[static_cast<std::size_t>(b)].intermediates.push_back(x[b].clone());
  }
}

// The trace of every step run, copied to the host in one transfer.
void SamplingRun::write_trace() {
  if (trace_.empty()) return;
  const torch::Tensor all = at::stack(trace_).to(torch::kCPU).contiguous();  // [S, rows, B]
  const auto a = all.accessor<double, 3>();
  for (std::size_t k = 0; k < trace_.size(); ++k) {
    const auto step = static_cast<std::int64_t>(k);
    for (std::int64_t b = 0; b < b_; ++b) {
      StepTrace s;
      s.step = t_start_ + static_cast<int>(k);
      s.timestep = scheduler_->timesteps()[static_cast<std::size_t>(s.step)];
      s.fine_stage = s.step >= first_fine_;
      s.text_weight = a[step][kTextWeight][b];
      s.contour_weight = a[step][kContourWeight][b];
      s.modulation_confidence = a[step][kModulationConfidence][b];
      s.confidence = a[step][kConfidence][b];
      s.classifier_weight = a[step][kClassifierWeight][b];
      s.grad_norm = a[step][kGradNorm][b];
      s.guidance_norm = a[step][kGuidanceNorm][b];
      s.classifier_applied = a[step][kClassifierApplied][b] > 0.0;
      results_[static_cast<std::size_t>(b)].trace.push_back(s);
    }
  }
}

// Design §4.6: the final image (decoded, for a latent bundle), clamped to the value range, and
// its confidence: the batch's one copy to the host.
void SamplingRun::finish() {
  if (!at::isfinite(x_).all().item<bool>()) {
    throw Error(
        "sampling produced NaN or Inf (the denoiser's output is not finite; seed of the "
        "first sample " +
        std::to_string(batch_.front().seed) + ")");
  }
  const ImageSpec& spec = manifest_.image;
  const torch::Tensor image = bundle_.decode(x_).clamp(spec.range.lo, spec.range.hi);
  ++stats_.classifier_calls;
  const torch::Tensor confidence =
      class_log_probability(bundle_, image, labels_).exp().to(torch::kCPU, torch::kDouble);
  const torch::Tensor host = image.to(torch::kCPU);
  for (std::size_t b = 0; b < results_.size(); ++b) {
    const auto row = static_cast<std::int64_t>(b);
    results_[b].image = host[row].clone();
    results_[b].final_confidence = confidence[row].item<double>();
  }
  write_trace();
  stats_.samples += b_;
}

std::vector<SampleResult> SamplingRun::run(const StepCallback& on_step) {
  const int total = scheduler_->num_inference_steps() - t_start_;
  for (int k = 0; k < total; ++k) {
    if (on_step && !on_step(k, total)) {
      throw Cancelled("sampling cancelled before step " + std::to_string(k) + " of " +
                      std::to_string(total));
    }
    step(t_start_ + k);
  }
  finish();
  return std::move(results_);
}

}  // namespace

// A third stream from the sample seed, after the noise (the seed) and the transform.
int prompt_index_for(std::uint64_t seed, int count) {
  if (count < 1) throw InvalidArgument("prompt_index_for: count must be >= 1");
  return static_cast<int>(splitmix64(transform_seed(seed)) % static_cast<std::uint64_t>(count));
}

struct Sampler::Impl {
  ModelBundle bundle;
  SamplerOptions options;
  SamplerStats stats;
};

Sampler::Sampler(ModelBundle bundle, SamplerOptions options) {
  validate(options);
  const BundleManifest& m = bundle.manifest();
  if (options.num_inference_steps > m.scheduler.noise.num_train_timesteps) {
    throw InvalidArgument("sampler option num-inference-steps: expected at most " +
                          std::to_string(m.scheduler.noise.num_train_timesteps) + ", got " +
                          std::to_string(options.num_inference_steps));
  }
  // The solver's own limits on the step count (DPM-Solver++ with "leading" spacing needs
  // S < T), checked here so that a bad setting fails at start rather than at the first sample.
  try {
    epsilon_scheduler(options, m);
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(std::string("sampler option num-inference-steps: ") + e.what());
  }
  if (options.classifier_grad == ClassifierGrad::kAuto)
    options.classifier_grad = m.latent ? ClassifierGrad::kApprox : ClassifierGrad::kExact;
  impl_ = std::make_unique<Impl>(Impl{std::move(bundle), std::move(options), {}});
}

Sampler::~Sampler() = default;
Sampler::Sampler(Sampler&&) noexcept = default;
Sampler& Sampler::operator=(Sampler&&) noexcept = default;

std::vector<SampleResult> Sampler::sample(const std::vector<SampleRequest>& batch,
                                          const StepCallback& on_step) {
  if (batch.empty()) return {};
  // The loop runs without autograd; classifier_term() enables it locally.
  c10::NoGradGuard no_grad;
  SamplingRun run(impl_->bundle, impl_->options, impl_->stats, batch);
  return run.run(on_step);
}

const SamplerOptions& Sampler::options() const { return impl_->options; }
const ModelBundle& Sampler::bundle() const { return impl_->bundle; }
SamplerStats Sampler::stats() const { return impl_->stats; }
void Sampler::reset_stats() { impl_->stats = {}; }

}  // namespace higfa
