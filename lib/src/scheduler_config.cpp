// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The names of the scheduler configuration's choices, spelled as diffusers spells them.
#include <higfa/error.h>
#include <higfa/scheduler_config.h>

#include <string>

namespace higfa {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

BetaSchedule parse_beta_schedule(const std::string& name) {
  if (name == "linear") return BetaSchedule::kLinear;
  if (name == "scaled_linear") return BetaSchedule::kScaledLinear;
  if (name == "cosine" || name == "squaredcos_cap_v2") return BetaSchedule::kCosine;
  throw InvalidArgument(
      "beta schedule: expected \"linear\", \"scaled_linear\" or \"cosine\", found \"" + name +
      "\"");
}

PredictionType parse_prediction_type(const std::string& name) {
  if (name == "epsilon") return PredictionType::kEpsilon;
  if (name == "v_prediction") return PredictionType::kVPrediction;
  throw InvalidArgument("prediction type: expected \"epsilon\" or \"v_prediction\", found " +
                        quoted(name));
}

TimestepSpacing parse_timestep_spacing(const std::string& name) {
  if (name == "leading") return TimestepSpacing::kLeading;
  if (name == "trailing") return TimestepSpacing::kTrailing;
  throw InvalidArgument("timestep spacing: expected \"leading\" or \"trailing\", found " +
                        quoted(name));
}

}  // namespace higfa
