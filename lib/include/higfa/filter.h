// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Keep rules of the confidence filter: pure decisions over one frame's classification and label.
#pragma once

#include <higfa/classification.h>

#include <vector>

namespace higfa {

/// A set of keep rules (bit flags); a frame is kept when every selected rule holds.
enum class KeepRule : unsigned {
  kNone = 0,
  kLabelScore = 1u << 0,  ///< the intended label's probability >= threshold
  kTopK = 1u << 1,        ///< the intended label is among the top-k classes
  kTop1 = 1u << 2,        ///< the top-1 class is the intended label
};

constexpr KeepRule operator|(KeepRule a, KeepRule b) {
  return static_cast<KeepRule>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}

/// True if `set` contains every flag of `rule`.
constexpr bool has_rule(KeepRule set, KeepRule rule) {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(rule)) == static_cast<unsigned>(rule);
}

/// Keep-rule options; the words match confidencefilter's properties.
struct KeepOptions {
  KeepRule rules = KeepRule::kLabelScore;
  float threshold = 0.5f;  ///< for kLabelScore, a probability in 0..1
  int top_k = 1;           ///< for kTopK, >= 1; clamped to the number of classes carried
};

/// Throws InvalidArgument for a threshold outside 0..1 or top_k < 1.
void validate(const KeepOptions& options);

/// The first selected rule (in the order label-score, top-k, top-1) that a frame fails, or kNone
/// when it is kept. `ids`/`scores` are the top classes carried with the frame (descending);
/// `label` is the intended class id (>= 0); `label_score` its probability, or < 0 when unknown,
/// in which case it is taken from `ids`/`scores`, and a label absent from them has at most the
/// smallest carried score. Throws InvalidArgument for mismatched sizes, a negative label, or a
/// label-score decision that the carried scores cannot settle.
KeepRule failed_rule(const std::vector<int>& ids, const std::vector<float>& scores, int label,
                     float label_score, const KeepOptions& options);

/// failed_rule() == kNone, over a full Classification.
bool keep(const Classification& classification, int label, const KeepOptions& options);

/// "label-score", "top-k", "top-1" or "none", for logs and drop reasons.
const char* rule_name(KeepRule rule);

}  // namespace higfa
