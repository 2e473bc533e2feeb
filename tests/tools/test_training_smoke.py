#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Smoke test: each training tool runs a few steps on a small subset, exports, and the exports load.
"""Run with /usr/bin/python3 tests/tools/test_training_smoke.py (exit 0 on success).

Trains the denoiser, the guidance and filter classifiers and the judge for 3 steps on 256
images into a temporary directory, assembles a bundle with export_bundle.py,
checks the TorchScript signatures and runs the evaluator on a handful of samples.
Needs the Fashion-MNIST IDX files (dataset-fashion-mnist); skips otherwise.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(REPO, "tools")
PY = sys.executable
sys.path.insert(0, TOOLS)
sys.path.insert(0, os.path.join(REPO, "tests"))
from runtests import skip_without_fashion_mnist  # noqa: E402


def run(*args):
    cmd = [PY] + list(args)
    p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s" % (" ".join(cmd), p.returncode, p.stdout[-3000:]))
    return p.stdout


def main():
    import torch
    if skip_without_fashion_mnist():
        return 0
    torch.set_num_threads(1)
    tmp = tempfile.mkdtemp(prefix="higfa-smoke-")
    work = os.path.join(tmp, "work")
    small = ["--subset", "256", "--max-steps", "3", "--batch-size", "64", "--threads", "1"]
    tests = []

    def test(fn):
        tests.append(fn)
        return fn

    @test
    def train_denoiser():
        run(os.path.join(TOOLS, "train_denoiser.py"), "--out", os.path.join(work, "denoiser"),
            "--epochs", "1", *small)
        m = torch.jit.load(os.path.join(work, "denoiser", "denoiser.pt"))
        for B in (1, 3):
            e = m(torch.randn(B, 1, 32, 32), torch.randint(0, 1000, (B,)),
                  torch.full((B,), 10, dtype=torch.int64), torch.zeros(B, 1, 32, 32), torch.zeros(B))
            assert e.shape == (B, 1, 32, 32) and e.dtype == torch.float32

    def train_classifier(arch, sub, file):
        """Trains `arch` into WORK/sub and returns its export WORK/sub/file, checked for logits."""
        run(os.path.join(TOOLS, "train_classifier.py"), "--arch", arch, "--epochs", "1",
            "--test-limit", "200", "--out", os.path.join(work, sub), *small)
        m = torch.jit.load(os.path.join(work, sub, file))
        assert m(torch.zeros(3, 1, 32, 32)).shape == (3, 10)
        return m

    @test
    def train_guidance_classifier():
        train_classifier("guidance", "classifier", "classifier.pt")

    @test
    def train_filter_classifier():
        train_classifier("filter", "filter", "filter_classifier.pt")

    @test
    def train_judge():
        m = train_classifier("judge", "judge", "judge.pt")
        assert m.features(torch.zeros(2, 1, 32, 32)).shape[0] == 2

    @test
    def export_and_evaluate():
        bundle = os.path.join(tmp, "bundle")
        jdir = os.path.join(tmp, "judgedir")
        run(os.path.join(TOOLS, "export_bundle.py"), "--work", work, "--bundle", bundle,
            "--judge-dir", jdir)
        for f in ("manifest.json", "denoiser.pt", "classifier.pt", "filter_classifier.pt"):
            assert os.path.exists(os.path.join(bundle, f)), f
        run(os.path.join(TOOLS, "evaluate_bundle.py"), "--bundle", bundle, "--judge",
            os.path.join(jdir, "judge.pt"), "--per-class", "1", "--contour-images", "2",
            "--batch-size", "10", "--test-limit", "200", "--threads", "1", "--work", work)
        for f in ("eval.json", "contact_sheet.png", "contour_sheet.png", "README.md"):
            assert os.path.exists(os.path.join(bundle, f)), f

    passed = failed = 0
    t0 = time.time()
    for fn in tests:
        t = time.time()
        try:
            fn()
            passed += 1
            print("PASS %s (%.1f s)" % (fn.__name__, time.time() - t), flush=True)
        except Exception:
            failed += 1
            print("FAIL %s" % fn.__name__)
            traceback.print_exc()
    shutil.rmtree(tmp, ignore_errors=True)
    print("total %.1f s" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
