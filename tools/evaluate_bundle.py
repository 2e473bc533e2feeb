#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Measures the default bundle (classifier accuracy, class fidelity, contour adherence) and writes its README.
"""Evaluate a higfa Fashion-MNIST bundle and write BUNDLE/README.md.

Measures:
  * guidance classifier and judge top-1 on the official test set (10 000 images);
  * class fidelity: judge accuracy on class-conditional samples (CFG w=5,
    50 DDIM steps, no contour), 100 per class;
  * contour adherence: for pool images (train index >= 50 000), the Canny map of
    the image conditions the sampler (its class as the label, CFG w=5, contour
    scale 0.8) and the same noise is sampled with contour scale 0; the Canny map
    of each generated 28x28 image is compared with the input map: F1 with a
    1-px tolerance (3x3 dilation);
  * contact_sheet.png (one row per class) and contour_sheet.png.

Usage:
  /usr/bin/python3 tools/evaluate_bundle.py --bundle models/fashion-mnist --judge models/judge/judge.pt
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
from sample_reference import ddim_sample, load_bundle, to_sheet  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@torch.no_grad()
def predict(model, x, bs=500):
    out = []
    for i in range(0, len(x), bs):
        out.append(model(x[i:i + bs]).argmax(1))
    return torch.cat(out)


def edge_f1(ref, gen):
    """F1 with 1-px tolerance between two 0/255 edge maps (28x28 uint8)."""
    import cv2
    kernel = np.ones((3, 3), np.uint8)
    r = ref > 0
    g = gen > 0
    if r.sum() == 0 and g.sum() == 0:
        return 1.0
    if r.sum() == 0 or g.sum() == 0:
        return 0.0
    rd = cv2.dilate(ref, kernel) > 0
    gd = cv2.dilate(gen, kernel) > 0
    precision = (g & rd).sum() / g.sum()
    recall = (r & gd).sum() / r.sum()
    if precision + recall == 0:
        return 0.0
    return float(2 * precision * recall / (precision + recall))


def add_sampling_arguments(ap, bundle, threads):
    """The options every bundle evaluator takes."""
    ap.add_argument("--bundle", default=bundle)
    ap.add_argument("--judge", default=os.path.join(REPO, "models", "judge", "judge.pt"))
    ap.add_argument("--per-class", type=int, default=100)
    ap.add_argument("--contour-images", type=int, default=200)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--threads", type=int, default=threads)
    ap.add_argument("--no-readme", action="store_true")


def write_eval_json(args, res, t_start):
    """BUNDLE/eval.json: the measures, the run's wall time, threads and batch size."""
    res["eval_wall_time_s"] = round(time.time() - t_start, 1)
    res["threads"] = args.threads
    res["batch_size"] = args.batch_size
    with open(os.path.join(args.bundle, "eval.json"), "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")


def contour_adherence(m, seed, sample_pair, judge, res, sheet_path):
    """Contour adherence on m pool images drawn by `seed`: sample_pair(labels [m], contours
    [m,1,32,32]) -> (images with the contour, same noise without), both [m,1,32,32] in [-1,1].
    Fills res["contour_*"] (edge F1 with a 1-px tolerance, judge accuracy) and writes a sheet of
    source | contour | with | without rows."""
    import cv2
    pimgs, plabels = fmnist.load("pool")
    idx = np.sort(np.random.RandomState(seed).choice(len(pimgs), m, replace=False))
    src = pimgs[idx]
    edges = fmnist.contours(src)
    K = torch.from_numpy(fmnist.contour_tensor(edges))
    lab = torch.from_numpy(plabels[idx])
    with_c, without = sample_pair(lab, K)
    gw = fmnist.from_model_range(with_c.numpy())
    go = fmnist.from_model_range(without.numpy())
    res["contour_images"] = m
    res["contour_f1_with"] = float(np.mean([edge_f1(edges[i], fmnist.canny(gw[i]))
                                            for i in range(m)]))
    res["contour_f1_without"] = float(np.mean([edge_f1(edges[i], fmnist.canny(go[i]))
                                               for i in range(m)]))
    res["contour_fidelity_judge_with"] = float((predict(judge, with_c) == lab).float().mean())
    res["contour_fidelity_judge_without"] = float((predict(judge, without) == lab).float().mean())
    print("contour F1 with %.3f without %.3f" % (res["contour_f1_with"], res["contour_f1_without"]),
          flush=True)
    rows = min(8, m)
    tiles = []
    for i in range(rows):
        tiles += [torch.from_numpy(fmnist.to_model_range(src[i:i + 1]))[0], K[i] * 2 - 1,
                  with_c[i], without[i]]
    cv2.imwrite(sheet_path, to_sheet(torch.stack(tiles), rows, 4))


def sample_batched(den, labels, noise, contour, scale, manifest, bs, clip_x0=False):
    out = []
    for i in range(0, len(labels), bs):
        k = None if contour is None else contour[i:i + bs]
        out.append(ddim_sample(den, labels[i:i + bs], noise[i:i + bs], k, scale, 5.0, 50,
                               manifest["schedule"], manifest["null_class"], clip_x0))
    return torch.cat(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_sampling_arguments(ap, os.path.join(REPO, "models", "fashion-mnist"), threads=2)
    ap.add_argument("--work", default="", help="training work dir (for the logs summary)")
    ap.add_argument("--notes", default="", help="markdown file appended to the README (build notes)")
    ap.add_argument("--clip-variant", action="store_true",
                    help="also measure class fidelity with x0 clipped at every step")
    ap.add_argument("--test-limit", type=int, default=0, help="use only the first N test images")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    t_start = time.time()
    manifest, den, clf = load_bundle(args.bundle)
    judge = torch.jit.load(args.judge).eval()
    res = {"seed": args.seed}

    # 1. test-set accuracy
    timgs, tlabels = fmnist.load("test")
    if args.test_limit:
        timgs, tlabels = timgs[:args.test_limit], tlabels[:args.test_limit]
    TX = torch.from_numpy(fmnist.to_model_range(timgs))
    TY = torch.from_numpy(tlabels)
    res["test_images"] = len(TY)
    res["classifier_test_top1"] = float((predict(clf, TX) == TY).float().mean())
    res["judge_test_top1"] = float((predict(judge, TX) == TY).float().mean())
    print("classifier test top-1 %.4f, judge %.4f" % (res["classifier_test_top1"],
                                                      res["judge_test_top1"]), flush=True)

    # 2. class fidelity
    g = torch.Generator().manual_seed(args.seed)
    n = args.per_class * 10
    labels = torch.arange(10).repeat_interleave(args.per_class)
    noise = torch.randn((n, 1, 32, 32), generator=g)
    t0 = time.time()
    xs = sample_batched(den, labels, noise, None, 0.0, manifest, args.batch_size)
    res["sampling_s_per_image_cfg50"] = (time.time() - t0) / n
    pj = predict(judge, xs)
    pc = predict(clf, xs)
    res["fidelity_samples"] = n
    res["fidelity_judge"] = float((pj == labels).float().mean())
    res["fidelity_guidance_classifier"] = float((pc == labels).float().mean())
    res["fidelity_judge_per_class"] = [float((pj[labels == c] == c).float().mean()) for c in range(10)]
    print("fidelity (judge) %.4f, per class %s" % (res["fidelity_judge"],
          ["%.2f" % v for v in res["fidelity_judge_per_class"]]), flush=True)
    if args.clip_variant:
        xc = sample_batched(den, labels, noise, None, 0.0, manifest, args.batch_size, True)
        res["fidelity_judge_clip_x0"] = float((predict(judge, xc) == labels).float().mean())
        print("fidelity with x0 clipping (judge) %.4f" % res["fidelity_judge_clip_x0"], flush=True)
    import cv2
    cols = min(10, args.per_class)
    sel = torch.cat([torch.nonzero(labels == c)[:cols, 0] for c in range(10)])
    cv2.imwrite(os.path.join(args.bundle, "contact_sheet.png"), to_sheet(xs[sel], 10, cols))

    # 3. contour adherence
    def sample_pair(lab, K):
        noise2 = torch.randn((len(lab), 1, 32, 32), generator=g)
        return (sample_batched(den, lab, noise2, K, 0.8, manifest, args.batch_size),
                sample_batched(den, lab, noise2, K, 0.0, manifest, args.batch_size))
    contour_adherence(args.contour_images, args.seed, sample_pair, judge, res,
                      os.path.join(args.bundle, "contour_sheet.png"))
    write_eval_json(args, res, t_start)
    if not args.no_readme:
        write_readme(args.bundle, manifest, res, args.work, args.notes)
    print("done in %.0f s" % (time.time() - t_start))
    return 0


def _log_summary(work):
    lines = []
    for name in ("classifier", "judge", "denoiser"):
        p = os.path.join(work, name, "train.log") if work else ""
        if p and os.path.exists(p):
            with open(p) as f:
                ls = [l.rstrip() for l in f if "epoch" in l and ("done" not in l)]
            if name != "denoiser":
                keep = [l for l in ls if "test-acc" in l]
            else:
                keep = [l for j, l in enumerate(ls) if j % 8 == 0 or "resumed" in l
                        or j == len(ls) - 1]
            lines.append("%s:" % name)
            lines += ["    " + l for l in keep[-14:]]
    return lines


# The filter classifier's lines of the README, where the bundle has one.
FILTER_FILE_ROW = """| `filter_classifier.pt` | TorchScript `forward(x [B,1,32,32] f32 in [-1,1]) -> logits [B,10]`, the filter classifier `fgclassifier` runs by default | {pf:,} |
"""
FILTER_MODEL = """* **Filter classifier**: a strided all-convolutional net (6 conv + GroupNorm + GELU, global
  average and max pooling, one FC; `tools/higfa_models.py` FilterNet), another architecture
  and seed than the guidance classifier and the judge, trained on clean images with shifts and
  flips only (test top-1 {ftop:.2f} %). `fgclassifier` runs it by default, so that
  `confidencefilter` does not ask the model whose gradient guided the sample; the sampler
  never uses it.
"""
FILTER_ROW = """| filter classifier | {sf} | {ef} | {stf} | {wf:.0f} s | {tf} |
"""


def write_readme(bundle, manifest, res, work, notes=""):
    p = manifest["provenance"]
    pc = [100 * v for v in res["fidelity_judge_per_class"]]
    names = manifest["class_names"]
    per_class = "\n".join("| %s | %.0f %% |" % (names[i], pc[i]) for i in range(10))
    judge_meta = {}
    jp = os.path.join(REPO, "models", "judge", "judge.json")
    if os.path.exists(jp):
        with open(jp) as f:
            judge_meta = json.load(f)
    pf = p.get("filter_classifier")
    filter_file_row = FILTER_FILE_ROW.format(pf=pf["parameters"]) if pf else ""
    filter_model = FILTER_MODEL.format(ftop=100 * pf["test_top1"]) if pf else ""
    filter_row = FILTER_ROW.format(sf=pf["seed"], ef=pf["epochs"], stf=pf["steps"],
                                   wf=pf["wall_time_s"], tf=pf["threads"]) if pf else ""
    logs = _log_summary(work)
    log_block = ("\nTraining log (excerpt):\n\n```\n" + "\n".join(logs) + "\n```\n") if logs else ""
    text = """<!-- SPDX-License-Identifier: MIT -->
<!-- Copyright 2026 The higfa authors -->
<!-- The default Fashion-MNIST model bundle: contents, provenance and measurements. -->
# Default bundle: Fashion-MNIST (`models/fashion-mnist`)

The embedded default model bundle of higfa (design section 5): a small pixel-space,
class-conditional, contour-conditioned denoiser and a guidance classifier, trained by
this project on Fashion-MNIST train images 0-49 999 (images 50 000-59 999 are the
few-shot pool, the official test set is used only for evaluation).

| file | what | parameters |
|---|---|---|
| `manifest.json` | the bundle manifest (shape, schedule, classes, contour defaults, provenance) | |
| `denoiser.pt` | TorchScript `forward(x_t [B,1,32,32] f32, t [B] i64, cond [B] i64 (10 = null), contour [B,1,32,32] f32 in [0,1], contour_scale [B] f32) -> eps [B,1,32,32]` | {pd:,} |
| `classifier.pt` | TorchScript `forward(x [B,1,32,32] f32 in [-1,1]) -> logits [B,10]` | {pc_:,} |
{filter_file_row}| `contact_sheet.png` | class-conditional samples, one row per class (CFG 5, 50 DDIM steps, no contour) | |
| `contour_sheet.png` | source / contour / sample with contour (scale 0.8) / same noise without (scale 0) | |
| `eval.json` | the measurements below | |

Images are 28x28 padded by 2 px of background to 32x32 and mapped to [-1, 1]
(`x = img / 127.5 - 1`). Contours are `cv2.GaussianBlur(img, (3,3), 0)` then
`cv2.Canny(blurred, 50, 150, apertureSize=3, L2gradient=False)` on the 28x28 image
(the defaults of `contourextract`), scaled to [0, 1] and padded to 32x32 with 0.

## Models

* **Denoiser**: epsilon-prediction UNet (channels {ch}, one residual block per level,
  GroupNorm + SiLU, 3 resolutions 32/16/8, two middle blocks), sinusoidal time embedding
  plus an 11-entry class embedding (index 10 = null class). Contour branch in the
  ControlNet manner: a small convolutional encoder of the contour map whose outputs go
  through zero-initialised 1x1 convolutions and are added, multiplied by `contour_scale`,
  to the input, each encoder level and the middle block (so `contour_scale = 0` removes the
  contour entirely). Linear betas 1e-4..0.02, 1000 steps. Training: AdamW lr 1e-3 with
  200 warm-up steps and cosine decay to 1e-4, batch 128, class dropout 12 %, contour
  dropout 30 % (contour zeroed and scale 0, otherwise scale 1), gradient clipping 1.0,
  EMA 0.999 (exported weights).
* **Guidance classifier**: VGG-style CNN (6 conv + BN + SiLU, 3 poolings, 2 FC), trained
  with random shifts (+-2 px), horizontal flips, Gaussian blur (p 0.3, sigma 0.3-1.1) and
  Gaussian noise (p 0.5, sigma up to 0.2) so that it stays reliable on the slightly
  blurry x0 estimates of the final sampling steps. Label smoothing 0.05, AdamW, one-cycle LR.
{filter_model}* **Judge** (`models/judge/judge.pt`, evaluation only, not part of the bundle): a small
  ResNet (other architecture, other seed) trained on the same split; it also exports
  `features(x) -> [B,128]` for diversity metrics.

## Reproduce

One command, from the repository root (the recorded run's wall times are in the table
below):

```
tools/make_default_bundle.sh
```

It trains the guidance classifier, the filter classifier, the judge and the denoiser into a work directory
(`$HIGFA_WORK`, default `/tmp/higfa-bundle-work`), exports the bundle with
`tools/export_bundle.py` and runs `tools/evaluate_bundle.py`, which writes `eval.json`,
the sheets and this README.

| | seed | epochs | optimiser steps | wall time | threads |
|---|---|---|---|---|---|
| denoiser | {sd} | {ed} | {std} | {wd:.0f} s | {td} |
| guidance classifier | {sc} | {ec} | {stc} | {wc:.0f} s | {tc} |
| judge | {sj} | {ej} | {stj} | {wj:.0f} s | {tj} |
{filter_row}
Environment: Debian 12, python3-torch 1.13.1 (CPU, OpenMP, oneDNN 2.6.3, generic
BLAS/LAPACK, AVX2), python3-opencv 4.6, 2 CPU cores shared with other work, so wall times
are indicative. Evaluation seed {eseed}; evaluation took {ewall:.0f} s.
{log_block}
## Measurements

| measurement | value | goal |
|---|---|---|
| guidance classifier top-1, official test set (10 000) | {ctop:.2f} % | >= 92 % |
| judge top-1, official test set (10 000) | {jtop:.2f} % | |
| class fidelity: judge accuracy on {nfid} class-conditional samples (CFG 5, 50 DDIM steps, no contour) | {fid:.1f} % | >= 90 % |
| same samples, guidance classifier accuracy | {fidc:.1f} % | |{clip_row}
| contour adherence F1 (1-px tolerance), with contour (scale 0.8) | {f1w:.3f} | clearly higher than without |
| contour adherence F1, same noise without contour (scale 0) | {f1o:.3f} | |
| judge accuracy of the contour-guided samples (with / without) | {cfw:.1f} % / {cfo:.1f} % | |
| reference sampler time per image (CFG, 50 steps, batch {bs}, {eth} thread(s), shared cores) | {spi:.3f} s | |

Contour adherence uses {ncont} pool images (train indices >= 50 000, drawn with the
evaluation seed): the Canny map of each image conditions the sampler with the image's
class; the Canny map of the generated image (padding cropped) is compared with it.

Class fidelity per class (judge):

| class | accuracy |
|---|---|
{per_class}

![contact sheet](contact_sheet.png)

![contour sheet](contour_sheet.png)

Sampler used for the measurements: `tools/sample_reference.py` (DDIM, eta 0, leading
spacing `980, 960, ..., 0`, final previous alpha 1, CFG with w = 5, no x0 clipping).
""".format(pd=p["parameters"]["denoiser"], pc_=p["parameters"]["classifier"],
           ch="/".join(str(c) for c in _channels(work)),
           sd=p["seeds"]["denoiser"], sc=p["seeds"]["classifier"], sj=p["seeds"]["judge"],
           ed=p["epochs"]["denoiser"], ec=p["epochs"]["classifier"], ej=p["epochs"]["judge"],
           std=p["steps"]["denoiser"], stc=p["steps"]["classifier"], stj=p["steps"]["judge"],
           wd=p["wall_time_s"]["denoiser"], wc=p["wall_time_s"]["classifier"],
           wj=p["wall_time_s"]["judge"], td=p["threads"]["denoiser"],
           tc=p["threads"]["classifier"], tj=p["threads"]["judge"],
           eseed=res["seed"], ewall=res["eval_wall_time_s"], log_block=log_block,
           ctop=100 * res["classifier_test_top1"], jtop=100 * res["judge_test_top1"],
           nfid=res["fidelity_samples"], fid=100 * res["fidelity_judge"],
           fidc=100 * res["fidelity_guidance_classifier"],
           f1w=res["contour_f1_with"], f1o=res["contour_f1_without"],
           cfw=100 * res["contour_fidelity_judge_with"],
           cfo=100 * res["contour_fidelity_judge_without"],
           spi=res["sampling_s_per_image_cfg50"], bs=res.get("batch_size", 100),
           eth=res.get("threads", 1), ncont=res["contour_images"],
           per_class=per_class, filter_file_row=filter_file_row, filter_model=filter_model,
           filter_row=filter_row,
           clip_row=("\n| class fidelity with x0 clipped to [-1, 1] at every step (same noise) | %.1f %% | |"
                     % (100 * res["fidelity_judge_clip_x0"])) if "fidelity_judge_clip_x0" in res else "")
    if notes:
        with open(notes) as f:
            text += "\n## Notes on this build\n\n" + f.read()
    with open(os.path.join(bundle, "README.md"), "w") as f:
        f.write(text)


def _channels(work):
    p = os.path.join(work, "denoiser", "train_summary.json") if work else ""
    if p and os.path.exists(p):
        with open(p) as f:
            return json.load(f)["channels"]
    return [24, 48, 96]


if __name__ == "__main__":
    sys.exit(main())
