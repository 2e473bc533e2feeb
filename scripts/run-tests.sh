#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Installs dependencies, builds, and runs every test suite (lib, elements, pipelines, tools).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2 "$@"
