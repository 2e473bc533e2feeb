// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Entry point of the element tests: GoogleTest with GStreamer initialised once.
#include <gst/gst.h>
#include <gtest/gtest.h>

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  gst_init(&argc, &argv);
  const int result = RUN_ALL_TESTS();
  gst_deinit();
  return result;
}
