#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Smoke test: tools/train_latent_bundle.py --smoke trains a few steps and exports a valid latent bundle.
"""Run with /usr/bin/python3 tests/tools/test_latent_training_smoke.py (exit 0 on success).

One smoke run (256 training images, 3 steps per stage) into a temporary directory, then
checks on what it wrote: tools/check_bundle.py passes, the manifest declares what the
contract and the training recipe say, scaling_factor is 1 / std of the exported encoder's
latents, and --export-only from the same checkpoints writes the same modules.
Needs the Fashion-MNIST IDX files (dataset-fashion-mnist); skips otherwise.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(REPO, "tools")
sys.path.insert(0, TOOLS)
sys.path.insert(0, os.path.join(REPO, "tests"))
import fmnist  # noqa: E402
from runtests import run_tests, skip_without_fashion_mnist  # noqa: E402

TMP = None
MODULES = ("denoiser.pt", "vae_encoder.pt", "vae_decoder.pt", "prompts.pt", "classifier.pt")


def run(*args):
    cmd = [sys.executable] + list(args)
    p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s" % (" ".join(cmd), p.returncode, p.stdout[-3000:]))
    return p.stdout


def bundle():
    return os.path.join(TMP, "bundle")


def manifest():
    with open(os.path.join(bundle(), "manifest.json")) as f:
        return json.load(f)


def smoke_run(out):
    run(os.path.join(TOOLS, "train_latent_bundle.py"), "--smoke", "--work",
        os.path.join(TMP, "work"), "--out", out)


def test_check_bundle_passes_on_the_export():
    out = run(os.path.join(TOOLS, "check_bundle.py"), bundle())
    assert "valid bundle" in out and "ERROR" not in out, out


def test_manifest_declares_the_latent_text_contract():
    m = manifest()
    assert (m["space"], m["conditioning"]) == ("latent", "text")
    assert m["latent"]["channels"] == 4 and m["latent"]["downsampling_factor"] == 4
    assert m["schedule"] == {"beta_schedule": "scaled_linear", "beta_start": 0.00085,
                             "beta_end": 0.012, "num_train_timesteps": 1000}
    assert (m["prediction_type"], m["timestep_spacing"], m["steps_offset"],
            m["set_alpha_to_one"], m["clip_sample"]) == ("epsilon", "leading", 1, False, False)
    assert m["class_names"] == fmnist.CLASS_NAMES and m["null_class"] == 10
    prompts = m["text"]["prompts"]
    assert len(prompts) == 10 and all(len(p) >= 4 for p in prompts), prompts
    assert all(len(set(p)) == len(p) for p in prompts), "duplicate prompts"
    assert "a studio photo of a pair of trousers" in prompts[1], prompts[1]
    assert m["text"]["unconditional_prompt"] == ""
    assert m["classifier"]["mean"] == [0.0] and m["classifier"]["std"] == [1.0]
    assert m["provenance"]["data"] == "Fashion-MNIST train 0-49999"
    assert "--smoke" in m["provenance"]["command"]
    assert m["provenance"]["reconstruction"]["images"] == 200
    assert os.path.exists(os.path.join(bundle(), "README.md"))


def test_scaling_factor_is_one_over_the_latent_std():
    import torch
    enc = torch.jit.load(os.path.join(bundle(), "vae_encoder.pt"))
    imgs, _ = fmnist.load("train")
    x = torch.from_numpy(fmnist.to_model_range(imgs[:256]))
    with torch.no_grad():
        std = enc(x).std().item()
    sf = manifest()["latent"]["scaling_factor"]
    assert abs(sf * std - 1.0) < 1e-4, (sf, std)


def test_prompt_table_rows_follow_the_manifest():
    import torch
    table = torch.jit.load(os.path.join(bundle(), "prompts.pt"))
    prompts = manifest()["text"]["prompts"]
    assert table.counts.tolist() == [len(p) for p in prompts]
    e = table.embeddings
    assert list(e.shape) == [sum(len(p) for p in prompts), 16, 64]
    assert torch.equal(table(torch.tensor([0, 7])), e[[0, 7]])
    # every prompt has its own embedding (distinct token sequences, distinct rows)
    flat = e.reshape(e.shape[0], -1)
    assert torch.cdist(flat, flat).add(torch.eye(len(flat))).min() > 0


def test_classifier_is_the_pixel_bundles():
    with open(os.path.join(bundle(), "classifier.pt"), "rb") as a, \
            open(os.path.join(REPO, "models", "fashion-mnist", "classifier.pt"), "rb") as b:
        assert a.read() == b.read()


def test_export_only_rewrites_the_same_modules():
    # Same weights and buffers, module for module (the archives' code listings may order
    # constants differently: Python's string hashing varies between processes).
    import torch
    again = os.path.join(TMP, "again")
    run(os.path.join(TOOLS, "train_latent_bundle.py"), "--smoke", "--export-only", "--work",
        os.path.join(TMP, "work"), "--out", again)
    for f in MODULES:
        a = torch.jit.load(os.path.join(bundle(), f)).state_dict()
        b = torch.jit.load(os.path.join(again, f)).state_dict()
        assert a.keys() == b.keys(), f
        assert all(torch.equal(a[k], b[k]) for k in a), f
    with open(os.path.join(again, "manifest.json")) as f:
        m = json.load(f)
    first = manifest()
    for x in (m, first):
        del x["provenance"]["command"]  # names the output directory
    assert m == first


def main():
    global TMP
    if skip_without_fashion_mnist():
        return 0
    TMP = tempfile.mkdtemp(prefix="higfa-latent-smoke-")
    try:
        smoke_run(bundle())
        run_tests(globals())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
