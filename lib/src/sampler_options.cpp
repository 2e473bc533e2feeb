// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Sampler option parsing and validation (design §4's properties and their ranges).
#include <higfa/error.h>
#include <higfa/sampler.h>

#include <cmath>
#include <string>
#include <tuple>

namespace higfa {
namespace {

void check_range(const char* name, double value, double lo, double hi, bool lo_open = false) {
  const bool ok = std::isfinite(value) && (lo_open ? value > lo : value >= lo) && value <= hi;
  if (!ok) {
    throw InvalidArgument(std::string("sampler option ") + name + ": expected a value in " +
                          (lo_open ? "(" : "[") + std::to_string(lo) + ", " +
                          (std::isinf(hi) ? std::string("inf)") : std::to_string(hi) + "]") +
                          ", got " + std::to_string(value));
  }
}

auto fields(const ContourTransformOptions& t) {
  return std::tie(t.max_rotation_deg, t.min_scale, t.max_scale, t.max_translation, t.max_shear_deg,
                  t.flip_probability, t.elastic_alpha, t.elastic_sigma, t.edge_dropout);
}

// Every field of SamplerOptions; a field added there must be added here.
auto fields(const SamplerOptions& o) {
  return std::tie(o.scheduler, o.num_inference_steps, o.eta, o.strength, o.fine_stage,
                  o.guidance_scale, o.contour_scale, o.classifier_scale, o.text_modulation.lo,
                  o.text_modulation.hi, o.contour_modulation.lo, o.contour_modulation.hi,
                  o.classifier_modulation.lo, o.classifier_modulation.hi, o.gamma,
                  o.classifier_gate, o.classifier_grad, o.grad_clip, o.mode, o.transform_contour,
                  o.clip_sample, o.record_intermediates);
}

}  // namespace

bool operator==(const SamplerOptions& a, const SamplerOptions& b) {
  return fields(a) == fields(b) && fields(a.transform) == fields(b.transform);
}

GuidanceMode parse_guidance_mode(const std::string& name) {
  if (name == "cfg") return GuidanceMode::kCfg;
  if (name == "contour") return GuidanceMode::kContour;
  if (name == "higfa") return GuidanceMode::kHigfa;
  if (name == "higfa-fixed") return GuidanceMode::kHigfaFixed;
  throw InvalidArgument("guidance mode: expected cfg, contour, higfa or higfa-fixed, got \"" +
                        name + "\"");
}

std::string to_string(GuidanceMode mode) {
  switch (mode) {
    case GuidanceMode::kCfg: return "cfg";
    case GuidanceMode::kContour: return "contour";
    case GuidanceMode::kHigfa: return "higfa";
    case GuidanceMode::kHigfaFixed: return "higfa-fixed";
  }
  return "unknown";
}

ClassifierGrad parse_classifier_grad(const std::string& name) {
  if (name == "exact") return ClassifierGrad::kExact;
  if (name == "approx") return ClassifierGrad::kApprox;
  if (name == "auto") return ClassifierGrad::kAuto;
  throw InvalidArgument("classifier grad: expected exact, approx or auto, got \"" + name + "\"");
}

std::string to_string(ClassifierGrad grad) {
  switch (grad) {
    case ClassifierGrad::kExact:
      return "exact";
    case ClassifierGrad::kApprox:
      return "approx";
    case ClassifierGrad::kAuto:
      break;
  }
  return "auto";
}

void validate(const SamplerOptions& o) {
  constexpr double kInf = INFINITY;
  if (o.num_inference_steps < 1) {
    throw InvalidArgument("sampler option num-inference-steps: expected >= 1, got " +
                          std::to_string(o.num_inference_steps));
  }
  check_range("eta", o.eta, 0.0, 1.0);
  if (o.eta > 0.0 && o.scheduler != SchedulerKind::kDdim) {
    throw InvalidArgument("sampler option eta: " + std::to_string(o.eta) +
                          " needs the ddim scheduler (DPM-Solver++ 2M is deterministic)");
  }
  check_range("strength", o.strength, 0.0, 1.0, /*lo_open=*/true);
  if (static_cast<int>(o.strength * o.num_inference_steps) < 1) {
    throw InvalidArgument("sampler option strength: " + std::to_string(o.strength) + " x " +
                          std::to_string(o.num_inference_steps) +
                          " steps leaves no step to run; expected strength * steps >= 1");
  }
  check_range("fine-stage", o.fine_stage, 0.0, 1.0);
  check_range("guidance-scale", o.guidance_scale, 0.0, kInf);
  check_range("contour-scale", o.contour_scale, 0.0, kInf);
  check_range("classifier-scale", o.classifier_scale, 0.0, kInf);
  validate(o.text_modulation, "sampler option text-modulation");
  validate(o.contour_modulation, "sampler option contour-modulation");
  validate(o.classifier_modulation, "sampler option classifier-modulation");
  check_range("gamma", o.gamma, 0.0, kInf);
  check_range("classifier-gate", o.classifier_gate, 0.0, 1.0);
  check_range("grad-clip", o.grad_clip, 0.0, kInf);
  validate(o.transform);
}

}  // namespace higfa
