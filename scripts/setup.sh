#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Installs every Debian package higfa needs to build, test and train; idempotent, non-interactive.
set -euo pipefail

PACKAGES=(
  g++ pkg-config meson ninja-build git
  libtorch-dev python3-torch python3-numpy python3-opencv
  libopenblas0-openmp
  libopencv-dev nlohmann-json3-dev libgtest-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  python3-gi python3-gst-1.0 gir1.2-gstreamer-1.0
  gobject-introspection libgirepository1.0-dev
  dataset-fashion-mnist
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
