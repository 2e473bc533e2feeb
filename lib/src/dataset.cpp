// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Labelled image datasets: ImageFolder and manifest listing, class lists, sharding, decoding.
#include <higfa/dataset.h>
#include <higfa/error.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>
#include <utility>

namespace fs = std::filesystem;

namespace higfa {
namespace {

// Class lists longer than this are abbreviated in error messages.
constexpr std::size_t kMaxNamesInMessage = 20;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// The path relative to `base`, '/'-separated.
std::string relative_id(const fs::path& file, const fs::path& base) {
  fs::path rel = file.lexically_normal().lexically_relative(base.lexically_normal());
  if (rel.empty()) {
    rel = file.relative_path();
  }
  return rel.generic_string();
}

// Whether a directory entry under a class folder (not hidden, not a folder) is no image, and
// then why; its first bytes decide, not its name.
bool is_not_an_image(const fs::directory_entry& d, SkippedFile* why) {
  why->path = d.path().generic_string();
  std::error_code ec;
  if (!d.is_regular_file(ec)) {
    why->reason = SkipReason::kUnreadable;
    why->detail = why->path +
                  ": not a regular file (a broken link, a link to a folder, a fifo, a socket or a "
                  "device)";
    return true;
  }
  std::ifstream in(d.path(), std::ios::binary);
  if (!in) {
    why->reason = SkipReason::kUnreadable;
    why->detail = why->path + ": cannot be opened";
    return true;
  }
  std::uint8_t head[kSniffBytes];
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const auto n = static_cast<std::size_t>(in.gcount());
  if (in.bad()) {
    why->reason = SkipReason::kUnreadable;
    why->detail = why->path + ": read error";
  } else if (n == 0) {
    why->reason = SkipReason::kCorrupt;
    why->detail = why->path + ": empty file (0 bytes), expected an image";
  } else if (sniff_image_format(head, n) == ImageFormat::kUnknown) {
    why->reason = SkipReason::kNotAnImage;
    why->detail = why->path + ": not an image (its first bytes match no image format)";
  } else {
    return false;
  }
  return true;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < kMaxNamesInMessage; ++i) {
    out += (i ? ", \"" : "\"") + names[i] + "\"";
  }
  if (names.size() > kMaxNamesInMessage) {
    out += ", ... (" + std::to_string(names.size()) + " in all)";
  }
  return out;
}

std::string unknown_label_message(const std::string& where, const std::string& label,
                                  const std::vector<std::string>& class_names) {
  return where + ": label \"" + label +
         "\" is not a known class; known classes: " + join_names(class_names);
}

void require_directory(const std::string& root) {
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) {
    throw InvalidArgument("dataset root \"" + root + "\" is not a readable directory");
  }
}

// Splits one CSV record (RFC 4180 quoting; no embedded newlines).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) {
    return "";
  }
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

struct ManifestLine {
  std::string path;
  std::string label;
  std::size_t line = 0;  // 1-based line number in the file
};

// Reads the (path, label) pairs of a CSV manifest.
std::vector<ManifestLine> read_csv(std::istream& in, const std::string& file) {
  std::vector<ManifestLine> rows;
  std::string line;
  std::size_t path_col = 0;
  std::size_t label_col = 1;
  bool first = true;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (trim(line).empty() || trim(line)[0] == '#') {
      continue;
    }
    std::vector<std::string> fields = split_csv(line);
    for (auto& f : fields) {
      f = trim(f);
    }
    if (first) {
      first = false;
      const auto path_it = std::find(fields.begin(), fields.end(), "path");
      if (path_it != fields.end()) {
        path_col = static_cast<std::size_t>(path_it - fields.begin());
        label_col = fields.size();
        for (const char* key : {"label", "class_name", "class"}) {
          const auto it = std::find(fields.begin(), fields.end(), key);
          if (it != fields.end()) {
            label_col = static_cast<std::size_t>(it - fields.begin());
            break;
          }
        }
        if (label_col == fields.size()) {
          throw InvalidArgument(file + ":" + std::to_string(number) +
                                ": the header names no label column (label, class_name or class)");
        }
        continue;
      }
    }
    if (fields.size() <= std::max(path_col, label_col) || fields[path_col].empty()) {
      throw InvalidArgument(file + ":" + std::to_string(number) +
                            ": expected \"path,label\", got \"" + line + "\"");
    }
    rows.push_back({fields[path_col], fields[label_col], number});
  }
  return rows;
}

// Reads the (path, label) pairs of a JSONL manifest.
std::vector<ManifestLine> read_jsonl(std::istream& in, const std::string& file) {
  std::vector<ManifestLine> rows;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (trim(line).empty()) {
      continue;
    }
    const std::string where = file + ":" + std::to_string(number);
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      throw InvalidArgument(where + ": expected one JSON object per line");
    }
    if (!j.contains("path") || !j["path"].is_string()) {
      throw InvalidArgument(where + ": expected a string \"path\"");
    }
    std::string label;
    bool found = false;
    for (const char* key : {"label", "class_name", "class"}) {
      if (j.contains(key) && j[key].is_string()) {
        label = j[key].get<std::string>();
        found = true;
        break;
      }
    }
    if (!found) {
      throw InvalidArgument(where + ": expected a string \"label\", \"class_name\" or \"class\"");
    }
    rows.push_back({j["path"].get<std::string>(), label, number});
  }
  return rows;
}

}  // namespace

std::string class_dir_name(const std::string& class_name) {
  if (class_name.empty()) {
    return "_";
  }
  std::string out = class_name;
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) {
      c = '_';
    }
  }
  if (out[0] == '.') {
    out[0] = '_';
  }
  return out;
}

std::vector<std::string> list_class_dirs(const std::string& root) {
  require_directory(root);
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(root, ec)) {
    if (!is_hidden(d.path()) && d.is_directory(ec)) {
      names.push_back(d.path().filename().string());
    }
  }
  if (ec) {
    throw InvalidArgument("dataset root \"" + root + "\" cannot be read: " + ec.message());
  }
  if (names.empty()) {
    throw InvalidArgument("dataset root \"" + root + "\" has no class directories (root/<class>/)");
  }
  std::sort(names.begin(), names.end());
  return names;
}

void assign_source_ids(std::vector<DatasetEntry>& entries,
                       const std::vector<std::string>& rel_paths) {
  std::vector<std::string> ids(rel_paths.size());
  std::vector<bool> full(rel_paths.size(), false);
  for (std::size_t i = 0; i < rel_paths.size(); ++i) {
    ids[i] = fs::path(rel_paths[i]).replace_extension().generic_string();
    full[i] = ids[i] == rel_paths[i];
  }
  // Each pass gives the extension back to every file whose id is shared; a file changes at most
  // once and relative paths are distinct, so this ends with distinct ids.
  for (bool changed = true; changed;) {
    changed = false;
    std::map<std::string, std::size_t> uses;
    for (const std::string& id : ids) {
      ++uses[id];
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (!full[i] && uses[ids[i]] > 1) {
        ids[i] = rel_paths[i];
        full[i] = true;
        changed = true;
      }
    }
  }
  for (std::size_t i = 0; i < entries.size() && i < ids.size(); ++i) {
    entries[i].source_id = std::move(ids[i]);
  }
}

std::vector<DatasetEntry> list_image_folder(const std::string& root,
                                            std::vector<SkippedFile>* skipped) {
  const fs::path base(root);
  std::vector<DatasetEntry> entries;
  std::vector<std::string> ids;  // relative to the root, per entry
  std::vector<SkippedFile> rejected;
  for (const std::string& cls : list_class_dirs(root)) {
    std::vector<std::string> rel_paths;
    std::vector<SkippedFile> class_rejected;
    std::error_code ec;
    fs::recursive_directory_iterator it(base / cls, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code fec;
      if (is_hidden(it->path())) {
        it.disable_recursion_pending();
        class_rejected.push_back({it->path().generic_string(), SkipReason::kHidden,
                                  it->path().generic_string() + ": hidden, ignored"});
        continue;
      }
      if (it->is_directory(fec) && !it->is_symlink(fec)) {
        continue;
      }
      SkippedFile why;
      if (is_not_an_image(*it, &why)) {
        class_rejected.push_back(std::move(why));
      } else {
        rel_paths.push_back(it->path().lexically_relative(base / cls).generic_string());
      }
    }
    if (ec) {
      throw InvalidArgument("class directory \"" + (base / cls).string() +
                            "\" cannot be read: " + ec.message());
    }
    std::sort(rel_paths.begin(), rel_paths.end());
    std::sort(class_rejected.begin(), class_rejected.end(),
              [](const SkippedFile& a, const SkippedFile& b) { return a.path < b.path; });
    for (SkippedFile& r : class_rejected) {
      const std::string rel = fs::path(r.path).lexically_relative(base / cls).generic_string();
      r.before = entries.size() +
                 static_cast<std::size_t>(
                     std::lower_bound(rel_paths.begin(), rel_paths.end(), rel) - rel_paths.begin());
    }
    for (const std::string& rel : rel_paths) {
      DatasetEntry e;
      e.path = (base / cls / rel).generic_string();
      e.label = cls;
      e.index = entries.size();
      ids.push_back(relative_id(base / cls / rel, base));
      entries.push_back(std::move(e));
    }
    std::move(class_rejected.begin(), class_rejected.end(), std::back_inserter(rejected));
  }
  assign_source_ids(entries, ids);
  if (skipped != nullptr) {
    *skipped = std::move(rejected);
  }
  return entries;
}

std::vector<DatasetEntry> parse_manifest(const std::string& text, const std::string& name,
                                         std::vector<SkippedFile>* skipped) {
  std::istringstream in(text);
  const bool csv = lower(fs::path(name).extension().string()) == ".csv";
  const std::vector<ManifestLine> rows = csv ? read_csv(in, name) : read_jsonl(in, name);
  const fs::path base = fs::path(name).parent_path();
  std::vector<DatasetEntry> entries;
  std::vector<std::string> ids;
  std::map<std::string, std::size_t> first_line;  // normalised path -> line naming it first
  entries.reserve(rows.size());
  for (const ManifestLine& row : rows) {
    const fs::path p(row.path);
    const fs::path full = (p.is_absolute() ? p : base / p).lexically_normal();
    const auto [it, fresh] = first_line.emplace(full.generic_string(), row.line);
    if (!fresh) {
      if (skipped != nullptr) {
        skipped->push_back({full.generic_string(), SkipReason::kDuplicate,
                            name + ":" + std::to_string(row.line) + ": \"" + row.path +
                                "\" was listed already at line " + std::to_string(it->second),
                            entries.size()});
      }
      continue;
    }
    DatasetEntry e;
    e.path = full.generic_string();
    e.label = row.label;
    e.index = entries.size();
    ids.push_back(relative_id(full, base));
    entries.push_back(std::move(e));
  }
  assign_source_ids(entries, ids);
  return entries;
}

std::vector<DatasetEntry> list_manifest(const std::string& manifest_path,
                                        std::vector<SkippedFile>* skipped) {
  std::ifstream in(manifest_path, std::ios::binary);
  if (!in) {
    throw InvalidArgument("manifest \"" + manifest_path + "\" cannot be opened");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw InvalidArgument("manifest \"" + manifest_path + "\" cannot be read");
  }
  return parse_manifest(text.str(), manifest_path, skipped);
}

std::vector<std::string> read_labels_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw InvalidArgument("labels file \"" + path + "\" cannot be opened");
  }
  std::vector<std::string> names;
  std::set<std::string> seen;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (trim(line).empty()) {
      continue;
    }
    if (!seen.insert(line).second) {
      throw InvalidArgument("labels file \"" + path + "\" names class \"" + line + "\" twice");
    }
    names.push_back(line);
  }
  if (names.empty()) {
    throw InvalidArgument("labels file \"" + path + "\" names no class (one name per line)");
  }
  return names;
}

void resolve_labels(std::vector<DatasetEntry>& entries,
                    const std::vector<std::string>& class_names) {
  std::map<std::string, int> by_name;
  std::map<std::string, int> by_dir;
  for (std::size_t i = 0; i < class_names.size(); ++i) {
    by_name.emplace(class_names[i], static_cast<int>(i));
    by_dir.emplace(class_dir_name(class_names[i]), static_cast<int>(i));
  }
  for (DatasetEntry& e : entries) {
    auto it = by_name.find(e.label);
    if (it == by_name.end()) {
      it = by_dir.find(e.label);
      if (it == by_dir.end()) {
        throw InvalidArgument(unknown_label_message(e.path, e.label, class_names));
      }
    }
    e.class_id = it->second;
    e.label = class_names[static_cast<std::size_t>(it->second)];
  }
}

Dataset open_dataset(const DatasetSource& source) {
  if (source.root.empty() == source.manifest.empty()) {
    throw InvalidArgument("a dataset needs exactly one of a root directory and a manifest");
  }
  Dataset ds;
  if (!source.labels_file.empty()) {
    ds.class_names = read_labels_file(source.labels_file);
    if (!source.class_names.empty() && source.class_names != ds.class_names) {
      throw InvalidArgument("labels file \"" + source.labels_file + "\" (" +
                            join_names(ds.class_names) + ") differs from the model's classes (" +
                            join_names(source.class_names) + ")");
    }
  } else {
    ds.class_names = source.class_names;
  }
  if (!source.root.empty()) {
    const std::vector<std::string> dirs = list_class_dirs(source.root);
    if (ds.class_names.empty()) {
      ds.class_names = dirs;
    } else {
      // An unknown class directory is an error even when it holds no image.
      std::vector<DatasetEntry> probes;
      for (const std::string& d : dirs) {
        probes.push_back({(fs::path(source.root) / d).generic_string(), d, -1, d, 0});
      }
      resolve_labels(probes, ds.class_names);
    }
    ds.entries = list_image_folder(source.root, &ds.skipped);
  } else {
    ds.entries = list_manifest(source.manifest, &ds.skipped);
    if (ds.class_names.empty()) {
      std::set<std::string> labels;
      for (const DatasetEntry& e : ds.entries) {
        labels.insert(e.label);
      }
      ds.class_names.assign(labels.begin(), labels.end());
    }
  }
  resolve_labels(ds.entries, ds.class_names);
  return ds;
}

std::vector<SkippedFile> shard_skipped(const std::vector<SkippedFile>& skipped, int shard_index,
                                       int shard_count) {
  shard_entries({}, shard_index, shard_count);  // the same checks
  std::vector<SkippedFile> out;
  for (std::size_t j = 0; j < skipped.size(); ++j) {
    if (j % static_cast<std::size_t>(shard_count) == static_cast<std::size_t>(shard_index)) {
      out.push_back(skipped[j]);
    }
  }
  return out;
}

std::vector<DatasetEntry> shard_entries(const std::vector<DatasetEntry>& entries, int shard_index,
                                        int shard_count) {
  if (shard_count < 1 || shard_index < 0 || shard_index >= shard_count) {
    throw InvalidArgument("shard " + std::to_string(shard_index) + " of " +
                          std::to_string(shard_count) +
                          ": expected shard_count >= 1 and 0 <= shard_index < shard_count");
  }
  std::vector<DatasetEntry> out;
  for (const DatasetEntry& e : entries) {
    if (e.index % static_cast<std::size_t>(shard_count) == static_cast<std::size_t>(shard_index)) {
      out.push_back(e);
    }
  }
  return out;
}

}  // namespace higfa
