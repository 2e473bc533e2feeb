// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// A fresh temporary directory for tests and fuzz targets, removed with its contents when destroyed.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace higfa_test {

/// Made under $TMPDIR (else /tmp) as `<prefix>XXXXXX`; aborts if it cannot be made.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "higfa-lib-") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
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

}  // namespace higfa_test
