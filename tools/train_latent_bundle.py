#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Trains and exports models/fashion-mnist-latent: a latent, prompt-conditioned bundle with a ControlNet.
"""Train the latent, text-conditioned Fashion-MNIST bundle (docs/bundles.md) and export it.

Data: Fashion-MNIST train images 0-49 999 only (28x28 padded to 32x32, [-1, 1]); the pool
(50 000-59 999) is never read and the test set only measures the autoencoder.

Stage 1, autoencoder: 32x32x1 -> 4x8x8 (factor 4), KL-regularised as SD's AutoencoderKL,
  loss MSE + 0.1 L1 + kl_weight KL, sampling z from the posterior. scaling_factor =
  1 / std of the latent means of the training images (SD's recipe: 1 / latents.std()).
Stage 2, jointly: a small transformer text encoder over real prompt strings (6 templates
  per class), a latent UNet with cross-attention over the prompt sequence and a
  ControlNet (pixel-resolution hint encoder, zero-initialised residuals). eps prediction
  on SD1.5's scaled_linear betas (0.00085..0.012, 1000 steps); prompt dropout (the empty
  prompt) for CFG, control dropout (control zeroed and control_scale 0), AdamW with
  warm-up and cosine decay, EMA weights exported.
Export: denoiser.pt, vae_encoder.pt, vae_decoder.pt, prompts.pt (the prompt table: the
  embeddings of every prompt and of the empty prompt, computed once by the EMA text
  encoder, which is not shipped), classifier.pt (the pixel bundle's guidance classifier),
  manifest.json and README.md.

The recorded run (models/fashion-mnist-latent/README.md):
  nice -n 10 /usr/bin/python3 tools/train_latent_bundle.py --out models/fashion-mnist-latent
Smoke run (a few steps on 256 images, for tests):
  /usr/bin/python3 tools/train_latent_bundle.py --smoke --work /tmp/w --out /tmp/bundle
Re-export from a finished run's checkpoints without training: add --export-only.
"""
import argparse
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import higfa_models  # noqa: E402
import latent_models  # noqa: E402
from export_bundle import copy_without_debug  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PIXEL_BUNDLE = os.path.join(REPO, "models", "fashion-mnist")

# The prompts: every class's noun phrase in every template (6 per class).
TEMPLATES = ["a photo of {}", "a studio photo of {}", "a product photo of {}",
             "a black and white photo of {}", "a low resolution photo of {}",
             "a catalogue picture of {}"]
CLASS_PHRASES = ["a t-shirt", "a pair of trousers", "a pullover", "a dress", "a coat",
                 "a sandal", "a shirt", "a sneaker", "a bag", "an ankle boot"]
UNCONDITIONAL_PROMPT = ""
SEQUENCE_LENGTH = 16
SPECIAL_TOKENS = ["<pad>", "<bos>", "<eos>"]

# SD1.5's scheduler_config.json, as the manifest carries it (docs/bundles.md).
SCHEDULE = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012,
            "num_train_timesteps": 1000}
SAMPLING = {"prediction_type": "epsilon", "timestep_spacing": "leading", "steps_offset": 1,
            "set_alpha_to_one": False, "clip_sample": False}


def class_prompts():
    return [[t.format(p) for t in TEMPLATES] for p in CLASS_PHRASES]


class Tokenizer:
    """Lower-case words split on spaces; <bos> words <eos>, padded with <pad> to L."""

    def __init__(self, texts, length):
        words = sorted({w for s in texts for w in s.lower().split()})
        self.vocab = SPECIAL_TOKENS + words
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.length = length

    def __call__(self, texts):
        ids = torch.zeros(len(texts), self.length, dtype=torch.int64)
        for i, s in enumerate(texts):
            toks = [1] + [self.index[w] for w in s.lower().split()] + [2]
            if len(toks) > self.length:
                raise ValueError("prompt %r has %d tokens, more than L = %d"
                                 % (s, len(toks), self.length))
            ids[i, :len(toks)] = torch.tensor(toks)
        return ids


def scaled_linear_alphas_cumprod(beta_start, beta_end, n):
    betas = torch.linspace(beta_start ** 0.5, beta_end ** 0.5, n, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, dim=0).to(torch.float32)


def lr_schedule(base, warmup, total):
    def lr_at(step):
        if step < warmup:
            return base * (step + 1) / warmup
        prog = (step - warmup) / max(1, total - warmup)
        return base * (0.05 + 0.95 * 0.5 * (1.0 + math.cos(math.pi * min(1.0, prog))))
    return lr_at


def ema_update(ema_params, params, step, warmup, decay):
    d = 0.0 if step < warmup else min(decay, (1 + step - warmup) / (10 + step - warmup))
    with torch.no_grad():
        for pe, pm in zip(ema_params, params):
            pe.mul_(d).add_(pm.detach(), alpha=1 - d)


# --------------------------------------------------------------------------- stage 1

def train_autoencoder(args, X, say):
    path = os.path.join(args.work, "autoencoder.pt")
    if os.path.exists(path) and (args.resume or args.export_only):
        ck = torch.load(path)
        say("autoencoder: loaded %s" % path)
        return ck
    if args.export_only:
        raise SystemExit("--export-only: %s not found" % path)
    gen = torch.Generator().manual_seed(args.seed)
    enc, dec = latent_models.Encoder(), latent_models.Decoder()
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=args.ae_lr, weight_decay=1e-5)
    lr_at = lr_schedule(args.ae_lr, 100, args.ae_steps)
    N, bs = len(X), min(args.ae_batch, len(X))
    say("autoencoder: params %d, %d steps, batch %d" % (higfa_models.count_params(enc) +
                                                         higfa_models.count_params(dec),
                                                         args.ae_steps, bs))
    t0 = time.time()
    perm, pos, losses = torch.randperm(N, generator=gen), 0, []
    for step in range(args.ae_steps):
        if pos + bs > N:
            perm, pos = torch.randperm(N, generator=gen), 0
        x = X[perm[pos:pos + bs]]
        pos += bs
        mean, logvar = enc(x)
        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=gen)
        rec = dec(z)
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).mean()
        loss = F.mse_loss(rec, x) + 0.1 * F.l1_loss(rec, x) + args.kl_weight * kl
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        losses.append(F.mse_loss(rec.detach(), x).item())
        if (step + 1) % 100 == 0 or step + 1 == args.ae_steps:
            el = time.time() - t0
            mse = float(np.mean(losses[-100:]))
            say("autoencoder step %d/%d mse %.5f (psnr~%.2f dB on [-1,1]) kl %.3f %.3f s/step"
                % (step + 1, args.ae_steps, mse, 10 * math.log10(4.0 / max(mse, 1e-12)),
                   kl.item(), el / (step + 1)))
    enc.eval()
    dec.eval()
    with torch.no_grad():
        means = torch.cat([enc(X[i:i + 1000])[0] for i in range(0, N, 1000)])
    scaling_factor = float(1.0 / means.std())
    ck = {"encoder": enc.state_dict(), "decoder": dec.state_dict(),
          "scaling_factor": scaling_factor, "wall_time_s": round(time.time() - t0, 1),
          "steps": args.ae_steps, "params": higfa_models.count_params(enc) +
          higfa_models.count_params(dec)}
    torch.save(ck, path)
    say("autoencoder done: scaling_factor %.5f (latent std %.4f), %.0f s"
        % (scaling_factor, 1.0 / scaling_factor, ck["wall_time_s"]))
    return dict(ck, means=means)  # the means are not saved: a resumed run encodes again


def load_autoencoder(ck):
    enc, dec = latent_models.Encoder(), latent_models.Decoder()
    enc.load_state_dict(ck["encoder"])
    dec.load_state_dict(ck["decoder"])
    return enc.eval(), dec.eval()


# --------------------------------------------------------------------------- stage 2

def build_stage2(args, vocab):
    ch = [int(c) for c in args.channels.split(",")]
    text = latent_models.TextEncoder(vocab, SEQUENCE_LENGTH, args.text_dim)
    unet = latent_models.LatentUNet(4, ch, 4 * ch[0], args.text_dim)
    control = latent_models.ControlNet(4, 1, 4, ch, 4 * ch[0], args.text_dim)
    return torch.nn.ModuleDict({"text": text, "unet": unet, "controlnet": control})


def train_diffusion(args, Z, K, Y, tok, ids_table, say):
    path = os.path.join(args.work, "diffusion.pt")
    torch.manual_seed(args.seed + 1)
    model = build_stage2(args, len(tok.vocab))
    ema = build_stage2(args, len(tok.vocab))
    ema.load_state_dict(model.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    gen = torch.Generator().manual_seed(args.seed + 2)
    step, elapsed0 = 0, 0.0
    if os.path.exists(path) and (args.resume or args.export_only):
        ck = torch.load(path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        gen.set_state(ck["gen"])
        torch.set_rng_state(ck["rng"])
        step, elapsed0 = ck["step"], ck["elapsed"]
        say("diffusion: resumed at step %d" % step)
    elif args.export_only:
        raise SystemExit("--export-only: %s not found" % path)
    acp = scaled_linear_alphas_cumprod(SCHEDULE["beta_start"], SCHEDULE["beta_end"],
                                       SCHEDULE["num_train_timesteps"])
    lr_at = lr_schedule(args.lr, args.warmup, args.steps)
    N, bs = len(Z), min(args.batch_size, len(Z))
    P = len(TEMPLATES)
    uncond_index = ids_table.shape[0] - 1
    nparams = {k: higfa_models.count_params(m) for k, m in model.items()}
    say("diffusion: params %s, %d steps, batch %d, %d prompts + the empty one"
        % (nparams, args.steps, bs, uncond_index))
    t0 = time.time()
    losses = []
    perm, pos = torch.randperm(N, generator=gen), 0

    def save(elapsed):
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "gen": gen.get_state(), "rng": torch.get_rng_state(), "step": step,
                    "elapsed": elapsed, "params": nparams}, path)

    while step < args.steps and not args.export_only:
        if pos + bs > N:
            perm, pos = torch.randperm(N, generator=gen), 0
        idx = perm[pos:pos + bs]
        pos += bs
        z0, k, y = Z[idx], K[idx], Y[idx]
        pidx = y * P + torch.randint(0, P, (bs,), generator=gen)
        drop = torch.rand(bs, generator=gen) < args.prompt_dropout
        pidx[drop] = uncond_index
        keep = (torch.rand(bs, generator=gen) >= args.control_dropout).to(torch.float32)
        k = k * keep[:, None, None, None]
        t = torch.randint(0, SCHEDULE["num_train_timesteps"], (bs,), generator=gen)
        eps = torch.randn(z0.shape, generator=gen)
        a = acp[t][:, None, None, None]
        zt = a.sqrt() * z0 + (1 - a).sqrt() * eps
        ctx = model["text"](ids_table)[pidx]
        r0, r1, rm = model["controlnet"](zt, t, ctx, k)
        s = keep[:, None, None, None]
        pred = model["unet"](zt, t, ctx, s * r0, s * r1, s * rm)
        loss = F.mse_loss(pred, eps)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema_update(list(ema.parameters()), list(model.parameters()), step, args.warmup,
                   args.ema_decay)
        losses.append(loss.item())
        step += 1
        if step % 50 == 0 or step == args.steps:
            el = elapsed0 + time.time() - t0
            say("diffusion step %d/%d loss %.4f (avg50 %.4f) lr %.2e %.3f s/step elapsed %.0f s"
                % (step, args.steps, losses[-1], float(np.mean(losses[-50:])), lr_at(step - 1),
                   (time.time() - t0) / max(1, len(losses)), el))
        if step % args.checkpoint_every == 0:
            save(elapsed0 + time.time() - t0)
    wall = elapsed0
    if not args.export_only:
        wall = elapsed0 + time.time() - t0
        save(wall)
    ema.eval()
    return ema, {"steps": step, "wall_time_s": round(wall, 1), "params": nparams,
                 "final_loss_avg100": float(np.mean(losses[-100:])) if losses else None}


# --------------------------------------------------------------------------- export

def script_to(module, path):
    tmp = path + ".tmp"
    torch.jit.script(module).save(tmp)
    copy_without_debug(tmp, path)
    os.remove(tmp)


def reconstruction_psnr(enc, dec, limit):
    """8-bit PSNR of decode(encode(x)) on the official test set's 28x28 images."""
    imgs, _ = fmnist.load("test")
    imgs = imgs[:limit] if limit else imgs
    X = torch.from_numpy(fmnist.to_model_range(imgs))
    with torch.no_grad():
        rec = torch.cat([dec(enc(X[i:i + 500])[0]) for i in range(0, len(X), 500)])
    r = fmnist.from_model_range(rec.numpy()).astype(np.float64)
    mse = ((r - imgs.astype(np.float64)) ** 2).reshape(len(imgs), -1).mean(axis=1)
    per_image = 10 * np.log10(255.0 ** 2 / np.maximum(mse, 1e-10))
    return {"psnr_db": round(float(10 * np.log10(255.0 ** 2 / mse.mean())), 2),
            "mean_per_image_psnr_db": round(float(per_image.mean()), 2), "images": len(imgs)}


def manifest_for(args, ae, stage2, psnr, prompts, wall_total):
    return {
        "format": "higfa-bundle", "version": 1, "name": "fashion-mnist-latent",
        "resolution": [32, 32], "channels": 1, "value_range": [-1.0, 1.0], "space": "latent",
        "prediction_type": SAMPLING["prediction_type"],
        "timestep_spacing": SAMPLING["timestep_spacing"], "steps_offset": SAMPLING["steps_offset"],
        "set_alpha_to_one": SAMPLING["set_alpha_to_one"], "clip_sample": SAMPLING["clip_sample"],
        "schedule": dict(SCHEDULE),
        "conditioning": "text", "num_classes": fmnist.NUM_CLASSES,
        "null_class": fmnist.NULL_CLASS, "class_names": fmnist.CLASS_NAMES,
        "source_size": [28, 28], "fit": "pad",
        "contour": dict(fmnist.CONTOUR_DEFAULTS),
        "latent": {"channels": 4, "downsampling_factor": 4,
                   "scaling_factor": round(ae["scaling_factor"], 6)},
        "control": {"channels": 1},
        "text": {"sequence_length": SEQUENCE_LENGTH, "embedding_dim": args.text_dim,
                 "prompts": prompts, "unconditional_prompt": UNCONDITIONAL_PROMPT},
        "files": {"denoiser": "denoiser.pt", "classifier": "classifier.pt",
                  "vae_encoder": "vae_encoder.pt", "vae_decoder": "vae_decoder.pt",
                  "prompts": "prompts.pt"},
        "classifier": {"resolution": [32, 32], "channels": 1, "value_range": [-1.0, 1.0],
                       "fit": "pad", "mean": [0.0], "std": [1.0]},
        "provenance": {
            "command": args.command, "seed": args.seed,
            "data": "Fashion-MNIST train 0-49999", "torch": torch.__version__.split("+")[0],
            "threads": args.threads,
            "steps": {"autoencoder": ae["steps"], "diffusion": stage2["steps"]},
            "batch_size": {"autoencoder": args.ae_batch, "diffusion": args.batch_size},
            "wall_time_s": {"autoencoder": ae["wall_time_s"], "diffusion": stage2["wall_time_s"],
                            "total": round(wall_total, 1)},
            "parameters": dict(stage2["params"], autoencoder=ae["params"]),
            "reconstruction": psnr,
            "classifier": "models/fashion-mnist/classifier.pt (the pixel bundle's)",
        },
    }


def write_readme(bundle, m, args, sizes):
    p = m["provenance"]
    prompts = m["text"]["prompts"]
    rows = "\n".join("| `%s` | %s |" % (f, "{:,}".format(sizes[f])) for f in sorted(sizes))
    text = """<!-- SPDX-License-Identifier: MIT -->
<!-- Copyright 2026 The higfa authors -->
<!-- The latent, text-conditioned Fashion-MNIST bundle: contents, provenance and measurements. -->
# Latent text bundle: Fashion-MNIST (`models/fashion-mnist-latent`)

A latent, prompt-conditioned bundle with the tensors of Stable Diffusion 1.5 + a ControlNet
(docs/bundles.md), small enough to train here: it keeps the latent path tested. Trained by
`tools/train_latent_bundle.py` on Fashion-MNIST train images 0-49 999 only (the pool,
50 000-59 999, is never read; the test set only measures the autoencoder).

| file | bytes |
|---|---|
{rows}

* `vae_encoder.pt`: `forward(x [B,1,32,32] f32 in [-1,1]) -> latent mean [B,4,8,8]` (unscaled);
  `vae_decoder.pt`: `forward(z [B,4,8,8]) -> x [B,1,32,32]` (z = latents / scaling_factor).
  A KL-regularised autoencoder (3 residual blocks, channels 32/64/64, factor 4), loss
  MSE + 0.1 L1 + {kl} KL; `scaling_factor` = 1 / std of the training images' latent means
  = **{sf:.5f}**.
* `denoiser.pt`: `forward(latents [B,4,8,8], t [B] i64, encoder_hidden_states [B,{L},{D}],
  control [B,1,32,32] in [0,1], control_scale [B] f32) -> eps [B,4,8,8]`: a latent UNet
  (channels {ch}, residual blocks + spatial transformers with self- and cross-attention at
  every level) and a ControlNet (a copy of its encoder and middle block, a pixel-resolution
  hint encoder, zero-initialised residuals times `control_scale`).
* `prompts.pt`: buffers `embeddings` [{P},{L},{D}], `counts` [10] and `unconditional` [{L},{D}]:
  the prompts of `manifest.json` `text.prompts` (6 per class, e.g. "{example}") and the
  empty prompt, embedded once by a 2-layer transformer text encoder trained jointly with the
  UNet (the encoder is not shipped).
* `classifier.pt`: the pixel bundle's guidance classifier (`models/fashion-mnist`), input
  [B,1,32,32] in [-1,1], padded, mean 0, std 1; `filter_classifier.pt`: the pixel bundle's
  filter classifier (the one `fgclassifier` runs by default), same input.

Scheduler: SD1.5's (`scaled_linear` 0.00085..0.012, 1000 steps, epsilon, `leading`,
`steps_offset` 1, `set_alpha_to_one` false, `clip_sample` false).

## Training

Prompt dropout {pd:.0%} (the empty prompt), control dropout {cd:.0%} (control zeroed,
`control_scale` 0), AdamW lr {lr} with {wu} warm-up steps and cosine decay, batch {bs},
gradient clipping 1.0, EMA {ema} (exported weights).

| | steps | batch | wall time | parameters |
|---|---|---|---|---|
| autoencoder | {ae_steps} | {ae_bs} | {ae_wall:.0f} s | {ae_params:,} |
| text encoder + UNet + ControlNet | {d_steps} | {bs} | {d_wall:.0f} s | {d_params} |

Seed {seed}, {threads} thread(s), torch {torch}. Reproduce (from the repository root):

```
{command}
```

## Measured

Autoencoder reconstruction on the official test set ({n:,} images, 28x28, 8-bit):
PSNR **{psnr:.2f} dB** (mean per image {psnri:.2f} dB).
""".format(rows=rows, kl=args.kl_weight, sf=m["latent"]["scaling_factor"],
           L=m["text"]["sequence_length"], D=m["text"]["embedding_dim"], ch=args.channels,
           P=sum(len(c) for c in prompts), example=prompts[9][1],
           pd=args.prompt_dropout, cd=args.control_dropout, lr=args.lr, wu=args.warmup,
           bs=args.batch_size, ema=args.ema_decay, ae_steps=p["steps"]["autoencoder"],
           ae_bs=args.ae_batch, ae_wall=p["wall_time_s"]["autoencoder"],
           ae_params=p["parameters"]["autoencoder"], d_steps=p["steps"]["diffusion"],
           d_wall=p["wall_time_s"]["diffusion"],
           d_params=" + ".join("{:,}".format(p["parameters"][k])
                               for k in ("text", "unet", "controlnet")),
           seed=args.seed, threads=args.threads, torch=p["torch"], command=args.command,
           n=p["reconstruction"]["images"], psnr=p["reconstruction"]["psnr_db"],
           psnri=p["reconstruction"]["mean_per_image_psnr_db"])
    with open(os.path.join(bundle, "README.md"), "w") as f:
        f.write(text)


def export(args, ae, ema, stage2, tok, ids_table, say, wall_total):
    os.makedirs(args.out, exist_ok=True)
    enc, dec = load_autoencoder(ae)
    prompts = class_prompts()
    with torch.no_grad():
        table = ema["text"](ids_table)
    P = sum(len(c) for c in prompts)
    counts = torch.tensor([len(c) for c in prompts], dtype=torch.int64)
    files = {"denoiser.pt": latent_models.LatentDenoiser(ema["unet"], ema["controlnet"]),
             "vae_encoder.pt": latent_models.VaeEncoder(enc),
             "vae_decoder.pt": latent_models.VaeDecoder(dec),
             "prompts.pt": latent_models.PromptTable(table[:P].clone(), counts,
                                                     table[P].clone())}
    for name, module in files.items():
        script_to(module.eval(), os.path.join(args.out, name))
    shutil.copyfile(os.path.join(PIXEL_BUNDLE, "classifier.pt"),
                    os.path.join(args.out, "classifier.pt"))
    psnr = reconstruction_psnr(enc, dec, args.test_limit)
    say("reconstruction on the test set: %s" % psnr)
    m = manifest_for(args, ae, stage2, psnr, prompts, wall_total)
    add_pixel_filter(m, args.out)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(m, f, indent=2)
        f.write("\n")
    sizes = {f: os.path.getsize(os.path.join(args.out, f)) for f in m["files"].values()}
    write_readme(args.out, m, args, sizes)
    say("bundle written to %s (%d bytes of modules)" % (args.out, sum(sizes.values())))


def add_pixel_filter(m, out):
    """Copies the pixel bundle's filter classifier, where it has one, into the bundle `out` and
    records it in the manifest `m` (its input contract is the guidance classifier's)."""
    with open(os.path.join(PIXEL_BUNDLE, "manifest.json")) as f:
        pixel = json.load(f)
    name = pixel["files"].get("filter_classifier")
    if not name:
        return
    shutil.copyfile(os.path.join(PIXEL_BUNDLE, name), os.path.join(out, "filter_classifier.pt"))
    m["files"]["filter_classifier"] = "filter_classifier.pt"
    m["provenance"]["filter_classifier"] = pixel["provenance"]["filter_classifier"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "models", "fashion-mnist-latent"),
                    help="bundle directory to write")
    ap.add_argument("--work", default=os.environ.get("HIGFA_WORK", "/tmp/higfa-latent-work"),
                    help="checkpoints and the training log")
    ap.add_argument("--seed", type=int, default=1337)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ae-steps", type=int, default=1200)
    ap.add_argument("--ae-batch", type=int, default=64)
    ap.add_argument("--ae-lr", type=float, default=2e-3)
    ap.add_argument("--kl-weight", type=float, default=1e-4)
    ap.add_argument("--steps", type=int, default=3600, help="diffusion optimiser steps")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=8e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--ema-decay", type=float, default=0.999)
    ap.add_argument("--prompt-dropout", type=float, default=0.12)
    ap.add_argument("--control-dropout", type=float, default=0.3)
    ap.add_argument("--channels", default="48,96")
    ap.add_argument("--text-dim", type=int, default=64)
    ap.add_argument("--checkpoint-every", type=int, default=500)
    ap.add_argument("--subset", type=int, default=0, help="use only the first N training images")
    ap.add_argument("--test-limit", type=int, default=0, help="measure PSNR on N test images")
    ap.add_argument("--resume", action="store_true", help="continue from WORK's checkpoints")
    ap.add_argument("--export-only", action="store_true",
                    help="export from WORK's checkpoints without training")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny run for tests: 256 images, 3 steps per stage, 200 test images")
    args = ap.parse_args(argv)
    if args.smoke:
        args.subset, args.ae_steps, args.steps = args.subset or 256, 3, 3
        args.test_limit, args.warmup = args.test_limit or 200, 1
        args.ae_batch, args.batch_size = 32, 32
    args.command = " ".join(["/usr/bin/python3", "tools/train_latent_bundle.py"] +
                            [a for a in (argv if argv is not None else sys.argv[1:])
                             if a not in ("--resume", "--export-only")])

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    say = fmnist.training_logger(args.work)
    say("start: %s" % args.command)
    t_start = time.time()

    imgs, labels = fmnist.load("train")
    if args.subset:
        imgs, labels = imgs[:args.subset], labels[:args.subset]
    X = torch.from_numpy(fmnist.to_model_range(imgs))
    edges = fmnist.contours(imgs) if args.subset else fmnist.cached_contours("train", imgs)
    K = torch.from_numpy(fmnist.contour_tensor(edges))
    Y = torch.from_numpy(labels)

    ae = train_autoencoder(args, X, say)
    Z = ae.get("means")
    if Z is None:
        enc, _ = load_autoencoder(ae)
        with torch.no_grad():
            Z = torch.cat([enc(X[i:i + 1000])[0] for i in range(0, len(X), 1000)])
    Z = Z * ae["scaling_factor"]

    prompts = class_prompts()
    flat = [s for c in prompts for s in c] + [UNCONDITIONAL_PROMPT]
    tok = Tokenizer(flat, SEQUENCE_LENGTH)
    ids_table = tok(flat)
    ema, stage2 = train_diffusion(args, Z, K, Y, tok, ids_table, say)
    wall_total = ae["wall_time_s"] + stage2["wall_time_s"]
    export(args, ae, ema, stage2, tok, ids_table, say, wall_total)
    say("done in %.0f s (this invocation)" % (time.time() - t_start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
