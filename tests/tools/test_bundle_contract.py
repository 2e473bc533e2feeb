#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Checks the committed default bundle against the manifest and module contract of design section 5.
"""Run with /usr/bin/python3 tests/tools/test_bundle_contract.py (exit 0 on success)."""
import json
import os
import sys

import torch

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUNDLE = os.path.join(REPO, "models", "fashion-mnist")
JUDGE = os.path.join(REPO, "models", "judge", "judge.pt")
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, os.path.join(REPO, "tests"))
from runtests import run_tests  # noqa: E402

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def manifest():
    with open(os.path.join(BUNDLE, "manifest.json")) as f:
        return json.load(f)


def test_manifest_shape():
    m = manifest()
    expected = {"format": "higfa-bundle", "version": 1, "name": "fashion-mnist",
                "resolution": [32, 32], "channels": 1, "value_range": [-1.0, 1.0],
                "space": "pixel", "prediction_type": "epsilon",
                "schedule": {"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02,
                             "num_train_timesteps": 1000},
                "conditioning": "class", "num_classes": 10, "null_class": 10,
                "class_names": CLASS_NAMES, "source_size": [28, 28], "fit": "pad",
                "contour": {"blur_size": 3, "blur_sigma": 0.0, "low_threshold": 50,
                            "high_threshold": 150, "l2_gradient": False},
                "files": {"denoiser": "denoiser.pt", "classifier": "classifier.pt",
                          "filter_classifier": "filter_classifier.pt"},
                "classifier": {"resolution": [32, 32], "channels": 1, "value_range": [-1.0, 1.0],
                               "fit": "pad"}}
    for k, v in expected.items():
        assert m.get(k) == v, "manifest %s = %r, expected %r" % (k, m.get(k), v)
    assert set(m) == set(expected) | {"provenance"}, sorted(set(m) ^ (set(expected) | {"provenance"}))
    p = m["provenance"]
    for k in ("command", "seeds", "epochs", "wall_time_s", "data", "torch"):
        assert k in p, "provenance lacks %s" % k
    assert p["data"] == "Fashion-MNIST train 0-49999"
    for k in ("denoiser", "classifier"):
        assert isinstance(p["seeds"][k], int) and isinstance(p["epochs"][k], int)
    assert os.path.exists(os.path.join(REPO, p["command"].split()[0]))


def test_files_present_and_small():
    total = 0
    for f in manifest()["files"].values():
        path = os.path.join(BUNDLE, f)
        assert os.path.isfile(path), path
        total += os.path.getsize(path)
    assert total < 20 * 1024 * 1024, "bundle is %d bytes" % total


def _den():
    return torch.jit.load(os.path.join(BUNDLE, "denoiser.pt")).eval()


def _inputs(B, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((B, 1, 32, 32), generator=g)
    t = torch.randint(0, 1000, (B,), generator=g, dtype=torch.int64)
    c = torch.randint(0, 11, (B,), generator=g, dtype=torch.int64)
    k = (torch.rand((B, 1, 32, 32), generator=g) > 0.85).to(torch.float32)
    s = torch.full((B,), 0.8)
    return x, t, c, k, s


def test_denoiser_signature():
    m = _den()
    for B in (1, 3):
        x, t, c, k, s = _inputs(B)
        e = m(x, t, c, k, s)
        assert e.shape == (B, 1, 32, 32) and e.dtype == torch.float32, (e.shape, e.dtype)
        assert torch.isfinite(e).all()
    # batch independence: sample 0 alone equals sample 0 in a batch of 3
    x, t, c, k, s = _inputs(3)
    with torch.no_grad():
        e3 = m(x, t, c, k, s)
        e1 = m(x[:1], t[:1], c[:1], k[:1], s[:1])
    assert torch.allclose(e3[:1], e1, atol=1e-4), float((e3[:1] - e1).abs().max())


def test_denoiser_contour_scale_zero_ignores_contour():
    m = _den()
    x, t, c, k, _ = _inputs(3, seed=1)
    zero = torch.zeros(3)
    with torch.no_grad():
        a = m(x, t, c, k, zero)
        b = m(x, t, c, torch.zeros_like(k), zero)
        d = m(x, t, c, k, torch.full((3,), 0.8))
    assert torch.allclose(a, b, atol=1e-5), float((a - b).abs().max())
    assert (a - d).abs().max() > 1e-3, "the contour has no effect at scale 0.8"


def test_denoiser_gradient_wrt_x():
    m = _den()
    x, t, c, k, s = _inputs(2, seed=2)
    x.requires_grad_(True)
    g, = torch.autograd.grad(m(x, t, c, k, s).pow(2).sum(), x)
    assert g.shape == x.shape and torch.isfinite(g).all() and g.abs().sum() > 0


def test_classifier_signature_and_gradient():
    for name in ("classifier.pt", "filter_classifier.pt"):
        m = torch.jit.load(os.path.join(BUNDLE, name)).eval()
        for B in (1, 3):
            x = (torch.rand(B, 1, 32, 32) * 2 - 1).requires_grad_(True)
            y = m(x)
            assert y.shape == (B, 10) and y.dtype == torch.float32
            g, = torch.autograd.grad(torch.log_softmax(y, 1)[:, 0].sum(), x)
            assert g.shape == x.shape and g.abs().sum() > 0


def test_classifier_accuracy():
    import fmnist
    try:
        imgs, labels = fmnist.load("test")
    except FileNotFoundError:
        print("  (dataset not installed: skipped)")
        return
    x = torch.from_numpy(fmnist.to_model_range(imgs[:500]))
    y = torch.from_numpy(labels[:500])
    for path in (os.path.join(BUNDLE, "classifier.pt"), os.path.join(BUNDLE, "filter_classifier.pt"),
                 JUDGE):
        m = torch.jit.load(path).eval()
        with torch.no_grad():
            acc = (m(x).argmax(1) == y).float().mean().item()
        assert acc >= 0.9, "%s: accuracy %.3f on 500 test images" % (path, acc)


def test_judge_features():
    m = torch.jit.load(JUDGE).eval()
    with torch.no_grad():
        f = m.features(torch.zeros(3, 1, 32, 32))
        y = m(torch.zeros(3, 1, 32, 32))
    assert f.dim() == 2 and f.shape[0] == 3 and y.shape == (3, 10)


if __name__ == "__main__":
    torch.set_num_threads(1)
    run_tests(globals())
