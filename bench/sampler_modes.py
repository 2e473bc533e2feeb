# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Benchmark: speed, judge accuracy and final confidence of each higfasampler guidance mode.
"""Compare the guidance modes cfg, contour, higfa-fixed and higfa on the same pool images.

For each mode it runs, with gst-launch-1.0,

  datasetsrc (pool ImageFolder) ! contourextract ! higfasampler guidance=<mode> ! datasetsink

on per-class x 10 few-shot pool images (Fashion-MNIST train 50 000-59 999, the first per-class
of each class in index order, exported to a temporary directory), times the wall clock, and scores
the outputs with the independent judge (models/judge/judge.pt): its accuracy against the intended
class, and the mean of the sampler's own final confidence (provenance final_confidence).
and the artifact rate of the outputs (bench/artifacts.py: the share of images whose
high-frequency energy exceeds the 99th percentile of real test images of their class).
A second table asks which outputs confidencefilter's default rule (the intended label's
probability >= 0.5) keeps when fgclassifier runs the bundle's guidance classifier
(classifier=guidance) or its filter classifier (classifier=auto, the default), and scores the
kept images with the judge and the artifact measure: the guidance classifier was climbed by the
sampler, so it is the one a guided image can fool.
The tables go to stdout and to the "Sampler modes" section of docs/RESULTS.md.

  /usr/bin/python3 bench/sampler_modes.py --plugin-dir build/gst-plugin
"""
import argparse
import functools
import os
import shlex
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import artifacts  # noqa: E402
import benchlib  # noqa: E402

MODES = ["cfg", "contour", "higfa-fixed", "higfa"]
THRESHOLD = 0.5  # confidencefilter's default label-score threshold
# fgclassifier's classifier= choices and the bundle file each one runs.
CLASSIFIERS = [("guidance", "classifier.pt"), ("auto (filter)", "filter_classifier.pt")]


@functools.lru_cache(maxsize=None)
def load_judge():
    """The independent judge, loaded once per run."""
    return benchlib.load_judge()


@functools.lru_cache(maxsize=None)
def load_classifier(file):
    """The bundle's TorchScript classifier `file`, loaded once per run."""
    import torch
    return torch.jit.load(os.path.join(benchlib.BUNDLE, file), map_location="cpu").eval()


def score_outputs(out_dir):
    """A datasetsink folder's images, read once: judge correctness [N], artifact flags [N], the
    sampler's final confidences [N] and {classifier: intended-label probability [N]} with the
    bundle's guidance and filter classifiers (their manifest input contract: 32x32 in [-1, 1],
    as the images are)."""
    import numpy as np
    import torch
    rows = benchlib.read_manifest(out_dir)
    imgs = benchlib.read_images(out_dir, rows)
    y = np.array([r["class_id"] for r in rows])
    x = benchlib.to_model_input(imgs)
    scores = {}
    with torch.no_grad():
        for name, file in CLASSIFIERS:
            p = torch.softmax(load_classifier(file)(x), dim=1).numpy()
            scores[name] = p[np.arange(len(y)), y]
    pred, _ = benchlib.judge_eval(load_judge(), imgs)
    conf = np.array([r["provenance"]["final_confidence"] for r in rows])
    return pred == y, artifacts.artifact_flags(imgs, y), conf, scores


def filter_rows(mode, correct, flags, scores):
    """Per classifier: kept %, judge accuracy and artifacts among the kept images."""
    rows = []
    for name, _ in CLASSIFIERS:
        keep = scores[name] >= THRESHOLD
        n = int(keep.sum())
        rows.append((mode, name, "%.1f %%" % (100.0 * n / len(keep)),
                     "%.1f %%" % (100.0 * correct[keep].mean()) if n else "",
                     "%.1f %%" % (100.0 * flags[keep].mean()) if n else "",
                     "%d" % int((keep & ~correct).sum())))
    return rows

def write(args, n, rows, frows, final):
    """Print the tables and, unless --no-write, put them into docs/RESULTS.md."""
    tab = benchlib.table(["guidance", "images", "wall (s)", "s / image", "start-up (s)",
                          "s / image (steady)", "judge accuracy",
                          "mean final confidence", "artifacts", "peak RSS (MiB)"], rows)
    ftab = benchlib.table(["guidance", "fgclassifier classifier=", "kept", "judge accuracy of kept",
                           "artifacts of kept", "kept images the judge calls another class"],
                          frows)
    print(tab)
    print(ftab)
    cmd = ("GST_PLUGIN_PATH=%s gst-launch-1.0 datasetsrc location=POOL labels-file=POOL/labels.txt "
           "bundle=models/fashion-mnist ! contourextract ! higfasampler bundle=models/fashion-mnist "
           "samples-per-image=1 seed=%d threads=%d scheduler=%s num-inference-steps=%d %sguidance=MODE ! "
           "datasetsink location=OUT/MODE" % (args.plugin_dir, args.seed, args.threads,
                                              args.scheduler, args.steps,
                                              args.sampler_props + " " if args.sampler_props else ""))
    body = (
        "%d few-shot pool images (%d per class: the first of each class in Fashion-MNIST train "
        "index order from 50 000), one sample each, per guidance mode. Seconds per image are the "
        "whole run's wall clock divided by the images (start-up included, nothing subtracted); "
        "start-up: to the first frame entering higfasampler; steady: from then to the last image "
        "written, per image (`bench/gst_timed.py` runs the description and times it). "
        "Peak RSS: that process (GStreamer, Python GI, the plugin). Judge accuracy: "
        "the independent judge (`models/judge/judge.pt`) on the outputs against the intended "
        "class; mean final confidence: the guidance classifier's, from the manifest's provenance; "
        "artifacts: the share of outputs whose high-frequency energy exceeds the 99th percentile "
        "of real test images of their class (`bench/artifacts.py`; 1 %% of real images by "
        "construction)."
        "\n\n%s\n\nThe same outputs through confidencefilter's default rule (the intended "
        "label's probability >= 0.5), with fgclassifier running the bundle's guidance classifier "
        "(the one the sampler climbed) or its default, the independent filter classifier:\n\n%s"
        "\n\n%s- sampler: %s, %d steps, seed %d, %s, other properties at their defaults\n\n"
        "Command: `/usr/bin/python3 bench/sampler_modes.py %s`, which runs for each MODE the "
        "equivalent of\n\n"
        "```\n%s\n```\n" % (n, args.per_class, tab, ftab, benchlib.conditions(args.threads),
                           args.scheduler, args.steps, args.seed,
                           args.sampler_props or "no extra properties",
                           " ".join(shlex.quote(a) for a in sys.argv[1:]),
                           cmd))
    if not final:
        body += "\n(Partial: the modes not listed did not finish.)\n"
    if not args.no_write:
        benchlib.update_section(args.section or "Sampler modes (%d samples each)" % n, body)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plugin-dir", default="build/gst-plugin")
    ap.add_argument("--per-class", type=int, default=20, help="pool images per class")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--scheduler", default="ddim", help="higfasampler scheduler (ddim, dpm++2m)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--sampler-props", default="",
                    help="extra higfasampler properties for every mode, e.g. 'clip-sample=false'")
    ap.add_argument("--section", default="",
                    help="docs/RESULTS.md section title (default: 'Sampler modes (N samples each)')")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/RESULTS.md")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="higfa-bench-modes-")
    data = os.path.join(tmp, "pool")
    n = benchlib.export_pool(data, args.per_class)
    src = "datasetsrc location=%s labels-file=%s/labels.txt bundle=%s" % (
        data, data, benchlib.BUNDLE)
    sampler = ("higfasampler bundle=%s samples-per-image=1 seed=%d threads=%d "
               "scheduler=%s num-inference-steps=%d %s" % (benchlib.BUNDLE, args.seed, args.threads,
                                                          args.scheduler, args.steps,
                                          args.sampler_props))

    rows, frows = [], []
    for mode in args.modes.split(","):
        out = os.path.join(tmp, mode)
        desc = "%s ! contourextract ! %s name=smp guidance=%s ! datasetsink name=out location=%s" % (
            src, sampler, mode, out)
        r = benchlib.run_timed(desc, args.plugin_dir)
        wall, rss = r["wall"], r["rss_kib"]
        correct, flags, final_conf, scores = score_outputs(out)
        count = len(correct)
        if count != n:
            raise RuntimeError("%s: %d outputs for %d inputs" % (mode, count, n))
        acc, conf, art = float(correct.mean()), float(final_conf.mean()), float(flags.mean())
        rows.append((mode, count, "%.1f" % wall, "%.3f" % (wall / count), "%.1f" % r["startup"],
                     "%.3f" % (r["steady"] / count),
                     "%.1f %%" % (100 * acc), "%.3f" % conf, "%.1f %%" % (100 * art),
                     "%.0f" % (rss / 1024)))
        print("%-12s %d images  %.1f s  %.3f s/image  judge %.1f %%  conf %.3f  artifacts %.1f %%  "
              "RSS %.0f MiB" % (mode, count, wall, wall / count, 100 * acc, conf, 100 * art,
                                rss / 1024), flush=True)
        frows += filter_rows(mode, correct, flags, scores)
        write(args, n, rows, frows, len(rows) == len(args.modes.split(",")))

if __name__ == "__main__":
    main()
