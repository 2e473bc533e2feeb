#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Reads higfa output in a PyTorch training loop: a manifest Dataset and a WebDataset tar stream.
"""PyTorch readers for what higfa pipelines write (docs/scale-out.md shows them in context).

- ManifestDataset: the ImageFolder tree + manifest.jsonl that datasetsink writes (one shard, or
  the merged manifest of tools/merge_manifests.py); map-style, shuffles freely.
- WebDatasetStream: the tar stream that webdatasetmux writes, from shard files
  (multifilesink), from a TCP server (tcpserversink: "tcp://HOST:PORT") or by accepting one
  connection from tcpclientsink ("listen://HOST:PORT"); iterable-style, shard files are split
  between DataLoader workers. Needs only the standard library and torch (the `webdataset`
  package is not needed); PNG decoding uses OpenCV.

Demo: one epoch of a linear classifier over a dataset, printing the loss:

    /usr/bin/python3 examples/torch_readers.py out/manifest.jsonl
    /usr/bin/python3 examples/torch_readers.py 'out/shard-*.tar'
    /usr/bin/python3 examples/torch_readers.py listen://127.0.0.1:5000
"""
import glob
import json
import os
import socket
import sys
import tarfile

import cv2
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, IterableDataset, get_worker_info


def decode_png(data, channels=None):
    """PNG bytes -> float tensor [C, H, W] in [0, 1]. `channels` None keeps what is stored (1
    for grey, 3 for RGB, alpha dropped); 1 converts to grey (BT.601), 3 to RGB, so that images of
    both kinds can be batched together."""
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError("not a PNG image")
    if img.ndim == 3 and img.shape[2] == 4:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    if channels == 1 and img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if img.ndim == 2:
        img = img[:, :, None] if channels != 3 else cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    else:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    return torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1).float() / 255.0


class ManifestDataset(Dataset):
    """(image [C, H, W] f32 in [0, 1], class id, manifest line) per manifest.jsonl line; paths
    are relative to the manifest's directory. `channels`: as for decode_png()."""

    def __init__(self, manifest, channels=None):
        self.channels = channels
        if os.path.isdir(manifest):
            manifest = os.path.join(manifest, "manifest.jsonl")
        self.root = os.path.dirname(os.path.abspath(manifest))
        with open(manifest, encoding="utf-8") as f:
            self.lines = [json.loads(line) for line in f if line.strip()]

    def __len__(self):
        return len(self.lines)

    def __getitem__(self, i):
        line = self.lines[i]
        with open(os.path.join(self.root, line["path"]), "rb") as f:
            image = decode_png(f.read(), self.channels)
        return image, line["class_id"], line


def _open_source(source):
    """A binary file object for a tar file path, tcp://HOST:PORT or listen://HOST:PORT."""
    if source.startswith(("tcp://", "listen://")):
        scheme, address = source.split("://", 1)
        host, port = address.rsplit(":", 1)
        if scheme == "tcp":
            conn = socket.create_connection((host, int(port)))
        else:
            with socket.create_server((host, int(port))) as server:
                conn, _ = server.accept()
        return conn.makefile("rb")
    return open(source, "rb")


def iterate_samples(fileobj):
    """Yields {"__key__": key, ext: bytes, ...} per sample of a WebDataset tar stream, grouping
    consecutive members by key (the name up to its first dot), as WebDataset readers do."""
    sample = None
    with tarfile.open(fileobj=fileobj, mode="r|") as tar:
        for member in tar:
            if not member.isfile():
                continue
            key, ext = os.path.basename(member.name).split(".", 1)
            if sample is not None and sample["__key__"] != key:
                yield sample
                sample = None
            if sample is None:
                sample = {"__key__": key}
            sample[ext] = tar.extractfile(member).read()
    if sample is not None:
        yield sample


class WebDatasetStream(IterableDataset):
    """(image [C, H, W] f32 in [0, 1], class id, json dict) per sample of webdatasetmux output.

    `sources`: tar file paths or glob patterns, "tcp://HOST:PORT" or "listen://HOST:PORT".
    Files are split between DataLoader workers (worker w of n reads files w, w + n, ...); a
    socket is read by one worker only, so use num_workers=0 (or one worker) for it. Samples
    without a .cls member have class id -1. `channels`: as for decode_png()."""

    def __init__(self, sources, channels=None):
        self.channels = channels
        if isinstance(sources, str):
            sources = [sources]
        self.sources = []
        for s in sources:
            matches = [] if "://" in s else sorted(glob.glob(s))
            self.sources += matches or [s]

    def __iter__(self):
        info = get_worker_info()
        mine = self.sources if info is None else self.sources[info.id::info.num_workers]
        for source in mine:
            with _open_source(source) as f:
                for sample in iterate_samples(f):
                    label = int(sample["cls"]) if "cls" in sample else -1
                    meta = json.loads(sample["json"]) if "json" in sample else {}
                    yield decode_png(sample["png"], self.channels), label, meta


def _collate(batch):
    images, labels, metas = zip(*batch)
    return torch.stack(images), torch.tensor(labels), list(metas)


def train_one_epoch(dataset, num_classes, batch_size=8):
    """One epoch of a linear classifier; returns (samples seen, mean loss)."""
    torch.manual_seed(0)  # the demo's own model initialisation
    loader = DataLoader(dataset, batch_size=batch_size, collate_fn=_collate)
    model, optimiser, seen, total = None, None, 0, 0.0
    for images, labels, _ in loader:
        if model is None:
            model = torch.nn.Sequential(torch.nn.Flatten(),
                                        torch.nn.Linear(images[0].numel(), num_classes))
            optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        seen += len(labels)
        total += loss.item() * len(labels)
    return seen, total / max(seen, 1)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    source = argv[1]
    if source.endswith(".jsonl") or os.path.isdir(source):
        dataset = ManifestDataset(source, channels=1)
        num_classes = max(line["class_id"] for line in dataset.lines) + 1
    else:
        dataset = WebDatasetStream(argv[1:], channels=1)
        num_classes = int(os.environ.get("NUM_CLASSES", "10"))
    seen, loss = train_one_epoch(dataset, num_classes)
    print("epoch 0: %d samples, mean loss %.4f" % (seen, loss))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
