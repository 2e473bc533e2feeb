#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Assembles the default model bundle (TorchScript files and manifest.json) from the training outputs.
"""Assemble models/fashion-mnist/ (and models/judge/) from a training work directory.

Expects WORK/denoiser/{denoiser.pt,train_summary.json},
WORK/classifier/{classifier.pt,train_summary.json}, WORK/filter/{filter_classifier.pt,
train_summary.json} and WORK/judge/{judge.pt,train_summary.json} as written by
train_denoiser.py and train_classifier.py. Checks the modules' signatures (shapes,
dtypes, any batch size, gradients w.r.t. the input) before writing the manifest.

--filter-only adds (or replaces) the filter classifier of an existing bundle: it
copies WORK/filter/filter_classifier.pt and records it in the manifest's files and
provenance, leaving the other modules and keys as they are.

Usage: /usr/bin/python3 tools/export_bundle.py --work WORK [--bundle models/fashion-mnist]
       /usr/bin/python3 tools/export_bundle.py --work WORK --filter-only [--bundle DIR]
"""
import argparse
import io
import json
import os
import sys
import zipfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMAND = "tools/make_default_bundle.sh"


def copy_without_debug(src, dst):
    """Copy a TorchScript archive without its *.debug_pkl records (they hold the paths the
    training ran from and serve only error messages), with fixed timestamps, so that the
    bytes depend only on the weights, the code and the torch version."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            if info.filename.endswith(".debug_pkl"):
                continue
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)),
                          zin.read(info.filename))
    with open(dst, "wb") as f:
        f.write(out.getvalue())


def check_denoiser(path):
    m = torch.jit.load(path).eval()
    for B in (1, 3):
        x = torch.randn(B, 1, 32, 32, requires_grad=True)
        t = torch.randint(0, 1000, (B,), dtype=torch.int64)
        c = torch.randint(0, 11, (B,), dtype=torch.int64)
        k = (torch.rand(B, 1, 32, 32) > 0.8).to(torch.float32)
        s = torch.full((B,), 0.8)
        e = m(x, t, c, k, s)
        if e.shape != (B, 1, 32, 32) or e.dtype != torch.float32:
            raise RuntimeError("%s: bad output %s %s" % (path, tuple(e.shape), e.dtype))
        g, = torch.autograd.grad(e.sum(), x)
        if g.shape != x.shape or not torch.isfinite(g).all():
            raise RuntimeError("%s: no usable gradient w.r.t. x_t" % path)


def check_classifier(path, judge=False):
    m = torch.jit.load(path).eval()
    for B in (1, 3):
        x = torch.randn(B, 1, 32, 32).clamp(-1, 1).requires_grad_(True)
        y = m(x)
        if y.shape != (B, 10) or y.dtype != torch.float32:
            raise RuntimeError("%s: bad output %s" % (path, tuple(y.shape)))
        g, = torch.autograd.grad(y[:, 0].sum(), x)
        if g.shape != x.shape:
            raise RuntimeError("%s: no gradient w.r.t. x" % path)
        if judge:
            f = m.features(x)
            if f.dim() != 2 or f.shape[0] != B:
                raise RuntimeError("%s: bad features() output" % path)


def load_summary(d):
    with open(os.path.join(d, "train_summary.json")) as f:
        return json.load(f)


def add_filter(bundle, work, manifest):
    """Copies WORK/filter's filter classifier into `bundle` and records it in `manifest`."""
    fdir = os.path.join(work, "filter")
    sf = load_summary(fdir)
    copy_without_debug(os.path.join(fdir, "filter_classifier.pt"),
                       os.path.join(bundle, "filter_classifier.pt"))
    check_classifier(os.path.join(bundle, "filter_classifier.pt"))
    manifest["files"]["filter_classifier"] = "filter_classifier.pt"
    manifest["provenance"]["filter_classifier"] = {
        "command": "/usr/bin/python3 tools/train_classifier.py --arch filter --seed %d "
                   "--epochs %d --threads %d" % (sf["seed"], sf["epochs"], sf["threads"]),
        "architecture": "strided all-convolutional net, GroupNorm, GELU (tools/higfa_models.py "
                        "FilterNet)",
        "training": "Fashion-MNIST train 0-49999, clean images with shifts and flips only",
        "seed": sf["seed"], "epochs": sf["epochs"], "steps": sf["steps"],
        "parameters": sf["params"], "wall_time_s": sf["wall_time_s"], "threads": sf["threads"],
        "test_top1": sf["test_top1"]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True)
    ap.add_argument("--bundle", default=os.path.join(REPO, "models", "fashion-mnist"))
    ap.add_argument("--judge-dir", default=os.path.join(REPO, "models", "judge"))
    ap.add_argument("--command", default=COMMAND)
    ap.add_argument("--filter-only", action="store_true",
                    help="add WORK/filter's filter classifier to an existing bundle")
    args = ap.parse_args(argv)
    if args.filter_only:
        path = os.path.join(args.bundle, "manifest.json")
        with open(path) as f:
            manifest = json.load(f)
        add_filter(args.bundle, args.work, manifest)
        with open(path, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        print("filter classifier added to %s" % args.bundle)
        return 0

    den_dir = os.path.join(args.work, "denoiser")
    clf_dir = os.path.join(args.work, "classifier")
    jud_dir = os.path.join(args.work, "judge")
    sd, sc, sj = load_summary(den_dir), load_summary(clf_dir), load_summary(jud_dir)
    os.makedirs(args.bundle, exist_ok=True)
    os.makedirs(args.judge_dir, exist_ok=True)
    copy_without_debug(os.path.join(den_dir, "denoiser.pt"), os.path.join(args.bundle, "denoiser.pt"))
    copy_without_debug(os.path.join(clf_dir, "classifier.pt"),
                       os.path.join(args.bundle, "classifier.pt"))
    copy_without_debug(os.path.join(jud_dir, "judge.pt"), os.path.join(args.judge_dir, "judge.pt"))
    check_denoiser(os.path.join(args.bundle, "denoiser.pt"))
    check_classifier(os.path.join(args.bundle, "classifier.pt"))
    check_classifier(os.path.join(args.judge_dir, "judge.pt"), judge=True)

    manifest = {
        "format": "higfa-bundle", "version": 1, "name": "fashion-mnist",
        "resolution": [32, 32], "channels": 1, "value_range": [-1.0, 1.0], "space": "pixel",
        "prediction_type": "epsilon",
        "schedule": {"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02,
                     "num_train_timesteps": 1000},
        "conditioning": "class", "num_classes": fmnist.NUM_CLASSES, "null_class": fmnist.NULL_CLASS,
        "class_names": fmnist.CLASS_NAMES,
        "source_size": [28, 28], "fit": "pad",
        "contour": dict(fmnist.CONTOUR_DEFAULTS),
        "files": {"denoiser": "denoiser.pt", "classifier": "classifier.pt"},
        "classifier": {"resolution": [32, 32], "channels": 1, "value_range": [-1.0, 1.0],
                       "fit": "pad"},
        "provenance": {
            "command": args.command,
            "seeds": {"denoiser": sd["seed"], "classifier": sc["seed"], "judge": sj["seed"]},
            "epochs": {"denoiser": sd["epochs"], "classifier": sc["epochs"], "judge": sj["epochs"]},
            "wall_time_s": {"denoiser": sd["wall_time_s"], "classifier": sc["wall_time_s"],
                            "judge": sj["wall_time_s"]},
            "data": "Fashion-MNIST train 0-49999",
            "torch": "1.13.1",
            "parameters": {"denoiser": sd["params"], "classifier": sc["params"],
                           "judge": sj["params"]},
            "steps": {"denoiser": sd["steps"], "classifier": sc["steps"], "judge": sj["steps"]},
            "threads": {"denoiser": sd["threads"], "classifier": sc["threads"],
                        "judge": sj["threads"]},
        },
    }
    add_filter(args.bundle, args.work, manifest)
    with open(os.path.join(args.bundle, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    # class_names makes the judge usable as a standalone classifier (fgclassifier model=judge.pt).
    judge_meta = {"file": "judge.pt", "purpose": "evaluation only (not part of the bundle)",
                  "class_names": fmnist.CLASS_NAMES,
                  "input": {"resolution": [32, 32], "channels": 1, "value_range": [-1.0, 1.0],
                            "fit": "pad"},
                  "methods": {"forward": "x [B,1,32,32] -> logits [B,10]",
                              "features": "x [B,1,32,32] -> penultimate features [B,128]"},
                  "architecture": "ResNet (4 basic blocks, width 32-128)",
                  "seed": sj["seed"], "epochs": sj["epochs"], "parameters": sj["params"],
                  "wall_time_s": sj["wall_time_s"], "test_top1": sj["test_top1"],
                  "data": "Fashion-MNIST train 0-49999", "command": args.command}
    with open(os.path.join(args.judge_dir, "judge.json"), "w") as f:
        json.dump(judge_meta, f, indent=2)
        f.write("\n")
    print("bundle written to %s, judge to %s" % (args.bundle, args.judge_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
