#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# webdatasetmux over a real loopback TCP connection and into shard files, read back with tarfile.
"""Run with /usr/bin/python3 tests/streaming/test_webdataset_tcp.py in the hermetic environment
(meson test -C BUILD --suite streaming)."""
import glob
import json
import os
import socket
import subprocess
import tarfile
import tempfile
import time

import numpy as np

from streaming_util import (CLASSES, TINY_BUNDLE, decode_png, gst_launch, make_imagefolder,
                            run_tests)


def group_samples(members):
    """(name, bytes) pairs -> {key: {extension: bytes}}, WebDataset's grouping (the key is the
    name up to its first dot); a key seen again after another key is an error."""
    samples, order = {}, []
    for name, data in members:
        key, ext = name.split(".", 1)
        if key not in samples:
            samples[key] = {}
            order.append(key)
        assert order[-1] == key, "members of %s are not contiguous" % key
        assert ext not in samples[key], "duplicate member %s" % name
        samples[key][ext] = data
    return samples


def read_tar_stream(fileobj):
    """Members of a tar stream read sequentially (mode 'r|': no seeking, as from a socket)."""
    members = []
    with tarfile.open(fileobj=fileobj, mode="r|") as tar:
        for m in tar:
            assert m.isfile() and m.mode == 0o644 and m.mtime == 0, m.name
            members.append((m.name, tar.extractfile(m).read()))
    return members


def receive_over_tcp(pipeline_tail):
    """Listens on a free loopback port, runs `datasetsrc ... ! <pipeline_tail> ! tcpclientsink`
    against it, and returns the members of the tar stream that arrived."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(120)
        port = server.getsockname()[1]
        cmd = ["gst-launch-1.0", "-q"] + pipeline_tail.split() + [
            "!", "tcpclientsink", "host=127.0.0.1", "port=%d" % port]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            conn, _ = server.accept()
            with conn, conn.makefile("rb") as stream:
                conn.settimeout(120)
                members = read_tar_stream(stream)
                assert stream.read() == b"", "bytes after the end-of-archive marker"
            out, _ = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 0, "pipeline failed (%d):\n%s" % (proc.returncode, out)
    return members


def test_real_images_cross_tcp_with_pixels_and_labels():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        images = make_imagefolder(data, per_class=3, size=(12, 10), colour={("c", 2)})
        members = receive_over_tcp("datasetsrc location=%s ! webdatasetmux" % data)
    samples = group_samples(members)
    expected_keys = {sid.replace("/", "_") for sid in images}
    assert set(samples) == expected_keys, sorted(samples)
    for source_id, (class_id, pixels) in images.items():
        sample = samples[source_id.replace("/", "_")]
        assert set(sample) == {"png", "cls", "json"}, sample.keys()
        assert int(sample["cls"].decode("ascii")) == class_id
        meta = json.loads(sample["json"])
        assert meta["key"] == source_id.replace("/", "_")
        assert meta["class_id"] == class_id
        assert meta["label"]["source_id"] == source_id
        assert meta["label"]["class_name"] == CLASSES[class_id]
        img = decode_png(sample["png"])
        assert img.shape == pixels.shape, (source_id, img.shape, pixels.shape)
        assert np.array_equal(img, pixels), source_id


def test_generated_samples_cross_tcp_with_provenance():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        images = make_imagefolder(data, per_class=2)
        members = receive_over_tcp(
            "datasetsrc location=%s bundle=%s ! contourextract ! higfasampler bundle=%s "
            "samples-per-image=2 num-inference-steps=3 seed=11 ! webdatasetmux"
            % (data, TINY_BUNDLE, TINY_BUNDLE))
    samples = group_samples(members)
    expected = {"%s-s%d" % (sid.replace("/", "_"), i) for sid in images for i in range(2)}
    assert set(samples) == expected, sorted(samples)
    for key, sample in samples.items():
        source_id = key.rsplit("-s", 1)[0].replace("_", "/")
        class_id = images[source_id][0]
        assert int(sample["cls"]) == class_id
        meta = json.loads(sample["json"])
        prov = meta["provenance"]
        assert prov["source_id"] == source_id and prov["class_id"] == class_id
        assert prov["sample_index"] == int(key.rsplit("-s", 1)[1])
        assert isinstance(prov["seed"], int)
        assert decode_png(sample["png"]).shape == (8, 8)


def read_samples(fileobj, count):
    """The first `count` samples of an endless tar stream, grouped by key."""
    samples, keys = {}, []
    with tarfile.open(fileobj=fileobj, mode="r|") as tar:
        for m in tar:
            key, ext = m.name.split(".", 1)
            if key not in samples:
                if len(keys) == count:
                    break
                keys.append(key)
                samples[key] = {}
            samples[key][ext] = tar.extractfile(m).read()
    return [samples[k] for k in keys]


def test_tcpserversink_clients_join_a_running_stream_at_a_sample():
    # Every buffer is whole samples, so a client that connects late reads a valid tar stream.
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        images = make_imagefolder(data, per_class=1)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        proc = subprocess.Popen(
            ["gst-launch-1.0", "-q", "datasetsrc", "location=" + data, "loop=true", "!",
             "webdatasetmux", "!", "tcpserversink", "host=127.0.0.1", "port=%d" % port],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for client in range(2):
                for attempt in range(100):
                    try:
                        conn = socket.create_connection(("127.0.0.1", port), timeout=60)
                        break
                    except ConnectionRefusedError:
                        assert proc.poll() is None, proc.stdout.read()
                        time.sleep(0.1)
                with conn, conn.makefile("rb") as stream:
                    samples = read_samples(stream, 6)
                assert len(samples) == 6, client
                for sample in samples:
                    meta = json.loads(sample["json"])
                    class_id, pixels = images[meta["label"]["source_id"]]
                    assert int(sample["cls"]) == class_id
                    assert np.array_equal(decode_png(sample["png"]), pixels)
        finally:
            proc.kill()
            proc.wait()


def test_shard_files_from_multifilesink_are_complete_archives():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        images = make_imagefolder(data, per_class=3)
        gst_launch("datasetsrc location=%s ! webdatasetmux shard-size=4 "
                   "! multifilesink location=%s/shard-%%06d.tar next-file=discont" % (data, tmp))
        shards = sorted(glob.glob(os.path.join(tmp, "shard-*.tar")))
        assert [os.path.basename(s) for s in shards] == [
            "shard-%06d.tar" % i for i in range(3)], shards
        keys = []
        for i, path in enumerate(shards):
            with open(path, "rb") as f:
                samples = group_samples(read_tar_stream(f))
            assert len(samples) == (4 if i < 2 else 1), (path, sorted(samples))
            keys += samples
    assert sorted(keys) == sorted(sid.replace("/", "_") for sid in images)


def test_filesink_output_is_one_reproducible_archive():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        make_imagefolder(data, per_class=2)
        outputs = []
        for run in range(2):
            path = os.path.join(tmp, "run%d.tar" % run)
            gst_launch("datasetsrc location=%s ! webdatasetmux ! filesink location=%s"
                       % (data, path))
            with open(path, "rb") as f:
                outputs.append(f.read())
        with tarfile.open(os.path.join(tmp, "run0.tar")) as tar:
            assert len(tar.getnames()) == 3 * 6
    assert outputs[0] == outputs[1], "two runs differ"


if __name__ == "__main__":
    run_tests(globals())
