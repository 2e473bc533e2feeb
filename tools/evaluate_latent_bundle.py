#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Measures the latent text bundle with a reference latent DDIM sampler and adds the numbers to its README.
"""Evaluate models/fashion-mnist-latent (docs/bundles.md) with a reference Python sampler.

Sampler: DDIM, eta 0, in latent space, with the manifest's scheduler in diffusers' terms
(scaled_linear betas, 'leading' or 'trailing' spacing, steps_offset, set_alpha_to_one).
Classifier-free guidance between the sample's prompt embedding (prompt index drawn per
sample from its class's prompts by the seed) and the unconditional one:
  eps = eps(z, t, uncond, k, s) + w * (eps(z, t, prompt, k, s) - eps(z, t, uncond, k, s)).
The final image is vae_decoder(z0 / scaling_factor), clamped to [-1, 1].

Measures (written to BUNDLE/eval.json and a "Sampling" section of BUNDLE/README.md):
  * class fidelity: the judge's accuracy on 1 000 cfg samples (100 per class, w = 5,
    50 steps, no control);
  * contour F1 (1-px tolerance) of generated vs input Canny maps for 200 pool images
    with the contour (control_scale 0.8) and without (0), same noise;
  * seconds per image of this sampler (cfg, 50 steps) for the latent bundle and for the
    pixel bundle (tools/sample_reference.py) in the same run.

Usage: /usr/bin/python3 tools/evaluate_latent_bundle.py [--bundle models/fashion-mnist-latent]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evaluate_bundle import (add_sampling_arguments, contour_adherence, predict,  # noqa: E402
                             write_eval_json)
from sample_reference import ddim_sample, load_bundle, to_sheet  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def alphas_cumprod(s):
    n = s["num_train_timesteps"]
    if s["beta_schedule"] == "scaled_linear":
        betas = torch.linspace(s["beta_start"] ** 0.5, s["beta_end"] ** 0.5, n,
                               dtype=torch.float64) ** 2
    elif s["beta_schedule"] == "linear":
        betas = torch.linspace(s["beta_start"], s["beta_end"], n, dtype=torch.float64)
    else:
        raise ValueError("beta_schedule %r is not implemented here" % s["beta_schedule"])
    return torch.cumprod(1.0 - betas, dim=0)


def timesteps(m, steps):
    """diffusers' DDIMScheduler.set_timesteps for 'leading' and 'trailing' spacing."""
    n = m["schedule"]["num_train_timesteps"]
    if m.get("timestep_spacing", "leading") == "trailing":
        ts = np.round(np.arange(n, 0, -n / steps)).astype(np.int64) - 1
    else:
        ts = (np.arange(0, steps) * (n // steps)).round()[::-1].astype(np.int64)
        ts = ts + m.get("steps_offset", 0)
    return [int(t) for t in ts], n // steps


class LatentBundle:
    def __init__(self, path):
        with open(os.path.join(path, "manifest.json")) as f:
            self.m = json.load(f)
        files = self.m["files"]

        def load(key):
            return torch.jit.load(os.path.join(path, files[key])).eval()
        self.denoiser, self.decoder = load("denoiser"), load("vae_decoder")
        self.classifier, self.prompts = load("classifier"), load("prompts")
        self.sf = self.m["latent"]["scaling_factor"]
        f = self.m["latent"]["downsampling_factor"]
        H, W = self.m["resolution"]
        self.latent_shape = [self.m["latent"]["channels"], H // f, W // f]
        counts = self.prompts.counts.tolist()
        self.offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self.counts = np.array(counts)

    def prompt_rows(self, labels, gen):
        """One prompt per sample, drawn from its class's prompts: global rows [B]."""
        u = torch.rand(len(labels), generator=gen).numpy()
        lab = labels.numpy()
        local = np.minimum((u * self.counts[lab]).astype(np.int64), self.counts[lab] - 1)
        return torch.from_numpy(self.offsets[lab] + local), torch.from_numpy(local)

    @torch.no_grad()
    def sample(self, rows, noise, control, control_scale, guidance=5.0, steps=50):
        m = self.m
        acp = alphas_cumprod(m["schedule"])
        final = 1.0 if m.get("set_alpha_to_one", True) else float(acp[0])
        B = noise.shape[0]
        ctx = self.prompts.embeddings[rows]
        unc = self.prompts.unconditional[None].expand_as(ctx)
        ctx2 = torch.cat([ctx, unc])
        k2 = torch.cat([control, control])
        s2 = torch.full((2 * B,), float(control_scale))
        z = noise.clone()
        ts, ratio = timesteps(m, steps)
        for t in ts:
            a_t = float(acp[t])
            prev = t - ratio
            a_prev = float(acp[prev]) if prev >= 0 else final
            e = self.denoiser(torch.cat([z, z]), torch.full((2 * B,), t, dtype=torch.int64), ctx2,
                              k2, s2)
            eps = e[B:] + guidance * (e[:B] - e[B:])
            z0 = (z - (1 - a_t) ** 0.5 * eps) / a_t ** 0.5
            z = a_prev ** 0.5 * z0 + (1 - a_prev) ** 0.5 * eps
        return self.decoder(z / self.sf).clamp(-1.0, 1.0)

    def sample_batched(self, rows, noise, control, scale, bs):
        return torch.cat([self.sample(rows[i:i + bs], noise[i:i + bs], control[i:i + bs], scale)
                          for i in range(0, len(rows), bs)])


def write_section(bundle, res, args):
    path = os.path.join(bundle, "README.md")
    with open(path) as f:
        text = f.read()
    head = text.split("\n## Sampling")[0].rstrip("\n") + "\n"
    pc = res["fidelity_judge_per_class"]
    names = res["class_names"]
    rows = "\n".join("| %s | %.0f %% |" % (names[i], 100 * pc[i]) for i in range(len(pc)))
    head += """
## Sampling

Measured by `/usr/bin/python3 tools/evaluate_latent_bundle.py` (seed {seed}, {threads} thread,
batch {bs}): the reference latent DDIM sampler of that script, 50 steps, CFG w = 5 between the
sample's prompt (drawn per sample from its class's 6) and the empty prompt.

| measure | value |
|---|---|
| judge (`models/judge`) accuracy on {n:,} cfg samples ({per} per class, no control) | **{fid:.1f} %** |
| guidance classifier accuracy on the same samples | {fidc:.1f} % |
| contour F1, {m} pool images, control_scale 0.8 | {f1w:.3f} |
| contour F1, same noise, control_scale 0 | {f1o:.3f} |
| judge accuracy with / without the contour | {cjw:.1f} % / {cjo:.1f} % |
| seconds per image, cfg 50 steps, batch {npx}, this bundle | {spl:.3f} s |
| seconds per image, cfg 50 steps, batch {npx}, `models/fashion-mnist` (same run) | {spp:.3f} s |

| class | judge accuracy (cfg) |
|---|---|
{rows}

`contact_sheet.png`: one row per class (cfg). `contour_sheet.png`: source, contour, sample
with the contour (0.8), same noise without (0).
""".format(seed=res["seed"], threads=args.threads, bs=args.batch_size, n=res["fidelity_samples"],
           per=args.per_class, fid=100 * res["fidelity_judge"],
           fidc=100 * res["fidelity_guidance_classifier"],
           m=res["contour_images"], f1w=res["contour_f1_with"], f1o=res["contour_f1_without"],
           cjw=100 * res["contour_fidelity_judge_with"],
           cjo=100 * res["contour_fidelity_judge_without"],
           npx=res["timing_batch"], spl=res["sampling_s_per_image_cfg50_same_batch_as_pixel"],
           spp=res["pixel_sampling_s_per_image_cfg50"],
           rows=rows)
    with open(path, "w") as f:
        f.write(head)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_sampling_arguments(ap, os.path.join(REPO, "models", "fashion-mnist-latent"), threads=1)
    ap.add_argument("--pixel-bundle", default=os.path.join(REPO, "models", "fashion-mnist"))
    ap.add_argument("--pixel-timing-images", type=int, default=50)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    t_start = time.time()
    b = LatentBundle(args.bundle)
    judge = torch.jit.load(args.judge).eval()
    res = {"seed": args.seed, "class_names": b.m["class_names"]}
    g = torch.Generator().manual_seed(args.seed)
    K = len(b.m["class_names"])
    H, W = b.m["resolution"]

    labels = torch.arange(K).repeat_interleave(args.per_class)
    n = len(labels)
    rows, local = b.prompt_rows(labels, g)
    noise = torch.randn([n] + b.latent_shape, generator=g)
    no_control = torch.zeros(n, b.m.get("control", {}).get("channels", 1), H, W)
    t0 = time.time()
    xs = b.sample_batched(rows, noise, no_control, 0.0, args.batch_size)
    res["sampling_s_per_image_cfg50"] = (time.time() - t0) / n
    pj, pc = predict(judge, xs), predict(b.classifier, xs)
    res["fidelity_samples"] = n
    res["fidelity_judge"] = float((pj == labels).float().mean())
    res["fidelity_guidance_classifier"] = float((pc == labels).float().mean())
    res["fidelity_judge_per_class"] = [float((pj[labels == c] == c).float().mean())
                                       for c in range(K)]
    res["prompt_index_histogram"] = np.bincount(local.numpy(), minlength=6).tolist()
    print("fidelity (judge) %.4f per class %s" % (res["fidelity_judge"], [
        "%.2f" % v for v in res["fidelity_judge_per_class"]]), flush=True)
    import cv2
    cols = min(10, args.per_class)
    sel = torch.cat([torch.nonzero(labels == c)[:cols, 0] for c in range(K)])
    cv2.imwrite(os.path.join(args.bundle, "contact_sheet.png"), to_sheet(xs[sel], K, cols))

    def sample_pair(lab, control):
        rows2, _ = b.prompt_rows(lab, g)
        noise2 = torch.randn([len(lab)] + b.latent_shape, generator=g)
        return (b.sample_batched(rows2, noise2, control, 0.8, args.batch_size),
                b.sample_batched(rows2, noise2, control, 0.0, args.batch_size))
    contour_adherence(args.contour_images, args.seed, sample_pair, judge, res,
                      os.path.join(args.bundle, "contour_sheet.png"))

    manifest, den, _ = load_bundle(args.pixel_bundle)
    npx = args.pixel_timing_images
    plabels_t = torch.arange(npx) % 10
    t0 = time.time()
    ddim_sample(den, plabels_t, torch.randn((npx, 1, 32, 32), generator=g), None, 0.0, 5.0, 50,
                manifest["schedule"], manifest["null_class"])
    res["pixel_sampling_s_per_image_cfg50"] = (time.time() - t0) / npx
    t0 = time.time()
    b.sample(rows[:npx], noise[:npx], no_control[:npx], 0.0)
    res["sampling_s_per_image_cfg50_same_batch_as_pixel"] = (time.time() - t0) / npx
    res["timing_batch"] = npx
    print("s/image: latent %.3f, pixel %.3f" % (res["sampling_s_per_image_cfg50"],
                                                res["pixel_sampling_s_per_image_cfg50"]))
    write_eval_json(args, res, t_start)
    if not args.no_readme:
        write_section(args.bundle, res, args)
    print("done in %.0f s" % (time.time() - t_start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
