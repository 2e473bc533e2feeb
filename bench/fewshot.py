# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# The few-shot protocol of design §7: pool splits, seeded real-image selection, the fixed small-CNN recipe.
"""Few-shot data and the fixed downstream recipe shared by bench/quality.py and bench/tune.py.

The Fashion-MNIST few-shot pool (train 50 000-59 999) is split in two halves: real images are only
ever drawn from the first (SELECT, 50 000-54 999); the second (VALIDATION, 55 000-59 999) is what
tuning scores on. The official test set is only used for the reported figures.

The recipe is fixed for every mode: SmallCNN (3 conv blocks 16-32-64, BN, ~25 k parameters) trained
for `steps` Adam steps of batch 64 (lr 2e-3, cosine decay, weight decay 5e-4) from the seed's
initialisation. Classic augmentation: random translation of up to 3 px (zero padding) and a
horizontal flip with p = 0.5. With synthetic images, every batch is half real, half synthetic
(DA-Fusion's mixing, alpha = 0.5), so each mode sees the real images equally often.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import benchlib

fmnist = benchlib.fmnist

SELECT = (0, 5000)  # pool-relative index ranges
VALIDATION = (5000, 10000)


def select_reals(labels, k, seed):
    """Pool-relative indices: k per class from SELECT, a seeded draw; ordered class by class.

    The first j of each class for j < k are the selection for k = j (nested, so the k = 5 set of a
    seed is part of its k = 10 set and shares its synthetic images).
    """
    rng = np.random.default_rng(seed)
    a, b = SELECT
    out = []
    for cid in range(len(fmnist.CLASS_NAMES)):
        idx = np.flatnonzero(labels[a:b] == cid) + a
        out.append(rng.permutation(idx)[:k])
    return np.stack(out)  # [classes, k]



class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                                 nn.BatchNorm2d(cout), nn.ReLU(inplace=True), nn.MaxPool2d(2))

        self.body = nn.Sequential(block(1, 16), block(16, 32), block(32, 64))
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(64 * 4 * 4, num_classes)

    def forward(self, x):
        return self.head(self.drop(self.body(x).flatten(1)))


def classic_augment(x, gen):
    """Random translation up to 3 px and horizontal flip (p = 0.5), per image."""
    n = x.shape[0]
    pad = F.pad(x, (3, 3, 3, 3), value=-1.0)
    dx = torch.randint(0, 7, (n,), generator=gen)
    dy = torch.randint(0, 7, (n,), generator=gen)
    out = torch.stack([pad[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32] for i in range(n)])
    flip = torch.rand(n, generator=gen) < 0.5
    out[flip] = out[flip].flip(-1)
    return out


def train(real_x, real_y, seed, steps, augment, syn_x=None, syn_y=None, batch=64):
    """Train SmallCNN with the fixed recipe; returns the model in eval mode."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = SmallCNN()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    has_syn = syn_x is not None and len(syn_x) > 0
    n_real = batch // 2 if has_syn else batch
    model.train()
    for _ in range(steps):
        i = torch.randint(0, len(real_x), (n_real,), generator=gen)
        x, y = real_x[i], real_y[i]
        if has_syn:
            j = torch.randint(0, len(syn_x), (batch - n_real,), generator=gen)
            x, y = torch.cat([x, syn_x[j]]), torch.cat([y, syn_y[j]])
        if augment:
            x = classic_augment(x, gen)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    return model.eval()


@torch.no_grad()
def accuracy(model, x, y, bs=1000):
    correct = 0
    for i in range(0, len(x), bs):
        correct += int((model(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum())
    return correct / len(x)


def eval_set(split):
    """(x, y) tensors of the evaluation set: 'test' (official 10 000) or 'val' (pool VALIDATION)."""
    if split == "test":
        imgs, labels = fmnist.load("test")
    else:
        imgs, labels = fmnist.load("pool")
        a, b = VALIDATION
        imgs, labels = imgs[a:b], labels[a:b]
    return benchlib.to_model_input(imgs), torch.from_numpy(labels.astype(np.int64))
