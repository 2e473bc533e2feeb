// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Keep rules of the confidence filter (label score, label in top-k, top-1 is the label).
#include <higfa/error.h>
#include <higfa/filter.h>

#include <algorithm>
#include <string>
#include <vector>

namespace higfa {

void validate(const KeepOptions& options) {
  if (!(options.threshold >= 0.0f && options.threshold <= 1.0f))
    throw InvalidArgument("keep rules: threshold must be in 0..1, got " +
                          std::to_string(options.threshold));
  if (options.top_k < 1)
    throw InvalidArgument("keep rules: top-k must be >= 1, got " + std::to_string(options.top_k));
}

namespace {

// Position of `label` among the carried ids, or -1.
int rank_of(const std::vector<int>& ids, int label) {
  const auto it = std::find(ids.begin(), ids.end(), label);
  return it == ids.end() ? -1 : static_cast<int>(it - ids.begin());
}

bool label_score_holds(const std::vector<int>& ids, const std::vector<float>& scores, int label,
                       float label_score, float threshold) {
  if (label_score >= 0.0f) return label_score >= threshold;
  const int rank = rank_of(ids, label);
  if (rank >= 0) return scores[static_cast<std::size_t>(rank)] >= threshold;
  // Not carried: its probability is at most the smallest carried one.
  if (!scores.empty() && scores.back() < threshold) return false;
  throw InvalidArgument("keep rules: the score of label " + std::to_string(label) +
                        " is unknown (not among the " + std::to_string(ids.size()) +
                        " classes carried, and no label score was recorded)");
}

}  // namespace

KeepRule failed_rule(const std::vector<int>& ids, const std::vector<float>& scores, int label,
                     float label_score, const KeepOptions& options) {
  if (ids.size() != scores.size())
    throw InvalidArgument("keep rules: " + std::to_string(ids.size()) + " class ids but " +
                          std::to_string(scores.size()) + " scores");
  if (label < 0)
    throw InvalidArgument("keep rules: expected a class id >= 0 as label, got " +
                          std::to_string(label));
  validate(options);
  if (has_rule(options.rules, KeepRule::kLabelScore) &&
      !label_score_holds(ids, scores, label, label_score, options.threshold))
    return KeepRule::kLabelScore;
  if (has_rule(options.rules, KeepRule::kTopK)) {
    const int rank = rank_of(ids, label);
    if (rank < 0 || rank >= options.top_k) return KeepRule::kTopK;
  }
  if (has_rule(options.rules, KeepRule::kTop1) && (ids.empty() || ids.front() != label))
    return KeepRule::kTop1;
  return KeepRule::kNone;
}

bool keep(const Classification& classification, int label, const KeepOptions& options) {
  return failed_rule(classification.ids, classification.scores, label,
                     classification.score_of(label), options) == KeepRule::kNone;
}

const char* rule_name(KeepRule rule) {
  switch (rule) {
    case KeepRule::kNone:
      return "none";
    case KeepRule::kLabelScore:
      return "label-score";
    case KeepRule::kTopK:
      return "top-k";
    case KeepRule::kTop1:
      return "top-1";
  }
  return "combined";
}

}  // namespace higfa
