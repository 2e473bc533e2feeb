#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Exports the sample dataset data/samples/: a few real Fashion-MNIST few-shot pool images per class.
"""Write data/samples/ (an ImageFolder tree the main job augments).

For each class, the first --per-class images of the few-shot pool (train indices 50 000-59 999,
never used for training) in index order are written as data/samples/<class dir>/<train index>.png
(28x28 GRAY8). <class dir> is the class name with '/' replaced by '_' ("T-shirt/top" ->
"T-shirt_top"), the rule of higfa::class_dir_name. data/samples/labels.txt lists the exact class
names in class-id order; the datasetsrc element maps a folder to the class whose name or directory
form it equals.

Usage: /usr/bin/python3 tools/export_samples.py [--out DIR] [--per-class N]
"""
import argparse
import os
import shutil
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def class_dir_name(name):
    """Mirror of higfa::class_dir_name for the names used here."""
    out = "".join("_" if c in "/\\" or ord(c) < 0x20 or ord(c) == 0x7F else c for c in name)
    if not out:
        return "_"
    return "_" + out[1:] if out[0] == "." else out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(REPO, "data", "samples"))
    ap.add_argument("--per-class", type=int, default=3)
    args = ap.parse_args()

    images, labels = fmnist.load("pool")
    first = fmnist.POOL_RANGE[0]
    for name in fmnist.CLASS_NAMES:
        shutil.rmtree(os.path.join(args.out, class_dir_name(name)), ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for cls, name in enumerate(fmnist.CLASS_NAMES):
        picks = np.flatnonzero(labels == cls)[: args.per_class]
        d = os.path.join(args.out, class_dir_name(name))
        os.makedirs(d, exist_ok=True)
        for i in picks:
            path = os.path.join(d, "%d.png" % (first + int(i)))
            if not cv2.imwrite(path, images[i]):
                raise RuntimeError("cannot write %s" % path)
            total += 1
    with open(os.path.join(args.out, "labels.txt"), "w", encoding="utf-8") as f:
        f.write("".join(n + "\n" for n in fmnist.CLASS_NAMES))
    print("wrote %d images of %d classes to %s" % (total, len(fmnist.CLASS_NAMES), args.out))


if __name__ == "__main__":
    main()
