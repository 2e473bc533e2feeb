#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# tools/export_diffusers_bundle.py against real diffusers modules (tiny random configurations).
"""Run with /usr/bin/python3 tests/tools/test_export_diffusers_real.py.

Exports a tiny random UNet2DConditionModel + ControlNetModel + AutoencoderKL + CLIPTextModel,
checks the bundle with tools/check_bundle.py and compares one denoiser step and one decode with
the diffusers modules. Where diffusers or transformers does not import it prints SKIPPED with
the reason and exits 77, which meson reports as a skipped test (never as passed)."""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_export_diffusers import (CHECKER, CLASSES, L, TMP, FakeTokenizer, edb, load,  # noqa: E402
                                   make_spec, run)
from runtests import Skipped, run_tests  # noqa: E402


def test_diffusers_modules_match_the_exported_bundle():
    try:
        import diffusers
        import transformers
    except ImportError as e:
        raise Skipped("diffusers not importable (%s): the comparison of the bundle with real "
                      "UNet2DConditionModel / ControlNetModel / AutoencoderKL / CLIPTextModel "
                      "modules did not run" % e)
    torch.manual_seed(0)
    unet = diffusers.UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, layers_per_block=1,
        block_out_channels=(32, 64), down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=32,
        attention_head_dim=8, norm_num_groups=8)
    controlnet = diffusers.ControlNetModel.from_unet(
        unet, conditioning_embedding_out_channels=(16, 32))
    with torch.no_grad():  # ControlNet's output convolutions start at zero: wake them
        for block in list(controlnet.controlnet_down_blocks) + [controlnet.controlnet_mid_block]:
            for p in block.parameters():
                p.normal_(0, 0.05)
    vae = diffusers.AutoencoderKL(
        in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(32, 64),
        latent_channels=4, norm_num_groups=8, sample_size=16)
    text_encoder = transformers.CLIPTextModel(transformers.CLIPTextConfig(
        vocab_size=100, hidden_size=32, intermediate_size=37, num_attention_heads=4,
        num_hidden_layers=2, max_position_embeddings=L))
    scheduler = diffusers.DDIMScheduler(beta_schedule="scaled_linear", beta_start=0.00085,
                                        beta_end=0.012, steps_offset=1, clip_sample=False,
                                        set_alpha_to_one=False)
    classifier = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.AdaptiveAvgPool2d(1),
                               nn.Flatten(), nn.Linear(8, len(CLASSES)))
    parts = edb.Parts(unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=FakeTokenizer(),
                      scheduler_config=dict(scheduler.config), classifier=classifier,
                      controlnet=controlnet, unet_in_channels=unet.config.in_channels,
                      vae_block_out_channels=list(vae.config.block_out_channels),
                      vae_scaling_factor=vae.config.scaling_factor, control_channels=3)
    spec = make_spec()
    spec.resolution = [32, 32]
    out = os.path.join(TMP, "diffusers")
    m = edb.export_bundle(out, parts, spec)
    rc, text = run(CHECKER, out)
    assert rc == 0 and "valid bundle" in text, text
    assert m["schedule"]["beta_schedule"] == "scaled_linear" and m["steps_offset"] == 1
    assert m["latent"]["downsampling_factor"] == 2 and m["text"]["embedding_dim"] == 32

    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 4, 16, 16, generator=g)
    t = torch.tensor([981, 21])
    e = load(out, "prompts.pt").embeddings[:2]
    c = (torch.rand(2, 3, 32, 32, generator=g) > 0.8).float()
    with torch.no_grad():
        got = load(out, "denoiser.pt")(x, t, e, c, torch.full((2,), 0.7))
        down, mid = controlnet(x, t, encoder_hidden_states=e, controlnet_cond=c,
                               conditioning_scale=0.7, return_dict=False)
        want = unet(x, t, encoder_hidden_states=e, down_block_additional_residuals=down,
                    mid_block_additional_residual=mid).sample
        step = (got - want).abs().max().item()
        z = torch.randn(2, 4, 16, 16, generator=g)
        decode = (load(out, "vae_decoder.pt")(z) - vae.decode(z).sample).abs().max().item()
    print("     diffusers vs bundle: denoiser step max |diff| %.3g, decode max |diff| %.3g"
          % (step, decode))
    assert step < 1e-4 and decode < 1e-4, (step, decode)



if __name__ == "__main__":
    run_tests(globals())
