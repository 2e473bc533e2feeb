// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// POSIX file helpers of the dataset writers: whole writes, fsync, files put in place by rename.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace higfa::detail {

/// `rel`, normalised, if it is a relative path that stays inside its directory; else empty.
std::filesystem::path safe_relative(const std::string& rel);

/// strerror(errno).
std::string errno_text();

/// Writes all of `data` to `fd`, retrying on short writes and EINTR. Throws Error naming `what`.
void write_all(int fd, const void* data, std::size_t size, const std::string& what);

/// Opens `path` with `flags` (O_RDONLY | O_DIRECTORY for a directory) and fsyncs it. Throws Error.
void fsync_path(const std::string& path, int flags);

/// Writes `data` to the hidden temporary ".<name>.tmp" beside `path`, then renames it onto
/// `path`, so that `path` is either its old self or all of `data`. With `durable` the file is
/// fsynced before the rename and its directory after it. Throws Error (the temporary removed).
void put_file(const std::string& path, const void* data, std::size_t size, bool durable);

/// The temporary put_file() writes before `path` is in place.
std::string temporary_of(const std::string& path);

}  // namespace higfa::detail
