// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Resuming a dataset an interrupted run wrote: repair, what is done, the run's recorded settings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace higfa {

/// The name of a dataset's manifest, in its output directory.
inline constexpr const char* kManifestFileName = "manifest.jsonl";
/// The name of the settings file beside a dataset's manifest.
inline constexpr const char* kRunSettingsName = "run.json";

/// The images a dataset's manifest records, as (source id, sample index) pairs; a real (not
/// generated) image of a source has the sample index -1.
class DoneSamples {
 public:
  /// Adds one pair; an empty source id is ignored (such an image cannot be told apart).
  void add(const std::string& source_id, std::int64_t sample_index);
  bool contains(const std::string& source_id, std::int64_t sample_index) const;
  /// The sample indices >= 0 recorded for `source_id`, ascending.
  std::vector<std::uint32_t> sample_indices(const std::string& source_id) const;
  /// Pairs recorded.
  std::size_t size() const;

 private:
  std::map<std::string, std::set<std::int64_t>> by_source_;
  std::size_t size_ = 0;
};

/// What resume_dataset() kept and discarded.
struct ResumeReport {
  std::size_t kept = 0;                 ///< manifest lines kept: each names a file on disk
  std::size_t kept_without_source = 0;  ///< of those, lines without a source id
  bool truncated_line = false;          ///< a partial last line was removed from the manifest
  /// Lines removed because the file they name is missing or empty: their "path".
  std::vector<std::string> dropped_lines;
  /// Files removed, relative to the directory, sorted: temporaries of unfinished writes, and
  /// PNG files in a class directory that no manifest line names (written, never recorded).
  std::vector<std::string> discarded;
  DoneSamples done;  ///< what the kept lines record
};

/// Makes `out_dir`, written by a DatasetWriter that was stopped at any point (killed, crashed,
/// power lost), consistent again, and says what it holds: a partial last manifest line is
/// removed, and so is every line whose file is missing or empty (the manifest is rewritten
/// atomically if either happened); then the temporaries (".*.tmp") in the directory and its
/// class directories are removed, and the PNG files of the class directories that the manifest
/// does not name. Every other file is left alone. A missing manifest is an empty one.
/// Throws Error for a line before the last that is not a manifest line (a JSON object with a
/// "path" inside the directory), naming the line, and for an I/O failure.
ResumeReport resume_dataset(const std::string& out_dir);

/// "" if the JSON objects `recorded` and `current` have the same members with the same values;
/// else the first member, by name, that differs: "<name> was <recorded value> in <where>, now
/// <current value>", a missing member being "not set". Throws InvalidArgument for a text that
/// is not a JSON object.
std::string settings_difference(const std::string& recorded, const std::string& current,
                                const std::string& where);

/// The settings of the run writing a dataset, recorded in `<out_dir>/run.json` by the first
/// check() so that a resumed run can be held to them. Not thread-safe.
class RunSettings {
 public:
  /// `resumed`: the run continues `out_dir` and its `kept` images, and the settings are those in
  /// run.json (none if it is missing). Else the run is a fresh one and any run.json is stale: it
  /// is removed. Throws Error for an unreadable or malformed run.json.
  RunSettings(const std::string& out_dir, bool resumed, std::size_t kept);

  /// Checks `settings_json`, a JSON object of setting names and values, against the recorded
  /// settings: "" when they agree, else what differs (settings_difference()). With none recorded
  /// they become the record (run.json is written atomically, and fsynced) — except when resuming
  /// kept images, whose settings are then unknown: that is a difference too. Throws
  /// InvalidArgument for settings that are not a JSON object, Error when run.json cannot be
  /// written.
  std::string check(const std::string& settings_json);

  bool resumed() const { return resumed_; }
  /// `<out_dir>/run.json`.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool resumed_ = false;
  std::size_t kept_ = 0;
  std::string recorded_;  // the settings object; "" while none is recorded
};

}  // namespace higfa
