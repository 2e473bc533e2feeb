// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The confidence modulation rule shared by the text, contour and classifier signals (design §4.4).
#include <ATen/ATen.h>
#include <higfa/error.h>
#include <higfa/modulation.h>

#include <algorithm>
#include <cmath>

namespace higfa {

void validate(const Modulation& modulation, const std::string& what) {
  for (const double v : {modulation.lo, modulation.hi}) {
    if (!std::isfinite(v) || v < 0.0) {
      throw InvalidArgument(what + ": lo and hi must be finite and >= 0, got lo " +
                            std::to_string(modulation.lo) + ", hi " +
                            std::to_string(modulation.hi));
    }
  }
}

// HiGFA (arXiv 2511.12547) modulates every signal by the classifier's confidence c in the intended
// class: strong while the image does not show the class yet (c -> 0 gives hi), backing off once it
// does (c -> 1 gives lo). The paper states the monotone idea, not the curve: the power law in
// (1 − c) with exponent γ is this project's choice (design §4.4).
double modulate(double weight, const Modulation& modulation, double confidence, double gamma) {
  const double c = std::clamp(confidence, 0.0, 1.0);
  return weight * (modulation.lo + (modulation.hi - modulation.lo) * std::pow(1.0 - c, gamma));
}

torch::Tensor modulate(const torch::Tensor& weight, const Modulation& modulation,
                       const torch::Tensor& confidence, double gamma) {
  const torch::Tensor falloff = (1.0 - confidence.clamp(0.0, 1.0)).pow(gamma);
  return weight * (modulation.lo + (modulation.hi - modulation.lo) * falloff);
}

}  // namespace higfa
