// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Shared by the bundle tests: the load error of a fixture bundle and a substring expectation.
#pragma once

#include <gtest/gtest.h>
#include <higfa/bundle.h>
#include <higfa/error.h>

#include <string>

#ifndef HIGFA_FIXTURES_DIR
#error "HIGFA_FIXTURES_DIR must name tests/fixtures"
#endif

namespace higfa::testing {

inline const std::string kBundles = std::string(HIGFA_FIXTURES_DIR) + "/bundles/";

/// The message of the ModelLoadError that loading fixture bundle `name` throws ("" if it loads).
inline std::string load_error(const std::string& name) {
  try {
    ModelBundle::load(kBundles + name);
  } catch (const ModelLoadError& e) {
    return e.what();
  }
  return "";
}

}  // namespace higfa::testing

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)
