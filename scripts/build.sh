#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Configures (once) and builds higfa into ${BUILD_DIR:-build}.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  meson setup "$BUILD_DIR" "$@"
fi
ninja -C "$BUILD_DIR" -j "${BUILD_JOBS:-$(nproc)}"
