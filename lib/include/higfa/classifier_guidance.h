// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Classifier guidance (design §4.4): the classifier's input mapping, log p_y and its gradient.
#pragma once

#include <higfa/bundle.h>
#include <torch/types.h>

namespace higfa {

/// Maps images [B, C, H, W] f32 from the denoiser's contract `from` to the classifier's `to`:
/// value range (linear), channels (1 -> 3 replicated, 3 -> 1 BT.601 luma) and resolution
/// (`to.fit`; pad value `to.range.lo`). Differentiable; same device. Throws InvalidArgument for
/// channel counts other than 1 and 3.
torch::Tensor to_classifier_input(const torch::Tensor& x, const ImageSpec& from,
                                  const ImageSpec& to);

/// log p_y = log_softmax(classify(to_classifier_input(x0)))_y per sample: [B] f32 (differentiable
/// when autograd is on). x0 [B, C, H, W] f32 in the denoiser's range; labels [B] i64; same device
/// as the bundle. Calls bundle.classify() exactly once. Throws InvalidArgument on shapes.
torch::Tensor class_log_probability(const ModelBundle& bundle, const torch::Tensor& x0,
                                    const torch::Tensor& labels);

/// Scales each sample of g [B, ...] so that its L2 norm is at most `max_norm`; max_norm 0 returns
/// g unchanged. Throws InvalidArgument for a negative max_norm.
torch::Tensor clip_grad_norm_per_sample(const torch::Tensor& g, double max_norm);

/// Per-sample L2 norms of g [B, ...]: [B] f32.
torch::Tensor per_sample_norm(const torch::Tensor& g);

/// What one classifier-guidance evaluation gives.
struct ClassifierGradient {
  torch::Tensor grad;        ///< ∇ log p_y w.r.t. the chosen input, [B, C, H, W] f32 (detached)
  torch::Tensor confidence;  ///< p_y [B] f32 (detached), on x0's device
};

/// The `approx` gradient (design §4.4): ∇_{x̂0} log p_y(x̂0) / sqrt(ᾱ_t), which ignores the
/// denoiser's Jacobian. x0 f32: the predicted clean sample (an image, or latents that are decoded
/// first), labels [B] i64,
/// alpha_prod = ᾱ_t in (0, 1]. One classify() call and one backward through the classifier only;
/// enables autograd internally.
ClassifierGradient approx_classifier_gradient(const ModelBundle& bundle, const torch::Tensor& x0,
                                              const torch::Tensor& labels, double alpha_prod);

}  // namespace higfa
