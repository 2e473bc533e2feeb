#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Trains the bundle's guidance classifier or the separate evaluation (judge) classifier and exports it.
"""Train a Fashion-MNIST classifier on train images 0-49 999 and export it to TorchScript.

--arch guidance : the bundle's guidance classifier (small VGG-style CNN), trained
                  with noise / blur / shift / flip augmentation so that it stays
                  reliable on the slightly blurry x0 estimates of late sampling steps.
--arch judge    : the evaluation classifier (a small ResNet, another seed); it is
                  used only to measure the bundle, never for guidance. Its export
                  also has features(x) -> penultimate features.
--arch filter   : the bundle's filter classifier (a strided all-convolutional net,
                  a third architecture and seed), which fgclassifier uses by default
                  so that confidencefilter does not ask the classifier the sampler
                  climbed. Trained on clean images with shifts and flips only.

Input contract of both exports: x [B,1,32,32] float32 in [-1,1] (28x28 padded by
2 px of background) -> logits [B,10].

Example:
  /usr/bin/python3 tools/train_classifier.py --arch guidance --epochs 10 --seed 2026 \
      --out build/bundle-work/classifier
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import higfa_models  # noqa: E402


def gaussian_blur(x, sigma):
    """Per-sample 3x3 Gaussian blur of x [B,1,H,W]; sigma [B] (0 = identity)."""
    r = torch.tensor([-1.0, 0.0, 1.0])
    s = sigma.clamp(min=1e-3)[:, None]
    k1 = torch.exp(-(r[None, :] ** 2) / (2 * s ** 2))
    k1 = k1 / k1.sum(dim=1, keepdim=True)
    k2 = k1[:, :, None] * k1[:, None, :]                      # [B,3,3]
    B = x.shape[0]
    xp = F.pad(x, (1, 1, 1, 1), mode="replicate")
    out = F.conv2d(xp.reshape(1, B, xp.shape[2], xp.shape[3]), k2[:, None], groups=B)
    return out.reshape_as(x)


def augment(x, gen, noise_max=0.2, p_noise=0.5, p_blur=0.3, shift=2, flip=True):
    B = x.shape[0]
    # random shift up to +-shift px, background (-1) fill
    if shift:
        xp = F.pad(x, (shift, shift, shift, shift), value=-1.0)
        dx = torch.randint(0, 2 * shift + 1, (B,), generator=gen)
        dy = torch.randint(0, 2 * shift + 1, (B,), generator=gen)
        H, W = x.shape[2], x.shape[3]
        rows = (dy[:, None] + torch.arange(H)[None, :])            # [B,H]
        cols = (dx[:, None] + torch.arange(W)[None, :])            # [B,W]
        x = xp[:, 0][torch.arange(B)[:, None, None], rows[:, :, None], cols[:, None, :]][:, None]
    if flip:
        f = torch.rand(B, generator=gen) < 0.5
        x = torch.where(f[:, None, None, None], x.flip(3), x)
    if p_blur > 0:
        b = torch.rand(B, generator=gen) < p_blur
        sig = torch.rand(B, generator=gen) * 0.8 + 0.3
        x = torch.where(b[:, None, None, None], gaussian_blur(x, sig), x)
    if p_noise > 0:
        n = (torch.rand(B, generator=gen) < p_noise).to(torch.float32)
        sig = torch.rand(B, generator=gen) * noise_max * n
        x = x + sig[:, None, None, None] * torch.randn(x.shape, generator=gen)
    return x


@torch.no_grad()
def accuracy(model, X, Y, bs=500):
    model.eval()
    correct = 0
    for i in range(0, len(X), bs):
        correct += (model(X[i:i + bs]).argmax(1) == Y[i:i + bs]).sum().item()
    return correct / len(X)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", choices=["guidance", "judge", "filter"], default="guidance")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--subset", type=int, default=0)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--test-limit", type=int, default=0, help="evaluate on the first N test images only")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    say = fmnist.training_logger(args.out)

    imgs, labels = fmnist.load("train")
    if args.subset:
        imgs, labels = imgs[:args.subset], labels[:args.subset]
    X = torch.from_numpy(fmnist.to_model_range(imgs))
    Y = torch.from_numpy(labels)
    timgs, tlabels = fmnist.load("test")
    if args.test_limit:
        timgs, tlabels = timgs[:args.test_limit], tlabels[:args.test_limit]
    TX = torch.from_numpy(fmnist.to_model_range(timgs))
    TY = torch.from_numpy(tlabels)

    if args.arch == "guidance":
        model = higfa_models.GuidanceCNN()
        aug = dict(noise_max=0.2, p_noise=0.5, p_blur=0.3, shift=2, flip=True)
    elif args.arch == "judge":
        model = higfa_models.JudgeResNet()
        aug = dict(noise_max=0.1, p_noise=0.2, p_blur=0.1, shift=2, flip=True)
    else:
        model = higfa_models.FilterNet()
        aug = dict(noise_max=0.0, p_noise=0.0, p_blur=0.0, shift=2, flip=True)
    N = len(X)
    bs = min(args.batch_size, N)
    spe = N // bs
    total = spe * args.epochs
    if args.max_steps:
        total = min(total, args.max_steps)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=max(total, 2),
                                                pct_start=0.15)
    gen = torch.Generator().manual_seed(args.seed)
    nparams = higfa_models.count_params(model)
    say("%s classifier params=%d images=%d epochs=%d steps=%d threads=%d"
        % (args.arch, nparams, N, args.epochs, total, args.threads))
    t0 = time.time()
    step = 0
    epoch = 0
    while step < total:
        model.train()
        perm = torch.randperm(N, generator=gen)
        tl, tc, tn = 0.0, 0, 0
        for i in range(spe):
            idx = perm[i * bs:(i + 1) * bs]
            x = augment(X[idx], gen, **aug)
            y = Y[idx]
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            tl += loss.item() * len(y)
            tc += (logits.argmax(1) == y).sum().item()
            tn += len(y)
            step += 1
            if step >= total:
                break
        epoch += 1
        acc = accuracy(model, TX, TY) if (step >= total or not args.max_steps) else float("nan")
        say("epoch %d step %d loss %.4f train-acc %.4f test-acc %.4f elapsed %.0f s"
            % (epoch, step, tl / max(tn, 1), tc / max(tn, 1), acc, time.time() - t0))
    wall = time.time() - t0
    model.eval()
    test_acc = accuracy(model, TX, TY)
    name = {"guidance": "classifier.pt", "judge": "judge.pt",
            "filter": "filter_classifier.pt"}[args.arch]
    scripted = torch.jit.script(model)
    scripted.save(os.path.join(args.out, name))
    summary = {"arch": args.arch, "params": nparams, "seed": args.seed, "epochs": args.epochs,
               "steps": step, "wall_time_s": round(wall, 1), "threads": args.threads,
               "test_top1": test_acc, "test_images": len(TX), "augmentation": aug,
               "torch": torch.__version__}
    with open(os.path.join(args.out, "train_summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    say("exported %s test top-1 %.4f (wall %.0f s)" % (name, test_acc, wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
