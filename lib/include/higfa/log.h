// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The library's log sink: a callback the host installs (the plugin bridges it to GST debug).
#pragma once

#include <functional>
#include <string>

namespace higfa {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

using LogCallback = std::function<void(LogLevel level, const std::string& message)>;

/// Installs the process-wide log callback; an empty callback discards messages. Thread-safe.
void set_log_callback(LogCallback callback);

/// Sends one message to the installed callback, if any. Thread-safe.
void log(LogLevel level, const std::string& message);

}  // namespace higfa
