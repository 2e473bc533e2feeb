#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Runs a pipelines/ description (default: augment-dataset) with progress, a summary and a contact sheet.
"""Augment a labelled dataset with the higfa GStreamer elements.

Loads pipelines/augment-dataset.txt (or --pipeline), substitutes its placeholders
(${DATA} ${BUNDLE} ${OUT} ${STEPS} ${SAMPLES} ${FRAMES}), runs it with the plugin built in
<build-dir>/gst-plugin, prints progress (images done / total, images per second) from the
datasetsink's "higfa-progress" messages, and at the end says what the dataset source read and
skipped, by reason (its "higfa-dataset-summary"), where it wrote, how many images the confidence
filter kept and dropped (its "higfa-filter-stats" message), and writes <out>/contact_sheet.png:
per source image, the source and its kept outputs.

--resume continues an interrupted run in --out (datasetsink resume=true): what it wrote is kept,
a partially written file is discarded, and only the missing samples are generated; other
settings than the interrupted run's are refused. It wins over --overwrite.

Usage: /usr/bin/python3 tools/augment.py [--data DIR] [--bundle DIR] [--out DIR] [--samples N]
                                         [--steps N] [--overwrite | --resume] [--pipeline FILE]
"""
import argparse
import json
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pipeline", default=os.path.join(REPO, "pipelines", "augment-dataset.txt"))
    ap.add_argument("--data", default=os.path.join(REPO, "data", "samples"),
                    help="ImageFolder dataset (${DATA})")
    ap.add_argument("--bundle", default=os.path.join(REPO, "models", "fashion-mnist"),
                    help="model bundle directory (${BUNDLE})")
    ap.add_argument("--out", default=os.path.join(REPO, "out", "augment"),
                    help="output directory (${OUT})")
    ap.add_argument("--samples", type=int, default=4, help="samples per image (${SAMPLES})")
    ap.add_argument("--steps", type=int, default=None,
                    help="sampling steps (${STEPS}); default: higfasampler's num-inference-steps")
    ap.add_argument("--frames", type=int, default=8, help="frames of a stream source (${FRAMES})")
    ap.add_argument("--overwrite", action="store_true",
                    help="replace an earlier run's output in --out")
    ap.add_argument("--resume", action="store_true",
                    help="continue an interrupted run in --out, generating only what is missing "
                         "(wins over --overwrite)")
    ap.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(REPO, "build")))
    return ap.parse_args()


def load_description(path, values):
    """The pipeline description without '#' lines, placeholders substituted."""
    with open(path, encoding="utf-8") as f:
        text = " ".join(l.strip() for l in f if l.strip() and not l.lstrip().startswith("#"))
    for name, value in values.items():
        if any(c in value for c in " \"'!"):
            sys.exit("augment: %s=%r: paths with spaces, quotes or '!' are not supported here"
                     % (name, value))
        text = text.replace("${%s}" % name, value)
    if "${" in text:
        start = text.index("${")
        sys.exit("augment: %s: unknown placeholder %s" % (path, text[start:text.index("}", start) + 1]))
    return text


def elements(pipeline, factory):
    out = []
    it = pipeline.iterate_recurse()
    while True:
        ok, el = it.next()
        if ok != 1:  # Gst.IteratorResult.OK
            break
        f = el.get_factory()
        if f is not None and f.get_name() == factory:
            out.append(el)
    return out


class Progress:
    """Images done / total and rate; one updating line on a terminal, else a line every 5 s."""

    def __init__(self):
        self.start = time.monotonic()
        self.last = 0.0
        self.tty = sys.stdout.isatty()

    def show(self, done, total, kept, dropped, final=False):
        now = time.monotonic()
        if not final and not self.tty and now - self.last < 5.0:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-6)
        of = "/%d" % total if total else ""
        line = "augment: %d%s images done, %.2f images/s, kept %d, dropped %d" % (
            done, of, rate, kept, dropped)
        if self.tty:
            sys.stdout.write("\r" + line + ("\n" if final else ""))
        else:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()


def filter_counts(structure):
    """(kept, dropped, {class name: (kept, dropped)}) of a higfa-filter-stats structure."""
    if structure is None:
        return 0, 0, {}
    ok, kept = structure.get_uint64("kept")
    ok2, dropped = structure.get_uint64("dropped")
    per_class = {}
    # "classes": one higfa-class structure per class counted (id, name, kept, dropped).
    for cls in structure.get_value("classes") or []:
        per_class[cls.get_value("name")] = (cls.get_value("kept"), cls.get_value("dropped"))
    return (kept if ok else 0), (dropped if ok2 else 0), per_class


def describe_summary(s):
    """One line of a higfa-dataset-summary structure: read, skipped by reason, not images."""
    reasons = ("not-an-image", "unsupported-format", "too-large", "corrupt", "unreadable",
               "duplicate")
    counts = [(r, s.get_value(r) or 0) for r in reasons]
    by_reason = ", ".join("%s %d" % (r, n) for r, n in counts if n)
    hidden = s.get_value("hidden") or 0
    return "read %d of %d files, skipped %d%s%s" % (
        s.get_value("read"), s.get_value("files"), s.get_value("skipped"),
        " (%s)" % by_reason if by_reason else "",
        ", %d hidden files ignored" % hidden if hidden else "")


def describe_resume(s):
    """One line of a datasetsink higfa-resume structure."""
    parts = ["kept %d images" % s.get_value("kept")]
    if s.get_value("truncated-line"):
        parts.append("removed a partial last manifest line")
    dropped = list(s.get_value("dropped-lines") or [])
    if dropped:
        parts.append("dropped %d lines whose file is missing" % len(dropped))
    discarded = list(s.get_value("discarded") or [])
    shown = ", ".join(discarded[:5]) + (", ..." if len(discarded) > 5 else "")
    parts.append("discarded %d unfinished files%s" % (len(discarded),
                                                       " (%s)" % shown if discarded else ""))
    return "augment: resuming %s: %s" % (s.get_value("location"), ", ".join(parts))


def run(Gst, description, overwrite, resume=False):
    """Runs the pipeline with progress; returns (sink locations, filter stats structure or None,
    per source (count, skipped, summary structure or None), a dict of what the samplers and a
    resume did)."""
    try:
        pipeline = Gst.parse_launch(description)
    except Exception as e:  # GLib.Error: a missing element or a syntax error
        sys.exit("augment: cannot build the pipeline: %s\n  (is the plugin built? "
                 "GST_PLUGIN_PATH=%s)" % (e, os.environ.get("GST_PLUGIN_PATH", "")))
    sinks = elements(pipeline, "datasetsink")
    for s in sinks:
        s.set_property("progress-interval", 1)
        s.set_property("overwrite", overwrite and not resume)
        s.set_property("resume", resume)
    srcs = elements(pipeline, "datasetsrc")
    samplers = elements(pipeline, "higfasampler")
    filters = elements(pipeline, "confidencefilter")
    bus = pipeline.get_bus()
    # Sources list their dataset on the way to PAUSED; a failure posts the error read below.
    pipeline.set_state(Gst.State.PAUSED)
    per_image = samplers[0].get_property("samples-per-image") if samplers else 1
    kept_before = 0  # images a resume kept: done before this run started
    summaries = {}

    def total():  # what the sources will deliver: listed images less the unreadable ones
        return per_image * sum(s.get_property("count") - s.get_property("skipped") for s in srcs)

    pipeline.set_state(Gst.State.PLAYING)
    progress = Progress()
    stats = None
    types = (Gst.MessageType.EOS | Gst.MessageType.ERROR | Gst.MessageType.ELEMENT
             | Gst.MessageType.WARNING)
    while True:
        msg = bus.timed_pop_filtered(1 * Gst.SECOND, types)
        written = sum(s.get_property("count") for s in sinks)
        kept, dropped, _ = filter_counts(filters[0].get_property("stats") if filters else None)
        rejected_linked = bool(filters) and filters[0].get_static_pad("reject_src") is not None \
            and filters[0].get_static_pad("reject_src").is_linked()
        done = kept_before + written + (0 if rejected_linked else dropped)
        if msg is None:
            progress.show(done, total(), kept, dropped)
            continue
        if msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            pipeline.set_state(Gst.State.NULL)
            hint = ("\n  (run again with --overwrite to replace it, or --resume to continue it)"
                    if "exists and is not empty" in err.message else "")
            sys.exit("\naugment: error from %s: %s\n  %s%s"
                     % (msg.src.get_name(), err.message, debug, hint))
        if msg.type == Gst.MessageType.WARNING:
            err, _ = msg.parse_warning()
            sys.stdout.write("%saugment: warning from %s: %s\n"
                             % ("\n" if progress.tty else "", msg.src.get_name(), err.message))
            continue
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s.get_name() == "higfa-filter-stats":
                stats = s.copy()
            elif s.get_name() == "higfa-dataset-summary":
                summaries[msg.src.get_name()] = s.copy()
            elif s.get_name() == "higfa-resume":
                if msg.src is sinks[0]:
                    kept_before = s.get_value("kept")
                sys.stdout.write(describe_resume(s) + "\n")
            elif s.get_name() == "higfa-progress":
                progress.show(done, total(), kept, dropped)
            continue
        progress.show(done, total(), kept, dropped, final=True)
        break
    if stats is None and filters:
        stats = filters[0].get_property("stats")
    # In the order the description names them: the first is the main output.
    locations = sorted((s.get_property("location") for s in sinks),
                       key=lambda loc: (description.find("location=" + loc), loc))
    sources = [(s.get_property("count"), s.get_property("skipped"),
                summaries.get(s.get_name()) or s.get_property("summary")) for s in srcs]
    sampled = {"generated": sum(s.get_property("generated") for s in samplers),
               "already-written": sum(s.get_property("already-written") for s in samplers),
               "samplers": len(samplers), "resume": resume}
    pipeline.set_state(Gst.State.NULL)
    return locations, stats, sources, sampled


def class_dir_name(name):
    """Mirror of higfa::class_dir_name: the folder a class is stored under."""
    out = "".join("_" if c in "/\\" or ord(c) < 0x20 or ord(c) == 0x7F else c for c in name)
    if not out:
        return "_"
    return "_" + out[1:] if out[0] == "." else out


def source_images(data_dir, class_names):
    """{realpath: (class order, class name)} of the images of an ImageFolder tree."""
    order = {class_dir_name(n): (i, n) for i, n in enumerate(class_names)}
    out = {}
    if not os.path.isdir(data_dir):
        return out
    for d in sorted(os.listdir(data_dir)):
        full = os.path.join(data_dir, d)
        if d.startswith(".") or not os.path.isdir(full):
            continue
        key = order.get(d, (len(order), d))
        for root, dirs, files in os.walk(full):
            dirs[:] = sorted(x for x in dirs if not x.startswith("."))
            for f in sorted(files):
                if os.path.splitext(f)[1].lower() in (".png", ".jpg", ".jpeg", ".bmp", ".pgm",
                                                      ".ppm", ".tif", ".tiff"):
                    out[os.path.realpath(os.path.join(root, f))] = key
    return out


def contact_sheet(out_dir, path, samples, data_dir, class_names):
    """One row per source image, grouped by class: the source, then its kept outputs; a dropped
    sample is a dark cell with a cross. Returns the number of rows."""
    import cv2
    import numpy as np

    cell, label_w, pad = 64, 150, 4
    rows = {src: (key, {}) for src, key in source_images(data_dir, class_names).items()}
    with open(os.path.join(out_dir, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            m = json.loads(line)
            src = (m.get("label") or {}).get("source_path")
            if not src:
                continue
            src = os.path.realpath(src)
            key = rows.get(src, ((len(class_names), m.get("class_name", "")), {}))[0]
            rows.setdefault(src, (key, {}))[1][m.get("sample_index") or 0] = \
                os.path.join(out_dir, m["path"])
    if not rows:
        return 0

    def tile(p):
        img = cv2.imread(p, cv2.IMREAD_COLOR) if p else None
        if img is None:
            t = np.full((cell, cell, 3), 40, np.uint8)
            cv2.line(t, (8, 8), (cell - 8, cell - 8), (0, 0, 160), 2)
            cv2.line(t, (8, cell - 8), (cell - 8, 8), (0, 0, 160), 2)
            return t
        return cv2.resize(img, (cell, cell), interpolation=cv2.INTER_NEAREST)

    n = max([samples] + [max(outs) + 1 for _, outs in rows.values() if outs])
    sheet = np.full((len(rows) * (cell + pad) + pad, label_w + (cell + pad) * (n + 1) + pad, 3),
                    255, np.uint8)
    ordered = sorted(rows.items(), key=lambda kv: (kv[1][0], kv[0]))
    for r, (src, ((_, name), outs)) in enumerate(ordered):
        y = pad + r * (cell + pad)
        cv2.putText(sheet, name[:18], (4, y + cell // 2 + 5), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                    (0, 0, 0), 1, cv2.LINE_AA)
        sheet[y:y + cell, label_w:label_w + cell] = tile(src)
        for i in range(n):
            x = label_w + (cell + pad) * (i + 1) + pad
            sheet[y:y + cell, x:x + cell] = tile(outs.get(i))
    cv2.imwrite(path, sheet)
    return len(rows)


def bundle_class_names(bundle):
    try:
        with open(os.path.join(bundle, "manifest.json"), encoding="utf-8") as f:
            return list(json.load(f).get("class_names", []))
    except (OSError, ValueError):
        return []


def main():
    args = parse_args()
    for name in ("pipeline", "data", "bundle", "out", "build_dir"):
        setattr(args, name, os.path.abspath(getattr(args, name)))
    os.chdir(REPO)  # descriptions may name files relative to the repository root
    plugin_dir = os.path.join(args.build_dir, "gst-plugin")
    os.environ["GST_PLUGIN_PATH"] = plugin_dir + (
        ":" + os.environ["GST_PLUGIN_PATH"] if os.environ.get("GST_PLUGIN_PATH") else "")
    import gi
    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
    Gst.init(None)
    if args.steps is None:
        sampler = Gst.ElementFactory.make("higfasampler", None)
        if sampler is None:
            sys.exit("augment: no higfasampler element in %s (build the plugin first)" % plugin_dir)
        args.steps = sampler.find_property("num-inference-steps").default_value

    values = {"DATA": args.data, "BUNDLE": args.bundle, "OUT": args.out,
              "STEPS": str(args.steps), "SAMPLES": str(args.samples), "FRAMES": str(args.frames)}
    description = load_description(args.pipeline, values)
    print("augment: running %s" % os.path.relpath(args.pipeline, REPO))
    print("  gst-launch-1.0 " + description)
    os.makedirs(args.out, exist_ok=True)
    locations, stats, sources, sampled = run(Gst, description, args.overwrite, args.resume)
    for count, skipped, summary in sources:
        if summary is not None:
            print("augment: dataset source: " + describe_summary(summary))
        else:
            print("augment: read %d source images%s" % (
                count - skipped, ", skipped %d unreadable files" % skipped if skipped else ""))
    if sampled["samplers"]:
        print("augment: generated %d samples%s" % (
            sampled["generated"], ", %d already written were not generated again"
            % sampled["already-written"] if sampled["resume"] else ""))

    kept, dropped, per_class = filter_counts(stats)
    for loc in locations:
        with open(os.path.join(loc, "manifest.jsonl"), encoding="utf-8") as f:
            lines = sum(1 for _ in f)
        print("augment: wrote %d images to %s (manifest %s)"
              % (lines, loc, os.path.join(loc, "manifest.jsonl")))
    if stats is not None:
        print("augment: confidence filter kept %d and dropped %d of %d images"
              % (kept, dropped, kept + dropped))
        for name, (k, d) in per_class.items():
            print("  %-14s kept %4d  dropped %4d" % (name, k, d))
    if locations:
        sheet = os.path.join(locations[0], "contact_sheet.png")
        if contact_sheet(locations[0], sheet, args.samples, args.data,
                         bundle_class_names(args.bundle)):
            print("augment: contact sheet %s (per source image: the source, then its kept "
                  "outputs; a cross marks a dropped sample)" % sheet)


if __name__ == "__main__":
    main()
