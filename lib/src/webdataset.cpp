// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// WebDataset encoding: sample keys, PNG members, JSON members and shard boundaries.
#include <higfa/error.h>
#include <higfa/sample_id.h>
#include <higfa/seed.h>
#include <higfa/tar_writer.h>
#include <higfa/webdataset.h>

#include <cstdio>
#include <deque>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "record_json.h"

namespace higfa {

namespace {

// Keys are checked for uniqueness among this many samples of an archive (all of a shard of
// usual size); an endless archive keeps bounded memory. Our choice, not WebDataset's.
constexpr std::size_t kKeyWindow = 65536;

}  // namespace

struct WebDatasetEncoder::Impl {
  WebDatasetOptions options;
  std::uint64_t samples = 0;   // added since reset
  std::uint64_t in_shard = 0;  // samples in the open archive
  std::uint64_t shard = 0;     // index of the open (or next) archive
  bool open = false;           // an archive has begun and has no end marker yet
  bool emitted = false;        // any bytes since reset
  // The keys of the last kKeyWindow samples of the open archive, oldest first, with their base.
  std::deque<std::pair<std::string, std::string>> window;
  std::unordered_set<std::string> used;                      // the keys in `window`
  std::unordered_map<std::string, std::uint64_t> in_window;  // samples in `window` per base
  std::unordered_map<std::string, std::uint64_t> suffix;     // last suffix given per base

  // `base`, or base-1, base-2, ... when taken in the window.
  std::string unique_key(const std::string& base) const {
    if (!used.count(base)) return base;
    const auto it = suffix.find(base);
    std::uint64_t n = it == suffix.end() ? 0 : it->second;
    std::string key;
    do {
      key = base + "-" + std::to_string(++n);
    } while (used.count(key));
    return key;
  }

  void clear_keys() {
    window.clear();
    used.clear();
    in_window.clear();
    suffix.clear();
  }

  void remember(const std::string& key, const std::string& base) {
    if (key != base) suffix[base] = std::stoull(key.substr(base.size() + 1));
    used.insert(key);
    in_window[base]++;
    window.emplace_back(key, base);
    if (window.size() <= kKeyWindow) return;
    const auto& [old_key, old_base] = window.front();
    used.erase(old_key);
    if (--in_window[old_base] == 0) {
      in_window.erase(old_base);
      suffix.erase(old_base);
    }
    window.pop_front();
  }
};

WebDatasetEncoder::WebDatasetEncoder(WebDatasetOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}

WebDatasetEncoder::~WebDatasetEncoder() = default;
WebDatasetEncoder::WebDatasetEncoder(WebDatasetEncoder&&) noexcept = default;
WebDatasetEncoder& WebDatasetEncoder::operator=(WebDatasetEncoder&&) noexcept = default;

WebDatasetChunk WebDatasetEncoder::add(const ImageView& image, const WebDatasetSample& sample,
                                       const FrameRecord& metas) {
  Impl& s = *impl_;
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  if (!sample.metas_json.empty()) {
    extra = nlohmann::ordered_json::parse(sample.metas_json, nullptr, false);
    if (extra.is_discarded() || !extra.is_object()) {
      throw InvalidArgument("sample metas must be a JSON object, got: " + sample.metas_json);
    }
  }
  const std::vector<std::uint8_t> png = encode_png(image);

  WebDatasetChunk chunk;
  chunk.starts_shard = !s.open;
  const bool new_shard = chunk.starts_shard;
  const std::uint64_t shard = new_shard && s.emitted ? s.shard + 1 : s.shard;
  const std::string base = sample_id(sample.source_id, sample.sample_index, s.samples);
  chunk.key = new_shard ? base : s.unique_key(base);

  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["key"] = chunk.key;
  json["class_id"] = sample.class_id >= 0 ? nlohmann::ordered_json(sample.class_id) : nullptr;
  nlohmann::ordered_json meta_members = detail::frame_record_object(metas);
  for (auto& [name, value] : meta_members.items()) {
    json[name] = std::move(value);
  }
  for (const auto& [name, value] : extra.items()) {
    if (!json.contains(name)) json[name] = value;
  }
  const std::string text = detail::dump_json(json);

  const std::uint64_t mtime = s.options.mtime;
  append_tar_member(chunk.bytes, chunk.key + ".png", png.data(), png.size(), mtime);
  if (sample.class_id >= 0) {
    append_tar_member(chunk.bytes, chunk.key + ".cls", std::to_string(sample.class_id), mtime);
  }
  append_tar_member(chunk.bytes, chunk.key + ".json", text, mtime);

  // Nothing above changed the state, so a throw leaves the encoder as it was.
  if (new_shard) {
    s.clear_keys();
    s.in_shard = 0;
    s.shard = shard;
    s.open = true;
  }
  s.remember(chunk.key, base);
  s.samples++;
  s.in_shard++;
  s.emitted = true;
  chunk.shard = s.shard;
  if (s.options.shard_size > 0 && s.in_shard == s.options.shard_size) {
    append_tar_end(chunk.bytes);
    chunk.ends_shard = true;
    s.open = false;
  }
  return chunk;
}

WebDatasetChunk WebDatasetEncoder::finish() {
  Impl& s = *impl_;
  WebDatasetChunk chunk;
  chunk.shard = s.shard;
  if (s.open || !s.emitted) {
    append_tar_end(chunk.bytes);
    chunk.starts_shard = !s.emitted;
    chunk.ends_shard = true;
    s.open = false;
    s.emitted = true;
  }
  return chunk;
}

void WebDatasetEncoder::reset() {
  const WebDatasetOptions options = impl_->options;
  impl_ = std::make_unique<Impl>();
  impl_->options = options;
}

std::uint64_t WebDatasetEncoder::samples() const { return impl_->samples; }

}  // namespace higfa
