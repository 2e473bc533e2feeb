#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Builds the HiGFA augmentation pipeline through GObject introspection and reports its progress.
"""Augment a labelled ImageFolder dataset from Python (python3-gst-1.0, GObject introspection).

    /usr/bin/python3 examples/augment.py --data data/samples --out out/augment \\
        --bundle models/fashion-mnist --samples-per-image 2 --steps 20

The pipeline is built element by element, as an application embedding higfa would:

    datasetsrc ! contourextract ! higfasampler ! fgclassifier ! confidencefilter ! datasetsink

and the script follows the bus: datasetsink's "higfa-progress" messages become progress lines,
confidencefilter's "higfa-filter-stats" (posted at EOS) the kept/dropped summary per class, and
datasetsink's "higfa-dataset-written" the totals. --shard-index/--shard-count (defaulting to the
JOB_COMPLETION_INDEX of a Kubernetes Indexed Job or the SLURM_ARRAY_TASK_ID of a Slurm array, see
docs/scale-out.md) select one shard of the input. Exit status 0 on success, 1 on a pipeline error.
The higfa plugin must be on GST_PLUGIN_PATH (e.g. the build's gst-plugin directory).
"""
import argparse
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402  (after require_version, as GI needs)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make(factory, **props):
    """An element of `factory` with `props` (underscores for dashes); enum and flag values may
    be given by their nick as strings, as in gst-launch-1.0."""
    element = Gst.ElementFactory.make(factory, None)
    if element is None:
        raise RuntimeError("no element %r: is the higfa plugin on GST_PLUGIN_PATH?" % factory)
    for name, value in props.items():
        name = name.replace("_", "-")
        if isinstance(value, str) and not isinstance(
                element.get_property(name), (str, type(None))):
            Gst.util_set_object_arg(element, name, value)
        else:
            element.set_property(name, value)
    return element


def build(args):
    """The pipeline and its named elements."""
    els = {
        "src": make("datasetsrc", location=args.data, bundle=args.bundle,
                    shard_index=args.shard_index, shard_count=args.shard_count),
        "contour": make("contourextract"),
        "sampler": make("higfasampler", bundle=args.bundle, samples_per_image=args.samples_per_image,
                        num_inference_steps=args.steps, seed=args.seed, guidance=args.guidance),
        "classifier": make("fgclassifier", bundle=args.bundle),
        "filter": make("confidencefilter", threshold=args.threshold),
        "sink": make("datasetsink", location=args.out, overwrite=args.overwrite),
    }
    pipeline = Gst.Pipeline.new("augment")
    chain = [els[k] for k in ("src", "contour", "sampler", "classifier", "filter", "sink")]
    for element in chain:
        pipeline.add(element)
    for upstream, downstream in zip(chain, chain[1:]):
        if not upstream.link(downstream):
            raise RuntimeError("cannot link %s to %s" % (upstream.get_name(),
                                                         downstream.get_name()))
    return pipeline, els


def filter_summary(s):
    """Lines describing a higfa-filter-stats structure."""
    lines = ["filter: kept %d, dropped %d, without a classification %d"
             % (s.get_value("kept"), s.get_value("dropped"), s.get_value("missing"))]
    # "classes": one higfa-class structure per class counted (id, name, kept, dropped).
    for c in s.get_value("classes"):
        lines.append("  class %d %-14s kept %3d  dropped %3d"
                     % (c.get_value("id"), c.get_value("name"), c.get_value("kept"),
                        c.get_value("dropped")))
    return lines


def run(pipeline, els, args):
    """Plays `pipeline` to EOS, printing progress; returns the process exit status."""
    bus = pipeline.get_bus()
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        msg = bus.pop_filtered(Gst.MessageType.ERROR)
        print("error: %s" % (msg.parse_error()[0].message if msg else "cannot start"),
              file=sys.stderr)
        pipeline.set_state(Gst.State.NULL)
        return 1
    expected = els["src"].get_property("count") * args.samples_per_image
    print("augmenting %d image(s) of shard %d/%d into %s, %d sample(s) each"
          % (els["src"].get_property("count"), args.shard_index, args.shard_count, args.out,
             args.samples_per_image), flush=True)
    status = 0
    types = Gst.MessageType.ERROR | Gst.MessageType.EOS | Gst.MessageType.ELEMENT
    while True:
        msg = bus.timed_pop_filtered(Gst.CLOCK_TIME_NONE, types)
        if msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            print("error from %s: %s\n  %s" % (msg.src.get_name(), err.message, debug),
                  file=sys.stderr)
            status = 1
            break
        if msg.type == Gst.MessageType.EOS:
            break
        s = msg.get_structure()
        if s.get_name() == "higfa-progress":
            # The filter may drop samples, so what was written can stay below what was made.
            generated = els["sampler"].get_property("generated")
            print("progress: %d/%d samples generated, %d written"
                  % (generated, expected, s.get_value("count")), flush=True)
        elif s.get_name() == "higfa-filter-stats":
            print("\n".join(filter_summary(s)), flush=True)
        elif s.get_name() == "higfa-dataset-written":
            print("wrote %d image(s); manifest %s"
                  % (s.get_value("count"), s.get_value("manifest")), flush=True)
    pipeline.set_state(Gst.State.NULL)
    return status


def default_shard_index():
    for var in ("JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="ImageFolder root: <root>/<class>/<image>")
    parser.add_argument("--out", required=True, help="output directory (datasetsink location)")
    parser.add_argument("--bundle", default=os.path.join(REPO, "models", "fashion-mnist"))
    parser.add_argument("--samples-per-image", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20, help="sampling steps")
    parser.add_argument("--seed", type=int, default=0, help="base seed of every shard")
    parser.add_argument("--guidance", default="higfa",
                        choices=["cfg", "contour", "higfa", "higfa-fixed"])
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="least classifier probability of the intended class to keep")
    parser.add_argument("--shard-index", type=int, default=default_shard_index())
    parser.add_argument("--shard-count", type=int, default=1)
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)

    Gst.init(None)
    try:
        pipeline, els = build(args)
    except RuntimeError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return run(pipeline, els, args)


if __name__ == "__main__":
    sys.exit(main())
