# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Network definitions of the default bundle: contour-conditioned UNet, guidance and judge classifiers.
"""Networks of the default Fashion-MNIST bundle (all TorchScript-scriptable).

Denoiser: epsilon-prediction UNet at 32x32x1, sinusoidal time embedding plus a
class embedding with a null class (index 10), and a contour branch in the
ControlNet manner: a small encoder of the contour map whose outputs pass
through zero-initialised 1x1 convolutions and are added, multiplied by
contour_scale, to the features of every encoder level and of the middle block.
"""
import math
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) *
                      torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


def zero_module(m: nn.Module) -> nn.Module:
    for p in m.parameters():
        nn.init.zeros_(p)
    return m


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int, groups: int = 8):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = zero_module(nn.Conv2d(cout, cout, 3, padding=1))
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(emb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class ContourUNet(nn.Module):
    """forward(x_t, t, cond, contour, contour_scale) -> eps (design section 5)."""

    def __init__(self, ch: List[int] = [32, 64, 96], temb: int = 128,
                 num_classes: int = 10, hint_ch: int = 16):
        super().__init__()
        c0, c1, c2 = ch[0], ch[1], ch[2]
        self.num_classes = num_classes
        self.tdim = c0
        self.time_mlp = nn.Sequential(nn.Linear(c0, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.class_emb = nn.Embedding(num_classes + 1, temb)
        self.conv_in = nn.Conv2d(1, c0, 3, padding=1)
        # encoder
        self.enc0 = ResBlock(c0, c0, temb)
        self.down0 = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.enc1 = ResBlock(c0, c1, temb)
        self.down1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.enc2 = ResBlock(c1, c2, temb)
        # middle
        self.mid1 = ResBlock(c2, c2, temb)
        self.mid2 = ResBlock(c2, c2, temb)
        # decoder
        self.dec2 = ResBlock(c2 + c2, c2, temb)
        self.up1 = nn.Conv2d(c2, c2, 3, padding=1)
        self.dec1 = ResBlock(c2 + c1, c1, temb)
        self.up0 = nn.Conv2d(c1, c1, 3, padding=1)
        self.dec0 = ResBlock(c1 + c0, c0, temb)
        self.norm_out = nn.GroupNorm(8, c0)
        self.conv_out = nn.Conv2d(c0, 1, 3, padding=1)
        # contour branch (ControlNet-style hint encoder + zero convolutions)
        self.hint0 = nn.Sequential(nn.Conv2d(1, hint_ch, 3, padding=1), nn.SiLU(),
                                   nn.Conv2d(hint_ch, c0, 3, padding=1), nn.SiLU())
        self.hint1 = nn.Sequential(nn.Conv2d(c0, c1, 3, stride=2, padding=1), nn.SiLU(),
                                   nn.Conv2d(c1, c1, 3, padding=1), nn.SiLU())
        self.hint2 = nn.Sequential(nn.Conv2d(c1, c2, 3, stride=2, padding=1), nn.SiLU(),
                                   nn.Conv2d(c2, c2, 3, padding=1), nn.SiLU())
        self.zc_in = zero_module(nn.Conv2d(c0, c0, 1))
        self.zc0 = zero_module(nn.Conv2d(c0, c0, 1))
        self.zc1 = zero_module(nn.Conv2d(c1, c1, 1))
        self.zc2 = zero_module(nn.Conv2d(c2, c2, 1))
        self.zc_mid = zero_module(nn.Conv2d(c2, c2, 1))

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor,
                contour: torch.Tensor, contour_scale: torch.Tensor) -> torch.Tensor:
        emb = self.time_mlp(timestep_embedding(t, self.tdim)) + self.class_emb(cond)
        s = contour_scale.to(x_t.dtype)[:, None, None, None]
        g0 = self.hint0(contour)
        g1 = self.hint1(g0)
        g2 = self.hint2(g1)

        h = self.conv_in(x_t) + s * self.zc_in(g0)
        h0 = self.enc0(h, emb) + s * self.zc0(g0)
        h = self.down0(h0)
        h1 = self.enc1(h, emb) + s * self.zc1(g1)
        h = self.down1(h1)
        h2 = self.enc2(h, emb) + s * self.zc2(g2)
        h = self.mid1(h2, emb)
        h = self.mid2(h, emb) + s * self.zc_mid(g2)

        h = self.dec2(torch.cat([h, h2], dim=1), emb)
        h = self.up1(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.dec1(torch.cat([h, h1], dim=1), emb)
        h = self.up0(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.dec0(torch.cat([h, h0], dim=1), emb)
        return self.conv_out(F.silu(self.norm_out(h)))


class GuidanceCNN(nn.Module):
    """Guidance classifier: small VGG-style CNN with BatchNorm, input [-1,1] 32x32."""

    def __init__(self, width: int = 32, num_classes: int = 10):
        super().__init__()
        w = width

        def block(cin: int, cout: int) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                                 nn.BatchNorm2d(cout), nn.SiLU())
        self.body = nn.Sequential(
            block(1, w), block(w, w), nn.MaxPool2d(2),            # 16
            block(w, 2 * w), block(2 * w, 2 * w), nn.MaxPool2d(2),  # 8
            block(2 * w, 4 * w), block(4 * w, 4 * w), nn.MaxPool2d(2),  # 4
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3),
                                  nn.Linear(4 * w * 16, 128), nn.SiLU(),
                                  nn.Dropout(0.3), nn.Linear(128, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


class _BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                       nn.BatchNorm2d(cout))
        else:
            self.short = nn.Sequential()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + self.short(x))


class JudgeResNet(nn.Module):
    """Evaluation classifier: a small ResNet (different architecture from GuidanceCNN).

    forward(x) -> logits [B,10]; features(x) -> penultimate features [B,D].
    """

    def __init__(self, width: int = 32, num_classes: int = 10):
        super().__init__()
        w = width
        self.stem = nn.Sequential(nn.Conv2d(1, w, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(w), nn.ReLU())
        self.layers = nn.Sequential(_BasicBlock(w, w, 1), _BasicBlock(w, 2 * w, 2),
                                    _BasicBlock(2 * w, 4 * w, 2), _BasicBlock(4 * w, 4 * w, 1))
        self.fc = nn.Linear(4 * w, num_classes)
        self.feature_dim = 4 * w

    @torch.jit.export
    def features(self, x: torch.Tensor) -> torch.Tensor:
        h = self.layers(self.stem(x))
        return torch.flatten(F.adaptive_avg_pool2d(h, 1), 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.features(x))


class FilterNet(nn.Module):
    """Filter classifier: a strided all-convolutional net with GroupNorm and GELU, global average
    and max pooling (a third architecture, independent of GuidanceCNN and JudgeResNet).

    It is trained on clean images only (shifts and flips, no noise or blur), so that it does not
    learn to trust the noisy, textured inputs that classifier guidance can climb into.
    """

    def __init__(self, width: int = 24, num_classes: int = 10):
        super().__init__()
        w = width

        def block(cin: int, cout: int, k: int, stride: int) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2),
                                 nn.GroupNorm(8, cout), nn.GELU())
        self.body = nn.Sequential(
            block(1, w, 5, 1), block(w, 2 * w, 3, 2),              # 16
            block(2 * w, 2 * w, 3, 1), block(2 * w, 4 * w, 3, 2),  # 8
            block(4 * w, 4 * w, 3, 1), block(4 * w, 6 * w, 3, 2),  # 4
        )
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(12 * w, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x)
        pooled = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1)
        return self.head(pooled)


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
