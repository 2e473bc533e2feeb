// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Classification::score_of: a class's probability from the full distribution or the top-k.
#include <higfa/classification.h>

#include <cstddef>

namespace higfa {

float Classification::score_of(int class_id) const {
  if (class_id >= 0 && static_cast<std::size_t>(class_id) < probs.size()) return probs[class_id];
  for (std::size_t i = 0; i < ids.size() && i < scores.size(); ++i)
    if (ids[i] == class_id) return scores[i];
  return -1.0f;
}

}  // namespace higfa
