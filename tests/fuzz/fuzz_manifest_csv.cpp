// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Fuzz target: a CSV dataset manifest (path,label rows) through parse_manifest.
#include <higfa/dataset.h>
#include <higfa/error.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    std::vector<higfa::SkippedFile> skipped;
    const auto entries = higfa::parse_manifest(text, "/fuzz/manifest.csv", &skipped);
    std::set<std::string> ids;
    for (const auto& e : entries) {
      if (!ids.insert(e.source_id).second) std::abort();  // source ids must be unique
    }
  } catch (const higfa::InvalidArgument&) {
  }
  return 0;
}
