#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and fuzzes each in turn.
#
# Usage: bench/fuzz.sh [seconds per target, default 60] [target ...]
# Targets: manifest_csv manifest_jsonl bundle_manifest image_decode tar_writer (default: all).
# Builds into ${FUZZ_BUILD_DIR:-build-fuzz}; new inputs go to its corpus/<target>/ (the committed
# seeds in tests/fuzz/corpus/<target>/ are read, never written); crashes to its crashes/<target>/.
# Prints the executions of each target. A crash input belongs in tests/fuzz/corpus/<target>/
# once fixed, so that the replay tests of the reliability suite keep it fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(manifest_csv manifest_jsonl bundle_manifest image_decode tar_writer)
OUT=${FUZZ_BUILD_DIR:-build-fuzz}
CXX=${CXX_FUZZ:-clang++}
mkdir -p "$OUT/obj"

CXXFLAGS=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fopenmp -pthread -D_GLIBCXX_USE_CXX11_ABI=1
  -fsanitize=address,undefined -fno-sanitize-recover=undefined
  -Ilib/include $(pkg-config --cflags opencv4) -isystem /usr/include/torch/csrc/api/include)
LIBS=($(pkg-config --libs opencv4) -ltorch -ltorch_cpu -lc10 -fopenmp -pthread)
# The library sources the targets reach (image.h still brings LibTorch in).
SOURCES=(bundle contour dataset dataset_decode error_log image image_header runtime schedule scheduler
  seed tar_writer)

ccache_prefix=()
command -v ccache >/dev/null && ccache_prefix=(ccache)
objects=()
for s in "${SOURCES[@]}"; do
  obj="$OUT/obj/$s.o"
  if [ ! -f "$obj" ] || [ "lib/src/$s.cpp" -nt "$obj" ] || [ -n "$(find lib/include -newer "$obj" -name '*.h' | head -1)" ]; then
    echo "compiling lib/src/$s.cpp" >&2
    "${ccache_prefix[@]}" "$CXX" "${CXXFLAGS[@]}" -fsanitize=fuzzer-no-link -c "lib/src/$s.cpp" -o "$obj"
  fi
  objects+=("$obj")
done
# An archive, so each target links only the objects it reaches.
rm -f "$OUT/libhigfa-fuzz.a"
ar rcs "$OUT/libhigfa-fuzz.a" "${objects[@]}"

for t in "${TARGETS[@]}"; do
  exe="$OUT/fuzz_$t"
  "${ccache_prefix[@]}" "$CXX" "${CXXFLAGS[@]}" -fsanitize=fuzzer "tests/fuzz/fuzz_$t.cpp" \
    -Wl,--start-group "$OUT/libhigfa-fuzz.a" "${LIBS[@]}" -Wl,--end-group -o "$exe"
  mkdir -p "$OUT/corpus/$t" "$OUT/crashes/$t"
  log="$OUT/fuzz_$t.log"
  echo "fuzzing $t for ${SECONDS_PER_TARGET}s" >&2
  status=0
  # One process, one job: the machine is shared. detect_leaks=0: LibTorch's and OpenCV's global
  # caches are not leaks of the code under test.
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    "$exe" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$OUT/crashes/$t/" -print_final_stats=1 \
    "$OUT/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(find "$OUT/crashes/$t" -type f | wc -l)
  echo "$t: ${execs:-?} executions in ${SECONDS_PER_TARGET}s, exit $status, $crashes crash inputs in $OUT/crashes/$t"
done
