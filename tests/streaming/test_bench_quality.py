#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# The few-shot quality benchmark: its splits, its recipe's pieces and a tiny end-to-end run.
"""Run with /usr/bin/python3 tests/streaming/test_bench_quality.py (exit 0 on success).

Checks that real images are only drawn from the pool's selection half and nest across k, that
validation never overlaps them, that the contact sheet's affine re-draw matches the C++ convention
on simple cases, that classic augmentation only shifts and flips, and runs bench/quality.py on 20
real images with 2 sampler steps: per-mode accuracies, synthetic counts, sources and filter split.
"""
import json
import os
import shutil
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "bench"))
sys.path.insert(0, os.path.join(REPO, "tests"))

import fewshot  # noqa: E402
import quality  # noqa: E402
from runtests import run_tests  # noqa: E402

fmnist = fewshot.fmnist


def plugin_dir():
    path = os.environ.get("GST_PLUGIN_PATH_1_0") or os.environ.get("GST_PLUGIN_PATH") or ""
    return path.split(":")[0] or os.path.join(REPO, "build", "gst-plugin")


def test_reals_come_from_the_selection_half_and_nest():
    _, labels = fmnist.load("pool")
    a10 = fewshot.select_reals(labels, 10, 3)
    assert a10.shape == (10, 10)
    assert (a10 >= fewshot.SELECT[0]).all() and (a10 < fewshot.SELECT[1]).all()
    for cid in range(10):
        assert (labels[a10[cid]] == cid).all()
        assert len(set(a10[cid])) == 10
    assert (fewshot.select_reals(labels, 5, 3) == a10[:, :5]).all()
    assert (fewshot.select_reals(labels, 10, 3) == a10).all()
    assert (fewshot.select_reals(labels, 10, 4) != a10).any()
    assert fewshot.SELECT[1] <= fewshot.VALIDATION[0]
    x, y = fewshot.eval_set("val")
    assert x.shape == (5000, 1, 32, 32) and y.shape == (5000,)
    assert float(x.min()) >= -1.0 and float(x.max()) <= 1.0


def test_affine_redraw_follows_the_recorded_parameters():
    ident = {"rotation_deg": 0.0, "shear_deg": 0.0, "scale": 1.0, "flip": False,
             "translate_x": 0.0, "translate_y": 0.0}
    assert np.allclose(quality.affine_matrix(ident, 32, 32), [[1, 0, 0], [0, 1, 0]])
    flip = dict(ident, flip=True)
    m = quality.affine_matrix(flip, 32, 32)
    assert np.allclose(m @ [0, 5, 1], [31, 5])  # x -> W - 1 - x
    shift = dict(ident, translate_x=0.25, translate_y=-0.5)
    assert np.allclose(quality.affine_matrix(shift, 32, 16) @ [3, 4, 1], [11, -4])
    rot = dict(ident, rotation_deg=90.0)
    c = 15.5
    # OpenCV's convention: +90 degrees turns anticlockwise on screen: (c+1, c) -> (c, c-1)
    assert np.allclose(quality.affine_matrix(rot, 32, 32) @ [c + 1, c, 1], [c, c - 1])


def test_classic_augment_only_shifts_and_flips():
    import torch
    x = -torch.ones(64, 1, 32, 32)
    x[:, :, 10:20, 12:18] = torch.linspace(0, 1, 6)  # a ramp well inside the 3 px margin
    out = fewshot.classic_augment(x, torch.Generator().manual_seed(1))
    assert out.shape == x.shape
    assert torch.allclose(out.sum(dim=(1, 2, 3)), x.sum(dim=(1, 2, 3)))
    flipped = out[:, 0].amax(dim=1)  # per image: the ramp's column maxima, left to right
    first = flipped[flipped > -1].view(64, -1)[:, 0]
    assert (first == 0).any() and (first == 1).any()  # both orientations occur


def test_end_to_end_tiny_run():
    work = tempfile.mkdtemp(prefix="higfa-test-quality-")
    try:
        quality.main(["--plugin-dir", plugin_dir(), "--seeds", "0", "--k", "1,2",
                      "--samples", "2", "--steps", "2", "--train-steps", "5",
                      "--modes", "real,classic,cfg,higfa", "--work", work, "--no-write",
                      "--threads", "1"])
        res = json.load(open(os.path.join(work, "results.json")))
        assert sorted(res["acc"]) == sorted("%s@k=%d" % (m, k) for m in
                                            ("real", "classic", "cfg", "higfa") for k in (1, 2))
        for v in res["acc"].values():
            assert len(v) == 1 and 0.0 <= v[0] <= 1.0
        # the saved run re-renders: same accuracies, conditions of the run kept
        args, again, _, conditions = quality.load_results(os.path.join(work, "results.json"))
        assert again["acc"][("higfa", 2)] == res["acc"]["higfa@k=2"] and "- date:" in conditions
        assert args.k == [1, 2] and args.modes == ["real", "classic", "cfg", "higfa"]
        _, labels = fmnist.load("pool")
        chosen = set(fmnist.POOL_RANGE[0] + int(i) for i in
                     fewshot.select_reals(labels, 2, 0).ravel())
        for mode in ("cfg", "higfa"):
            x, rows = quality.load_synthetic(os.path.join(work, "seed0", mode))
            assert x.shape == (40, 32, 32)  # 20 reals x 2 samples, kept + rejected
            assert set(r["train_index"] for r in rows) == chosen
            assert all(r["provenance"]["mode"] == mode for r in rows)
            m = res["synthetic"][mode][0]
            kept = sum(r["kept"] for r in rows)
            assert abs(m["keep_rate"] - kept / 40.0) < 1e-9
            assert 0.0 <= m["fidelity_before"] <= 1.0 and m["pixel_rmse"] > 0.0
            assert m["feature_dist"] > 0.0
            for r in rows:  # the filter's split follows the label score threshold 0.5
                score = r["classification"]["label_score"]
                assert r["kept"] == (score >= 0.5), (r["id"], score)
        # the contact sheet renders from the same outputs
        args = quality.parse_args(["--seeds", "0", "--k", "1,2", "--samples", "2",
                                   "--modes", "cfg,higfa", "--work", work])
        sheet = os.path.join(work, "sheet.png")
        quality.contact_sheet(args, 0, sheet)
        import cv2
        img = cv2.imread(sheet)
        assert img.shape[0] > 10 * 64 and img.shape[1] > 7 * 64, img.shape
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    run_tests(globals())
