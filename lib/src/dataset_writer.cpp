// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// DatasetWriter: atomic PNG files plus an append-only, line-at-a-time JSONL manifest.
#include <fcntl.h>
#include <higfa/dataset.h>
#include <higfa/dataset_writer.h>
#include <higfa/error.h>
#include <higfa/sample_id.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "file_io.h"
#include "record_json.h"

namespace fs = std::filesystem;

namespace higfa {
namespace {

using detail::errno_text;
using detail::fsync_path;
using detail::safe_relative;
using detail::write_all;

constexpr const char* kManifestName = kManifestFileName;

}  // namespace

struct DatasetWriter::Impl {
  fs::path out_dir;
  std::string manifest_path;
  int manifest_fd = -1;
  std::size_t count = 0;
  std::size_t counter = 0;  // next running-counter id
  std::map<std::string, std::size_t> class_counts;
  std::set<std::string> used;  // "<class dir>/<id>" taken in this run
  std::set<std::string> dirs;  // class directories written to
  ResumeReport resumed;        // what a resume kept
  DoneSamples written;         // (source id, sample index) written by this writer

  void remove_listed_files();
  std::string unique_id(const std::string& dir, const std::string& base);
  std::string base_id(const DatasetRecord& record);
  void put_file(const fs::path& final_path, const std::vector<std::uint8_t>& png);
};

void DatasetWriter::Impl::remove_listed_files() {
  std::ifstream in(manifest_path);
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("path") && j["path"].is_string()) {
      const fs::path rel = safe_relative(j["path"].get<std::string>());
      std::error_code ec;
      if (!rel.empty()) {
        fs::remove(out_dir / rel, ec);
      }
    }
  }
}

std::string DatasetWriter::Impl::base_id(const DatasetRecord& record) {
  // The running counter numbers only the images without a source id.
  return sample_id(record.source_id, record.sample_index,
                   record.source_id.empty() ? counter++ : counter);
}

std::string DatasetWriter::Impl::unique_id(const std::string& dir, const std::string& base) {
  std::string id = base;
  for (int n = 1;; ++n) {
    std::error_code ec;
    if (!used.count(dir + "/" + id) && !fs::exists(out_dir / dir / (id + ".png"), ec)) {
      used.insert(dir + "/" + id);
      return id;
    }
    id = base + "-" + std::to_string(n);
  }
}

void DatasetWriter::Impl::put_file(const fs::path& final_path,
                                   const std::vector<std::uint8_t>& png) {
  // Not fsynced here: close() syncs the directories, and a resume checks every file it keeps.
  detail::put_file(final_path.string(), png.data(), png.size(), /*durable=*/false);
}

DatasetWriter::DatasetWriter(const std::string& out_dir, bool overwrite)
    : DatasetWriter(out_dir, overwrite ? DatasetOpen::kOverwrite : DatasetOpen::kNew) {}

DatasetWriter::DatasetWriter(const std::string& out_dir, DatasetOpen mode)
    : impl_(std::make_unique<Impl>()) {
  if (out_dir.empty()) {
    throw InvalidArgument("the output directory is not set");
  }
  impl_->out_dir = fs::path(out_dir);
  impl_->manifest_path = (impl_->out_dir / kManifestName).string();
  std::error_code ec;
  fs::create_directories(impl_->out_dir, ec);
  if (ec || !fs::is_directory(impl_->out_dir)) {
    throw Error(out_dir + ": cannot create the output directory: " + ec.message());
  }
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
  if (mode == DatasetOpen::kResume) {
    impl_->resumed = resume_dataset(out_dir);
    impl_->counter = impl_->resumed.kept_without_source;
  } else {
    const bool non_empty =
        fs::exists(impl_->manifest_path, ec) && fs::file_size(impl_->manifest_path, ec) > 0;
    if (non_empty && mode != DatasetOpen::kOverwrite) {
      throw Error(impl_->manifest_path +
                  " exists and is not empty; choose another directory, allow overwriting, or "
                  "resume it");
    }
    if (non_empty) {
      impl_->remove_listed_files();
    }
    flags |= O_TRUNC;
  }
  impl_->manifest_fd = ::open(impl_->manifest_path.c_str(), flags, 0644);
  if (impl_->manifest_fd < 0) {
    throw Error(impl_->manifest_path + ": cannot be opened for writing: " + errno_text());
  }
}

DatasetWriter::~DatasetWriter() {
  if (impl_) {
    try {
      close();
    } catch (...) {  // a destructor must not throw; close() reports the error to those who ask
    }
  }
}

DatasetWriter::DatasetWriter(DatasetWriter&&) noexcept = default;
DatasetWriter& DatasetWriter::operator=(DatasetWriter&&) noexcept = default;

WrittenImage DatasetWriter::write(const ImageView& image, const DatasetRecord& record,
                                  const FrameRecord& metas) {
  Impl& s = *impl_;
  if (s.manifest_fd < 0) {
    throw Error(s.manifest_path + ": the writer is closed");
  }
  if (record.class_name.empty()) {
    throw InvalidArgument("an image without a class name cannot be written to a dataset");
  }
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  if (!record.fields_json.empty()) {
    fields = nlohmann::ordered_json::parse(record.fields_json, nullptr, false);
    if (fields.is_discarded() || !fields.is_object()) {
      throw InvalidArgument("manifest fields must be a JSON object, got: " + record.fields_json);
    }
  }
  const std::vector<std::uint8_t> png = encode_png(image);
  const std::string dir = class_dir_name(record.class_name);
  std::error_code ec;
  fs::create_directories(s.out_dir / dir, ec);
  if (ec) {
    throw Error((s.out_dir / dir).string() + ": cannot be created: " + ec.message());
  }
  s.dirs.insert(dir);
  WrittenImage w;
  w.id = s.unique_id(dir, s.base_id(record));
  w.path = dir + "/" + w.id + ".png";
  const fs::path final_path = s.out_dir / w.path;
  s.put_file(final_path, png);

  nlohmann::ordered_json line = {{"id", w.id}, {"path", w.path}};
  line["class_name"] = record.class_name;
  line["class_id"] = record.class_id >= 0 ? nlohmann::ordered_json(record.class_id) : nullptr;
  line["source_id"] = record.source_id.empty() ? nullptr : nlohmann::ordered_json(record.source_id);
  line["sample_index"] =
      record.sample_index >= 0 ? nlohmann::ordered_json(record.sample_index) : nullptr;
  line["width"] = image.width;
  line["height"] = image.height;
  nlohmann::ordered_json meta_members = detail::frame_record_object(metas);
  for (auto& [key, value] : meta_members.items()) {
    line[key] = std::move(value);
  }
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (!line.contains(it.key())) {
      line[it.key()] = it.value();
    }
  }
  const std::string text = detail::dump_json(line) + "\n";
  try {
    write_all(s.manifest_fd, text.data(), text.size(), s.manifest_path);
  } catch (...) {
    ::unlink(final_path.c_str());  // keep files and manifest in step
    throw;
  }
  ++s.count;
  ++s.class_counts[record.class_name];
  s.written.add(record.source_id, record.sample_index);
  return w;
}

void DatasetWriter::close() {
  Impl& s = *impl_;
  if (s.manifest_fd < 0) {
    return;
  }
  const int fd = s.manifest_fd;
  s.manifest_fd = -1;
  const int sync_rc = ::fsync(fd);
  const std::string err = errno_text();
  const int close_rc = ::close(fd);
  if (sync_rc != 0 || close_rc != 0) {
    throw Error(s.manifest_path + ": fsync/close failed: " + err);
  }
  for (const std::string& d : s.dirs) {
    fsync_path((s.out_dir / d).string(), O_RDONLY | O_DIRECTORY);
  }
  fsync_path(s.out_dir.string(), O_RDONLY | O_DIRECTORY);
}

bool DatasetWriter::has(const std::string& source_id, std::int64_t sample_index) const {
  return impl_->resumed.done.contains(source_id, sample_index) ||
         impl_->written.contains(source_id, sample_index);
}

const ResumeReport& DatasetWriter::resume_report() const { return impl_->resumed; }

std::size_t DatasetWriter::count() const { return impl_->count; }

const std::map<std::string, std::size_t>& DatasetWriter::class_counts() const {
  return impl_->class_counts;
}

const std::string& DatasetWriter::manifest_path() const { return impl_->manifest_path; }

std::vector<std::string> check_manifest(const std::string& out_dir) {
  const fs::path manifest = fs::path(out_dir) / kManifestName;
  std::ifstream in(manifest);
  if (!in) {
    throw Error(manifest.string() + ": cannot be opened");
  }
  std::vector<std::string> problems;
  std::set<std::string> seen;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string where = manifest.string() + ":" + std::to_string(number) + ": ";
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("path") || !j["path"].is_string()) {
      problems.push_back(where + "expected a JSON object with a string \"path\"");
      continue;
    }
    const std::string rel = j["path"].get<std::string>();
    const fs::path p = safe_relative(rel);
    std::error_code ec;
    if (p.empty()) {
      problems.push_back(where + "path \"" + rel + "\" leaves the output directory");
    } else if (!fs::is_regular_file(fs::path(out_dir) / p, ec)) {
      problems.push_back(where + "names \"" + rel + "\", which is not on disk");
    }
    if (!seen.insert(rel).second) {
      problems.push_back(where + "names \"" + rel + "\" a second time");
    }
  }
  return problems;
}

}  // namespace higfa
