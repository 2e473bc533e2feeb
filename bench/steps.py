# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Chooses the sampler's solver and step count on the pool's validation half (never the test set).
"""Solver and steps against few-shot validation accuracy, fidelity, artifacts and time.

Runs bench/quality.py's protocol with --split val (real images from pool 50 000-54 999 drawn by
the tuning seeds, accuracy on pool 55 000-59 999) once per setting, every setting sharing the
real images, the sampler seeds and the CNN initialisation, so differences come from the setting.
Per setting and mode: validation top-1 (mean over seeds and k), the judge's fidelity on the
synthetic images, their artifact rate (bench/artifacts.py) and the sampler's steady seconds per
image. The first setting is the reference; the chosen one is the fewest steps whose higfa
accuracy is within --tolerance points of the reference's and whose fidelity is no lower than the
reference's minus --tolerance, with higfa still ahead of cfg. The table goes to stdout and to the
"Solver and steps (validation split)" section of docs/RESULTS.md.

  /usr/bin/python3 bench/steps.py       # the reference (DDIM 50) and DPM-Solver++ 2M at 20, 15, 10
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import quality  # noqa: E402

SETTINGS = [
    "scheduler=ddim num-inference-steps=50",
    "scheduler=dpm++2m num-inference-steps=20",
    "scheduler=dpm++2m num-inference-steps=15",
    "scheduler=dpm++2m num-inference-steps=10",
]


def steps_of(props):
    return int(props.split("num-inference-steps=")[1].split()[0])


def score(args, props):
    """{mode: {acc, fidelity, artifacts, s_per_image}} of one setting on the validation split."""
    qargs = quality.parse_args(
        ["--split", "val", "--seeds", args.seeds, "--k", args.k,
         "--train-steps", str(args.train_steps), "--modes", args.modes, "--work", args.work,
         "--threads", str(args.threads), "--sampler-props", props])
    res = quality.run(qargs, log=lambda *_: None)
    out = {}
    for m in qargs.modes:
        synth = res["synth"][m]
        out[m] = {
            "acc": float(np.mean([a for k in qargs.k for a in res["acc"][(m, k)]])),
            "fidelity": float(np.mean([d["fidelity_before"] for d in synth])),
            "artifacts": float(np.mean([d["artifacts_before"] for d in synth])),
            "s_per_image": float(np.mean([d["s_per_image"] for d in synth])),
        }
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="100,101", help="tuning seeds (not the reporting 0,1,2)")
    ap.add_argument("--k", default="10")
    ap.add_argument("--modes", default="cfg,higfa")
    ap.add_argument("--settings", action="append", default=None,
                    help="higfasampler properties of one setting, with num-inference-steps "
                         "(repeatable; the first is the reference)")
    ap.add_argument("--tolerance", type=float, default=0.3, help="points of accuracy and fidelity")
    ap.add_argument("--train-steps", type=int, default=500)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default=os.path.join(benchlib.ROOT, "out", "steps"))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    settings = args.settings or SETTINGS
    if "higfa" not in args.modes.split(","):
        ap.error("--modes must include higfa (the choice is made on it)")
    t0 = time.monotonic()
    scores = {}
    rows = []
    for props in settings:
        s = score(args, props)
        scores[props] = s
        for m in args.modes.split(","):
            v = s[m]
            rows.append(["`%s`" % props, m, "%.2f" % (100 * v["acc"]), "%.1f" % (100 * v["fidelity"]),
                         "%.1f" % (100 * v["artifacts"]), "%.3f" % v["s_per_image"]])
            print("%-45s %-8s val %.4f  fidelity %.4f  artifacts %.4f  %.3f s/image"
                  % (props, m, v["acc"], v["fidelity"], v["artifacts"], v["s_per_image"]),
                  flush=True)
    ref = scores[settings[0]]["higfa"]
    tol = args.tolerance / 100

    def holds(props):
        h = scores[props]["higfa"]
        ahead = all(h["acc"] > scores[props][m]["acc"] for m in scores[props] if m != "higfa")
        return h["acc"] >= ref["acc"] - tol and h["fidelity"] >= ref["fidelity"] - tol and ahead
    ok = [p for p in settings if holds(p)]
    chosen = min(ok, key=steps_of) if ok else settings[0]
    wall = time.monotonic() - t0
    tab = benchlib.table(["higfasampler properties", "mode", "val top-1 %", "judge fidelity %",
                          "artifacts %", "sampler s / image"], rows)
    body = ("The sampler's solver and step count chosen on the validation split "
            "(`bench/steps.py`): the few-shot protocol of `bench/quality.py` with real images "
            "drawn (seeds %s, k = %s) from pool images 50 000-54 999 and top-1 on pool images "
            "55 000-59 999 (the test set is not read), M = 4, CNN %d steps, every other property "
            "at its default; all settings share real images, sampler seeds and CNN "
            "initialisation. Fidelity: the judge's accuracy on the synthetic images against the "
            "intended class; artifacts: `bench/artifacts.py`; seconds per image: the sampler's "
            "steady time. Rule: the fewest steps whose higfa accuracy and fidelity are within "
            "%.1f points of the reference (the first row's setting) with higfa ahead of cfg.\n\n"
            "%s\n\nChosen: `%s`.\n\n%s- wall clock: %.1f min\n\n"
            "Command: `/usr/bin/python3 bench/steps.py %s`\n"
            % (args.seeds, args.k, args.train_steps, args.tolerance, tab, chosen,
               benchlib.conditions(args.threads), wall / 60, " ".join(sys.argv[1:])))
    print(body)
    if not args.no_write:
        benchlib.update_section("Solver and steps (validation split)", body)


if __name__ == "__main__":
    main()
