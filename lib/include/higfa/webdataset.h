// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// WebDataset encoding: samples as <key>.png / <key>.cls / <key>.json tar members, cut into shards.
#pragma once

#include <higfa/image_view.h>
#include <higfa/provenance.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace higfa {

/// How a WebDataset stream is cut and stamped.
struct WebDatasetOptions {
  std::uint64_t shard_size = 0;  ///< samples per shard (one tar archive each); 0: one archive
  std::uint64_t mtime = 0;       ///< every member's modification time, seconds since the epoch
};

/// What one sample's members are made of besides its image.
struct WebDatasetSample {
  std::string source_id;           ///< the source image's id; "" if unknown
  std::int64_t sample_index = -1;  ///< index among the samples made from the source; -1: none
  int class_id = -1;               ///< written as <key>.cls; -1: unknown, no .cls member
  std::string metas_json;          ///< a JSON object of further members for <key>.json; "" = none
};

/// The bytes to send for one sample (or for the end of the stream) and their place in the shards.
struct WebDatasetChunk {
  std::vector<std::uint8_t> bytes;  ///< whole tar blocks
  std::string key;                  ///< the sample's key; "" for the end of the stream
  std::uint64_t shard = 0;          ///< index of the shard (archive) the bytes belong to
  bool starts_shard = false;        ///< the bytes are the first of their archive
  bool ends_shard = false;          ///< the bytes end with the end-of-archive marker
};

/// Turns frames into a WebDataset tar stream. A sample's key is sample_id() (sample_id.h) of its
/// source id, its sample index and the count of samples before it: the id datasetsink gives the
/// same sample. Each sample becomes, in this order, <key>.png, <key>.cls (the class id in ASCII
/// decimal, when known) and <key>.json ({"key", "class_id", then the members of metas_json}). Keys
/// are unique within an archive of up to 65536 samples (in a longer one, among its last 65536,
/// which bounds the memory of an endless stream): a repeated one gets "-1", "-2", ... appended.
/// With shard_size N > 0, sample N·k starts archive k and sample N·k + N - 1 ends it with the
/// end-of-archive marker. Not thread-safe.
class WebDatasetEncoder {
 public:
  explicit WebDatasetEncoder(WebDatasetOptions options = {});
  ~WebDatasetEncoder();
  WebDatasetEncoder(const WebDatasetEncoder&) = delete;
  WebDatasetEncoder& operator=(const WebDatasetEncoder&) = delete;
  WebDatasetEncoder(WebDatasetEncoder&&) noexcept;
  WebDatasetEncoder& operator=(WebDatasetEncoder&&) noexcept;

  /// The members of one sample; `metas` are the frame's metas, typed. Throws InvalidArgument for
  /// a bad image or metas_json (not a JSON object), Error if PNG encoding fails; the encoder's
  /// state is unchanged then.
  WebDatasetChunk add(const ImageView& image, const WebDatasetSample& sample,
                      const FrameRecord& metas = {});

  /// The end of the stream: the end-of-archive marker if an archive is open, or an empty archive
  /// if nothing was written yet (so the output is always a valid tar); else no bytes.
  WebDatasetChunk finish();

  /// Forgets every sample: the next add() starts archive 0 again.
  void reset();

  /// Samples added since construction or reset().
  std::uint64_t samples() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace higfa
