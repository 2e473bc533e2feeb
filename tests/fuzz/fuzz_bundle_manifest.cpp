// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Fuzz target: a model bundle's manifest.json through load_manifest, reached through a file.
#include <higfa/bundle.h>
#include <higfa/error.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace {

// A temporary directory (under $TMPDIR, else /tmp), removed with its contents when the process
// exits normally (a replay returning from main, libFuzzer's exit() at the end of a run).
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "higfa-fuzz-bundle-XXXXXX");
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One bundle directory per process, its manifest rewritten for every input.
const std::string& bundle_dir() {
  static const TempDir dir;
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
