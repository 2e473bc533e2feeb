# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Networks of the latent, text-conditioned Fashion-MNIST bundle: autoencoder, text encoder, UNet, ControlNet.
"""Networks of models/fashion-mnist-latent (all TorchScript-scriptable).

The shapes are those of Stable Diffusion 1.5 + a ControlNet, scaled down:

  Autoencoder   x [B,1,32,32] in [-1,1]  ->  latent mean [B,4,8,8]  ->  x [B,1,32,32]
                (downsampling factor 4; a KL-regularised autoencoder as SD's AutoencoderKL)
  TextEncoder   token ids [B,L] i64  ->  encoder_hidden_states [B,L,D] (a small transformer,
                as CLIP's text model; trained jointly with the UNet, never shipped)
  LatentUNet    (latents [B,4,8,8], t [B], encoder_hidden_states [B,L,D], residuals) -> eps,
                residual blocks with a spatial transformer (self-attention, cross-attention
                over the prompt sequence, feed-forward) at every level
  ControlNet    a trainable copy of the UNet's encoder and middle block whose input is the
                latents plus a pixel-resolution hint encoder of the control image; zero
                1x1 convolutions give the residuals added to the UNet's skips and middle block
  LatentDenoiser  the exported forward(latents, t, encoder_hidden_states, control,
                control_scale) -> eps that wraps the UNet and the ControlNet (docs/bundles.md)
"""
from typing import List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from higfa_models import ResBlock, timestep_embedding, zero_module


# --------------------------------------------------------------------------- autoencoder

class _AEBlock(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Encoder(nn.Module):
    """x [B,C,H,W] -> (mean, logvar) [B,z,H/4,W/4]."""

    def __init__(self, in_ch: int = 1, z_ch: int = 4, ch: List[int] = [32, 64, 64]):
        super().__init__()
        self.conv_in = nn.Conv2d(in_ch, ch[0], 3, padding=1)
        self.b0 = _AEBlock(ch[0], ch[0])
        self.down0 = nn.Conv2d(ch[0], ch[1], 3, stride=2, padding=1)
        self.b1 = _AEBlock(ch[1], ch[1])
        self.down1 = nn.Conv2d(ch[1], ch[2], 3, stride=2, padding=1)
        self.b2 = _AEBlock(ch[2], ch[2])
        self.norm_out = nn.GroupNorm(8, ch[2])
        self.conv_out = nn.Conv2d(ch[2], 2 * z_ch, 3, padding=1)
        self.z_ch = z_ch

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        h = self.b0(self.conv_in(x))
        h = self.b1(self.down0(h))
        h = self.b2(self.down1(h))
        moments = self.conv_out(F.silu(self.norm_out(h)))
        return moments[:, :self.z_ch], moments[:, self.z_ch:].clamp(-30.0, 20.0)


class Decoder(nn.Module):
    """z [B,z,h,w] (unscaled) -> x [B,C,4h,4w]."""

    def __init__(self, out_ch: int = 1, z_ch: int = 4, ch: List[int] = [32, 64, 64]):
        super().__init__()
        self.conv_in = nn.Conv2d(z_ch, ch[2], 3, padding=1)
        self.b2 = _AEBlock(ch[2], ch[2])
        self.up1 = nn.Conv2d(ch[2], ch[1], 3, padding=1)
        self.b1 = _AEBlock(ch[1], ch[1])
        self.up0 = nn.Conv2d(ch[1], ch[0], 3, padding=1)
        self.b0 = _AEBlock(ch[0], ch[0])
        self.norm_out = nn.GroupNorm(8, ch[0])
        self.conv_out = nn.Conv2d(ch[0], out_ch, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.b2(self.conv_in(z))
        h = self.b1(self.up1(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        h = self.b0(self.up0(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return self.conv_out(F.silu(self.norm_out(h)))


class VaeEncoder(nn.Module):
    """Exported vae_encoder.pt: image in the bundle's value range -> unscaled latent mean."""

    def __init__(self, encoder: Encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean, _ = self.encoder(x)
        return mean


class VaeDecoder(nn.Module):
    """Exported vae_decoder.pt: unscaled latents -> image in the bundle's value range."""

    def __init__(self, decoder: Decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)


# --------------------------------------------------------------------------- text encoder

class TextEncoder(nn.Module):
    """Token ids [B,L] i64 -> last hidden states [B,L,D] (bidirectional, no mask, as the
    padded sequence SD's UNet attends to in full)."""

    def __init__(self, vocab: int, length: int, dim: int = 64, layers: int = 2, heads: int = 4):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(length, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, 2 * dim, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.layers = nn.TransformerEncoder(layer, layers)
        self.norm = nn.LayerNorm(dim)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.norm(self.layers(self.tok(ids) + self.pos[None]))


# --------------------------------------------------------------------------- UNet

class Attention(nn.Module):
    def __init__(self, dim: int, ctx_dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(ctx_dim, dim, bias=False)
        self.v = nn.Linear(ctx_dim, dim, bias=False)
        self.out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, ctx: torch.Tensor) -> torch.Tensor:
        B, N, C = x.shape
        H = self.heads
        q = self.q(x).reshape(B, N, H, C // H).transpose(1, 2)
        k = self.k(ctx).reshape(B, ctx.shape[1], H, C // H).transpose(1, 2)
        v = self.v(ctx).reshape(B, ctx.shape[1], H, C // H).transpose(1, 2)
        w = torch.softmax(q @ k.transpose(-1, -2) * (C // H) ** -0.5, dim=-1)
        return self.out((w @ v).transpose(1, 2).reshape(B, N, C))


class SpatialTransformer(nn.Module):
    """GroupNorm, 1x1 in, [self-attention, cross-attention over the prompt, feed-forward],
    zero-initialised 1x1 out, residual (SD's Transformer2DModel with one block)."""

    def __init__(self, ch: int, ctx_dim: int, heads: int = 4):
        super().__init__()
        self.norm = nn.GroupNorm(8, ch)
        self.proj_in = nn.Conv2d(ch, ch, 1)
        self.ln1 = nn.LayerNorm(ch)
        self.attn1 = Attention(ch, ch, heads)
        self.ln2 = nn.LayerNorm(ch)
        self.attn2 = Attention(ch, ctx_dim, heads)
        self.ln3 = nn.LayerNorm(ch)
        self.ff = nn.Sequential(nn.Linear(ch, 2 * ch), nn.GELU(), nn.Linear(2 * ch, ch))
        self.proj_out = zero_module(nn.Conv2d(ch, ch, 1))

    def forward(self, x: torch.Tensor, ctx: torch.Tensor) -> torch.Tensor:
        B, C, H, W = x.shape
        h = self.proj_in(self.norm(x)).flatten(2).transpose(1, 2)
        y = self.ln1(h)
        h = h + self.attn1(y, y)
        h = h + self.attn2(self.ln2(h), ctx)
        h = h + self.ff(self.ln3(h))
        return x + self.proj_out(h.transpose(1, 2).reshape(B, C, H, W))


class _Level(nn.Module):
    """ResBlock then SpatialTransformer."""

    def __init__(self, cin: int, cout: int, temb: int, ctx_dim: int):
        super().__init__()
        self.res = ResBlock(cin, cout, temb)
        self.attn = SpatialTransformer(cout, ctx_dim)

    def forward(self, x: torch.Tensor, emb: torch.Tensor, ctx: torch.Tensor) -> torch.Tensor:
        return self.attn(self.res(x, emb), ctx)


class _EncoderHalf(nn.Module):
    """conv_in, level 0 (h), down, level 1 (h/2), middle block: the part a ControlNet copies.
    Returns the skips [s0, s1] and the middle block's output."""

    def __init__(self, in_ch: int, ch: List[int], temb: int, ctx_dim: int):
        super().__init__()
        c0, c1 = ch[0], ch[1]
        self.tdim = c0
        self.time_mlp = nn.Sequential(nn.Linear(c0, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(in_ch, c0, 3, padding=1)
        self.enc0 = _Level(c0, c0, temb, ctx_dim)
        self.down0 = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.enc1 = _Level(c0, c1, temb, ctx_dim)
        self.mid1 = _Level(c1, c1, temb, ctx_dim)
        self.mid2 = ResBlock(c1, c1, temb)

    def embed(self, t: torch.Tensor) -> torch.Tensor:
        return self.time_mlp(timestep_embedding(t, self.tdim))

    def run(self, h: torch.Tensor, emb: torch.Tensor,
            ctx: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        s0 = self.enc0(h, emb, ctx)
        s1 = self.enc1(self.down0(s0), emb, ctx)
        m = self.mid2(self.mid1(s1, emb, ctx), emb)
        return s0, s1, m


class LatentUNet(nn.Module):
    """eps(latents, t, encoder_hidden_states) plus ControlNet residuals on skips and middle."""

    def __init__(self, z_ch: int = 4, ch: List[int] = [64, 128], temb: int = 256,
                 ctx_dim: int = 64):
        super().__init__()
        c0, c1 = ch[0], ch[1]
        self.encoder = _EncoderHalf(z_ch, ch, temb, ctx_dim)
        self.dec1 = _Level(c1 + c1, c1, temb, ctx_dim)
        self.up0 = nn.Conv2d(c1, c1, 3, padding=1)
        self.dec0 = _Level(c1 + c0, c0, temb, ctx_dim)
        self.norm_out = nn.GroupNorm(8, c0)
        self.conv_out = nn.Conv2d(c0, z_ch, 3, padding=1)

    def forward(self, z: torch.Tensor, t: torch.Tensor, ctx: torch.Tensor, r0: torch.Tensor,
                r1: torch.Tensor, rm: torch.Tensor) -> torch.Tensor:
        emb = self.encoder.embed(t)
        s0, s1, m = self.encoder.run(self.encoder.conv_in(z), emb, ctx)
        s0 = s0 + r0
        s1 = s1 + r1
        h = self.dec1(torch.cat([m + rm, s1], dim=1), emb, ctx)
        h = self.up0(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.dec0(torch.cat([h, s0], dim=1), emb, ctx)
        return self.conv_out(F.silu(self.norm_out(h)))


class ControlNet(nn.Module):
    """A copy of the UNet's encoder half fed latents + hint(control); zero 1x1 convolutions
    give the residuals (ControlNet, Zhang et al. 2023, with the hint encoder at pixel
    resolution: control [B,Cc,f*h,f*w] -> [B,c0,h,w] through log2(f) stride-2 convolutions)."""

    def __init__(self, z_ch: int = 4, control_ch: int = 1, factor: int = 4,
                 ch: List[int] = [64, 128], temb: int = 256, ctx_dim: int = 64,
                 hint_ch: List[int] = [16, 32]):
        super().__init__()
        c0, c1 = ch[0], ch[1]
        layers: List[nn.Module] = [nn.Conv2d(control_ch, hint_ch[0], 3, padding=1), nn.SiLU()]
        cin = hint_ch[0]
        f = factor
        while f > 1:
            layers += [nn.Conv2d(cin, hint_ch[1], 3, stride=2, padding=1), nn.SiLU(),
                       nn.Conv2d(hint_ch[1], hint_ch[1], 3, padding=1), nn.SiLU()]
            cin = hint_ch[1]
            f //= 2
        layers.append(zero_module(nn.Conv2d(cin, c0, 3, padding=1)))
        self.hint = nn.Sequential(*layers)
        self.encoder = _EncoderHalf(z_ch, ch, temb, ctx_dim)
        self.zc0 = zero_module(nn.Conv2d(c0, c0, 1))
        self.zc1 = zero_module(nn.Conv2d(c1, c1, 1))
        self.zcm = zero_module(nn.Conv2d(c1, c1, 1))

    def forward(self, z: torch.Tensor, t: torch.Tensor, ctx: torch.Tensor,
                control: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        emb = self.encoder.embed(t)
        h = self.encoder.conv_in(z) + self.hint(control)
        s0, s1, m = self.encoder.run(h, emb, ctx)
        return self.zc0(s0), self.zc1(s1), self.zcm(m)


class LatentDenoiser(nn.Module):
    """Exported denoiser.pt: forward(latents [B,4,h,w] f32, t [B] i64,
    encoder_hidden_states [B,L,D] f32, control [B,Cc,f*h,f*w] f32 in [0,1],
    control_scale [B] f32) -> eps [B,4,h,w] f32 (docs/bundles.md)."""

    def __init__(self, unet: LatentUNet, controlnet: ControlNet):
        super().__init__()
        self.unet = unet
        self.controlnet = controlnet

    def forward(self, latents: torch.Tensor, t: torch.Tensor, encoder_hidden_states: torch.Tensor,
                control: torch.Tensor, control_scale: torch.Tensor) -> torch.Tensor:
        r0, r1, rm = self.controlnet(latents, t, encoder_hidden_states, control)
        s = control_scale.to(latents.dtype)[:, None, None, None]
        return self.unet(latents, t, encoder_hidden_states, s * r0, s * r1, s * rm)


class PromptTable(nn.Module):
    """Exported prompts.pt: the prompt table as buffers (docs/bundles.md).

    embeddings [P,L,D] f32: every class's prompts, class 0's first, in the manifest's order;
    counts [K] i64: P_c per class; unconditional [L,D] f32: the empty prompt's embedding.
    forward(index [N] i64) -> embeddings[index] [N,L,D]."""

    def __init__(self, embeddings: torch.Tensor, counts: torch.Tensor, unconditional: torch.Tensor):
        super().__init__()
        self.register_buffer("embeddings", embeddings.contiguous())
        self.register_buffer("counts", counts.to(torch.int64).contiguous())
        self.register_buffer("unconditional", unconditional.contiguous())

    def forward(self, index: torch.Tensor) -> torch.Tensor:
        return self.embeddings.index_select(0, index)
