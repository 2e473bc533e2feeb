// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// resume_dataset(), the done set and run.json: continuing what an interrupted DatasetWriter left.
#include <higfa/dataset_resume.h>
#include <higfa/error.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "file_io.h"

namespace fs = std::filesystem;

namespace higfa {
namespace {

constexpr const char* kManifestName = kManifestFileName;
constexpr const char* kRunFormat = "higfa-run";
constexpr int kRunVersion = 1;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(path.string() + ": cannot be opened");
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw Error(path.string() + ": cannot be read");
  }
  return text;
}

// The line's "path" as a relative path inside the directory ("" if it has none or leaves it).
std::string manifest_path_of(const nlohmann::json& line) {
  if (!line.is_object() || !line.contains("path") || !line["path"].is_string()) {
    return {};
  }
  return detail::safe_relative(line["path"].get<std::string>()).generic_string();
}

bool non_empty_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && fs::file_size(p, ec) > 0 && !ec;
}

void remove_discarded(const fs::path& dir, const std::string& rel, ResumeReport* report) {
  std::error_code ec;
  if (!fs::remove(dir / rel, ec) || ec) {
    throw Error((dir / rel).string() + ": cannot be removed: " + ec.message());
  }
  report->discarded.push_back(rel);
}

// The manifest's lines, the partial or dropped ones left out; fills `report` and `named`.
std::string keep_lines(const fs::path& dir, const std::string& text, ResumeReport* report,
                       std::set<std::string>* named) {
  const fs::path manifest = dir / kManifestName;
  std::string kept;
  std::size_t begin = 0;
  for (std::size_t number = 1; begin < text.size(); ++number) {
    const std::size_t end = text.find('\n', begin);
    const bool complete = end != std::string::npos;
    const std::string line = text.substr(begin, complete ? end - begin : std::string::npos);
    begin = complete ? end + 1 : text.size();
    const bool last = begin >= text.size();
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    const std::string rel = j.is_discarded() ? std::string() : manifest_path_of(j);
    if (!complete || (rel.empty() && last)) {
      report->truncated_line = true;  // the write of the last line was cut short
      continue;
    }
    if (rel.empty()) {
      throw Error(manifest.string() + ":" + std::to_string(number) +
                  ": not a manifest line (expected a JSON object with a \"path\" inside the "
                  "directory); a resumed run cannot tell what the directory holds: repair or "
                  "remove that line");
    }
    if (!non_empty_file(dir / rel)) {
      report->dropped_lines.push_back(rel);
      continue;
    }
    kept += line + "\n";
    named->insert(rel);
    ++report->kept;
    const bool has_source = j.contains("source_id") && j["source_id"].is_string() &&
                            !j["source_id"].get<std::string>().empty();
    if (!has_source) {
      ++report->kept_without_source;
      continue;
    }
    const auto& index = j.contains("sample_index") ? j["sample_index"] : nlohmann::json();
    report->done.add(j["source_id"].get<std::string>(),
                     index.is_number_integer() ? index.get<std::int64_t>() : -1);
  }
  return kept;
}

bool is_temporary(const std::string& name) {
  return name.size() > 5 && name[0] == '.' && name.compare(name.size() - 4, 4, ".tmp") == 0;
}

// Removes the temporaries of the directory, and those and the unnamed PNG files of each class
// directory (one level down, not hidden: class_dir_name() never starts one with '.').
void remove_leftovers(const fs::path& dir, const std::set<std::string>& named,
                      ResumeReport* report) {
  std::vector<std::string> doomed;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file(ec) && !e.is_symlink(ec) && is_temporary(name)) {
      doomed.push_back(name);
    }
    if (name[0] == '.' || e.is_symlink(ec) || !e.is_directory(ec)) {
      continue;
    }
    for (const fs::directory_entry& f : fs::directory_iterator(e.path(), ec)) {
      const std::string file = f.path().filename().string();
      const std::string rel = name + "/" + file;
      if (!f.is_regular_file(ec) || f.is_symlink(ec)) {
        continue;
      }
      if (is_temporary(file) || (f.path().extension() == ".png" && !named.count(rel))) {
        doomed.push_back(rel);
      }
    }
  }
  if (ec) {
    throw Error(dir.string() + ": cannot be listed: " + ec.message());
  }
  std::sort(doomed.begin(), doomed.end());
  for (const std::string& rel : doomed) {
    remove_discarded(dir, rel, report);
  }
}

nlohmann::json parse_object(const std::string& text, const char* what) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw InvalidArgument(std::string(what) + " must be a JSON object, got: " + text);
  }
  return j;
}

}  // namespace

void DoneSamples::add(const std::string& source_id, std::int64_t sample_index) {
  if (source_id.empty()) {
    return;
  }
  if (by_source_[source_id].insert(sample_index).second) {
    ++size_;
  }
}

bool DoneSamples::contains(const std::string& source_id, std::int64_t sample_index) const {
  const auto it = by_source_.find(source_id);
  return it != by_source_.end() && it->second.count(sample_index) > 0;
}

std::vector<std::uint32_t> DoneSamples::sample_indices(const std::string& source_id) const {
  std::vector<std::uint32_t> out;
  const auto it = by_source_.find(source_id);
  if (it == by_source_.end()) {
    return out;
  }
  for (const std::int64_t i : it->second) {
    if (i >= 0 && i <= static_cast<std::int64_t>(UINT32_MAX)) {
      out.push_back(static_cast<std::uint32_t>(i));
    }
  }
  return out;
}

std::size_t DoneSamples::size() const { return size_; }

ResumeReport resume_dataset(const std::string& out_dir) {
  const fs::path dir(out_dir);
  const fs::path manifest = dir / kManifestName;
  ResumeReport report;
  std::set<std::string> named;
  std::error_code ec;
  if (fs::exists(manifest, ec)) {
    const std::string text = read_text(manifest);
    const std::string kept = keep_lines(dir, text, &report, &named);
    if (kept.size() != text.size()) {
      detail::put_file(manifest.string(), kept.data(), kept.size(), /*durable=*/true);
    }
  }
  remove_leftovers(dir, named, &report);
  return report;
}

std::string settings_difference(const std::string& recorded, const std::string& current,
                                const std::string& where) {
  const nlohmann::json a = parse_object(recorded, "recorded settings");
  const nlohmann::json b = parse_object(current, "settings");
  std::set<std::string> names;
  for (auto it = a.begin(); it != a.end(); ++it) names.insert(it.key());
  for (auto it = b.begin(); it != b.end(); ++it) names.insert(it.key());
  for (const std::string& name : names) {
    const bool in_a = a.contains(name), in_b = b.contains(name);
    if (in_a && in_b && a[name] == b[name]) {
      continue;
    }
    return name + " was " + (in_a ? a[name].dump() : "not set") + " in " + where + ", now " +
           (in_b ? b[name].dump() : "not set");
  }
  return {};
}

RunSettings::RunSettings(const std::string& out_dir, bool resumed, std::size_t kept)
    : path_((fs::path(out_dir) / kRunSettingsName).string()), resumed_(resumed), kept_(kept) {
  std::error_code ec;
  const bool exists = fs::exists(path_, ec);
  if (!resumed) {
    if (exists && !fs::remove(path_, ec)) {
      throw Error(path_ + ": the settings of an earlier run cannot be removed: " + ec.message());
    }
    return;
  }
  if (!exists) {
    return;
  }
  const nlohmann::json j = nlohmann::json::parse(read_text(path_), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != kRunFormat ||
      !j.contains("settings") || !j["settings"].is_object()) {
    throw Error(path_ + ": expected a JSON object with \"format\": \"" + kRunFormat +
                "\" and a \"settings\" object (written by datasetsink)");
  }
  if (j.value("version", 0) != kRunVersion) {
    throw Error(path_ + ": version " + j.value("version", nlohmann::json()).dump() +
                ", this build reads version " + std::to_string(kRunVersion));
  }
  recorded_ = j["settings"].dump();
}

std::string RunSettings::check(const std::string& settings_json) {
  const nlohmann::json settings = parse_object(settings_json, "settings");
  if (!recorded_.empty()) {
    return settings_difference(recorded_, settings_json, path_);
  }
  if (resumed_ && kept_ > 0) {
    return path_ + " is missing, so the settings of the run that wrote the " +
           std::to_string(kept_) + " images there are unknown";
  }
  nlohmann::ordered_json record = {{"format", kRunFormat}, {"version", kRunVersion}};
  record["settings"] = nlohmann::ordered_json::parse(settings_json);
  const std::string text = record.dump(2) + "\n";
  detail::put_file(path_, text.data(), text.size(), /*durable=*/true);
  recorded_ = settings.dump();
  return {};
}

}  // namespace higfa
