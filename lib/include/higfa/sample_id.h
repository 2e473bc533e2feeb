// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The one id of a generated sample: its manifest id and file name (datasetsink), its WebDataset
// key.
#pragma once

#include <cstdint>
#include <string>

namespace higfa {

/// The id a sample is stored under before de-duplication, the same in a dataset's manifest and
/// file name and in a WebDataset key: "<source_id>-s<sample_index>", or "<source_id>" without a
/// sample index, or the zero-padded `counter` ("000042") without a source id. Every byte outside
/// [A-Za-z0-9_-] becomes '_' ("Ankle boot/50000" -> "Ankle_boot_50000"; WebDataset readers split
/// the key from the extension at the first '.', and '/' would make directories); an id over 64
/// bytes keeps its first 47 and appends '-' and 16 hex digits of the FNV-1a hash of the whole,
/// so it stays unique.
std::string sample_id(const std::string& source_id, std::int64_t sample_index,
                      std::uint64_t counter);

}  // namespace higfa
