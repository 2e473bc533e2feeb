# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# The artifact measure: high-frequency energy of generated images against real images of a class.
"""Artifact rate of generated images (the speckled, "burnt" texture of over-driven guidance).

Definition. For a 32x32 grey image x (uint8; Fashion-MNIST's 28x28 padded by 2 px of 0, as the
bundle's "fit": "pad"), its high-frequency energy is

    hf(x) = mean over pixels of |Laplacian(x / 255)|    (3x3 kernel [0 1 0; 1 -4 1; 0 1 0])

The threshold of class y is the 99th percentile of hf over the official Fashion-MNIST test images
of class y (1 000 per class), so 1 % of real test images are "artifacts" by construction. A
generated image is an artifact when hf exceeds its intended class's threshold; the artifact rate
of a set is the fraction of such images.

  /usr/bin/python3 bench/artifacts.py OUT_DIR [OUT_DIR ...]   # datasetsink folders
"""
import argparse
import functools
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import fmnist  # noqa: E402  (benchlib puts tools/ on the path)

PERCENTILE = 99.0


def high_frequency_energy(imgs_u8):
    """hf [N] of uint8 images [N, 32, 32] (or [N, 28, 28], padded first)."""
    import cv2
    x = np.asarray(imgs_u8)
    if x.shape[1:] == (28, 28):
        x = fmnist.pad32(x)
    out = np.empty(len(x), dtype=np.float64)
    for i, img in enumerate(x):
        lap = cv2.Laplacian(img.astype(np.float32) / 255.0, cv2.CV_32F, ksize=1,
                            borderType=cv2.BORDER_REPLICATE)
        out[i] = float(np.abs(lap).mean())
    return out


@functools.lru_cache(maxsize=1)
def class_thresholds():
    """The 99th percentile of hf over the official test images of each class: [10]."""
    imgs, labels = fmnist.load("test")
    hf = high_frequency_energy(imgs)
    return np.array([np.percentile(hf[labels == c], PERCENTILE)
                     for c in range(fmnist.NUM_CLASSES)])


def artifact_flags(imgs_u8, class_ids):
    """Boolean [N]: image i's hf exceeds the threshold of its intended class class_ids[i]."""
    thr = class_thresholds()
    return high_frequency_energy(imgs_u8) > thr[np.asarray(class_ids, dtype=np.int64)]


def artifact_rate(imgs_u8, class_ids):
    """The fraction of artifact images (0 for an empty set)."""
    flags = artifact_flags(imgs_u8, class_ids)
    return float(flags.mean()) if len(flags) else 0.0


def folder_rate(out_dir):
    """(artifact rate, count) of a datasetsink folder, by its manifest's intended classes."""
    rows = benchlib.read_manifest(out_dir)
    if not rows:
        return 0.0, 0
    imgs = benchlib.read_images(out_dir, rows)
    return artifact_rate(imgs, [r["class_id"] for r in rows]), len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", help="datasetsink output folders (with manifest.jsonl)")
    args = ap.parse_args()
    for d in args.dirs:
        rate, n = folder_rate(d)
        print(json.dumps({"dir": d, "images": n, "artifact_rate": rate}))


if __name__ == "__main__":
    main()
