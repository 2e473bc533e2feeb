#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Sharding end to end: 3 shards with one base seed make exactly what one run makes, disjointly.
"""Run with /usr/bin/python3 tests/streaming/test_sharding.py in the hermetic environment
(meson test -C BUILD --suite streaming)."""
import json
import os
import subprocess
import sys
import tarfile
import tempfile

import cv2
import numpy as np

from streaming_util import REPO, TINY_BUNDLE, gst_launch, make_imagefolder, read_manifest, run_tests

SHARDS = 3


def augment(data, out_dir, tar_path, shard_index=0, shard_count=1):
    """The augmentation pipeline on one shard, into a dataset directory and a WebDataset tar."""
    gst_launch(
        "datasetsrc location={data} bundle={b} shard-index={i} shard-count={n} ! contourextract "
        "! higfasampler bundle={b} samples-per-image=2 num-inference-steps=3 seed=5 "
        "! tee name=t t. ! queue ! datasetsink location={out} "
        "t. ! queue ! webdatasetmux ! filesink location={tar}".format(
            data=data, b=TINY_BUNDLE, i=shard_index, n=shard_count, out=out_dir, tar=tar_path))


def canonical(line):
    return json.dumps(line, sort_keys=True)


def tar_members(path):
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def file_bytes(root, rel):
    with open(os.path.join(root, rel), "rb") as f:
        return f.read()


class Runs:
    """One single run and SHARDS sharded runs over the same 13-image dataset (one image in a
    subdirectory, so the shards are uneven and a source id has two slashes), made once."""

    def __init__(self, tmp):
        self.data = os.path.join(tmp, "data")
        make_imagefolder(self.data, per_class=4)
        os.makedirs(os.path.join(self.data, "b", "more"))
        assert cv2.imwrite(os.path.join(self.data, "b", "more", "0.png"),
                           np.arange(64, dtype=np.uint8).reshape(8, 8))
        self.single = os.path.join(tmp, "single")
        augment(self.data, self.single, self.single + ".tar")
        self.shards = [os.path.join(tmp, "shard%d" % i) for i in range(SHARDS)]
        for i, out in enumerate(self.shards):
            augment(self.data, out, out + ".tar", i, SHARDS)
        self.merged = os.path.join(tmp, "merged.jsonl")


RUNS = None


def test_shard_manifests_are_disjoint_and_their_union_is_the_single_run():
    single = [canonical(l) for l in read_manifest(os.path.join(RUNS.single, "manifest.jsonl"))]
    assert len(single) == 13 * 2, len(single)
    shard_lines = [[canonical(l) for l in read_manifest(os.path.join(d, "manifest.jsonl"))]
                   for d in RUNS.shards]
    assert all(shard_lines), [len(s) for s in shard_lines]
    ids = [{json.loads(l)["path"] for l in lines} for lines in shard_lines]
    for i in range(SHARDS):
        for j in range(i + 1, SHARDS):
            assert not ids[i] & ids[j], (i, j, ids[i] & ids[j])
    assert sum(len(s) for s in shard_lines) == len(single)
    assert set().union(*map(set, shard_lines)) == set(single)


def test_shard_images_are_byte_identical_to_the_single_run():
    for shard in RUNS.shards:
        for line in read_manifest(os.path.join(shard, "manifest.jsonl")):
            assert file_bytes(shard, line["path"]) == file_bytes(RUNS.single, line["path"]), \
                line["path"]


def test_shard_webdataset_streams_together_hold_the_single_stream():
    single = tar_members(RUNS.single + ".tar")
    union = {}
    for shard in RUNS.shards:
        members = tar_members(shard + ".tar")
        assert not set(members) & set(union), set(members) & set(union)
        union.update(members)
    assert union == single


def test_merge_manifests_rebuilds_the_single_manifest():
    tool = os.path.join(REPO, "tools", "merge_manifests.py")
    subprocess.run([sys.executable, tool, "--output", RUNS.merged] + RUNS.shards, check=True)
    merged = read_manifest(RUNS.merged)
    single = read_manifest(os.path.join(RUNS.single, "manifest.jsonl"))
    base = os.path.dirname(RUNS.merged)
    # Paths are rebased onto the merged manifest's directory ("shardK/<class>/<id>.png"), the
    # lines sorted by the path within the shard; everything else is the single run's.
    for line in merged:
        assert os.path.isfile(os.path.join(base, line["path"])), line["path"]
    within = [l["path"].split("/", 1)[1] for l in merged]
    assert within == sorted(within) == sorted(l["path"] for l in single)
    assert [dict(l, path=p) for l, p in zip(merged, within)] == \
        sorted(single, key=lambda l: l["path"])


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        RUNS = Runs(tmp)
        run_tests(globals())
