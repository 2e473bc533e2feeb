# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Benchmark: few-shot downstream accuracy of each augmentation mode, with fidelity and diversity (design §7).
"""Does HiGFA augmentation make a few-shot classifier better than the alternatives?

For each seed it draws k real images per class from the few-shot pool (bench/fewshot.py: pool
images 50 000-54 999 only), exports the k_max set as an ImageFolder and, for every synthetic mode,
runs the GStreamer pipeline

  datasetsrc ! contourextract ! higfasampler guidance=MODE samples-per-image=M seed=SEED
    ! fgclassifier ! confidencefilter name=f ! datasetsink (kept)   f.reject_src ! datasetsink (rejected)

The k sets are nested (k = 5 is the first 5 of the k = 10 draw), so one run per mode and seed serves
every k. Then it trains the fixed small CNN (bench/fewshot.py) on

  real         the k real images per class
  classic      the same with classic augmentation (shift, flip)
  cfg          classic + the cfg samples of those real images (all: DA-Fusion has no filter)
  contour      classic + the contour samples the confidence filter kept (SaSPA-like)
  higfa-fixed  classic + the higfa-fixed samples the filter kept
  higfa        classic + the higfa samples the filter kept (the element's defaults, which
               bench/tune.py tuned on the pool's validation half)
  higfa-s4     the same with design §4's original constants (w_y 5, s_k 0.8, w_cls 3, rho 0.3)

and reports top-1 on the official test set (or, with --split val, on pool 55 000-59 999: what
bench/tune.py scores on), mean +- std over the seeds. Also per mode: fidelity (the judge's
accuracy on the synthetic images before and after the filter), keep rate, diversity (mean distance
of each synthetic image to its source: RMSE in pixels of [0, 1] and L2 distance of the judge's
penultimate features), the artifact rate before and after the filter (bench/artifacts.py) and a
contact sheet. Results: docs/RESULTS.md ("Few-shot quality"), docs/quality_accuracy.png (bar
chart), docs/quality_contact_sheet.png; with --bundle other than the default, the section is
"Few-shot quality, BUNDLE NAME" and the figures docs/quality_<name>_accuracy.png and
docs/quality_<name>_contact_sheet.png, so each bundle keeps its own table.

  /usr/bin/python3 bench/quality.py                  # the full benchmark (about 20 min on 2 cores)
  /usr/bin/python3 bench/quality.py --seeds 0 --k 5 --train-steps 100 --no-write   # a quick look
  /usr/bin/python3 bench/quality.py --bundle models/fashion-mnist-latent --k 10  # latent space
"""
import argparse
import json
import os
import shlex
import shutil
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import artifacts  # noqa: E402
import benchlib  # noqa: E402
import fewshot  # noqa: E402

fmnist = benchlib.fmnist
DOCS = os.path.join(benchlib.ROOT, "docs")
# The constants design §4 gave before bench/tune.py tuned them (the element's defaults now differ).
DESIGN_CONSTANTS = "guidance-scale=5 contour-scale=0.8 classifier-scale=3 fine-stage=0.3"
# mode: (higfasampler guidance, trained on the filter's kept images only, extra properties)
SYNTHETIC = {
    "cfg": ("cfg", False, ""),
    "contour": ("contour", True, ""),
    "higfa-fixed": ("higfa-fixed", True, ""),
    "higfa": ("higfa", True, ""),
    "higfa-s4": ("higfa", True, DESIGN_CONSTANTS),
}
BASELINES = ["real", "classic"]


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plugin-dir", default=os.path.join(benchlib.ROOT, "build", "gst-plugin"))
    ap.add_argument("--bundle", default=benchlib.BUNDLE,
                    help="model bundle the pipelines sample with (pixel or latent)")
    ap.add_argument("--k", default="5,10", help="real images per class, comma-separated")
    ap.add_argument("--samples", type=int, default=4, help="synthetic images per real image (M)")
    ap.add_argument("--seeds", default="0,1,2", help="seeds: real-image draw, sampler, CNN init")
    ap.add_argument("--steps", type=int, default=None,
                    help="sampler steps (default: the element's, with its default solver)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-steps", type=int, default=500, help="CNN optimiser steps")
    ap.add_argument("--modes", default=",".join(BASELINES + list(SYNTHETIC)),
                    help="comma-separated (higfa-s4: higfa with design §4's untuned constants)")
    ap.add_argument("--split", choices=["test", "val"], default="test",
                    help="evaluation set: the official test set, or the pool's validation half")
    ap.add_argument("--sampler-props", default="",
                    help="extra higfasampler properties for every mode, e.g. 'classifier-scale=2'")
    ap.add_argument("--filter-props", default="", help="extra confidencefilter properties")
    ap.add_argument("--work", default=None,
                    help="where the exported reals and the synthetic images go "
                         "(default: out/quality, out/quality-<bundle name> for another bundle)")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/")
    ap.add_argument("--report-from", metavar="RESULTS_JSON",
                    help="only re-render docs/ from an earlier run's results.json")
    args = ap.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    args.k = sorted(int(v) for v in args.k.split(","))
    args.seeds = [int(v) for v in args.seeds.split(",")]
    args.modes = args.modes.split(",")
    if args.work is None:
        name = bundle_name(args)
        args.work = os.path.join(benchlib.ROOT, "out",
                                 "quality" if name is None else "quality-" + name)
    known = BASELINES + list(SYNTHETIC)
    for m in args.modes:
        if m not in known:
            ap.error("unknown mode %r (known: %s)" % (m, ", ".join(known)))
    return args


def solver_text(args):
    """The sampler's solver and steps as run, e.g. 'dpm++2m, 10 steps (the element's defaults)'."""
    d = benchlib.sampler_defaults(args.plugin_dir)
    if args.steps is None:
        return "%s, %d steps (the element's defaults)" % (d["scheduler"], d["num-inference-steps"])
    return "%s, %d steps" % (d["scheduler"], args.steps)


def bundle_name(args):
    """None for the default bundle, else its directory's name (tables and figures per bundle)."""
    if os.path.realpath(args.bundle) == os.path.realpath(benchlib.BUNDLE):
        return None
    return os.path.basename(os.path.normpath(args.bundle))


def figure_path(args, what):
    """docs/quality_<what>.png, or docs/quality_<bundle>_<what>.png for another bundle."""
    name = bundle_name(args)
    return os.path.join(DOCS, "quality_%s%s.png" % ("" if name is None else name + "_", what))


def synthesize(args, reals_dir, out_dir, mode, seed):
    """Run the augmentation pipeline for one mode; returns its timings (bench/gst_timed.py)."""
    b = args.bundle
    guidance, _, props = SYNTHETIC[mode]
    shutil.rmtree(out_dir, ignore_errors=True)
    desc = ("datasetsrc location=%s labels-file=%s/labels.txt bundle=%s ! contourextract ! "
            "higfasampler name=smp bundle=%s guidance=%s samples-per-image=%d seed=%d threads=%d "
            "%s %s %s ! fgclassifier bundle=%s threads=%d ! "
            "confidencefilter name=f %s ! queue ! datasetsink name=out location=%s/kept  "
            "f.reject_src ! queue ! datasetsink location=%s/rejected"
            % (reals_dir, reals_dir, b, b, guidance, args.samples, seed, args.threads,
               "" if args.steps is None else "num-inference-steps=%d" % args.steps,
               props, args.sampler_props, b, args.threads, args.filter_props, out_dir, out_dir))
    return benchlib.run_timed(desc, args.plugin_dir)


def load_synthetic(out_dir):
    """Images [N,32,32] u8, rows (manifest dicts with 'kept' and 'train_index' added)."""
    rows, imgs = [], []
    for part in ("kept", "rejected"):
        d = os.path.join(out_dir, part)
        if not os.path.exists(os.path.join(d, "manifest.jsonl")):
            continue  # a sink that saw no buffer writes no manifest
        part_rows = benchlib.read_manifest(d)
        if part_rows:
            imgs.append(benchlib.read_images(d, part_rows))
        for r in part_rows:
            r["kept"] = part == "kept"
            name = os.path.basename(r["label"]["source_path"])
            r["train_index"] = int(os.path.splitext(name)[0])
        rows += part_rows
    return (np.concatenate(imgs) if imgs else np.zeros((0, 32, 32), np.uint8)), rows


def mean_std(values):
    v = np.asarray(values, np.float64)
    return float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0


def run(args, log=print):
    """The benchmark; returns {'acc': {(mode, k): [per seed]}, 'synth': {mode: [per-seed dicts]}}."""
    import torch
    torch.set_num_threads(args.threads)
    imgs, labels = fmnist.load("pool")
    eval_x, eval_y = fewshot.eval_set(args.split)
    judge = benchlib.load_judge()
    kmax = args.k[-1]
    acc = {}
    synth = {}
    timing = {"synthesis": 0.0, "training": 0.0}
    for seed in args.seeds:
        sel = fewshot.select_reals(labels, kmax, seed)  # [classes, kmax], pool-relative
        seed_dir = os.path.join(args.work, "seed%d" % seed)
        reals_dir = os.path.join(seed_dir, "reals")
        shutil.rmtree(reals_dir, ignore_errors=True)
        benchlib.export_images(reals_dir, imgs, labels, sel.ravel())
        src32 = {fmnist.POOL_RANGE[0] + i: fmnist.pad32(imgs[i:i + 1])[0] for i in sel.ravel()}
        syn = {}
        for mode, (_, filtered, _) in SYNTHETIC.items():
            if mode not in args.modes:
                continue
            t = time.monotonic()
            r = synthesize(args, reals_dir, os.path.join(seed_dir, mode), mode, seed)
            timing["synthesis"] += time.monotonic() - t
            x, rows = load_synthetic(os.path.join(seed_dir, mode))
            if len(rows) != args.samples * sel.size:
                raise RuntimeError("%s seed %d: %d synthetic images for %d x %d" %
                                   (mode, seed, len(rows), sel.size, args.samples))
            syn[mode] = (x, rows, filtered)
            synth.setdefault(mode, []).append(
                synthetic_metrics(judge, x, rows, src32, r["steady"] / len(rows)))
            log("seed %d %-11s %s" % (seed, mode, json.dumps(synth[mode][-1])))
        for k in args.k:
            idx = sel[:, :k].ravel()
            real_x = benchlib.to_model_input(imgs[idx])
            real_y = torch.from_numpy(labels[idx].astype(np.int64))
            chosen = set(fmnist.POOL_RANGE[0] + int(i) for i in idx)
            for mode in args.modes:
                syn_x = syn_y = None
                if mode in syn:
                    x, rows, filtered = syn[mode]
                    keep = [i for i, r in enumerate(rows)
                            if r["train_index"] in chosen and (r["kept"] or not filtered)]
                    syn_x = benchlib.to_model_input(x[keep])
                    syn_y = torch.tensor([rows[i]["class_id"] for i in keep])
                t = time.monotonic()
                model = fewshot.train(real_x, real_y, seed, args.train_steps, mode != "real",
                                      syn_x, syn_y)
                timing["training"] += time.monotonic() - t
                a = fewshot.accuracy(model, eval_x, eval_y)
                acc.setdefault((mode, k), []).append(a)
                log("seed %d k=%-2d %-11s %s %.4f (%d synthetic)" % (
                    seed, k, mode, args.split, a, 0 if syn_x is None else len(syn_x)))
    return {"acc": acc, "synth": synth, "timing": timing}


def synthetic_metrics(judge, x, rows, src32, s_per_image):
    """Fidelity, keep rate and diversity of one mode's synthetic images of one seed."""
    y = np.array([r["class_id"] for r in rows])
    kept = np.array([r["kept"] for r in rows])
    src = np.stack([src32[r["train_index"]] for r in rows])
    pred, feat = benchlib.judge_eval(judge, x)
    _, src_feat = benchlib.judge_eval(judge, src)
    correct = pred == y
    art = artifacts.artifact_flags(x, y)
    rmse = np.sqrt((((x.astype(np.float32) - src) / 255.0) ** 2).mean(axis=(1, 2)))
    fdist = np.linalg.norm(feat - src_feat, axis=1)
    return {"fidelity_before": float(correct.mean()),
            "fidelity_after": float(correct[kept].mean()) if kept.any() else float("nan"),
            "keep_rate": float(kept.mean()),
            "artifacts_before": float(art.mean()),
            "artifacts_after": float(art[kept].mean()) if kept.any() else float("nan"),
            "pixel_rmse": float(rmse.mean()),
            "feature_dist": float(fdist.mean()),
            "s_per_image": float(s_per_image)}


def real_pair_reference(judge, seeds):
    """Diversity reference: mean distances between two different real images of the same class."""
    imgs, labels = fmnist.load("pool")
    rng = np.random.default_rng(seeds[0])
    a, b = fewshot.SELECT
    pa, pb = [], []
    for cid in range(len(fmnist.CLASS_NAMES)):
        idx = np.flatnonzero(labels[a:b] == cid) + a
        pick = rng.choice(idx, size=(100, 2), replace=True)
        pick = pick[pick[:, 0] != pick[:, 1]]
        pa.append(pick[:, 0])
        pb.append(pick[:, 1])
    xa, xb = fmnist.pad32(imgs[np.concatenate(pa)]), fmnist.pad32(imgs[np.concatenate(pb)])
    _, fa = benchlib.judge_eval(judge, xa)
    _, fb = benchlib.judge_eval(judge, xb)
    rmse = np.sqrt((((xa.astype(np.float32) - xb) / 255.0) ** 2).mean(axis=(1, 2)))
    return float(rmse.mean()), float(np.linalg.norm(fa - fb, axis=1).mean())


def affine_matrix(t, w, h):
    """The forward 2x3 affine of a recorded contour transform (lib/src/contour_transform.cpp)."""
    th, sh = np.deg2rad(t["rotation_deg"]), np.tan(np.deg2rad(t["shear_deg"]))
    c, s, f, sc = np.cos(th), np.sin(th), (-1.0 if t["flip"] else 1.0), t["scale"]
    a = np.array([[sc * c * f, sc * (c * sh + s)], [-sc * s * f, sc * (-s * sh + c)]])
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    off = np.array([cx + t["translate_x"] * w, cy + t["translate_y"] * h]) - a @ [cx, cy]
    return np.hstack([a, off[:, None]])


def contact_sheet(args, seed, path, scale=2):
    """Per class: source, contour, one transformed contour, then each mode's M outputs.

    The transformed contour is the one sample 0 of the last mode with contour guidance drew,
    re-applied from its recorded parameters; a red frame marks an output the filter rejected.
    """
    import cv2
    imgs, labels = fmnist.load("pool")
    sel = fewshot.select_reals(labels, args.k[-1], seed)
    modes = [m for m in SYNTHETIC if m in args.modes]
    loaded = {m: load_synthetic(os.path.join(args.work, "seed%d" % seed, m)) for m in modes}
    cell, gap = 32 * scale, 4
    ncol = 3 + len(modes) * args.samples
    head = 18
    sheet = np.full((head + len(sel) * (cell + gap), ncol * (cell + gap) + gap * len(modes), 3),
                    255, np.uint8)

    def put(img, row, col, extra=0, reject=False):
        y, x = head + row * (cell + gap), col * (cell + gap) + extra
        tile = cv2.resize(img, (cell, cell), interpolation=cv2.INTER_NEAREST)
        sheet[y:y + cell, x:x + cell] = tile[..., None]
        if reject:
            cv2.rectangle(sheet, (x, y), (x + cell - 1, y + cell - 1), (0, 0, 255), 2)

    titles = [("source", 0, 0), ("contour", 1, 0), ("T(contour)", 2, 0)]
    titles += [(m, 3 + i * args.samples, gap * (i + 1)) for i, m in enumerate(modes)]
    for text, col, extra in titles:
        cv2.putText(sheet, text, (col * (cell + gap) + extra + 2, 13), cv2.FONT_HERSHEY_SIMPLEX,
                    0.42, (0, 0, 0), 1, cv2.LINE_AA)
    for row, cid in enumerate(range(len(sel))):
        i = sel[cid, 0]
        train_index = fmnist.POOL_RANGE[0] + int(i)
        src = fmnist.pad32(imgs[i:i + 1])[0]
        edges = fmnist.pad32(fmnist.canny(np.ascontiguousarray(imgs[i])))
        put(src, row, 0)
        put(edges, row, 1)
        for c, m in enumerate(modes):
            x, rows = loaded[m]
            mine = sorted((r["sample_index"], j) for j, r in enumerate(rows)
                          if r["train_index"] == train_index)
            for s_i, j in mine[:args.samples]:
                put(x[j], row, 3 + c * args.samples + s_i, gap * (c + 1), not rows[j]["kept"])
                t = rows[j]["provenance"].get("transform")
                if s_i == 0 and SYNTHETIC[m][0] != "cfg" and t:
                    warped = cv2.warpAffine(edges.astype(np.float32) / 255.0,
                                            affine_matrix(t, 32, 32), (32, 32),
                                            flags=cv2.INTER_LINEAR, borderValue=0)
                    binary = ((warped >= 0.35) * 255).astype(np.uint8)
                    put(cv2.ximgproc.thinning(binary, thinningType=cv2.ximgproc.THINNING_ZHANGSUEN),
                        row, 2)
    cv2.imwrite(path, sheet)


def bar_chart(args, acc, path):
    """Grouped bars: mean top-1 per mode for each k, with +-std whiskers."""
    import cv2
    modes = args.modes
    w, h, left, bottom, top = 900, 420, 60, 70, 40
    img = np.full((h, w, 3), 255, np.uint8)
    vals = [a for v in acc.values() for a in v]
    lo = max(0.0, np.floor((min(vals) - 0.05) * 20) / 20)
    hi = min(1.0, np.ceil((max(vals) + 0.02) * 20) / 20)
    ph = h - bottom - top

    def ypix(v):
        return int(h - bottom - (v - lo) / (hi - lo) * ph)

    for g in np.arange(lo, hi + 1e-9, 0.05):
        cv2.line(img, (left, ypix(g)), (w - 10, ypix(g)), (225, 225, 225), 1)
        cv2.putText(img, "%.0f%%" % (100 * g), (8, ypix(g) + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                    (0, 0, 0), 1, cv2.LINE_AA)
    colours = [(180, 119, 31), (14, 127, 255), (44, 160, 44), (40, 39, 214), (189, 103, 148),
               (75, 86, 140), (127, 127, 127)]
    group = (w - left - 20) / len(args.k)
    bw = group * 0.8 / len(modes)
    for gi, k in enumerate(args.k):
        x0 = left + gi * group + group * 0.1
        cv2.putText(img, "k = %d" % k, (int(x0 + group * 0.35), h - bottom + 20),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
        for mi, m in enumerate(modes):
            mean, std = mean_std(acc[(m, k)])
            xa, xb = int(x0 + mi * bw), int(x0 + (mi + 1) * bw) - 3
            cv2.rectangle(img, (xa, ypix(mean)), (xb, ypix(lo)), colours[mi % len(colours)], -1)
            xc = (xa + xb) // 2
            cv2.line(img, (xc, ypix(mean - std)), (xc, ypix(mean + std)), (0, 0, 0), 1)
    for mi, m in enumerate(modes):
        x = left + mi * 118
        cv2.rectangle(img, (x, h - 30), (x + 12, h - 18), colours[mi % len(colours)], -1)
        cv2.putText(img, m, (x + 16, h - 19), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1,
                    cv2.LINE_AA)
    cv2.putText(img, "Few-shot top-1 on the Fashion-MNIST %s set, mean +- std over %d seeds"
                % ("test" if args.split == "test" else "validation", len(args.seeds)),
                (left, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    cv2.imwrite(path, img)


def pct(values):
    if values is None:
        return ""  # a results.json from before the measure existed
    m, s = mean_std(values)
    return "%.1f ± %.1f" % (100 * m, 100 * s)


def wins(args, acc):
    """Per mode, in how many (seed, k) pairs it had the best accuracy (ties count for each)."""
    out = {m: 0 for m in args.modes}
    for k in args.k:
        for i in range(len(args.seeds)):
            top = max(acc[(m, k)][i] for m in args.modes)
            for m in args.modes:
                out[m] += acc[(m, k)][i] == top
    return out


def report(args, res, ref, wall, conditions):
    """The docs/RESULTS.md section."""
    acc, synth = res["acc"], res["synth"]
    rows = []
    won = wins(args, acc)
    for m in args.modes:
        cells = [m] + [pct(acc[(m, k)]) for k in args.k] + [
            "%d / %d" % (won[m], len(args.k) * len(args.seeds))]
        rows.append(cells)
    head = ["mode"] + ["top-1 %% (k = %d)" % k for k in args.k] + ["best in (seed, k) runs"]
    tab = benchlib.table(head, rows)
    srows = []
    for m in SYNTHETIC:
        if m not in synth:
            continue
        v = {key: [d[key] for d in synth[m]] for key in synth[m][0]}
        srows.append([m, pct(v["fidelity_before"]), pct(v["fidelity_after"]), pct(v["keep_rate"]),
                      pct(v.get("artifacts_before")), pct(v.get("artifacts_after")),
                      "%.3f" % np.mean(v["pixel_rmse"]), "%.2f" % np.mean(v["feature_dist"]),
                      "%.3f" % np.mean(v["s_per_image"])])
    srows.append(["(two real images of one class)", "", "", "", "", "", "%.3f" % ref[0],
                  "%.2f" % ref[1], ""])
    stab = benchlib.table(["mode", "fidelity before filter %", "fidelity after filter %",
                           "kept %", "artifacts before filter %", "artifacts after filter %",
                           "pixel RMSE to source", "judge-feature distance to source",
                           "sampler s / image"], srows)
    best = {k: max(args.modes, key=lambda m: np.mean(acc[(m, k)])) for k in args.k}
    cmd = "/usr/bin/python3 bench/quality.py " + " ".join(shlex.quote(a) for a in args.argv)
    return (
        "Few-shot protocol of design §7 on %s: k real images per class drawn per "
        "seed from pool images 50 000-54 999, M = %d synthetic images per real image from the "
        "GStreamer pipeline (`datasetsrc ! contourextract ! higfasampler ! fgclassifier ! "
        "confidencefilter ! datasetsink`, %s, confidencefilter at its defaults: "
        "label-score >= 0.5%s), a fixed small CNN (`bench/fewshot.py`: 3 conv blocks, %d Adam "
        "steps of batch 64, half real and half synthetic per batch when synthetic images are "
        "used, classic augmentation = random shift <= 3 px + horizontal flip) trained per mode, "
        "and top-1 on the %s, mean ± std over seeds %s (each seed draws its own real images, "
        "sampler seed and CNN initialisation). `cfg` trains on all its samples (DA-Fusion has no "
        "filter); the other synthetic modes on the samples the filter kept. Every synthetic mode "
        "also has the classic augmentation, so its gain over `classic` is what the synthetic "
        "images add. All modes run at the element's defaults, which `bench/tune.py` tuned on the "
        "pool's validation half (guidance-scale 3, contour-scale 0.6, classifier-scale 6, "
        "fine-stage 0.5; they apply to every mode that uses them, `cfg` included); `higfa-s4` is "
        "`higfa` with design §4's original constants (%s). The last column counts the "
        "(seed, k) runs in which a mode had the best accuracy.\n\n%s\n\nBest mode (mean): %s."
        "\n\n![few-shot accuracy](%s)\n\n"
        "Synthetic images (all seeds, k = %d sets; fidelity = the independent judge's accuracy "
        "against the intended class; distances are each synthetic image's to its own source "
        "image; the last row is the same distances between two different real images of one "
        "class, for scale; artifacts = the share of images whose high-frequency energy exceeds "
        "the 99th percentile of real test images of their class, `bench/artifacts.py`, 1 %% of "
        "real images by construction):\n\n%s\n\nContact sheet (seed %d; per class: source, its contour, a "
        "transformed contour re-drawn from the parameters recorded in the provenance, then %d "
        "outputs per mode; red frame = rejected by the filter): "
        "[%s](%s)\n\n%s- sampler properties: %s; "
        "filter properties: %s\n- wall clock of the whole run: %.1f min (synthesis %.1f min, CNN "
        "training %.1f min)\n\nCommand: `%s`\n"
        % ("the default bundle" if bundle_name(args) is None else "`%s`" % args.bundle,
           args.samples, solver_text(args), (" " + args.filter_props) if args.filter_props else "",
           args.train_steps,
           "official test set (10 000 images)" if args.split == "test"
           else "pool's validation half (55 000-59 999)",
           ", ".join(map(str, args.seeds)), DESIGN_CONSTANTS, tab,
           "; ".join("k = %d: %s" % (k, best[k]) for k in args.k),
           os.path.basename(figure_path(args, "accuracy")), args.k[-1], stab,
           args.seeds[0], args.samples, os.path.basename(figure_path(args, "contact_sheet")),
           os.path.basename(figure_path(args, "contact_sheet")), conditions,
           args.sampler_props or "defaults", args.filter_props or "defaults", wall / 60,
           res["timing"]["synthesis"] / 60, res["timing"]["training"] / 60, cmd))


def load_results(path):
    """(args, res, wall, conditions) of a results.json that main() wrote."""
    with open(path) as f:
        saved = json.load(f)
    args = argparse.Namespace(**saved["args"])
    acc = {}
    for key, v in saved["acc"].items():
        mode, k = key.rsplit("@k=", 1)
        acc[(mode, int(k))] = v
    res = {"acc": acc, "synth": saved["synthetic"], "timing": saved["timing"]}
    return args, res, saved["wall_s"], saved["conditions"]


def main(argv=None):
    args = parse_args(argv)
    if args.report_from:
        # Re-render the report and the figures of an earlier run (its work directory is needed
        # for the contact sheet); nothing is sampled or trained.
        args, res, wall, conditions = load_results(args.report_from)
        args.no_write = False
    else:
        t0 = time.monotonic()
        res = run(args)
        wall = time.monotonic() - t0
        conditions = benchlib.conditions(args.threads)
        with open(os.path.join(args.work, "results.json"), "w") as f:
            json.dump({"args": vars(args), "conditions": conditions,
                       "acc": {"%s@k=%d" % key: v for key, v in res["acc"].items()},
                       "synthetic": res["synth"], "timing": res["timing"], "wall_s": wall},
                      f, indent=1)
    ref = real_pair_reference(benchlib.load_judge(), args.seeds)
    body = report(args, res, ref, wall, conditions)
    print(body)
    if not args.no_write:
        bar_chart(args, res["acc"], figure_path(args, "accuracy"))
        if any(m in args.modes for m in SYNTHETIC):
            contact_sheet(args, args.seeds[0], figure_path(args, "contact_sheet"))
        title = "Few-shot quality" + ("" if args.split == "test" else " (validation split)")
        if bundle_name(args) is not None:
            title += ", " + bundle_name(args)
        benchlib.update_section(title, body)


if __name__ == "__main__":
    main()
