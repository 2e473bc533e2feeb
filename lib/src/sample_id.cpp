// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The one id of a generated sample, shared by the dataset writer and the WebDataset encoder.
#include <higfa/sample_id.h>
#include <higfa/seed.h>

#include <cstdio>

namespace higfa {
namespace {

// Ids are kept short so "<id>-<n>.json" always fits ustar's 100-byte name field.
constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kKeptPrefix = 47;

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

std::string sample_id(const std::string& source_id, std::int64_t sample_index,
                      std::uint64_t counter) {
  std::string raw;
  if (source_id.empty()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(counter));
    raw = buf;
  } else {
    raw = sample_index >= 0 ? source_id + "-s" + std::to_string(sample_index) : source_id;
  }
  std::string id = raw;
  for (char& c : id) {
    if (!is_id_char(c)) c = '_';
  }
  if (id.size() > kMaxIdLength) {
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a64(raw)));
    id = id.substr(0, kKeptPrefix) + "-" + hash;
  }
  return id;
}

}  // namespace higfa
