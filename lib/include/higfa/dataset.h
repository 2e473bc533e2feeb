// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Labelled image datasets: ImageFolder / CSV / JSONL listing, class lists, shards, decoding.
#pragma once

#include <higfa/image_header.h>
#include <higfa/image_view.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace higfa {

/// One labelled image of a dataset.
struct DatasetEntry {
  std::string path;       ///< the file, as opened (the root or manifest directory joined in)
  std::string label;      ///< the class name (resolved against the class list, see resolve_labels)
  int class_id = -1;      ///< index of `label` in the class list; -1 before resolve_labels
  std::string source_id;  ///< unique within the dataset, see assign_source_ids
  std::size_t index = 0;  ///< position in the whole (unsharded) listing
};

/// A file of a dataset that is not one of its entries, and why.
struct SkippedFile {
  std::string path;  ///< as opened (the root or manifest directory joined in)
  SkipReason reason = SkipReason::kNotAnImage;
  std::string detail;      ///< a sentence naming the file and the problem
  std::size_t before = 0;  ///< the index of the entry it comes before in listing order
};

/// A listed dataset: its entries in a deterministic order and its class list.
struct Dataset {
  std::vector<DatasetEntry> entries;
  std::vector<std::string> class_names;  ///< class id -> name
  /// Files found by the listing but not entries (not images by content, unreadable, hidden,
  /// listed twice), in listing order; together with `entries` every file under a class folder.
  std::vector<SkippedFile> skipped;
};

/// Gives each entry its source id: the path relative to `base` without its extension,
/// '/'-separated ("Coat/img1"), unless that id is shared; then each file sharing it keeps its
/// extension ("Coat/rgb.bmp", "Coat/rgb.tiff"), repeated until no two ids are equal. The result
/// depends only on the set of relative paths, not on their order. `rel_paths[i]` belongs to
/// `entries[i]` and must be distinct.
void assign_source_ids(std::vector<DatasetEntry>& entries,
                       const std::vector<std::string>& rel_paths);

/// The directory name a class is stored under: '/', '\\', control characters and a leading '.'
/// become '_' ("T-shirt/top" -> "T-shirt_top"); an empty name becomes "_".
std::string class_dir_name(const std::string& class_name);

/// Class names of an ImageFolder tree: its sub-directory names (hidden ones excluded), sorted
/// bytewise. Throws InvalidArgument if `root` is not a readable directory or has none.
std::vector<std::string> list_class_dirs(const std::string& root);

/// Images of an ImageFolder tree `root/<class dir>/**/<file>`: every regular file whose first
/// bytes are an image format (sniff_image_format; the name's extension plays no part), sorted by
/// class dir then by relative path, bytewise. `label` is the class dir name. Every other entry
/// under a class dir goes to `skipped` if given: kHidden (a name starting with '.'; a hidden
/// folder counts once, unread), kNotAnImage, kCorrupt (empty), kUnreadable (cannot be opened, or
/// not a regular file: a broken link, a link to a folder, a fifo). Throws InvalidArgument if
/// `root` cannot be read.
std::vector<DatasetEntry> list_image_folder(const std::string& root,
                                            std::vector<SkippedFile>* skipped = nullptr);

/// Entries of a manifest: CSV ("path,label", optional header naming the columns path and
/// label/class/class_name) if the file ends in .csv, else JSONL (one object per line with "path"
/// and one of "label", "class_name", "class"). Relative paths are relative to the manifest's
/// directory. Keeps the file's order. A row naming a file an earlier row named goes to `skipped`
/// (kDuplicate) if given, else is dropped. Throws InvalidArgument naming the file and line.
std::vector<DatasetEntry> list_manifest(const std::string& manifest_path,
                                        std::vector<SkippedFile>* skipped = nullptr);

/// Parses manifest text as list_manifest() does a file named `name` (".csv" decides CSV).
std::vector<DatasetEntry> parse_manifest(const std::string& text, const std::string& name,
                                         std::vector<SkippedFile>* skipped = nullptr);

/// A labels file: one class name per line, in class-id order (blank lines and a trailing CR are
/// ignored). Throws InvalidArgument if it cannot be read, is empty or names a class twice.
std::vector<std::string> read_labels_file(const std::string& path);

/// Sets `label` and `class_id` of every entry against `class_names`. A label matches a class if it
/// equals the class name or its class_dir_name. Throws InvalidArgument naming the file, the label
/// and the known classes for a label that matches none.
void resolve_labels(std::vector<DatasetEntry>& entries,
                    const std::vector<std::string>& class_names);

/// Where a dataset and its class list come from; exactly one of `root` and `manifest` is set.
struct DatasetSource {
  std::string root;                      ///< ImageFolder tree
  std::string manifest;                  ///< CSV/JSONL manifest
  std::string labels_file;               ///< optional: class names in id order
  std::vector<std::string> class_names;  ///< optional: e.g. a model bundle's classes
};

/// Lists the dataset and resolves its labels. The class list is, in order of preference, the
/// labels file, `class_names`, the sorted class dirs (ImageFolder) or the sorted distinct labels
/// (manifest); a labels file and `class_names` that are both given must be equal. Throws
/// InvalidArgument for a bad source, an unknown label or a class list mismatch.
Dataset open_dataset(const DatasetSource& source);

/// The entries of shard `shard_index` of `shard_count`: entry i belongs to shard i % shard_count.
/// Throws InvalidArgument unless 0 <= shard_index < shard_count.
std::vector<DatasetEntry> shard_entries(const std::vector<DatasetEntry>& entries, int shard_index,
                                        int shard_count);

/// The skipped files that go with shard `shard_index` of `shard_count`: file j of `skipped` if
/// j % shard_count == shard_index, so each is reported by one shard. Throws as shard_entries.
std::vector<SkippedFile> shard_skipped(const std::vector<SkippedFile>& skipped, int shard_index,
                                       int shard_count);

/// An owned, packed 8-bit image (stride == width * bytes_per_pixel(format)).
struct DecodedImage {
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::kGray8;  ///< kGray8 or kRgb
  std::vector<std::uint8_t> pixels;

  ImageView view() {
    return {pixels.data(), width, height,
            static_cast<std::ptrdiff_t>(width) * bytes_per_pixel(format), format};
  }
};

/// The default pixel limit: 64 Mpx (8192 x 8192). It admits every camera photo of the usual
/// datasets (the largest common sensors give about 50 Mpx) while an 8-bit RGB image at the limit
/// decodes to 192 MiB; a 30000 x 30000 image (900 Mpx, 2.5 GiB as RGB) is refused from its header.
constexpr std::uint64_t kDefaultMaxPixels = std::uint64_t{64} << 20;

/// Bounds on what decode_image decodes.
struct DecodeLimits {
  std::uint64_t max_pixels = kDefaultMaxPixels;  ///< width * height from the header; 0: no limit
};

/// Decodes an image file, its format told by content. Grey stays kGray8, colour becomes kRgb;
/// 16-bit samples are scaled to 8 bits; alpha is composited over black. The header is read first
/// (read_image_header) and an image of more than `limits.max_pixels` pixels is refused before
/// anything is decoded (and a file larger than such an image could be is not read). Throws
/// ImageDecodeError naming the file, with its reason: kUnreadable, kNotAnImage,
/// kUnsupportedFormat (a format this build's OpenCV does not decode), kTooLarge, kCorrupt.
DecodedImage decode_image(const std::string& path, const DecodeLimits& limits = {});

/// decode_image() of the bytes of a file named `name`, without asking OpenCV whether it has a
/// reader for the format (an unreadable format is then kCorrupt).
DecodedImage decode_image_bytes(const std::uint8_t* data, std::size_t size, const std::string& name,
                                const DecodeLimits& limits = {});

}  // namespace higfa
