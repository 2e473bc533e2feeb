// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// One image's classification result (top-k ids and scores, all probabilities); no LibTorch.
#pragma once

#include <vector>

namespace higfa {

/// One image's classification.
struct Classification {
  std::vector<int> ids;       ///< the top-k class ids, highest probability first
  std::vector<float> scores;  ///< their softmax probabilities, descending
  std::vector<float> probs;   ///< softmax probability of every class (size num_classes)

  /// Probability of `class_id`: from probs, else from the top-k, else -1 (unknown).
  float score_of(int class_id) const;
};

}  // namespace higfa
