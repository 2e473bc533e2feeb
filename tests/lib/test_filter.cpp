// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the confidence filter's keep rules (higfa/filter.h).
#include <gtest/gtest.h>
#include <higfa/error.h>
#include <higfa/filter.h>

#include <vector>

namespace {

using higfa::KeepOptions;
using higfa::KeepRule;

// Probabilities of 4 classes: ranking 2, 0, 3, 1.
higfa::Classification example() {
  higfa::Classification c;
  c.probs = {0.3f, 0.05f, 0.5f, 0.15f};
  c.ids = {2, 0, 3};
  c.scores = {0.5f, 0.3f, 0.15f};
  return c;
}

KeepOptions options(KeepRule rules, float threshold = 0.5f, int top_k = 1) {
  return {rules, threshold, top_k};
}

TEST(KeepRules, LabelScoreComparesTheLabelsProbabilityWithTheThreshold) {
  const auto c = example();
  EXPECT_TRUE(higfa::keep(c, 2, options(KeepRule::kLabelScore, 0.5f)));  // equal keeps
  EXPECT_FALSE(higfa::keep(c, 0, options(KeepRule::kLabelScore, 0.5f)));
  EXPECT_TRUE(higfa::keep(c, 0, options(KeepRule::kLabelScore, 0.3f)));
  // Class 1 is not in the top 3, but its probability is known from probs.
  EXPECT_TRUE(higfa::keep(c, 1, options(KeepRule::kLabelScore, 0.0f)));
  EXPECT_FALSE(higfa::keep(c, 1, options(KeepRule::kLabelScore, 0.1f)));
}

TEST(KeepRules, TopKKeepsLabelsRankedWithinK) {
  const auto c = example();
  EXPECT_TRUE(higfa::keep(c, 2, options(KeepRule::kTopK, 0.5f, 1)));
  EXPECT_FALSE(higfa::keep(c, 0, options(KeepRule::kTopK, 0.5f, 1)));
  EXPECT_TRUE(higfa::keep(c, 0, options(KeepRule::kTopK, 0.5f, 2)));
  EXPECT_FALSE(higfa::keep(c, 3, options(KeepRule::kTopK, 0.5f, 2)));
  // k beyond the carried classes is clamped to them: class 1 is not carried.
  EXPECT_FALSE(higfa::keep(c, 1, options(KeepRule::kTopK, 0.5f, 10)));
  EXPECT_TRUE(higfa::keep(c, 3, options(KeepRule::kTopK, 0.5f, 10)));
}

TEST(KeepRules, Top1KeepsOnlyTheArgmax) {
  const auto c = example();
  EXPECT_TRUE(higfa::keep(c, 2, options(KeepRule::kTop1)));
  EXPECT_FALSE(higfa::keep(c, 0, options(KeepRule::kTop1)));
}

TEST(KeepRules, CombinedRulesMustAllHoldAndTheFirstFailureIsReported) {
  const auto c = example();
  const auto both = KeepRule::kLabelScore | KeepRule::kTop1;
  EXPECT_TRUE(higfa::keep(c, 2, options(both, 0.4f)));
  EXPECT_FALSE(higfa::keep(c, 2, options(both, 0.6f)));
  EXPECT_EQ(higfa::failed_rule(c.ids, c.scores, 0, -1.0f, options(both, 0.2f)), KeepRule::kTop1);
  EXPECT_EQ(higfa::failed_rule(c.ids, c.scores, 0, -1.0f, options(both, 0.9f)),
            KeepRule::kLabelScore);
  EXPECT_TRUE(higfa::has_rule(both, KeepRule::kTop1));
  EXPECT_FALSE(higfa::has_rule(both, KeepRule::kTopK));
}

TEST(KeepRules, NoRuleKeepsEverything) {
  EXPECT_TRUE(higfa::keep(example(), 1, options(KeepRule::kNone, 1.0f)));
}

// Without probs (a frame's meta carries only the top classes) the recorded label score decides.
TEST(KeepRules, RecordedLabelScoreDecidesForUncarriedLabels) {
  const std::vector<int> ids = {2, 0};
  const std::vector<float> scores = {0.5f, 0.3f};
  const auto rule = options(KeepRule::kLabelScore, 0.2f);
  EXPECT_EQ(higfa::failed_rule(ids, scores, 3, 0.25f, rule), KeepRule::kNone);
  EXPECT_EQ(higfa::failed_rule(ids, scores, 3, 0.15f, rule), KeepRule::kLabelScore);
  // Unknown score of an uncarried label: at most 0.3, so below 0.4 is settled...
  EXPECT_EQ(higfa::failed_rule(ids, scores, 3, -1.0f, options(KeepRule::kLabelScore, 0.4f)),
            KeepRule::kLabelScore);
  // ...but against 0.2 it cannot be settled.
  EXPECT_THROW(higfa::failed_rule(ids, scores, 3, -1.0f, rule), higfa::InvalidArgument);
}

TEST(KeepRules, InvalidArgumentsAreRejected) {
  const auto c = example();
  EXPECT_THROW(higfa::keep(c, -1, options(KeepRule::kTop1)), higfa::InvalidArgument);
  EXPECT_THROW(higfa::keep(c, 0, options(KeepRule::kTop1, 1.5f)), higfa::InvalidArgument);
  EXPECT_THROW(higfa::keep(c, 0, options(KeepRule::kTopK, 0.5f, 0)), higfa::InvalidArgument);
  EXPECT_THROW(higfa::failed_rule({1, 2}, {0.5f}, 1, -1.0f, options(KeepRule::kTop1)),
               higfa::InvalidArgument);
}

TEST(KeepRules, RuleNamesMatchThePropertyWords) {
  EXPECT_STREQ(higfa::rule_name(KeepRule::kLabelScore), "label-score");
  EXPECT_STREQ(higfa::rule_name(KeepRule::kTopK), "top-k");
  EXPECT_STREQ(higfa::rule_name(KeepRule::kTop1), "top-1");
  EXPECT_STREQ(higfa::rule_name(KeepRule::kNone), "none");
}

}  // namespace
