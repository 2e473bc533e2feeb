#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Writes the contour parity fixture: pool images and their OpenCV Canny maps with contourextract's defaults.
"""Write tests/fixtures/contour_parity/.

For the first pool image (train index >= 50 000) of each class, writes
img_<index>.pgm (binary P5, 28x28, the image as is) and edges_<index>.pgm
(cv2.GaussianBlur(img, (3, 3), 0) then cv2.Canny(blurred, 50, 150,
apertureSize=3, L2gradient=False); 0/255). A C++ test compares libhigfa's
extractor with these maps; tests/tools/test_contour_parity.py checks that the
training tools compute the same maps.

Usage: /usr/bin/python3 tools/make_contour_parity_fixture.py [--out DIR]
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_pgm(path, img):
    img = np.ascontiguousarray(img, dtype=np.uint8)
    h, w = img.shape
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w, h))
        f.write(img.tobytes())


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    if parts[0] != b"P5" or int(parts[3]) != 255:
        raise ValueError("%s: not an 8-bit binary PGM" % path)
    w, h = int(parts[1]), int(parts[2])
    return np.frombuffer(parts[4][:w * h], dtype=np.uint8).reshape(h, w).copy()


def pick_indices():
    _, labels = fmnist.load("pool")
    out = []
    for c in range(fmnist.NUM_CLASSES):
        out.append(fmnist.POOL_RANGE[0] + int(np.nonzero(labels == c)[0][0]))
    return sorted(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "contour_parity"))
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    imgs, labels = fmnist.load("train_all")
    idx = pick_indices()
    entries = []
    for i in idx:
        img = imgs[i]
        edges = fmnist.canny(np.ascontiguousarray(img))
        write_pgm(os.path.join(args.out, "img_%d.pgm" % i), img)
        write_pgm(os.path.join(args.out, "edges_%d.pgm" % i), edges)
        entries.append({"index": i, "label": int(labels[i]), "edge_pixels": int((edges > 0).sum())})
    import cv2
    meta = {"source": "Fashion-MNIST train images (pool range 50000-59999)",
            "contour": fmnist.CONTOUR_DEFAULTS,
            "recipe": "cv2.GaussianBlur(img, (3, 3), 0); cv2.Canny(blurred, 50, 150, "
                      "apertureSize=3, L2gradient=False)",
            "opencv": cv2.__version__, "images": entries}
    with open(os.path.join(args.out, "fixture.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print("wrote %d image/edge pairs to %s" % (len(idx), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
