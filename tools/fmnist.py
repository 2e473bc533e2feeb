# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Fashion-MNIST loading, splits, padding and contour maps shared by the training tools.
"""Fashion-MNIST helpers for the default higfa bundle.

Splits (design section 5):
  train images 0-49 999      -> training of the denoiser and the classifiers
  train images 50 000-59 999 -> few-shot pool (evaluation only)
  official t10k set          -> evaluation only

Contours use exactly the defaults of the contourextract element:
  cv2.GaussianBlur(img, (3, 3), 0) then cv2.Canny(blurred, 50, 150, apertureSize=3,
  L2gradient=False), computed on the 28x28 image, then padded by 2 px with 0 to 32x32.
"""
import gzip
import os
import struct
import time

import numpy as np

DATA_DIR = os.environ.get("HIGFA_FMNIST_DIR", "/usr/share/datasets/fashion-mnist")

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
NUM_CLASSES = 10
NULL_CLASS = 10

TRAIN_RANGE = (0, 50000)
POOL_RANGE = (50000, 60000)

CONTOUR_DEFAULTS = {"blur_size": 3, "blur_sigma": 0.0, "low_threshold": 50,
                    "high_threshold": 150, "l2_gradient": False}


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims).copy()


def _path(name):
    p = os.path.join(DATA_DIR, name)
    if os.path.exists(p):
        return p
    if os.path.exists(p + ".gz"):
        return p + ".gz"
    raise FileNotFoundError("%s(.gz) not found; install the Debian package "
                            "dataset-fashion-mnist or set HIGFA_FMNIST_DIR" % p)


def load(split):
    """Return (images uint8 [N,28,28], labels int64 [N]) for 'train', 'pool' or 'test'."""
    if split in ("train", "pool", "train_all"):
        imgs = _read_idx(_path("train-images-idx3-ubyte"))
        labels = _read_idx(_path("train-labels-idx1-ubyte")).astype(np.int64)
        if split == "train":
            a, b = TRAIN_RANGE
        elif split == "pool":
            a, b = POOL_RANGE
        else:
            a, b = 0, len(imgs)
        return imgs[a:b], labels[a:b]
    if split == "test":
        return (_read_idx(_path("t10k-images-idx3-ubyte")),
                _read_idx(_path("t10k-labels-idx1-ubyte")).astype(np.int64))
    raise ValueError("unknown split %r" % split)


def canny(img28):
    """Edge map (uint8 0/255, 28x28) with the contourextract defaults."""
    import cv2
    blurred = cv2.GaussianBlur(img28, (3, 3), 0)
    return cv2.Canny(blurred, 50, 150, apertureSize=3, L2gradient=False)


def contours(imgs):
    """Edge maps for a stack of uint8 28x28 images -> uint8 [N,28,28] (0/255)."""
    out = np.empty_like(imgs)
    for i in range(len(imgs)):
        out[i] = canny(np.ascontiguousarray(imgs[i]))
    return out


def pad32(arr):
    """Pad [...,28,28] by 2 px of 0 on each side to [...,32,32]."""
    pad = [(0, 0)] * (arr.ndim - 2) + [(2, 2), (2, 2)]
    return np.pad(arr, pad, mode="constant", constant_values=0)


def to_model_range(imgs_u8):
    """uint8 [N,28,28] -> float32 [N,1,32,32] in [-1,1] (padded with background)."""
    x = pad32(imgs_u8).astype(np.float32) / 127.5 - 1.0
    return x[:, None]


def contour_tensor(edges_u8):
    """uint8 0/255 [N,28,28] -> float32 [N,1,32,32] in [0,1]."""
    return (pad32(edges_u8).astype(np.float32) / 255.0)[:, None]


def from_model_range(x):
    """float [N,1,32,32] in [-1,1] (numpy) -> uint8 [N,28,28] (padding cropped)."""
    x = np.asarray(x)[:, 0, 2:30, 2:30]
    return np.clip(np.rint((x + 1.0) * 127.5), 0, 255).astype(np.uint8)


def cached_contours(split, imgs, cache_dir=None):
    """Contours for a whole split, cached as .npy (outside the repository by default)."""
    cache_dir = cache_dir or os.environ.get("HIGFA_CACHE_DIR",
                                            os.path.join(os.path.expanduser("~"), ".cache", "higfa"))
    path = os.path.join(cache_dir, "fmnist_%s_edges_%d.npy" % (split, len(imgs)))
    if os.path.exists(path):
        arr = np.load(path)
        if arr.shape == imgs.shape:
            return arr
    arr = contours(imgs)
    try:
        os.makedirs(cache_dir, exist_ok=True)
        np.save(path, arr)
    except OSError:
        pass
    return arr


def training_logger(out_dir):
    """Creates out_dir; returns say(msg), which prints a timestamped line and appends it to
    out_dir/train.log (flushed, so an interrupted run keeps its log)."""
    os.makedirs(out_dir, exist_ok=True)
    log = open(os.path.join(out_dir, "train.log"), "a")

    def say(msg):
        line = "[%s] %s" % (time.strftime("%H:%M:%S"), msg)
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    return say
