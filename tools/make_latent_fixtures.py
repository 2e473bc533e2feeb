#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Writes the analytic latent, text-conditioned test bundle and its broken variants (docs/bundles.md).
"""Write the latent text bundles of the tests under tests/fixtures/bundles/.

  latent-tiny/  RGB, non-square 8x12 images in [-1, 1], classes "a", "b", "c" with 2, 1 and
                3 prompts, SD1.5's scheduler (scaled_linear 0.00085..0.012, 1000 steps,
                leading, steps_offset 1, set_alpha_to_one false). Latents [4, 4, 6]
                (downsampling factor 2), scaling_factor 0.5, L = 4, D = 8.
    vae_decoder  linear: x = pixel_shuffle(A u + b, 2), A [12,4], b [12]; u = z / 0.5.
    vae_encoder  its exact left inverse: u = A^+ (pixel_unshuffle(x, 2) - b).
    prompts      every prompt of class c has mu_c (the class's constant latent, in the
                 scaled latent space) in row 0, columns 0..3, and the prompt index in
                 column 4; the unconditional embedding has mu = 0.
    denoiser     the exact eps for latent data that is the constant mu read from the
                 prompt embedding, plus a control term:
                   eps = (z_t - sqrt(a_t) mu) / sqrt(1 - a_t) + 0.1 s avgpool2(mean_c control)
    classifier   logits_k = -10 * mean((x - m_k)^2), m_k = decode(mu_k) (the class's image),
                 with input range [0, 1], mean 0.5, std 0.5 (so it sees [-1, 1] again).
  latent-tiny-bf16/  latent-tiny's modules computing in bfloat16 ("dtype": "bfloat16"): each is
                wrapped to cast its float inputs to bfloat16 and return float32, as
                docs/bundles.md §2 asks of a reduced-precision export.
  bad-text-missing-class/     text.prompts and prompts.pt counts cover 2 of 3 classes
  bad-text-wrong-length/      prompts.pt embeddings [6, 5, 8] for L = 4
  bad-text-wrong-dim/         prompts.pt embeddings [6, 4, 9] for D = 8
  bad-latent-decoder-scale/   vae_decoder upsamples by 4 for a factor of 2
  bad-latent-denoiser-shape/  the denoiser returns [B, 4, 2, 3]
  bad-latent-frozen-scale/    the denoiser ignores control_scale (a trace-frozen 1.0)
  bad-latent-no-vae/          "space": "latent" without files.vae_encoder / vae_decoder

Deterministic: the same torch version writes the same bytes.
Usage: /usr/bin/python3 tools/make_latent_fixtures.py [--out tests/fixtures/bundles]
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_test_fixtures import fresh_dir, save, write_json  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLASS_NAMES = ["a", "b", "c"]
PROMPTS = [["a photo of a", "a drawing of a"], ["a photo of b"],
           ["a photo of c", "a drawing of c", "a painting of c"]]
H, W, C, CZ, FACTOR = 8, 12, 3, 4, 2
L, D = 4, 8
SCALING_FACTOR = 0.5
SCHEDULE = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012,
            "num_train_timesteps": 1000}
CONTROL_GAIN = 0.1
LOGIT_SCALE = 10.0


def alphas_cumprod():
    betas = torch.linspace(SCHEDULE["beta_start"] ** 0.5, SCHEDULE["beta_end"] ** 0.5,
                           SCHEDULE["num_train_timesteps"], dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


def class_latents():
    """mu_c [3, CZ] in the scaled latent space; rows differ in every channel."""
    return torch.tensor([[-0.6, 0.3, 0.0, 0.5], [0.2, -0.4, 0.6, -0.3], [0.5, 0.5, -0.5, 0.1]])


def decoder_weights():
    """A [C*f*f, CZ] of full column rank and b [C*f*f], fixed."""
    g = torch.Generator().manual_seed(5)
    a = torch.randn(C * FACTOR * FACTOR, CZ, generator=g, dtype=torch.float64) * 0.25
    b = torch.randn(C * FACTOR * FACTOR, generator=g, dtype=torch.float64) * 0.1
    return a, b


class LinearDecoder(torch.nn.Module):
    def __init__(self, factor: int = FACTOR):
        super().__init__()
        a, b = decoder_weights()
        if factor != FACTOR:  # the wrong-scale variant: repeat the map for the larger shuffle
            reps = (factor * factor) // (FACTOR * FACTOR)
            a, b = a.repeat(reps, 1), b.repeat(reps)
        self.register_buffer("a", a.to(torch.float32))
        self.register_buffer("b", b.to(torch.float32))
        self.factor = factor

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        y = torch.einsum("oc,bchw->bohw", self.a, u) + self.b.view(1, -1, 1, 1)
        return F.pixel_shuffle(y, self.factor)


class LinearEncoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        a, b = decoder_weights()
        self.register_buffer("a_pinv", torch.linalg.pinv(a).to(torch.float32))
        self.register_buffer("b", b.to(torch.float32))
        self.factor = FACTOR

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.pixel_unshuffle(x, self.factor) - self.b.view(1, -1, 1, 1)
        return torch.einsum("co,bohw->bchw", self.a_pinv, y)


class OracleDenoiser(torch.nn.Module):
    """eps = (z_t - sqrt(a_t) mu) / sqrt(1 - a_t) + 0.1 s avgpool(mean_c control),
    mu = encoder_hidden_states[:, 0, :4]."""

    def __init__(self, out_size: int = 0, use_scale: bool = True):
        super().__init__()
        self.register_buffer("alphas_cumprod", alphas_cumprod())
        self.out_size = out_size
        self.use_scale = use_scale
        self.factor = FACTOR
        self.control_gain = CONTROL_GAIN

    def forward(self, latents: torch.Tensor, t: torch.Tensor, encoder_hidden_states: torch.Tensor,
                control: torch.Tensor, control_scale: torch.Tensor) -> torch.Tensor:
        a = self.alphas_cumprod[t]
        sqrt_a = torch.sqrt(a).to(latents.dtype).view(-1, 1, 1, 1)
        sqrt_1ma = torch.sqrt(1.0 - a).to(latents.dtype).view(-1, 1, 1, 1)
        mu = encoder_hidden_states[:, 0, :4].to(latents.dtype)[:, :, None, None]
        k = F.avg_pool2d(control.mean(dim=1, keepdim=True), self.factor)
        s = control_scale.to(latents.dtype).view(-1, 1, 1, 1)
        if not self.use_scale:
            s = torch.ones_like(s)
        eps = (latents - sqrt_a * mu) / sqrt_1ma + self.control_gain * s * k
        if self.out_size > 0:
            eps = eps[:, :, :self.out_size, :self.out_size]
        return eps


class TablePrompts(torch.nn.Module):
    def __init__(self, embeddings: torch.Tensor, counts: torch.Tensor, unconditional: torch.Tensor):
        super().__init__()
        self.register_buffer("embeddings", embeddings)
        self.register_buffer("counts", counts)
        self.register_buffer("unconditional", unconditional)

    def forward(self, index: torch.Tensor) -> torch.Tensor:
        return self.embeddings.index_select(0, index)


class Bf16Denoiser(torch.nn.Module):
    """The oracle on bfloat16 inputs (it computes in its inputs' dtype), float32 out."""

    def __init__(self):
        super().__init__()
        self.inner = OracleDenoiser()  # alphas_cumprod stays float64: it is indexed, not computed

    def forward(self, latents: torch.Tensor, t: torch.Tensor, encoder_hidden_states: torch.Tensor,
                control: torch.Tensor, control_scale: torch.Tensor) -> torch.Tensor:
        bf = torch.bfloat16
        return self.inner(latents.to(bf), t, encoder_hidden_states.to(bf), control.to(bf),
                          control_scale.to(bf)).float()


class Bf16Module(torch.nn.Module):
    """A one-input module with its buffers in bfloat16: bfloat16 inside, float32 at the boundary."""

    def __init__(self, inner: torch.nn.Module):
        super().__init__()
        self.inner = inner.to(torch.bfloat16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x.to(torch.bfloat16)).float()


def prompt_table(prompts=PROMPTS, length=L, dim=D):
    mu = class_latents()
    rows = []
    for c, lst in enumerate(prompts):
        for i in range(len(lst)):
            e = torch.zeros(length, dim)
            e[0, :CZ] = mu[c]
            e[0, CZ] = float(i)
            e[1:, :] = 0.01 * (c + 1)
            rows.append(e)
    counts = torch.tensor([len(x) for x in prompts], dtype=torch.int64)
    return TablePrompts(torch.stack(rows), counts, torch.zeros(length, dim))


class ImageClassifier(torch.nn.Module):
    """logits_k = -10 * mean((x - m_k)^2) on x preprocessed from [0,1] with mean/std 0.5."""

    def __init__(self):
        super().__init__()
        with torch.no_grad():
            images = LinearDecoder()(class_latents()[:, :, None, None].expand(-1, -1, H // FACTOR,
                                                                                W // FACTOR)
                                     / SCALING_FACTOR)
        self.register_buffer("class_images", images.contiguous())
        self.logit_scale = LOGIT_SCALE

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d = (x.unsqueeze(1) - self.class_images.unsqueeze(0)) ** 2
        return -self.logit_scale * d.flatten(2).mean(2)


def manifest(name, prompt_lists=PROMPTS, **files):
    f = {"denoiser": "denoiser.pt", "classifier": "classifier.pt",
         "vae_encoder": "vae_encoder.pt", "vae_decoder": "vae_decoder.pt",
         "prompts": "prompts.pt"}
    f.update(files)
    return {
        "format": "higfa-bundle", "version": 1, "name": name,
        "resolution": [H, W], "channels": C, "value_range": [-1.0, 1.0], "fit": "pad",
        "space": "latent", "prediction_type": "epsilon", "timestep_spacing": "leading",
        "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False,
        "schedule": dict(SCHEDULE),
        "conditioning": "text", "num_classes": len(CLASS_NAMES), "null_class": len(CLASS_NAMES),
        "class_names": list(CLASS_NAMES),
        "contour": {"blur_size": 3, "blur_sigma": 0.0, "low_threshold": 50,
                    "high_threshold": 150, "l2_gradient": False},
        "latent": {"channels": CZ, "downsampling_factor": FACTOR,
                   "scaling_factor": SCALING_FACTOR},
        "control": {"channels": C},
        "text": {"sequence_length": L, "embedding_dim": D, "prompts": prompt_lists,
                 "unconditional_prompt": ""},
        "files": f,
        "classifier": {"resolution": [H, W], "channels": C, "value_range": [0.0, 1.0],
                       "fit": "pad", "mean": [0.5] * C, "std": [0.5] * C},
        "provenance": {
            "command": "/usr/bin/python3 tools/make_latent_fixtures.py",
            "denoiser": "analytic: eps = (z_t - sqrt(a_t) mu) / sqrt(1 - a_t) + 0.1 s "
                        "avgpool2(mean_c control), mu = encoder_hidden_states[:, 0, :4]",
            "vae": "linear: x = pixel_shuffle(A z / 0.5 + b, 2); the encoder is its left inverse",
            "classifier": "analytic: logits_k = -10 * mean((x - decode(mu_k))^2)",
        },
    }


TINY = {k: "../latent-tiny/" + v for k, v in
        (("denoiser", "denoiser.pt"), ("classifier", "classifier.pt"),
         ("vae_encoder", "vae_encoder.pt"), ("vae_decoder", "vae_decoder.pt"),
         ("prompts", "prompts.pt"))}


def others(*own):
    return {k: v for k, v in TINY.items() if k not in own}


def write_broken(out):
    d = fresh_dir(out, "bad-text-missing-class")
    save(prompt_table(PROMPTS[:2]), os.path.join(d, "prompts.pt"))
    write_json(os.path.join(d, "manifest.json"),
               manifest("bad-text-missing-class", PROMPTS[:2], **others("prompts")))

    d = fresh_dir(out, "bad-text-wrong-length")
    save(prompt_table(length=L + 1), os.path.join(d, "prompts.pt"))
    write_json(os.path.join(d, "manifest.json"),
               manifest("bad-text-wrong-length", **others("prompts")))

    d = fresh_dir(out, "bad-text-wrong-dim")
    save(prompt_table(dim=D + 1), os.path.join(d, "prompts.pt"))
    write_json(os.path.join(d, "manifest.json"),
               manifest("bad-text-wrong-dim", **others("prompts")))

    d = fresh_dir(out, "bad-latent-decoder-scale")
    save(LinearDecoder(factor=2 * FACTOR), os.path.join(d, "vae_decoder.pt"))
    write_json(os.path.join(d, "manifest.json"),
               manifest("bad-latent-decoder-scale", **others("vae_decoder")))

    d = fresh_dir(out, "bad-latent-denoiser-shape")
    save(OracleDenoiser(out_size=2), os.path.join(d, "denoiser.pt"))
    write_json(os.path.join(d, "manifest.json"),
               manifest("bad-latent-denoiser-shape", **others("denoiser")))

    d = fresh_dir(out, "bad-latent-frozen-scale")
    save(OracleDenoiser(use_scale=False), os.path.join(d, "denoiser.pt"))
    write_json(os.path.join(d, "manifest.json"),
               manifest("bad-latent-frozen-scale", **others("denoiser")))

    m = manifest("bad-latent-no-vae", **TINY)
    del m["files"]["vae_encoder"], m["files"]["vae_decoder"]
    write_json(os.path.join(fresh_dir(out, "bad-latent-no-vae"), "manifest.json"), m)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "bundles"))
    args = ap.parse_args(argv)
    d = fresh_dir(args.out, "latent-tiny")
    save(OracleDenoiser(), os.path.join(d, "denoiser.pt"))
    save(LinearEncoder(), os.path.join(d, "vae_encoder.pt"))
    save(LinearDecoder(), os.path.join(d, "vae_decoder.pt"))
    save(prompt_table(), os.path.join(d, "prompts.pt"))
    save(ImageClassifier(), os.path.join(d, "classifier.pt"))
    write_json(os.path.join(d, "manifest.json"), manifest("latent-tiny"))
    d = fresh_dir(args.out, "latent-tiny-bf16")
    save(Bf16Denoiser(), os.path.join(d, "denoiser.pt"))
    save(Bf16Module(LinearEncoder()), os.path.join(d, "vae_encoder.pt"))
    save(Bf16Module(LinearDecoder()), os.path.join(d, "vae_decoder.pt"))
    save(Bf16Module(ImageClassifier()), os.path.join(d, "classifier.pt"))
    m = manifest("latent-tiny-bf16", prompts=TINY["prompts"])
    m["dtype"] = "bfloat16"
    write_json(os.path.join(d, "manifest.json"), m)
    write_broken(args.out)
    print("wrote the latent test bundles to %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
