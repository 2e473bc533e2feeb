// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Confidence modulation of the guidance strengths (design §4.4): one rule for every signal.
#pragma once

#include <torch/types.h>

#include <string>

namespace higfa {

/// The range one guidance signal is modulated over: lo at confidence 1, hi at confidence 0.
struct Modulation {
  double lo = 0.0;
  double hi = 1.0;
};

/// Throws InvalidArgument naming `what` unless lo and hi are finite and >= 0.
void validate(const Modulation& modulation, const std::string& what);

/// Design §4.4's rule: weight · (lo + (hi − lo)·(1 − c)^γ), with c clamped to [0, 1].
double modulate(double weight, const Modulation& modulation, double confidence, double gamma);

/// The same rule per sample, on the confidences' device: weight [B] (or a scalar tensor) and
/// confidence [B], both f64 -> [B] f64. What the sampler uses, so no value leaves the device.
torch::Tensor modulate(const torch::Tensor& weight, const Modulation& modulation,
                       const torch::Tensor& confidence, double gamma);

}  // namespace higfa
