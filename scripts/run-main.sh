#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# The main job: installs, builds, then augments the sample images with the default model bundle.
# Extra arguments go to tools/augment.py (e.g. --samples 8 --steps 25 --out out/other; --resume
# continues an interrupted run and wins over the --overwrite passed here).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec /usr/bin/python3 tools/augment.py --build-dir "${BUILD_DIR:-build}" --overwrite "$@"
