#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Tests of examples/torch_readers.py on datasetsink and webdatasetmux output (files and TCP).
"""Run with /usr/bin/python3 tests/streaming/test_torch_readers.py in the hermetic environment
(meson test -C BUILD --suite streaming)."""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import torch
from torch.utils.data import DataLoader

from streaming_util import REPO, gst_launch, make_imagefolder, run_tests

sys.path.insert(0, os.path.join(REPO, "examples"))
import torch_readers  # noqa: E402  (from examples/, put on the path above)


def as_pixels(image):
    """A reader's [C, H, W] float image -> uint8 array as cv2 reads the source (BGR colour)."""
    arr = (image * 255.0).round().to(torch.uint8).permute(1, 2, 0).numpy()
    return arr[:, :, 0] if arr.shape[2] == 1 else arr[:, :, ::-1]


def check_samples(samples, images):
    """Every source image exactly once, with its class and its pixels."""
    seen = {}
    for image, label, meta in samples:
        source_id = meta["label"]["source_id"]
        assert source_id not in seen, source_id
        seen[source_id] = True
        class_id, pixels = images[source_id]
        assert label == class_id, (source_id, label)
        assert np.array_equal(as_pixels(image), pixels), source_id
    assert set(seen) == set(images), sorted(seen)


def write_outputs(tmp):
    data = os.path.join(tmp, "data")
    images = make_imagefolder(data, per_class=3, colour={("b", 1)})
    gst_launch("datasetsrc location={d} ! tee name=t t. ! queue ! datasetsink location={o}/ds "
               "t. ! queue ! webdatasetmux shard-size=4 ! multifilesink "
               "location={o}/shard-%06d.tar next-file=discont".format(d=data, o=tmp))
    return images


def test_manifest_dataset_and_tar_shards_yield_the_same_samples():
    with tempfile.TemporaryDirectory() as tmp:
        images = write_outputs(tmp)
        manifest = torch_readers.ManifestDataset(os.path.join(tmp, "ds"))
        assert len(manifest) == 9
        check_samples([manifest[i] for i in range(len(manifest))], images)
        stream = torch_readers.WebDatasetStream(os.path.join(tmp, "shard-*.tar"))
        assert len(stream.sources) == 3
        check_samples(list(stream), images)


def test_dataloader_workers_split_the_shards():
    with tempfile.TemporaryDirectory() as tmp:
        images = write_outputs(tmp)
        stream = torch_readers.WebDatasetStream(os.path.join(tmp, "shard-*.tar"))
        loader = DataLoader(stream, batch_size=None, num_workers=2)
        check_samples(list(loader), images)


def test_listen_source_reads_what_tcpclientsink_sends():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        images = make_imagefolder(data, per_class=2)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        received = []
        reader = threading.Thread(target=lambda: received.extend(
            torch_readers.WebDatasetStream("listen://127.0.0.1:%d" % port)), daemon=True)
        reader.start()
        # The reader listens once its thread runs; tcpclientsink fails until then, so retry.
        for attempt in range(50):
            proc = subprocess.run(
                ["gst-launch-1.0", "-q", "datasetsrc", "location=" + data, "!", "webdatasetmux",
                 "!", "tcpclientsink", "host=127.0.0.1", "port=%d" % port],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
            if proc.returncode == 0:
                break
            time.sleep(0.1)
        assert proc.returncode == 0, proc.stdout
        reader.join(timeout=60)
        assert not reader.is_alive()
    check_samples(received, images)


def test_demo_trains_one_epoch_on_a_manifest():
    with tempfile.TemporaryDirectory() as tmp:
        write_outputs(tmp)
        proc = subprocess.run([sys.executable, os.path.join(REPO, "examples", "torch_readers.py"),
                               os.path.join(tmp, "ds", "manifest.jsonl")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=120)
    assert proc.returncode == 0, proc.stdout
    assert "epoch 0: 9 samples" in proc.stdout, proc.stdout


if __name__ == "__main__":
    run_tests(globals())
