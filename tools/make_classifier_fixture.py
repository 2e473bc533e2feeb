#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Writes the standalone-classifier fixtures: an analytic TorchScript classifier and its descriptions.
"""Write tests/fixtures/classifiers/.

analytic.pt is a TorchScript classifier with a closed form, so tests can check
its outputs exactly: for x [B,C,H,W] in [-1, 1] and K classes with constant
prototypes mu_k = -0.5 + 0.5 k, logits_k = -10 * mean((x - mu_k)^2).
It is described by analytic.json (8x8 grey, classes "a", "b", "c", pad fit).
The bytes are deterministic for a given torch version. Broken fixtures for the
error paths:
  mismatch.pt + mismatch.json   the description lists 2 classes, the module returns 3;
  corrupt.pt + corrupt.json     corrupt.pt is not a TorchScript file;
  badspec.pt + badspec.json     the description lacks "channels".

Usage: /usr/bin/python3 tools/make_classifier_fixture.py [--out DIR]
"""
import argparse
import io
import json
import os
import shutil
import zipfile

import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Analytic(torch.nn.Module):
    def __init__(self, num_classes: int):
        super().__init__()
        self.register_buffer("mu", -0.5 + 0.5 * torch.arange(num_classes, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d = (x.unsqueeze(1) - self.mu.view(1, -1, 1, 1, 1)) ** 2
        return -10.0 * d.flatten(2).mean(2)


def save(module, path):
    """torch.jit.save without the *.debug_pkl records (they hold the path the script ran from)
    and with fixed timestamps, so the bytes depend only on the code and the torch version."""
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            if info.filename.endswith(".debug_pkl"):
                continue
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)),
                          zin.read(info.filename))
    with open(path, "wb") as f:
        f.write(out.getvalue())


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "classifiers"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    spec = {"class_names": ["a", "b", "c"], "resolution": [8, 8], "channels": 1,
            "value_range": [-1.0, 1.0], "fit": "pad",
            "formula": "logits_k = -10 * mean((x - mu_k)^2), mu_k = -0.5 + 0.5 k",
            "command": "tools/make_classifier_fixture.py"}
    save(Analytic(3), os.path.join(args.out, "analytic.pt"))
    write_json(os.path.join(args.out, "analytic.json"), spec)

    shutil.copyfile(os.path.join(args.out, "analytic.pt"), os.path.join(args.out, "mismatch.pt"))
    write_json(os.path.join(args.out, "mismatch.json"), dict(spec, class_names=["a", "b"]))

    with open(os.path.join(args.out, "corrupt.pt"), "wb") as f:
        f.write(b"PK\x03\x04 this is not a TorchScript archive")
    write_json(os.path.join(args.out, "corrupt.json"), spec)

    shutil.copyfile(os.path.join(args.out, "analytic.pt"), os.path.join(args.out, "badspec.pt"))
    write_json(os.path.join(args.out, "badspec.json"),
               {k: v for k, v in spec.items() if k != "channels"})
    print("classifier fixtures written to %s" % args.out)


if __name__ == "__main__":
    main()
