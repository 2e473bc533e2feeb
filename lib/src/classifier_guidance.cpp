// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Classifier guidance (design §4.4): classifier input mapping, log p_y, gradients and clipping.
#include <c10/core/GradMode.h>
#include <higfa/classifier_guidance.h>
#include <higfa/error.h>
#include <higfa/image.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace higfa {
namespace {

// Area averaging when shrinking both sides (as fit_to_resolution), bilinear otherwise.
torch::Tensor resize(const torch::Tensor& x, std::int64_t height, std::int64_t width) {
  if (x.size(2) == height && x.size(3) == width) return x;
  if (height <= x.size(2) && width <= x.size(3)) return at::adaptive_avg_pool2d(x, {height, width});
  return at::upsample_bilinear2d(x, {height, width}, /*align_corners=*/false);
}

torch::Tensor fit(const torch::Tensor& x, const ImageSpec& to) {
  const std::int64_t h = x.size(2);
  const std::int64_t w = x.size(3);
  if (h == to.height && w == to.width) return x;
  const auto [nh, nw] = fitted_size(static_cast<int>(h), static_cast<int>(w), to.height, to.width,
                                    to.fit, to.resize_size);
  const torch::Tensor scaled = resize(x, nh, nw);
  if (to.fit == FitMode::kResize) return scaled;
  if (to.fit == FitMode::kCenterCrop)
    return scaled.narrow(2, (nh - to.height) / 2, to.height)
        .narrow(3, (nw - to.width) / 2, to.width);
  const std::int64_t top = (to.height - nh) / 2;
  const std::int64_t left = (to.width - nw) / 2;
  return at::constant_pad_nd(scaled, {left, to.width - nw - left, top, to.height - nh - top},
                             to.range.lo);
}

}  // namespace

torch::Tensor to_classifier_input(const torch::Tensor& x, const ImageSpec& from,
                                  const ImageSpec& to) {
  if (!x.defined() || x.dim() != 4 || (x.size(1) != 1 && x.size(1) != 3)) {
    throw InvalidArgument("classifier input: expected images [B, 1 or 3, H, W]");
  }
  if ((to.channels != 1 && to.channels != 3) || to.height <= 0 || to.width <= 0) {
    throw InvalidArgument(
        "classifier input: the classifier's spec needs 1 or 3 channels and a "
        "positive resolution, got " +
        std::to_string(to.channels) + " channels, " + std::to_string(to.height) + "x" +
        std::to_string(to.width));
  }
  torch::Tensor y = x;
  if (from.range.lo != to.range.lo || from.range.hi != to.range.hi) {
    const double gain = (static_cast<double>(to.range.hi) - to.range.lo) /
                        (static_cast<double>(from.range.hi) - from.range.lo);
    y = (y - from.range.lo) * gain + to.range.lo;
  }
  if (y.size(1) == 1 && to.channels == 3) {
    y = y.repeat({1, 3, 1, 1});
  } else if (y.size(1) == 3 && to.channels == 1) {
    y = 0.299 * y.narrow(1, 0, 1) + 0.587 * y.narrow(1, 1, 1) + 0.114 * y.narrow(1, 2, 1);
  }
  return fit(y, to);
}

torch::Tensor class_log_probability(const ModelBundle& bundle, const torch::Tensor& x0,
                                    const torch::Tensor& labels) {
  const BundleManifest& m = bundle.manifest();
  if (!labels.defined() || labels.dim() != 1 || labels.size(0) != x0.size(0)) {
    throw InvalidArgument("class_log_probability: expected labels [B] matching x0 [B, C, H, W]");
  }
  const torch::Tensor logits = bundle.classify(to_classifier_input(x0, m.image, m.classifier));
  if (logits.dim() != 2 || logits.size(0) != x0.size(0)) {
    throw Error("classifier: expected logits [B, K], got " + std::to_string(logits.dim()) +
                "-d output");
  }
  return at::log_softmax(logits.to(torch::kFloat), 1)
      .gather(1, labels.to(logits.device()).view({-1, 1}))
      .squeeze(1);
}

torch::Tensor per_sample_norm(const torch::Tensor& g) {
  return g.reshape({g.size(0), -1}).norm(2, 1);
}

torch::Tensor clip_grad_norm_per_sample(const torch::Tensor& g, double max_norm) {
  if (!(max_norm >= 0.0)) {
    throw InvalidArgument("grad clip: max norm must be >= 0 (0 = off), got " +
                          std::to_string(max_norm));
  }
  if (max_norm == 0.0) return g;
  std::vector<std::int64_t> shape(static_cast<std::size_t>(g.dim()), 1);
  shape[0] = g.size(0);
  const torch::Tensor factor = (max_norm / per_sample_norm(g).clamp_min(1e-30)).clamp_max(1.0);
  return g * factor.view(shape);
}

// Approximate guidance gradient: with x̂0 = (x_t − sqrt(1−ᾱ)·ε̂)/sqrt(ᾱ), treating ε̂ as constant
// gives ∂x̂0/∂x_t = 1/sqrt(ᾱ), so ∇_{x_t} log p_y ≈ ∇_{x̂0} log p_y / sqrt(ᾱ) (design §4.4). For a
// latent bundle x̂0 is a latent and p_y is read on its decoded image: the gradient goes through
// the decoder and the classifier, never the denoiser.
ClassifierGradient approx_classifier_gradient(const ModelBundle& bundle, const torch::Tensor& x0,
                                              const torch::Tensor& labels, double alpha_prod) {
  if (!(alpha_prod > 0.0 && alpha_prod <= 1.0)) {
    throw InvalidArgument("approx classifier gradient: alpha_prod must be in (0, 1], got " +
                          std::to_string(alpha_prod));
  }
  c10::AutoGradMode enable_grad(true);
  const torch::Tensor leaf = x0.detach().requires_grad_(true);
  const torch::Tensor log_p = class_log_probability(bundle, bundle.decode(leaf), labels);
  const torch::Tensor grad = torch::autograd::grad({log_p.sum()}, {leaf})[0];
  return {grad.detach() / std::sqrt(alpha_prod), log_p.detach().exp()};
}

}  // namespace higfa
