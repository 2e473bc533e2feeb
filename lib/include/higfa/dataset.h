// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Labelled image datasets: ImageFolder / CSV / JSONL listing, class lists, shards, decoding.
#pragma once

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
  std::string source_id;  ///< path relative to the root without extension, '/'-separated
  std::size_t index = 0;  ///< position in the whole (unsharded) listing
};

/// A listed dataset: its entries in a deterministic order and its class list.
struct Dataset {
  std::vector<DatasetEntry> entries;
  std::vector<std::string> class_names;  ///< class id -> name
};

/// The directory name a class is stored under: '/', '\\', control characters and a leading '.'
/// become '_' ("T-shirt/top" -> "T-shirt_top"); an empty name becomes "_".
std::string class_dir_name(const std::string& class_name);

/// Class names of an ImageFolder tree: its sub-directory names (hidden ones excluded), sorted
/// bytewise. Throws InvalidArgument if `root` is not a readable directory or has none.
std::vector<std::string> list_class_dirs(const std::string& root);

/// Images of an ImageFolder tree `root/<class dir>/**/<image>` (.png .jpg .jpeg .bmp .pgm .ppm
/// .tif .tiff, any case; hidden files skipped), sorted by class dir then by relative path,
/// bytewise. `label` is the class dir name. Throws InvalidArgument if `root` cannot be read.
std::vector<DatasetEntry> list_image_folder(const std::string& root);

/// Entries of a manifest: CSV ("path,label", optional header naming the columns path and
/// label/class/class_name) if the file ends in .csv, else JSONL (one object per line with "path"
/// and one of "label", "class_name", "class"). Relative paths are relative to the manifest's
/// directory. Keeps the file's order. Throws InvalidArgument naming the file and line.
std::vector<DatasetEntry> list_manifest(const std::string& manifest_path);

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

/// Decodes an image file. Grey stays kGray8, colour becomes kRgb; 16-bit samples are scaled to
/// 8 bits; alpha is composited over black. Throws Error naming the file for a missing, empty,
/// truncated or corrupt file.
DecodedImage decode_image(const std::string& path);

}  // namespace higfa
