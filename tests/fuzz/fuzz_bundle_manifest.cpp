// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Fuzz target: a model bundle's manifest.json through load_manifest, reached through a file.
#include <higfa/bundle.h>
#include <higfa/error.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "../lib/temp_dir.h"

namespace {

// One bundle directory per process, its manifest rewritten for every input.
const std::string& bundle_dir() {
  // Destroyed, so removed, when the process exits normally (a replay returning from main,
  // libFuzzer's exit() at the end of a run).
  static const higfa_test::TempDir dir("higfa-fuzz-bundle-");
  return dir.path();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& dir = bundle_dir();
  {
    std::ofstream out(dir + "/manifest.json", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const higfa::BundleManifest m = higfa::load_manifest(dir);
    if (m.class_names.empty()) std::abort();  // a manifest that loads names its classes
  } catch (const higfa::Error&) {
  }
  return 0;
}
