#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Checks that the training tools' contours equal the committed contourextract-default fixture maps.
"""Run with /usr/bin/python3 tests/tools/test_contour_parity.py (exit 0 on success).

tests/fixtures/contour_parity/ holds pool images and the OpenCV Canny maps with
the contourextract defaults (written by tools/make_contour_parity_fixture.py);
the C++ extractor is compared with the same files by the C++ test suite. Here:
the contours used for training (tools/fmnist.py) reproduce those maps exactly,
the fixture images are the dataset images, and the bundle manifest records the
same contour parameters.
"""
import glob
import json
import os
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, os.path.join(REPO, "tests"))
from runtests import run_tests  # noqa: E402
import fmnist  # noqa: E402
from make_contour_parity_fixture import read_pgm  # noqa: E402

FIX = os.path.join(REPO, "tests", "fixtures", "contour_parity")


def fixture_indices():
    return sorted(int(os.path.basename(p)[4:-4]) for p in glob.glob(os.path.join(FIX, "img_*.pgm")))


def test_fixture_present():
    idx = fixture_indices()
    assert len(idx) >= 10, idx
    assert all(i >= fmnist.POOL_RANGE[0] for i in idx), "fixture images must come from the pool"
    for i in idx:
        assert os.path.exists(os.path.join(FIX, "edges_%d.pgm" % i))


def test_training_contours_match_fixture():
    for i in fixture_indices():
        img = read_pgm(os.path.join(FIX, "img_%d.pgm" % i))
        ref = read_pgm(os.path.join(FIX, "edges_%d.pgm" % i))
        assert img.shape == (28, 28) and ref.shape == (28, 28)
        got = fmnist.canny(img)
        assert got.dtype == np.uint8 and set(np.unique(got)) <= {0, 255}
        assert np.array_equal(got, ref), "edge map of image %d differs in %d pixels" % (
            i, int((got != ref).sum()))
        # batched path used by the training scripts, and its tensor form
        got2 = fmnist.contours(img[None])[0]
        assert np.array_equal(got2, ref)
        k = fmnist.contour_tensor(ref[None])
        assert k.shape == (1, 1, 32, 32) and k[0, 0, :2].sum() == 0 and k.max() <= 1.0
        assert np.array_equal(k[0, 0, 2:30, 2:30] * 255.0, ref.astype(np.float32))


def test_fixture_images_are_dataset_images():
    try:
        imgs, _ = fmnist.load("train_all")
    except FileNotFoundError:
        print("  (dataset not installed: skipped)")
        return
    for i in fixture_indices():
        assert np.array_equal(read_pgm(os.path.join(FIX, "img_%d.pgm" % i)), imgs[i])


def test_manifest_contour_parameters():
    with open(os.path.join(REPO, "models", "fashion-mnist", "manifest.json")) as f:
        man = json.load(f)
    assert man["contour"] == fmnist.CONTOUR_DEFAULTS, man["contour"]
    with open(os.path.join(FIX, "fixture.json")) as f:
        assert json.load(f)["contour"] == fmnist.CONTOUR_DEFAULTS


if __name__ == "__main__":
    run_tests(globals())
