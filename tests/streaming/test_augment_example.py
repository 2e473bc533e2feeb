#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Runs examples/augment.py (the GObject-introspection example) on the tiny bundle and checks it.
"""Run with /usr/bin/python3 tests/streaming/test_augment_example.py in the hermetic environment
(meson test -C BUILD --suite streaming)."""
import os
import re
import subprocess
import sys
import tempfile

from streaming_util import REPO, TINY_BUNDLE, make_imagefolder, read_manifest, run_tests

EXAMPLE = os.path.join(REPO, "examples", "augment.py")


def run_example(*args, env=None):
    return subprocess.run([sys.executable, EXAMPLE] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})))


def test_example_prints_progress_and_a_summary_matching_its_output():
    with tempfile.TemporaryDirectory() as tmp:
        data, out = os.path.join(tmp, "data"), os.path.join(tmp, "out")
        make_imagefolder(data, per_class=2)
        proc = run_example("--data", data, "--out", out, "--bundle", TINY_BUNDLE,
                           "--samples-per-image", "2", "--steps", "3", "--seed", "4")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        lines = read_manifest(os.path.join(out, "manifest.jsonl"))
    text = proc.stdout
    assert "augmenting 6 image(s) of shard 0/1" in text, text
    written = [int(m) for m in re.findall(r"progress: \d+/12 samples generated, (\d+) written",
                                          text)]
    assert written == list(range(1, len(lines) + 1)), text
    kept, dropped = map(int, re.search(r"filter: kept (\d+), dropped (\d+)", text).groups())
    assert kept == len(lines) and kept + dropped == 12, text
    assert "wrote %d image(s)" % len(lines) in text, text
    assert len(re.findall(r"^  class \d ", text, re.M)) == 3, text
    assert all(l["provenance"]["extra"]["base_seed"] == 4 for l in lines)


def test_example_takes_its_shard_from_the_job_index():
    with tempfile.TemporaryDirectory() as tmp:
        data, out = os.path.join(tmp, "data"), os.path.join(tmp, "out")
        make_imagefolder(data, per_class=2)
        proc = run_example("--data", data, "--out", out, "--bundle", TINY_BUNDLE,
                           "--samples-per-image", "1", "--steps", "2", "--shard-count", "4",
                           env={"JOB_COMPLETION_INDEX": "3"})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        sources = {l["source_id"] for l in read_manifest(os.path.join(out, "manifest.jsonl"))}
    # Image i of the sorted listing (a/0 a/1 b/0 b/1 c/0 c/1) belongs to shard i % 4.
    assert "augmenting 1 image(s) of shard 3/4" in proc.stdout, proc.stdout
    assert sources <= {"b/1"}, sources


def test_example_reports_a_bad_bundle_and_fails():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        make_imagefolder(data, per_class=1)
        proc = run_example("--data", data, "--out", os.path.join(tmp, "out"), "--bundle",
                           os.path.join(tmp, "no-such-bundle"))
    assert proc.returncode == 1
    assert "error" in proc.stderr and "manifest.json" in proc.stderr, proc.stderr


if __name__ == "__main__":
    run_tests(globals())
