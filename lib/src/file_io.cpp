// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// POSIX file helpers of the dataset writers.
#include "file_io.h"

#include <fcntl.h>
#include <higfa/error.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace higfa::detail {

fs::path safe_relative(const std::string& rel) {
  const fs::path p = fs::path(rel).lexically_normal();
  if (rel.empty() || p.is_absolute() || p.empty() || *p.begin() == "..") {
    return {};
  }
  return p;
}

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const void* data, std::size_t size, const std::string& what) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw Error(what + ": write failed: " + errno_text());
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) {
    throw Error(path + ": cannot be opened for fsync: " + errno_text());
  }
  const int rc = ::fsync(fd);
  const std::string err = errno_text();
  ::close(fd);
  if (rc != 0) {
    throw Error(path + ": fsync failed: " + err);
  }
}

std::string temporary_of(const std::string& path) {
  const fs::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + ".tmp")).string();
}

void put_file(const std::string& path, const void* data, std::size_t size, bool durable) {
  const std::string tmp = temporary_of(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error(tmp + ": cannot be created: " + errno_text());
  }
  try {
    write_all(fd, data, size, tmp);
    if (durable && ::fsync(fd) != 0) {
      throw Error(tmp + ": fsync failed: " + errno_text());
    }
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = errno_text();
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot be put in place: " + err);
  }
  if (durable) {
    const std::string dir = fs::path(path).parent_path().string();
    fsync_path(dir.empty() ? "." : dir, O_RDONLY | O_DIRECTORY);
  }
}

}  // namespace higfa::detail
