// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Writes a labelled dataset: out/<class dir>/<id>.png plus one manifest.jsonl line per image.
#pragma once

#include <higfa/dataset_resume.h>
#include <higfa/image_view.h>
#include <higfa/provenance.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace higfa {

/// What the manifest line of one image records besides the file.
struct DatasetRecord {
  std::string class_name;          ///< decides the directory (class_dir_name); must not be empty
  std::string source_id;           ///< the source image's id; empty if unknown
  std::int64_t sample_index = -1;  ///< sample index from provenance; -1 if none
  std::string fields_json;         ///< a JSON object of further members for the line; "" = none
  int class_id = -1;               ///< the class id; -1 if unknown
};

/// Where one image was written.
struct WrittenImage {
  std::string id;    ///< unique within its class directory
  std::string path;  ///< relative to the output directory: "<class dir>/<id>.png"
};

/// How a DatasetWriter treats an output directory that already holds a manifest.
enum class DatasetOpen {
  kNew,        ///< an existing non-empty manifest is an Error
  kOverwrite,  ///< the files an existing manifest names are removed, then it is truncated
  kResume,     ///< the directory is repaired with resume_dataset() and appended to
};

/// Writes images and their manifest so that manifest.jsonl never names a file that is not on disk:
/// each PNG is written to a hidden temporary file and renamed into place, and only then is its
/// line appended (one write(2) per line, so a line is never left half-written by an error).
/// close() fsyncs the manifest and the directories. Not thread-safe.
///
/// Ids: sample_id() of the source id and sample index ("Coat_img1-s0", the key webdatasetmux
/// gives the same sample), with a running counter "000000", "000001", ... for the images without
/// a source id; "-1", "-2", ... is appended while the id is taken in its directory (earlier in
/// this run, or an existing file).
class DatasetWriter {
 public:
  /// Opens (creating directories as needed) `out_dir`/manifest.jsonl. An existing non-empty
  /// manifest is an Error unless `overwrite`; with `overwrite` the files it names are removed
  /// first (and nothing else), then it is truncated.
  DatasetWriter(const std::string& out_dir, bool overwrite);
  /// Opens `out_dir` as `mode` says. With kNew and kOverwrite a run.json beside the manifest is
  /// an earlier run's and is left to RunSettings. With kResume what resume_dataset() reports is
  /// kept in resume_report(), the running counter continues after the kept images without a
  /// source id, and the kept images' ids are taken. Throws what resume_dataset() throws, and
  /// Error as the other constructor does.
  DatasetWriter(const std::string& out_dir, DatasetOpen mode);
  /// Closes without throwing (errors are lost: call close() to see them).
  ~DatasetWriter();
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;
  DatasetWriter(DatasetWriter&&) noexcept;
  DatasetWriter& operator=(DatasetWriter&&) noexcept;

  /// Encodes `image` (any PixelFormat; RGBA keeps its alpha, BGRx drops the x byte) as PNG, puts
  /// it in place, then appends its manifest line: "id", "path", "class_name", "class_id" (null if
  /// -1), "source_id" (null if empty), "sample_index" (null if -1), "width", "height", then the
  /// members of to_json(metas) ("label", "provenance", "classification", "contour": the frame's
  /// metas, typed), then those of `record.fields_json` whose names are not taken yet.
  /// Throws InvalidArgument for a bad image or record (fields_json not a JSON object), Error for
  /// an I/O failure (then nothing of
  /// this image is left on disk or in the manifest).
  WrittenImage write(const ImageView& image, const DatasetRecord& record,
                     const FrameRecord& metas = {});

  /// Flushes and fsyncs the manifest and the directories written to, then closes. Idempotent.
  /// Throws Error on failure.
  void close();

  /// True if the manifest has the image (`source_id`, `sample_index`): kept at a resume, or
  /// written by this writer. Always false for an empty source id.
  bool has(const std::string& source_id, std::int64_t sample_index) const;

  /// What opening with DatasetOpen::kResume kept and discarded (empty for the other modes).
  /// Not changed by write(), so it may be read from another thread while images are written.
  const ResumeReport& resume_report() const;

  /// Images written so far (by this writer: the kept ones of a resume do not count).
  std::size_t count() const;
  /// Images written so far, by class name.
  const std::map<std::string, std::size_t>& class_counts() const;
  const std::string& manifest_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Checks `out_dir`/manifest.jsonl against the files: every line must be a JSON object with a
/// "path" relative to `out_dir` naming an existing file, and no path may appear twice. Returns
/// one message per problem (empty: consistent). Throws Error if the manifest cannot be read.
std::vector<std::string> check_manifest(const std::string& out_dir);

}  // namespace higfa
