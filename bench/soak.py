#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Soak benchmark: long runs of the classify/filter chain and of the sampler, with RSS sampled.
"""Soak benchmark (not part of CI).

Runs two long pipelines with gst-launch-1.0 and samples the process's resident set size (VmRSS of
/proc/<pid>/status) every --interval seconds:

  1. classify: datasetsrc loop=true num-buffers=F ! contourextract ! fgclassifier
               ! confidencefilter threshold=0 ! fakesink    (F = --frames, default 20 000;
               threshold 0 keeps every frame, so each one reaches the sink and is counted)
  2. sampler:  datasetsrc loop=true num-buffers=I ! contourextract ! higfasampler samples-per-image=N
               ! fakesink                                          (I x N = --samples, default 2 000)

For each run it reports the RSS at the end of warm-up (the first --warmup fraction of the run),
the maximum after it, the end value, and the growth after warm-up per 1 000 frames (least squares
over the samples after warm-up). A leak of a buffer, meta or tensor per frame shows as a steady
slope; allocator noise as a flat band.

  bench/soak.py --build build                 # full size, the default test bundle
  bench/soak.py --build build --frames 5000 --samples 500 --results   # and write docs/RESULTS.md

The default data and bundle are the test fixtures (3 classes, 8x8 grey), so the numbers measure the
pipeline's own memory behaviour rather than a big model's; --bundle/--data take others.
"""
import argparse
import datetime
import os
import platform
import re
import shlex
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def soak(description, plugin_dir, interval):
    """Run one pipeline to EOS; return (wall seconds, [(frames done, rss KiB)]).

    The sink is `fakesink silent=false` under `gst-launch-1.0 -v`, which prints one last-message
    line per frame: counting them gives the frames done when each RSS sample is taken.
    """
    env = dict(os.environ)
    env["GST_PLUGIN_PATH"] = os.path.abspath(plugin_dir)
    cmd = ["gst-launch-1.0", "-v"] + shlex.split(description)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    done = [0]

    def count():
        for line in p.stdout:
            if "last-message = chain" in line:
                done[0] += 1

    reader = threading.Thread(target=count, daemon=True)
    reader.start()
    samples = []
    while p.poll() is None:
        r = rss_kib(p.pid)
        if r is not None and done[0] > 0:
            samples.append((done[0], r))
        time.sleep(interval)
    reader.join()
    err = p.stderr.read()
    wall = time.monotonic() - t0
    if p.returncode != 0:
        raise RuntimeError("pipeline failed (%d): %s\n%s" % (p.returncode, description,
                                                             err[-2000:]))
    return wall, samples, done[0]


def summarise(name, frames, wall, samples, warmup):
    """RSS figures over the frames after the first `warmup` fraction."""
    after = [(f, r) for f, r in samples if f >= warmup * frames] or samples
    n = len(after)
    mx = sum(f for f, _ in after) / n
    my = sum(r for _, r in after) / n
    sxx = sum((f - mx) ** 2 for f, _ in after) or 1.0
    slope = sum((f - mx) * (r - my) for f, r in after) / sxx * 1000.0
    return {
        "name": name,
        "frames": frames,
        "wall": wall,
        "rate": frames / wall,
        "samples": len(samples),
        "warm": after[0][1],
        "max": max(r for _, r in after),
        "min": min(r for _, r in after),
        "end": after[-1][1],
        "slope": slope,
        # RSS at 20, 40, 60, 80 and 100 % of the frames (the first sample at or past each mark).
        "marks": [next((r for f, r in samples if f >= q * frames), samples[-1][1])
                  for q in (0.2, 0.4, 0.6, 0.8, 1.0)],
    }


def results_section(rows, args):
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                         stdout=subprocess.PIPE).stdout.strip()
    lines = [
        "## Soak",
        "",
        "`bench/soak.py %s` (not in CI): long runs with the process's RSS (VmRSS) sampled every "
        "%.2f s against the frames that reached the sink; the first %d %% of each run's frames "
        "is warm-up. Growth is the least-squares slope of RSS after warm-up, per 1 000 frames." % (" ".join(sys.argv[1:]), args.interval,
                                              int(args.warmup * 100)),
        "",
        "- date: %s UTC; commit %s; %s, %d cores shared with other builds (load average %s)" % (
            datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), git, platform.machine(),
            os.cpu_count(), "%.2f %.2f %.2f" % os.getloadavg()),
        "- bundle `%s`, data `%s`" % (os.path.relpath(args.bundle, ROOT),
                                      os.path.relpath(args.data, ROOT)),
        "",
        "| run | frames | wall s | frames/s | RSS MiB at 20 / 40 / 60 / 80 / 100 % of the frames "
        "| max after warm-up MiB | growth KiB / 1 000 frames |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        lines.append("| %s | %d | %.1f | %.0f | %s | %.1f | %+.1f |" % (
            r["name"], r["frames"], r["wall"], r["rate"],
            " / ".join("%.1f" % (m / 1024.0) for m in r["marks"]), r["max"] / 1024.0, r["slope"]))
    return "\n".join(lines) + "\n"


def append_section(section):
    """Replace the '## Soak' section of docs/RESULTS.md, or append it; other sections stay."""
    path = os.path.join(ROOT, "docs", "RESULTS.md")
    text = open(path).read() if os.path.exists(path) else ""
    m = re.search(r"^## Soak\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    if m:
        text = text[:m.start()] + section + ("\n" if m.end() < len(text) else "") + text[m.end():]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="meson build dir (its gst-plugin/ is used)")
    ap.add_argument("--bundle", default=os.path.join(FIXTURES, "bundles", "tiny"))
    ap.add_argument("--data", default=os.path.join(FIXTURES, "images", "folder"))
    ap.add_argument("--frames", type=int, default=20000, help="frames of the classify run")
    ap.add_argument("--samples", type=int, default=2000, help="frames the sampler generates")
    ap.add_argument("--per-image", type=int, default=4, help="sampler samples-per-image")
    ap.add_argument("--steps", type=int, default=20, help="sampler num-inference-steps")
    ap.add_argument("--interval", type=float, default=0.25, help="RSS sampling period, s")
    ap.add_argument("--warmup", type=float, default=0.2, help="warm-up fraction of each run")
    ap.add_argument("--results", action="store_true", help="write the Soak section of RESULTS.md")
    args = ap.parse_args()
    plugin_dir = os.path.join(args.build, "gst-plugin")
    b, d = args.bundle, args.data
    src = "datasetsrc location=\"%s\" bundle=\"%s\" loop=true" % (d, b)
    runs = [
        ("contourextract ! fgclassifier ! confidencefilter", args.frames,
         "%s num-buffers=%d ! contourextract ! fgclassifier bundle=\"%s\" "
         "! confidencefilter threshold=0.0 ! fakesink silent=false" % (src, args.frames, b)),
        ("higfasampler (%d per image, %d steps)" % (args.per_image, args.steps),
         args.samples // args.per_image * args.per_image,
         "%s num-buffers=%d ! contourextract ! higfasampler bundle=\"%s\" samples-per-image=%d "
         "num-inference-steps=%d ! fakesink silent=false" % (src, args.samples // args.per_image, b,
                                                args.per_image, args.steps)),
    ]
    rows = []
    for name, frames, desc in runs:
        wall, samples, seen = soak(desc, plugin_dir, args.interval)
        if seen != frames:
            raise RuntimeError("%s: %d frames reached the sink, expected %d" % (name, seen, frames))
        row = summarise(name, frames, wall, samples, args.warmup)
        rows.append(row)
        print("%-55s %6d frames %7.1f s  RSS warm %.1f MiB max %.1f end %.1f  growth %+.1f "
              "KiB/1000 frames" % (name, frames, wall, row["warm"] / 1024, row["max"] / 1024,
                                   row["end"] / 1024, row["slope"]), flush=True)
    section = results_section(rows, args)
    if args.results:
        append_section(section)
    else:
        print(section)


if __name__ == "__main__":
    main()
