# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Shared code of the streaming tests: small generated datasets, pipeline runs, a test runner.
"""Shared by tests/streaming/test_*.py; run those with /usr/bin/python3 (meson test -C BUILD
--suite streaming sets the hermetic GStreamer environment)."""
import json
import os
import shlex
import subprocess
import sys

import cv2
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tests"))
from runtests import run_tests  # noqa: E402,F401  (re-exported to the streaming tests)
TINY_BUNDLE = os.path.join(REPO, "tests", "fixtures", "bundles", "tiny")
CLASSES = ["a", "b", "c"]


def make_imagefolder(root, per_class=3, size=(8, 8), colour=()):
    """Writes root/<class>/<i>.png for the tiny bundle's classes: deterministic grey images of
    `size` (w, h) whose values differ per class and image; the (class, i) pairs in `colour` are
    RGB instead. Returns {source_id: (class_id, pixels as read back by cv2)}."""
    images = {}
    w, h = size
    for c, name in enumerate(CLASSES):
        os.makedirs(os.path.join(root, name), exist_ok=True)
        for i in range(per_class):
            yy, xx = np.mgrid[0:h, 0:w]
            img = ((40 * c + 13 * i + 9 * yy + 5 * xx) % 256).astype(np.uint8)
            if (name, i) in colour:
                img = np.stack([img, 255 - img, np.full_like(img, 60 + i)], axis=-1)
            path = os.path.join(root, name, "%d.png" % i)
            assert cv2.imwrite(path, img), path
            images["%s/%d" % (name, i)] = (c, cv2.imread(path, cv2.IMREAD_UNCHANGED))
    return images


def gst_launch(description, timeout=240):
    """Runs `description` with gst-launch-1.0 to EOS; raises with its output on failure."""
    cmd = ["gst-launch-1.0", "-q"] + shlex.split(description)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                          text=True)
    if proc.returncode != 0:
        raise AssertionError("gst-launch-1.0 %s failed (%d):\n%s"
                             % (description, proc.returncode, proc.stdout))
    return proc.stdout


def decode_png(data):
    """PNG bytes -> numpy array as cv2 reads it (grey: HxW, colour: HxWx3 BGR)."""
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert img is not None, "member is not a PNG"
    return img


def read_manifest(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]
