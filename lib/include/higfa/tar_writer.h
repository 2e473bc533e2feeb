// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// POSIX ustar archive encoding: member headers, padding and the end-of-archive marker.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace higfa {

/// Size of a tar block; headers, padded member data and the end marker are whole blocks.
constexpr std::size_t kTarBlockSize = 512;

/// Largest member size a ustar header can state (11 octal digits: 8 GiB - 1).
constexpr std::uint64_t kTarMaxMemberSize = 077777777777ULL;

/// The ustar header of a regular file `name` of `size` bytes: mode 0644, uid/gid 0, empty
/// owner names, modification time `mtime` (seconds since the epoch; a fixed value makes the
/// archive reproducible). Byte for byte what Python's tarfile writes with format=USTAR_FORMAT.
/// A name longer than 100 bytes is split at a '/' into the 155-byte prefix field.
/// Throws InvalidArgument for an empty name, a name that cannot be split so, a name with a NUL
/// byte, a size above kTarMaxMemberSize or an mtime above 8^11 - 1.
std::array<std::uint8_t, kTarBlockSize> tar_header(const std::string& name, std::uint64_t size,
                                                   std::uint64_t mtime = 0);

/// Appends one member to `out`: its header, `size` bytes from `data`, and zeros up to the next
/// block boundary. Throws as tar_header(); `out` is unchanged then.
void append_tar_member(std::vector<std::uint8_t>& out, const std::string& name,
                       const std::uint8_t* data, std::size_t size, std::uint64_t mtime = 0);

/// append_tar_member() with the bytes of `data`.
void append_tar_member(std::vector<std::uint8_t>& out, const std::string& name,
                       const std::string& data, std::uint64_t mtime = 0);

/// Appends the end-of-archive marker (two zero blocks) to `out`.
void append_tar_end(std::vector<std::uint8_t>& out);

/// Bytes a member of `size` bytes takes in an archive, header and padding included.
std::size_t tar_member_size(std::size_t size);

}  // namespace higfa
