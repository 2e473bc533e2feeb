// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// A process-wide cache of weakly held values (one model per process): private to the library.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>

namespace higfa {

/// `path` made absolute, with symbolic links, "." and ".." resolved as far as the path exists,
/// so that two spellings of one directory give one cache key.
inline std::string canonical_key(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  if (ec) p = std::filesystem::absolute(path, ec);
  if (ec) return path;
  return p.lexically_normal().string();
}

/// Key -> weakly held value. get() returns the live value for a key or makes one: a value lives
/// as long as its users hold it, and the last user's release frees it. Thread-safe; the lock is
/// held while a value is made, so concurrent first uses of one key make it once.
template <typename T>
class WeakCache {
 public:
  /// The live value of `key`, else `make()` (returning std::shared_ptr<T>), kept for later calls.
  /// What `make` throws propagates and nothing is kept.
  template <typename Make>
  std::shared_ptr<T> get(const std::string& key, Make&& make) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto live = find_locked(key)) return live;
    std::shared_ptr<T> made = make();
    prune_locked();
    entries_[key] = made;
    return made;
  }

  /// The live value of `key`, or nullptr.
  std::shared_ptr<T> find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    return find_locked(key);
  }

 private:
  std::shared_ptr<T> find_locked(const std::string& key) const {
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second.lock();
  }

  void prune_locked() {
    for (auto it = entries_.begin(); it != entries_.end();)
      it = it->second.expired() ? entries_.erase(it) : std::next(it);
  }

  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<T>> entries_;
};

}  // namespace higfa
