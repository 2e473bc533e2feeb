#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# tools/export_diffusers_bundle.py: its command line and its export path on fake modules.
"""Run with /usr/bin/python3 tests/tools/test_export_diffusers.py (exit 0 on success).

The export path (wrapping, tracing, prompt table, manifest) runs on small fake modules with
diffusers' call signatures, so it is tested where diffusers is not installed. The comparison
against real diffusers modules is tests/tools/test_export_diffusers_real.py."""
import atexit
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import zlib
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(REPO, "tools", "export_diffusers_bundle.py")
CHECKER = os.path.join(REPO, "tools", "check_bundle.py")
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(0, os.path.join(REPO, "tests"))
import check_bundle  # noqa: E402
import export_diffusers_bundle as edb  # noqa: E402
from runtests import run_tests  # noqa: E402

torch.set_num_threads(1)
TMP = tempfile.mkdtemp(prefix="higfa-export-")
atexit.register(shutil.rmtree, TMP, True)

# --------------------------------------------------------------------------- fake modules
# Each has the call signature the exporter uses of its diffusers counterpart; sizes are tiny.

WIDTH, CZ, L, D, F_VAE = 8, 4, 12, 16, 2


def time_features(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) / half * torch.arange(half, device=t.device).float())
    a = t.float()[:, None] * freqs[None]
    return torch.cat([a.sin(), a.cos()], 1)


class FakeUNet(nn.Module):
    """unet(sample, timestep, encoder_hidden_states, down_block_additional_residuals,
    mid_block_additional_residual, return_dict) with one down and one up level."""

    def __init__(self):
        super().__init__()
        self.config = SimpleNamespace(in_channels=CZ)
        self.conv_in = nn.Conv2d(CZ, WIDTH, 3, padding=1)
        self.time = nn.Linear(WIDTH, WIDTH)
        self.text = nn.Linear(D, WIDTH)
        self.down = nn.Conv2d(WIDTH, WIDTH, 3, stride=2, padding=1)
        self.mid = nn.Conv2d(WIDTH, WIDTH, 3, padding=1)
        self.up = nn.Conv2d(2 * WIDTH, WIDTH, 3, padding=1)
        self.conv_out = nn.Conv2d(WIDTH, CZ, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states, down_block_additional_residuals=None,
                mid_block_additional_residual=None, return_dict=True):
        emb = self.time(time_features(timestep, WIDTH).to(sample.dtype))
        emb = emb + self.text(encoder_hidden_states.tanh().mean(1))
        h0 = self.conv_in(sample) + emb[:, :, None, None]
        h1 = self.down(F.silu(h0))
        if down_block_additional_residuals is not None:
            r0, r1 = down_block_additional_residuals
            h0, h1 = h0 + r0, h1 + r1
        m = self.mid(F.silu(h1))
        if mid_block_additional_residual is not None:
            m = m + mid_block_additional_residual
        u = F.interpolate(m, scale_factor=2.0, mode="nearest")
        out = self.conv_out(F.silu(self.up(torch.cat([u, h0], 1))))
        return (out,) if not return_dict else SimpleNamespace(sample=out)


class FakeControlNet(nn.Module):
    """controlnet(sample, timestep, encoder_hidden_states, controlnet_cond, conditioning_scale,
    return_dict) -> (down residuals, mid residual); controlnet_cond at pixel resolution."""

    def __init__(self):
        super().__init__()
        self.config = SimpleNamespace(conditioning_channels=3)
        self.cond = nn.Conv2d(3, WIDTH, F_VAE, stride=F_VAE)
        self.conv_in = nn.Conv2d(CZ, WIDTH, 3, padding=1)
        self.time = nn.Linear(WIDTH, WIDTH)
        self.text = nn.Linear(D, WIDTH)
        self.down = nn.Conv2d(WIDTH, WIDTH, 3, stride=2, padding=1)
        self.out0, self.out1, self.out_mid = (nn.Conv2d(WIDTH, WIDTH, 1) for _ in range(3))

    def forward(self, sample, timestep, encoder_hidden_states, controlnet_cond,
                conditioning_scale=1.0, return_dict=True):
        emb = self.time(time_features(timestep, WIDTH).to(sample.dtype))
        emb = emb + self.text(encoder_hidden_states.tanh().mean(1))
        h0 = self.conv_in(sample) + self.cond(controlnet_cond) + emb[:, :, None, None]
        h1 = self.down(F.silu(h0))
        down = [self.out0(h0) * conditioning_scale, self.out1(h1) * conditioning_scale]
        mid = self.out_mid(F.silu(h1)) * conditioning_scale
        if not return_dict:
            return down, mid
        return SimpleNamespace(down_block_res_samples=down, mid_block_res_sample=mid)


class FakeVAE(nn.Module):
    """vae.encode(x).latent_dist.mean and vae.decode(z, return_dict=False)[0], factor 2."""

    def __init__(self):
        super().__init__()
        self.config = SimpleNamespace(block_out_channels=[8, 16], scaling_factor=0.5)
        self.enc = nn.Conv2d(3, 2 * CZ, F_VAE, stride=F_VAE)
        self.dec = nn.Conv2d(CZ, 3, 3, padding=1)

    def encode(self, x, return_dict=True):
        mean, logvar = self.enc(x).chunk(2, 1)
        dist = SimpleNamespace(mean=mean, logvar=logvar)
        return SimpleNamespace(latent_dist=dist) if return_dict else (dist,)

    def decode(self, z, return_dict=True):
        x = 1.05 * torch.tanh(self.dec(F.interpolate(z, scale_factor=2.0, mode="nearest")))
        return (x,) if not return_dict else SimpleNamespace(sample=x)


class FakeTokenizer:
    """tokenizer(texts, padding="max_length", max_length=, truncation=, return_tensors="pt")."""
    model_max_length = L

    def __call__(self, texts, padding=None, max_length=None, truncation=False,
                 return_tensors=None):
        assert padding == "max_length" and max_length == L and return_tensors == "pt", \
            (padding, max_length, return_tensors)
        rows = []
        for text in texts:
            ids = [1] + [10 + zlib.crc32(w.encode()) % 90 for w in text.split()] + [2]
            if truncation:
                ids = ids[:L - 1] + [2] if len(ids) > L else ids
            rows.append(ids + [0] * (L - len(ids)))
        return SimpleNamespace(input_ids=torch.tensor(rows, dtype=torch.int64))


class FakeTextEncoder(nn.Module):
    """text_encoder(ids) -> (last_hidden_state [N,L,D], pooled)."""

    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(100, D)
        self.pos = nn.Parameter(torch.randn(L, D))
        self.mix = nn.Linear(D, D)

    def forward(self, input_ids):
        h = self.mix(torch.tanh(self.tok(input_ids) + self.pos))
        h = h + 0.1 * h.cumsum(1)
        return h, h[:, -1]


SCHEDULER_CONFIG = {"_class_name": "DDIMScheduler", "beta_start": 0.001, "beta_end": 0.015,
                    "beta_schedule": "scaled_linear", "num_train_timesteps": 1000,
                    "prediction_type": "v_prediction", "steps_offset": 1,
                    "timestep_spacing": "trailing", "set_alpha_to_one": False,
                    "clip_sample": False, "skip_prk_steps": True, "trained_betas": None}
CLASSES = ["001.Black_footed_Albatross\tBlack-footed Albatross",
           "002.Laysan_Albatross\tLaysan Albatross", "017.Cardinal", "050.Eared_Grebe"]
PROMPT_FILE = {
    "meta_classes": {"albatross": {"classes": ["001.Black_footed_Albatross",
                                               "002.Laysan_Albatross"],
                                   "prompts": ["a photo of a {}, a seabird",
                                               "a {} gliding over the ocean"]}},
    "classes": {"017.Cardinal": ["a photo of a {}, a red songbird in snow"]},
    "default": ["a photo of a {}, a type of bird"]}
EXPECTED_PROMPTS = [
    ["a photo of a Black-footed Albatross, a seabird",
     "a Black-footed Albatross gliding over the ocean"],
    ["a photo of a Laysan Albatross, a seabird", "a Laysan Albatross gliding over the ocean"],
    ["a photo of a 017.Cardinal, a red songbird in snow"],
    ["a photo of a 050.Eared Grebe, a type of bird"]]
CLASSIFIER_SPEC = {"resolution": [32, 32], "channels": 3, "value_range": [0.0, 1.0],
                   "fit": "center_crop", "resize_size": 36, "mean": edb.IMAGENET_MEAN,
                   "std": edb.IMAGENET_STD}
RESOLUTION = [16, 24]


def make_parts(controlnet=True, seed=0):
    torch.manual_seed(seed)
    classifier = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                               nn.Flatten(), nn.Linear(8, 1000))
    edb.resize_final_layer(classifier, len(CLASSES))  # a torchvision-like 1000-class head
    vae = FakeVAE()
    return edb.Parts(unet=FakeUNet(), vae=vae, text_encoder=FakeTextEncoder(),
                     tokenizer=FakeTokenizer(), scheduler_config=dict(SCHEDULER_CONFIG),
                     classifier=classifier, controlnet=FakeControlNet() if controlnet else None,
                     unet_in_channels=CZ,
                     vae_block_out_channels=vae.config.block_out_channels,
                     vae_scaling_factor=vae.config.scaling_factor, control_channels=3)


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def make_spec(dtype="fp32"):
    names, shown = edb.read_classes(write("classes.txt", "\n".join(CLASSES) + "\n"))
    prompts = edb.file_prompts(write("prompts.json", json.dumps(PROMPT_FILE)), names, shown)
    return edb.Spec(name="fake", class_names=names, prompts=prompts,
                    negative_prompt="blurry, low quality", resolution=list(RESOLUTION),
                    device="cpu", dtype=dtype, classifier=dict(CLASSIFIER_SPEC),
                    provenance={"command": "test", "sources": {"model": "fake"}})


_EXPORTS = {}


def exported(kind):
    """(bundle directory, parts, manifest) of one export, made once: "fp32", "bf16" (the same
    weights in bfloat16), "plain" (no ControlNet)."""
    if kind not in _EXPORTS:
        parts = make_parts(controlnet=kind != "plain")
        out = os.path.join(TMP, kind)
        manifest = edb.export_bundle(out, parts, make_spec("bf16" if kind == "bf16" else "fp32"))
        _EXPORTS[kind] = (out, parts, manifest)
    return _EXPORTS[kind]


def load(out, name):
    return torch.jit.load(os.path.join(out, name)).eval()


def denoiser_inputs(B, seed=1):
    g = torch.Generator().manual_seed(seed)
    H, W = RESOLUTION
    return [torch.randn(B, CZ, H // F_VAE, W // F_VAE, generator=g),
            torch.randint(0, 1000, (B,), generator=g), torch.randn(B, L, D, generator=g),
            (torch.rand(B, 3, H, W, generator=g) > 0.7).float(), torch.full((B,), 0.8)]


def run(*args, env=None):
    p = subprocess.run([sys.executable] + list(args), cwd=REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, env=env)
    return p.returncode, p.stdout


# --------------------------------------------------------------------------- (a) command line

def cli_args(out):
    weights = os.path.join(TMP, "weights.pt")
    torch.save({"fc.weight": torch.zeros(4, 8)}, weights)
    return [TOOL, "--model", "runwayml/stable-diffusion-v1-5", "--out", out, "--classes",
            write("classes.txt", "\n".join(CLASSES) + "\n"), "--classifier-arch", "resnet50",
            "--classifier-weights", weights]


def test_help_runs_without_diffusers():
    rc, out = run(TOOL, "--help")
    assert rc == 0, (rc, out)
    for opt in ("--controlnet", "--classifier-arch", "--prompt-template", "--dtype", "--device",
                "--classifier-resize-size", "meta_classes"):
        assert opt in out, "%s not in --help" % opt


def assert_one_line_refusal(rc, out, *parts):
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert rc == 2 and len(lines) == 1, (rc, out)
    assert lines[0].startswith("export_diffusers_bundle.py: "), out
    assert all(p in lines[0] for p in parts), (parts, out)


def test_export_without_diffusers_is_one_line_exit_2():
    # Real absence where diffusers is not installed; an import made to fail where it is.
    out = os.path.join(TMP, "no-diffusers")
    shim = ("import sys, runpy; sys.modules['diffusers'] = None; sys.argv = sys.argv[1:]; "
            "runpy.run_path(sys.argv[0], run_name='__main__')")
    rc, text = run("-c", shim, *cli_args(out))
    assert_one_line_refusal(rc, text, "needs diffusers and transformers",
                            "pip install diffusers transformers safetensors", "not found:")
    try:
        import diffusers  # noqa: F401
    except ImportError:
        rc, text = run(*cli_args(out))
        assert_one_line_refusal(rc, text, "needs diffusers and transformers",
                                "not found: No module named 'diffusers'")
    assert not os.path.exists(out) or not os.listdir(out)


def test_fp16_on_cpu_is_refused_in_one_line():
    rc, text = run(*cli_args(os.path.join(TMP, "fp16")), "--device", "cpu", "--dtype", "fp16")
    assert_one_line_refusal(rc, text, "--dtype fp16 needs --device cuda")


def test_prompt_file_mistakes_are_refused_by_name():
    names, shown = edb.read_classes(write("classes.txt", "\n".join(CLASSES) + "\n"))
    cases = [({"classes": {"017.Cardinal": ["a photo"]}, "default": ["a {}"]}, "{}"),
             ({"classes": {"Robin": ["a {}"]}, "default": ["a {}"]}, "'Robin' is not in"),
             ({"classes": {"017.Cardinal": ["a {}"]}}, "no prompts for class"),
             ({"meta_classes": {"m": {"classes": ["017.Cardinal"], "prompts": ["a {}"]},
                                "n": {"classes": ["017.Cardinal"], "prompts": ["b {}"]}},
               "default": ["a {}"]}, "already in meta-class"),
             ({"prompt": ["a {}"]}, "unknown key")]
    for spec, words in cases:
        try:
            edb.file_prompts(write("bad.json", json.dumps(spec)), names, shown)
        except edb.ExportError as e:
            assert words in str(e) and "\n" not in str(e), (words, str(e))
        else:
            raise AssertionError("accepted %s" % spec)


def test_unsupported_scheduler_configs_are_refused():
    for key, value, words in (("clip_sample", True, "clip_sample"),
                              ("timestep_spacing", "linspace", "timestep_spacing"),
                              ("prediction_type", "sample", "prediction_type"),
                              ("trained_betas", [0.1, 0.2], "trained_betas"),
                              ("thresholding", True, "thresholding"),
                              ("rescale_betas_zero_snr", True, "rescale_betas_zero_snr")):
        cfg = dict(SCHEDULER_CONFIG, **{key: value})
        try:
            edb.scheduler_fields(cfg)
        except edb.ExportError as e:
            assert words in str(e) and "docs/bundles.md" in str(e) and "\n" not in str(e), e
        else:
            raise AssertionError("accepted %s = %r" % (key, value))


# --------------------------------------------------------------------------- (c) fake modules

def test_fake_export_passes_check_bundle():
    for kind in ("fp32", "bf16", "plain"):
        out = exported(kind)[0]
        rc, text = run(CHECKER, out)
        assert rc == 0 and "valid bundle" in text and "ERROR" not in text, (kind, text)
        assert sorted(os.listdir(out)) == ["classifier.pt", "denoiser.pt", "manifest.json",
                                           "prompts.pt", "vae_decoder.pt", "vae_encoder.pt"]


def test_traced_denoiser_equals_the_eager_wrapper():
    out, parts, _ = exported("fp32")
    traced = load(out, "denoiser.pt")
    eager = edb.Denoiser(parts.unet, parts.controlnet)
    for B in (1, 3):
        x = denoiser_inputs(B)
        with torch.no_grad():
            a, b = traced(*x), eager(*x)
        assert a.dtype == torch.float32 and a.shape == x[0].shape
        assert torch.allclose(a, b, rtol=1e-5, atol=1e-6), (a - b).abs().max()


def test_control_scale_multiplies_each_residual_per_sample():
    out, parts, _ = exported("fp32")
    traced = load(out, "denoiser.pt")
    x, t, e, c, _ = denoiser_inputs(3)
    scale = torch.tensor([0.0, 1.0, 0.5])
    with torch.no_grad():
        got = traced(x, t, e, c, scale)
        for i, s in enumerate(scale.tolist()):
            sl = slice(i, i + 1)
            down, mid = parts.controlnet(x[sl], t[sl], encoder_hidden_states=e[sl],
                                         controlnet_cond=c[sl], conditioning_scale=s,
                                         return_dict=False)
            want = parts.unet(x[sl], t[sl], encoder_hidden_states=e[sl],
                              down_block_additional_residuals=down,
                              mid_block_additional_residual=mid, return_dict=False)[0]
            assert torch.allclose(got[sl], want, rtol=1e-5, atol=1e-6), (s, (got[sl] - want))


def test_control_scale_zero_removes_the_control():
    out, parts, _ = exported("fp32")
    traced = load(out, "denoiser.pt")
    x, t, e, c, _ = denoiser_inputs(3)
    zero, one = torch.zeros(3), torch.ones(3)
    with torch.no_grad():
        assert torch.equal(traced(x, t, e, c, zero), traced(x, t, e, 1 - c, zero))
        assert not torch.allclose(traced(x, t, e, c, one), traced(x, t, e, 1 - c, one))
        # With scale 0 the output is the UNet's without residuals.
        plain = parts.unet(x, t, encoder_hidden_states=e, return_dict=False)[0]
        assert torch.allclose(traced(x, t, e, c, zero), plain, rtol=1e-5, atol=1e-6)


def test_without_controlnet_the_control_is_ignored():
    out, parts, m = exported("plain")
    traced = load(out, "denoiser.pt")
    x, t, e, c, _ = denoiser_inputs(2)
    with torch.no_grad():
        assert torch.equal(traced(x, t, e, c, torch.ones(2)), traced(x, t, e, 1 - c,
                                                                     torch.zeros(2)))
        want = parts.unet(x, t, encoder_hidden_states=e, return_dict=False)[0]
        assert torch.allclose(traced(x, t, e, c, torch.ones(2)), want, rtol=1e-5, atol=1e-6)
    assert "control" not in m


def test_bf16_export_keeps_a_float32_boundary_and_is_close_to_fp32():
    out32 = exported("fp32")[0]
    out16, _, m = exported("bf16")
    assert (m["dtype"], m["device"]) == ("bfloat16", "cpu")
    x = denoiser_inputs(3)
    d32, d16 = load(out32, "denoiser.pt"), load(out16, "denoiser.pt")
    assert {p.dtype for p in d16.parameters()} == {torch.bfloat16}
    sample = x[0].clone().requires_grad_(True)
    y16 = d16(sample, *x[1:])
    y32 = d32(*x).detach()
    assert y16.dtype == torch.float32, y16.dtype
    rel = (y16.detach() - y32).abs().max() / y32.abs().max()
    assert rel < 0.05, "bf16 vs fp32 denoiser: relative difference %.3g" % rel
    g, = torch.autograd.grad(y16.sum(), sample)
    assert g.dtype == torch.float32 and torch.isfinite(g).all() and g.abs().sum() > 0
    z = torch.randn(2, CZ, RESOLUTION[0] // F_VAE, RESOLUTION[1] // F_VAE, requires_grad=True)
    img16 = load(out16, "vae_decoder.pt")(z)
    img32 = load(out32, "vae_decoder.pt")(z)
    assert img16.dtype == torch.float32 and (img16 - img32).abs().max() < 0.05
    g, = torch.autograd.grad(img16.sum(), z)
    assert g.dtype == torch.float32
    xc = torch.rand(2, 3, 32, 32)
    l16, l32 = load(out16, "classifier.pt")(xc), load(out32, "classifier.pt")(xc)
    assert l16.dtype == torch.float32 and (l16 - l32).abs().max() < 0.05 * l32.abs().max() + 1e-2


def test_prompt_table_rows_are_the_text_encoders_outputs_in_order():
    out, parts, m = exported("fp32")
    assert m["text"]["prompts"] == EXPECTED_PROMPTS, m["text"]["prompts"]
    assert m["text"]["unconditional_prompt"] == "blurry, low quality"
    assert (m["text"]["sequence_length"], m["text"]["embedding_dim"]) == (L, D)
    table = load(out, "prompts.pt")
    assert table.counts.tolist() == [2, 2, 1, 1]
    tok, enc = FakeTokenizer(), parts.text_encoder
    row = 0
    with torch.no_grad():
        for prompts in EXPECTED_PROMPTS:
            for p in prompts:
                want = enc(tok([p], padding="max_length", max_length=L, truncation=True,
                               return_tensors="pt").input_ids)[0][0]
                assert torch.equal(table.embeddings[row], want), (row, p)
                row += 1
        want = enc(tok(["blurry, low quality"], padding="max_length", max_length=L,
                       truncation=True, return_tensors="pt").input_ids)[0][0]
    assert row == table.embeddings.shape[0]
    flat = table.embeddings.flatten(1)
    assert all(not torch.equal(flat[i], flat[j]) for i in range(row) for j in range(i))
    assert torch.equal(table.unconditional, want)
    assert table.embeddings.dtype == torch.float32


def test_manifest_copies_the_scheduler_config_and_the_model_sizes():
    _, parts, m = exported("fp32")
    cfg = SCHEDULER_CONFIG
    for key in ("prediction_type", "timestep_spacing", "steps_offset", "set_alpha_to_one",
                "clip_sample"):
        assert m[key] == cfg[key], (key, m[key], cfg[key])
    for key in ("beta_schedule", "beta_start", "beta_end", "num_train_timesteps"):
        assert m["schedule"][key] == cfg[key], (key, m["schedule"][key])
    assert set(m["schedule"]) == {"beta_schedule", "beta_start", "beta_end",
                                  "num_train_timesteps"}
    assert "skip_prk_steps" not in m and "_class_name" not in m
    assert m["latent"] == {"channels": CZ, "downsampling_factor": 2, "scaling_factor": 0.5}
    assert m["control"] == {"channels": 3} and m["resolution"] == RESOLUTION
    assert (m["space"], m["conditioning"], m["channels"]) == ("latent", "text", 3)
    assert m["class_names"] == [c.split("\t")[0] for c in CLASSES] and m["null_class"] == 4
    assert m["classifier"] == CLASSIFIER_SPEC
    assert (m["device"], m["dtype"]) == ("cpu", "float32")
    assert m["provenance"]["command"] == "test"


def test_vae_and_classifier_traces_equal_the_modules():
    out, parts, _ = exported("fp32")
    H, W = RESOLUTION
    x = 2 * torch.rand(3, 3, H, W) - 1
    z = torch.randn(3, CZ, H // F_VAE, W // F_VAE)
    xc = torch.rand(3, 3, 32, 32)
    with torch.no_grad():
        assert torch.allclose(load(out, "vae_encoder.pt")(x),
                              parts.vae.encode(x).latent_dist.mean, atol=1e-6)
        assert torch.allclose(load(out, "vae_decoder.pt")(z), parts.vae.decode(z).sample,
                              atol=1e-6)
        assert torch.allclose(load(out, "classifier.pt")(xc), parts.classifier(xc), atol=1e-6)


def test_resize_final_layer_replaces_the_last_linear():
    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Sequential(nn.Dropout(), nn.Linear(6, 9)))
    assert edb.resize_final_layer(model, 3) == "2.1"
    assert model(torch.randn(2, 4)).shape == (2, 3) and model[0].out_features == 6


STAND_INS = {
    "diffusers": """
import sys, torch
sys.path.insert(0, %r)
from test_export_diffusers import (FakeUNet, FakeControlNet, FakeVAE, FakeTextEncoder,
                                   FakeTokenizer, SCHEDULER_CONFIG)
__version__ = "0-stand-in"
class StableDiffusionPipeline:
    @classmethod
    def from_pretrained(cls, model, **kw):
        assert kw["safety_checker"] is None and kw["torch_dtype"] == torch.float32, kw
        torch.manual_seed(0)
        p = cls()
        p.unet, p.vae, p.text_encoder = FakeUNet(), FakeVAE(), FakeTextEncoder()
        p.tokenizer, p.scheduler = FakeTokenizer(), type("S", (), {"config": SCHEDULER_CONFIG})
        return p
class ControlNetModel:
    @staticmethod
    def from_pretrained(path, **kw):
        return FakeControlNet()
""" % os.path.dirname(os.path.abspath(__file__)),
    "transformers": "__version__ = '0-stand-in'\n",
    "torchvision": """
import types, torch.nn as nn
__version__ = "0-stand-in"
def resnet50(weights=None):
    body = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten())
    return nn.Sequential(body, nn.Linear(8, 1000))
models = types.SimpleNamespace(resnet50=resnet50)
"""}


def test_command_line_export_with_stand_in_packages():
    # The command line's path from arguments to a checked bundle, with stand-in diffusers,
    # transformers and torchvision packages that hand out the fake modules.
    pkgs = os.path.join(TMP, "stand-ins")
    for name, code in STAND_INS.items():
        os.makedirs(os.path.join(pkgs, name), exist_ok=True)
        with open(os.path.join(pkgs, name, "__init__.py"), "w") as f:
            f.write(code)
    sys.path.insert(0, pkgs)
    try:
        import torchvision
        model = torchvision.models.resnet50()
    finally:
        sys.path.remove(pkgs)
        sys.modules.pop("torchvision", None)
    edb.resize_final_layer(model, len(CLASSES))
    weights = os.path.join(TMP, "resnet50-birds.pt")  # a DataParallel checkpoint
    torch.save({"state_dict": {"module." + k: v for k, v in model.state_dict().items()}},
               weights)
    out = os.path.join(TMP, "cli")
    args = [TOOL, "--model", "org/sd", "--controlnet", "org/canny", "--out", out,
            "--classes", write("classes.txt", "\n".join(CLASSES) + "\n"),
            "--prompt-template", "a photo of a {}, a type of bird", "--classifier-arch",
            "resnet50", "--classifier-weights", weights, "--classifier-resolution", "32",
            "--resolution", "16", "24"]
    rc, text = run(*args, env=dict(os.environ, PYTHONPATH=pkgs))
    assert rc == 0 and "wrote " + out in text and "ERROR" not in text, text
    with open(os.path.join(out, "manifest.json")) as f:
        m = json.load(f)
    p = m["provenance"]
    assert p["command"] == " ".join(shlex.quote(a) for a in args), p["command"]
    assert p["sources"]["controlnet"] == "org/canny" and p["date"].endswith("Z")
    assert p["versions"]["diffusers"] == "0-stand-in" and "torchvision" in p["versions"]
    assert m["text"]["prompts"][0] == ["a photo of a Black-footed Albatross, a type of bird"]
    assert m["classifier"]["resize_size"] == 37 and m["classifier"]["resolution"] == [32, 32]
    x = torch.rand(2, 3, 32, 32)
    with torch.no_grad():
        assert torch.allclose(load(out, "classifier.pt")(x), model(x), atol=1e-6)
    rc, text = run(*args, env=dict(os.environ, PYTHONPATH=pkgs))
    assert_one_line_refusal(rc, text, "is not empty", "--overwrite")


if __name__ == "__main__":
    run_tests(globals())
