// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// A fresh temporary directory for the lib tests, removed with its contents at the end of a test.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace higfa_test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "higfa-lib-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
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
