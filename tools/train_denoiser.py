#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Trains the default bundle's contour-conditioned class-conditional denoiser and exports it to TorchScript.
"""Train the Fashion-MNIST denoiser of the default bundle.

epsilon-prediction DDPM objective (linear betas 1e-4..0.02, 1000 steps) on
Fashion-MNIST train images 0-49 999, padded to 32x32 and mapped to [-1, 1].
Class condition dropout (null class 10), contour dropout (contour zeroed and
contour_scale 0), AdamW with warm-up and cosine decay, EMA weights exported.

Example:
  /usr/bin/python3 tools/train_denoiser.py --epochs 7 --seed 1234 --out build/bundle-work/denoiser
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import higfa_models  # noqa: E402


def linear_alphas_cumprod(beta_start=1e-4, beta_end=0.02, n=1000):
    betas = torch.linspace(beta_start, beta_end, n, dtype=torch.float64)
    return torch.cumprod(1.0 - betas, dim=0).to(torch.float32)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory (checkpoint, export, log)")
    ap.add_argument("--epochs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=200, help="warm-up steps")
    ap.add_argument("--ema-decay", type=float, default=0.999)
    ap.add_argument("--class-dropout", type=float, default=0.12)
    ap.add_argument("--contour-dropout", type=float, default=0.30)
    ap.add_argument("--channels", default="24,48,96")
    ap.add_argument("--subset", type=int, default=0, help="use only the first N training images")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after N steps (smoke tests)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    say = fmnist.training_logger(args.out)

    imgs, labels = fmnist.load("train")
    if args.subset:
        imgs, labels = imgs[:args.subset], labels[:args.subset]
    edges = fmnist.contours(imgs)
    X = torch.from_numpy(fmnist.to_model_range(imgs))
    K = torch.from_numpy(fmnist.contour_tensor(edges))
    Y = torch.from_numpy(labels)
    N = len(X)
    bs = min(args.batch_size, N)
    steps_per_epoch = N // bs
    total_steps = steps_per_epoch * args.epochs
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)

    ch = [int(c) for c in args.channels.split(",")]
    model = higfa_models.ContourUNet(ch)
    ema = higfa_models.ContourUNet(ch)
    ema.load_state_dict(model.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    acp = linear_alphas_cumprod()

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        prog = (step - args.warmup) / max(1, total_steps - args.warmup)
        return args.lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * min(1.0, prog))))

    gen = torch.Generator().manual_seed(args.seed)
    step, start_epoch, elapsed0 = 0, 0, 0.0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        gen.set_state(ck["gen"])
        torch.set_rng_state(ck["rng"])
        step, start_epoch, elapsed0 = ck["step"], ck["epoch"], ck["elapsed"]
        say("resumed at epoch %d step %d" % (start_epoch, step))

    nparams = higfa_models.count_params(model)
    say("denoiser channels=%s params=%d images=%d batch=%d steps/epoch=%d total_steps=%d threads=%d"
        % (ch, nparams, N, bs, steps_per_epoch, total_steps, args.threads))
    t0 = time.time()
    losses = []
    epoch = start_epoch
    done = step >= total_steps
    while not done and epoch < args.epochs:
        model.train()
        perm = torch.randperm(N, generator=gen)
        for i in range(steps_per_epoch):
            idx = perm[i * bs:(i + 1) * bs]
            x0 = X[idx]
            k = K[idx]
            y = Y[idx].clone()
            t = torch.randint(0, 1000, (bs,), generator=gen)
            eps = torch.randn(x0.shape, generator=gen)
            drop_c = torch.rand(bs, generator=gen) < args.class_dropout
            y[drop_c] = fmnist.NULL_CLASS
            keep_k = (torch.rand(bs, generator=gen) >= args.contour_dropout).to(torch.float32)
            k = k * keep_k[:, None, None, None]
            s = keep_k
            a = acp[t][:, None, None, None]
            xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
            xt = xt.contiguous(memory_format=torch.channels_last)
            k = k.contiguous(memory_format=torch.channels_last)
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            pred = model(xt, t, y, k, s)
            loss = F.mse_loss(pred, eps)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            # EMA (decay ramps up; plain copy during warm-up)
            d = 0.0 if step < args.warmup else min(args.ema_decay,
                                                   (1 + step - args.warmup) / (10 + step - args.warmup))
            with torch.no_grad():
                for pe, pm in zip(ema.parameters(), model.parameters()):
                    pe.mul_(d).add_(pm.detach(), alpha=1 - d)
            losses.append(loss.item())
            step += 1
            if step % 50 == 0 or step == total_steps:
                el = elapsed0 + time.time() - t0
                say("epoch %d step %d/%d loss %.4f (avg50 %.4f) lr %.2e %.2f s/step elapsed %.0f s"
                    % (epoch, step, total_steps, losses[-1], float(np.mean(losses[-50:])),
                       lr_at(step - 1), el / max(1, step), el))
            if step >= total_steps:
                done = True
                break
        epoch += 1
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "gen": gen.get_state(), "rng": torch.get_rng_state(), "step": step,
                    "epoch": epoch, "elapsed": elapsed0 + time.time() - t0,
                    "channels": ch}, ckpt_path)
        say("epoch %d done, checkpoint saved" % epoch)

    wall = elapsed0 + time.time() - t0
    ema.eval()
    scripted = torch.jit.script(ema)
    export_path = os.path.join(args.out, "denoiser.pt")
    scripted.save(export_path)
    summary = {"params": nparams, "channels": ch, "seed": args.seed, "epochs": args.epochs,
               "steps": step, "batch_size": bs, "images": N, "lr": args.lr,
               "ema_decay": args.ema_decay, "class_dropout": args.class_dropout,
               "contour_dropout": args.contour_dropout, "wall_time_s": round(wall, 1),
               "threads": args.threads, "final_loss_avg100": float(np.mean(losses[-100:])) if losses else None,
               "torch": torch.__version__}
    with open(os.path.join(args.out, "train_summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    say("exported %s (wall %.0f s)" % (export_path, wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
