// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The process-wide log callback (higfa/log.h); the error types are header-only.
#include <higfa/log.h>

#include <memory>
#include <mutex>
#include <utility>

namespace higfa {
namespace {

struct LogSink {
  std::mutex mutex;
  // Shared so that a message being delivered keeps its callback alive while another thread
  // installs a new one; the callback runs outside the lock, so it may itself call log().
  std::shared_ptr<const LogCallback> callback;
};

LogSink& sink() {
  static LogSink instance;
  return instance;
}

}  // namespace

void set_log_callback(LogCallback callback) {
  std::shared_ptr<const LogCallback> next;
  if (callback) next = std::make_shared<const LogCallback>(std::move(callback));
  LogSink& s = sink();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.callback = std::move(next);
}

void log(LogLevel level, const std::string& message) {
  std::shared_ptr<const LogCallback> callback;
  {
    LogSink& s = sink();
    std::lock_guard<std::mutex> lock(s.mutex);
    callback = s.callback;
  }
  if (callback) (*callback)(level, message);
}

}  // namespace higfa
