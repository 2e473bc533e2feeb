// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Fuzz target: a model bundle's manifest.json through load_manifest, reached through a file.
#include <higfa/bundle.h>
#include <higfa/error.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

// One bundle directory per process, its manifest rewritten for every input.
const std::string& bundle_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/higfa-fuzz-bundle-XXXXXX";
    const char* made = ::mkdtemp(tmpl);
    if (made == nullptr) std::abort();
    return std::string(made);
  }();
  return dir;
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
