#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# tools/check_bundle.py passes the valid bundles and names the file and the shape in broken ones.
"""Run with /usr/bin/python3 tests/tools/test_check_bundle.py (exit 0 on success)."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(REPO, "tests", "fixtures", "bundles")
TOOL = os.path.join(REPO, "tools", "check_bundle.py")
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, os.path.join(REPO, "tests"))
import check_bundle  # noqa: E402
import torch  # noqa: E402
from runtests import run_tests  # noqa: E402


def run_tool(directory):
    p = subprocess.run([sys.executable, TOOL, directory], cwd=REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def errors_of(name):
    return check_bundle.check(os.path.join(FIXTURES, name)).errors


def assert_one_error_with(name, *parts):
    errs = errors_of(name)
    hits = [e for e in errs if all(p in e for p in parts)]
    assert hits, "%s: no error with %r among %r" % (name, parts, errs)


def test_every_bundle_under_models_passes():
    bundles = sorted(os.path.dirname(p) for p in glob.glob(os.path.join(REPO, "models", "*",
                                                                         "manifest.json")))
    names = [os.path.basename(b) for b in bundles]
    assert "fashion-mnist" in names and "fashion-mnist-latent" in names, names
    for bundle in bundles:
        rc, out = run_tool(bundle)
        assert rc == 0 and "valid bundle" in out and "ERROR" not in out, out


LATENT = os.path.join(REPO, "models", "fashion-mnist-latent")


def test_latent_bundle_is_small_reproducible_and_measured():
    with open(os.path.join(LATENT, "manifest.json")) as f:
        m = json.load(f)
    total = sum(os.path.getsize(os.path.join(LATENT, v)) for v in m["files"].values())
    assert total < 20 * 1024 * 1024, "modules are %d bytes" % total
    assert (m["space"], m["conditioning"]) == ("latent", "text")
    assert all(len(p) >= 4 for p in m["text"]["prompts"]), m["text"]["prompts"]
    p = m["provenance"]
    assert p["data"] == "Fashion-MNIST train 0-49999"
    assert isinstance(p["seed"], int) and p["command"].split()[1] == "tools/train_latent_bundle.py"
    assert os.path.exists(os.path.join(REPO, p["command"].split()[1]))
    assert p["reconstruction"]["images"] == 10000 and p["reconstruction"]["psnr_db"] > 20
    with open(os.path.join(LATENT, "README.md")) as f:
        readme = f.read()
    assert p["command"] in readme and "Seed %d" % p["seed"] in readme


def test_analytic_fixtures_pass():
    for name in ("latent-tiny", "tiny", "tiny-filter", "gaussian", "gaussian-v"):
        errs = errors_of(name)
        assert errs == [], "%s: %r" % (name, errs)


def test_broken_bundle_exits_1_and_names_the_file():
    rc, out = run_tool(os.path.join(FIXTURES, "bad-latent-decoder-scale"))
    assert rc == 1, (rc, out)
    assert "ERROR" in out and "bad-latent-decoder-scale/vae_decoder.pt" in out, out


def test_not_a_directory_exits_2():
    rc, out = run_tool(os.path.join(FIXTURES, "no-such-bundle"))
    assert rc == 2 and "not a directory" in out, (rc, out)


def test_missing_class_in_prompt_table():
    assert_one_error_with("bad-text-missing-class", "manifest.json", "text.prompts",
                          "3 arrays (num_classes)", "found 2")
    assert_one_error_with("bad-text-missing-class", "prompts.pt", "counts", "expected [3]",
                          "found [2]")


def test_wrong_sequence_length():
    assert_one_error_with("bad-text-wrong-length", "prompts.pt", "embeddings",
                          "expected [6, 4, 8]", "found [6, 5, 8]")


def test_wrong_embedding_dim():
    assert_one_error_with("bad-text-wrong-dim", "prompts.pt", "embeddings",
                          "expected [6, 4, 8]", "found [6, 4, 9]")


def test_decoder_of_wrong_scale():
    assert_one_error_with("bad-latent-decoder-scale", "vae_decoder.pt",
                          "expected shape [1, 3, 8, 12]", "found [1, 3, 16, 24]")
    assert_one_error_with("bad-latent-decoder-scale", "vae_decoder.pt", "expected 2", "found 4")


def test_latent_denoiser_of_wrong_shape():
    assert_one_error_with("bad-latent-denoiser-shape", "denoiser.pt", "latents [1, 4, 4, 6]",
                          "encoder_hidden_states [1, 4, 8]", "expected shape [1, 4, 4, 6]",
                          "found [1, 4, 2, 2]")


def test_control_scale_frozen_into_the_denoiser():
    assert_one_error_with("bad-latent-frozen-scale", "denoiser.pt", "control_scale = 0",
                          "does not depend on control")


def test_latent_bundle_without_vae_files():
    for key in ("files.vae_encoder", "files.vae_decoder"):
        assert_one_error_with("bad-latent-no-vae", "manifest.json", "missing key \"%s\"" % key)


def test_pixel_fixture_defects():
    assert_one_error_with("bad-denoiser-shape", "denoiser.pt", "expected shape [1, 1, 8, 8]",
                          "found [1, 1, 4, 4]")
    assert_one_error_with("bad-classifier-classes", "classifier.pt", "expected shape [1, 3]",
                          "found [1, 2]")
    assert_one_error_with("bad-filter-classes", "filter_classifier.pt", "expected shape [1, 3]",
                          "found [1, 2]")
    assert_one_error_with("bad-corrupt-denoiser", "denoiser.pt", "TorchScript")
    assert_one_error_with("bad-missing-key", "manifest.json", "missing key \"num_classes\"")
    assert_one_error_with("nan", "denoiser.pt", "finite values")


def edited_copy(name, **keys):
    """A temporary copy of fixture `name` whose manifest has `keys` set (None removes one)."""
    d = tempfile.mkdtemp(prefix="higfa-check-")
    src = os.path.join(FIXTURES, name)
    for f in os.listdir(src):
        shutil.copy(os.path.join(src, f), d)
    with open(os.path.join(d, "manifest.json")) as f:
        m = json.load(f)
    for k, v in keys.items():
        if v is None:
            m.pop(k, None)
        else:
            m[k] = v
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(m, f)
    return d


def errors_of_copy(name, **keys):
    d = edited_copy(name, **keys)
    try:
        return check_bundle.check(d).errors
    finally:
        shutil.rmtree(d)


def test_device_and_dtype_values():
    for device, dtype in (("any", "float32"), ("cpu", "float32"), ("cpu", "bfloat16"),
                          ("any", "bfloat16")):
        errs = errors_of_copy("latent-tiny", device=device, dtype=dtype)
        assert errs == [], (device, dtype, errs)
    errs = errors_of_copy("latent-tiny", device="gpu")
    assert any("\"device\"" in e and "\"cuda\"" in e and "found \"gpu\"" in e
               for e in errs), errs
    errs = errors_of_copy("latent-tiny", dtype="int8")
    assert any("\"dtype\"" in e and "\"bfloat16\"" in e and "found \"int8\"" in e
               for e in errs), errs


def test_float16_needs_a_cuda_device():
    for device in ("cpu", None):  # None: the key absent means "any"
        errs = errors_of_copy("latent-tiny", device=device, dtype="float16")
        assert any("manifest.json" in e and "float16" in e and "\"device\": \"cuda\"" in e
                   for e in errs), (device, errs)


def test_cuda_bundle_without_cuda_checks_the_manifest_and_skips_the_probes():
    d = edited_copy("latent-tiny", device="cuda", dtype="float16")
    try:
        rc, out = run_tool(d)
        assert rc == 0 and "valid bundle" in out and "ERROR" not in out, out
        if not torch.cuda.is_available():
            assert "modules not probed" in out and "torch.cuda.is_available() is false" in out, out
        # A manifest defect still fails the check where the probes are skipped.
        os.remove(os.path.join(d, "vae_decoder.pt"))
        rc, out = run_tool(d)
        assert rc == 1 and "vae_decoder.pt: file not found" in out, out
    finally:
        shutil.rmtree(d)


def test_manifest_dim_the_modules_do_not_have():
    # The manifest says D = 3 for a table and a denoiser of D = 8: the table's error names its
    # shape, and the denoiser's probe (with D = 3 inputs) names the input it failed on.
    d = tempfile.mkdtemp(prefix="higfa-check-")
    try:
        src = os.path.join(FIXTURES, "latent-tiny")
        for f in os.listdir(src):
            shutil.copy(os.path.join(src, f), d)
        with open(os.path.join(d, "manifest.json")) as f:
            m = json.load(f)
        m["text"]["embedding_dim"] = 3  # the oracle reads columns 0..3 of D = 8
        with open(os.path.join(d, "manifest.json"), "w") as f:
            json.dump(m, f)
        errs = check_bundle.check(d).errors
        assert any("prompts.pt" in e and "expected [6, 4, 3]" in e and "found [6, 4, 8]" in e
                   for e in errs), errs
        assert any("denoiser.pt" in e and "encoder_hidden_states [1, 4, 3]" in e and "failed" in e
                   for e in errs), errs
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    run_tests(globals())
