#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Reference Python DDIM sampler (CFG, optional contour) for a higfa model bundle.
"""Reference DDIM sampler for a pixel-space class-conditional higfa bundle.

DDIM, eta 0, 'leading' timestep spacing: timesteps = arange(0, T, T // S)[::-1]
(for S = 50: 980, 960, ..., 0); the previous cumulative alpha after the last
step is 1 (the final update returns x0). Classifier-free guidance with the
conditional and unconditional passes batched together:
  eps = eps(x, t, null, k, s) + w * (eps(x, t, y, k, s) - eps(x, t, null, k, s)).
The contour k (in [0,1], 32x32) is passed to both passes with the same scale s.
No clipping of x0 during sampling by default (--clip-x0 clamps it to [-1, 1] at
every step); the result is clamped to [-1, 1].

This is the plain 'cfg' / 'contour' mode of design section 4 and serves as a
reference for the C++ sampler and for evaluate_bundle.py.

Usage:
  /usr/bin/python3 tools/sample_reference.py --bundle models/fashion-mnist --class 3 \
      --n 8 --seed 0 --out /tmp/samples.png [--contour-from-pool 50000 --contour-scale 0.8]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402


def alphas_cumprod(schedule):
    betas = torch.linspace(schedule["beta_start"], schedule["beta_end"],
                           schedule["num_train_timesteps"], dtype=torch.float64)
    return torch.cumprod(1.0 - betas, dim=0)


def ddim_timesteps(num_train, steps):
    return list(range(0, num_train, num_train // steps))[::-1]


def load_bundle(path):
    with open(os.path.join(path, "manifest.json")) as f:
        manifest = json.load(f)
    den = torch.jit.load(os.path.join(path, manifest["files"]["denoiser"])).eval()
    clf = torch.jit.load(os.path.join(path, manifest["files"]["classifier"])).eval()
    return manifest, den, clf


@torch.no_grad()
def ddim_sample(denoiser, labels, noise, contour=None, contour_scale=0.0, guidance=5.0,
                steps=50, schedule=None, null_class=10, clip_x0=False):
    """labels [B] i64, noise [B,1,32,32]; contour [B,1,32,32] in [0,1] or None -> x0 [B,1,32,32].

    clip_x0 clamps x0 to [-1, 1] at every step (diffusers' clip_sample); off by default,
    as in the C++ DDIM scheduler."""
    schedule = schedule or {"beta_start": 1e-4, "beta_end": 0.02, "num_train_timesteps": 1000}
    acp = alphas_cumprod(schedule)
    B = labels.shape[0]
    x = noise.clone()
    if contour is None:
        contour = torch.zeros_like(noise)
        contour_scale = 0.0
    s = torch.full((B,), float(contour_scale))
    k2 = torch.cat([contour, contour])
    s2 = torch.cat([s, s])
    c2 = torch.cat([labels, torch.full_like(labels, null_class)])
    ts = ddim_timesteps(schedule["num_train_timesteps"], steps)
    for i, t in enumerate(ts):
        a_t = float(acp[t])
        a_prev = float(acp[ts[i + 1]]) if i + 1 < len(ts) else 1.0
        tt = torch.full((2 * B,), t, dtype=torch.int64)
        e = denoiser(torch.cat([x, x]), tt, c2, k2, s2)
        e_c, e_u = e[:B], e[B:]
        eps = e_u + guidance * (e_c - e_u)
        x0 = (x - (1 - a_t) ** 0.5 * eps) / a_t ** 0.5
        if clip_x0:
            x0 = x0.clamp(-1.0, 1.0)
            eps = (x - a_t ** 0.5 * x0) / (1 - a_t) ** 0.5
        x = a_prev ** 0.5 * x0 + (1 - a_prev) ** 0.5 * eps
    return x.clamp(-1.0, 1.0)


def to_sheet(x, rows, cols, scale=2, pad=2):
    """x [rows*cols,1,32,32] in [-1,1] -> uint8 grey sheet (28x28 crops, upscaled)."""
    imgs = fmnist.from_model_range(x.cpu().numpy())
    h = w = 28 * scale
    sheet = np.full((rows * (h + pad) + pad, cols * (w + pad) + pad), 128, np.uint8)
    for r in range(rows):
        for c in range(cols):
            im = np.kron(imgs[r * cols + c], np.ones((scale, scale), np.uint8))
            y0, x0 = pad + r * (h + pad), pad + c * (w + pad)
            sheet[y0:y0 + h, x0:x0 + w] = im
    return sheet


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", default=os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "models", "fashion-mnist"))
    ap.add_argument("--class", dest="cls", type=int, default=0)
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--guidance", type=float, default=5.0)
    ap.add_argument("--contour-from-pool", type=int, default=-1,
                    help="train-set index (>= 50000) whose Canny contour conditions the samples")
    ap.add_argument("--contour-scale", type=float, default=0.8)
    ap.add_argument("--clip-x0", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", required=True, help=".png sheet, or .npy for the raw [-1,1] tensor")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    manifest, den, _ = load_bundle(args.bundle)
    g = torch.Generator().manual_seed(args.seed)
    noise = torch.randn((args.n, 1, 32, 32), generator=g)
    labels = torch.full((args.n,), args.cls, dtype=torch.int64)
    contour, scale = None, 0.0
    if args.contour_from_pool >= 0:
        imgs, _ = fmnist.load("train_all")
        e = fmnist.contours(imgs[args.contour_from_pool:args.contour_from_pool + 1])
        contour = torch.from_numpy(fmnist.contour_tensor(e)).expand(args.n, 1, 32, 32).contiguous()
        scale = args.contour_scale
    x = ddim_sample(den, labels, noise, contour, scale, args.guidance, args.steps,
                    manifest["schedule"], manifest["null_class"], args.clip_x0)
    if args.out.endswith(".npy"):
        np.save(args.out, x.numpy())
    else:
        import cv2
        cv2.imwrite(args.out, to_sheet(x, 1, args.n))
    print("wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
