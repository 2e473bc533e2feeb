// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Tests of the error hierarchy (higfa/error.h) and the host-installed log callback (higfa/log.h).
#include <gtest/gtest.h>
#include <higfa/error.h>
#include <higfa/log.h>

#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

// Collects messages; uninstalls the callback when it goes out of scope.
class LogCapture {
 public:
  LogCapture() {
    higfa::set_log_callback([this](higfa::LogLevel level, const std::string& message) {
      std::lock_guard<std::mutex> lock(mutex_);
      messages_.emplace_back(level, message);
    });
  }
  ~LogCapture() { higfa::set_log_callback(nullptr); }
  std::vector<std::pair<higfa::LogLevel, std::string>> messages() {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<higfa::LogLevel, std::string>> messages_;
};

TEST(Log, InstalledCallbackReceivesLevelAndMessage) {
  LogCapture capture;
  higfa::log(higfa::LogLevel::kWarning, "disk almost full");
  const auto messages = capture.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].first, higfa::LogLevel::kWarning);
  EXPECT_EQ(messages[0].second, "disk almost full");
}

TEST(Log, EmptyCallbackDiscardsMessages) {
  higfa::set_log_callback(nullptr);
  EXPECT_NO_THROW(higfa::log(higfa::LogLevel::kError, "nobody listens"));
}

TEST(Log, ConcurrentMessagesAreAllDelivered) {
  LogCapture capture;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 250; ++i) higfa::log(higfa::LogLevel::kDebug, std::to_string(t));
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(capture.messages().size(), 1000u);
}

// A callback may log again (e.g. a bridge that reports its own trouble) without deadlocking.
TEST(Log, CallbackMayLogReentrantly) {
  std::vector<std::string> seen;
  higfa::set_log_callback([&seen](higfa::LogLevel, const std::string& message) {
    seen.push_back(message);
    if (message == "outer") higfa::log(higfa::LogLevel::kInfo, "inner");
  });
  higfa::log(higfa::LogLevel::kInfo, "outer");
  higfa::set_log_callback(nullptr);
  EXPECT_EQ(seen, (std::vector<std::string>{"outer", "inner"}));
}

TEST(Error, SubclassesAreCaughtAsErrorAndKeepTheirMessage) {
  try {
    throw higfa::ModelLoadError("bundle/denoiser.pt: expected output [1, 1, 8, 8]");
  } catch (const higfa::Error& e) {
    EXPECT_STREQ(e.what(), "bundle/denoiser.pt: expected output [1, 1, 8, 8]");
  }
  EXPECT_THROW(throw higfa::InvalidArgument("x"), std::runtime_error);
  EXPECT_THROW(throw higfa::Cancelled("stopped"), higfa::Error);
}

}  // namespace
