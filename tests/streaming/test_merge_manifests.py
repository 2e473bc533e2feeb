#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Tests of tools/merge_manifests.py on hand-written shard manifests.
"""Run with /usr/bin/python3 tests/streaming/test_merge_manifests.py."""
import json
import os
import subprocess
import sys
import tempfile

from streaming_util import REPO, run_tests

TOOL = os.path.join(REPO, "tools", "merge_manifests.py")


def write_shard(root, name, lines):
    d = os.path.join(root, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "manifest.jsonl"), "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
    return d


def line(cls, ident, **extra):
    return dict({"id": ident, "path": "%s/%s.png" % (cls, ident), "class_name": cls}, **extra)


def merge(args, cwd):
    return subprocess.run([sys.executable, TOOL] + args, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


def test_lines_are_rebased_and_sorted_whatever_the_shard_order():
    with tempfile.TemporaryDirectory() as tmp:
        s0 = write_shard(tmp, "s0", [line("b", "x-s1", seed=3), line("a", "y-s0")])
        s1 = write_shard(tmp, "s1", [line("a", "x-s0", seed=1)])
        out = os.path.join(tmp, "merged", "manifest.jsonl")
        os.makedirs(os.path.dirname(out))
        results = []
        for order in ([s0, s1], [s1, os.path.join(s0, "manifest.jsonl")]):
            proc = merge(["-o", out] + order, tmp)
            assert proc.returncode == 0, proc.stderr
            with open(out) as f:
                results.append(f.read())
    assert results[0] == results[1]
    merged = [json.loads(l) for l in results[0].splitlines()]
    assert [l["path"] for l in merged] == ["../s1/a/x-s0.png", "../s0/a/y-s0.png",
                                           "../s0/b/x-s1.png"]
    assert merged[0]["seed"] == 1 and merged[2]["seed"] == 3


def test_no_rebase_keeps_paths_and_stdout_is_the_default():
    with tempfile.TemporaryDirectory() as tmp:
        write_shard(tmp, "s0", [line("a", "2")])
        write_shard(tmp, "s1", [line("a", "1")])
        proc = merge(["--no-rebase", "s0", "s1"], tmp)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(l)["path"] for l in proc.stdout.splitlines()] == ["a/1.png", "a/2.png"]


def test_overlapping_shards_are_an_error():
    with tempfile.TemporaryDirectory() as tmp:
        write_shard(tmp, "s0", [line("a", "1"), line("a", "2")])
        write_shard(tmp, "s1", [line("a", "2")])
        proc = merge(["s0", "s1"], tmp)
        assert proc.returncode == 1
        assert "a/2.png is already at" in proc.stderr, proc.stderr
        assert proc.stdout == ""
        kept = merge(["--allow-duplicates", "s0", "s1"], tmp)
    assert kept.returncode == 0
    assert len(kept.stdout.splitlines()) == 2


def test_unreadable_input_exits_2():
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "bad"))
        with open(os.path.join(tmp, "bad", "manifest.jsonl"), "w") as f:
            f.write("[1, 2]\n")
        assert merge(["bad"], tmp).returncode == 2
        assert merge(["missing"], tmp).returncode == 2


if __name__ == "__main__":
    run_tests(globals())
