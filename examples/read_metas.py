#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Reads higfa's typed metas from buffers in Python through GObject introspection (GstHigfa-1.0).
"""Augments a labelled ImageFolder tree and reads every generated frame's metas from an appsink
through gi.repository.GstHigfa, the way an application embeds the pipeline: the provenance
(source, class, sample index, seed, contour transform, guidance, final confidence) and the
classification (top-k, the intended label's score). Prints one JSON object per frame.

    /usr/bin/python3 examples/read_metas.py --data data/samples --samples-per-image 2 --steps 5

From a build tree (meson devenv -C build sets GI_TYPELIB_PATH and LD_LIBRARY_PATH):

    GST_PLUGIN_PATH=build/gst-plugin GI_TYPELIB_PATH=build/gst-plugin/meta \\
    LD_LIBRARY_PATH=build/gst-plugin/meta /usr/bin/python3 examples/read_metas.py ...
"""
import argparse
import json
import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstHigfa", "1.0")
from gi.repository import Gst, GstHigfa  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_pipeline(data, bundle, samples_per_image, steps, seed, top_k):
    """datasetsrc ! contourextract ! higfasampler ! fgclassifier ! appsink; returns (pipeline,
    appsink)."""
    description = (
        "datasetsrc location=\"%s\" bundle=\"%s\" ! contourextract "
        "! higfasampler bundle=\"%s\" samples-per-image=%d num-inference-steps=%d seed=%d "
        "! fgclassifier bundle=\"%s\" top-k=%d "
        "! appsink name=sink sync=false max-buffers=0"
        % (data, bundle, bundle, samples_per_image, steps, seed, bundle, top_k))
    pipeline = Gst.parse_launch(description)
    return pipeline, pipeline.get_by_name("sink")


def provenance_of(buf):
    """The provenance meta of `buf` as a dict, or None."""
    p = GstHigfa.buffer_get_higfa_provenance_meta(buf)
    if p is None:
        return None
    t, g = p.transform, p.guidance
    return {
        "source_id": p.source_id, "class_id": p.class_id, "class_name": p.class_name,
        "sample_index": p.sample_index, "seed": p.seed, "mode": p.mode,
        "transform": {"rotation_deg": t.rotation_deg, "scale": t.scale,
                      "translate_x": t.translate_x, "translate_y": t.translate_y,
                      "shear_deg": t.shear_deg, "flip": bool(t.flip),
                      "elastic_alpha": t.elastic_alpha, "edge_dropout": t.edge_dropout},
        "guidance": {"scheduler": g.scheduler, "num_inference_steps": g.num_inference_steps,
                     "guidance_scale": g.guidance_scale, "contour_scale": g.contour_scale,
                     "classifier_scale": g.classifier_scale},
        "final_confidence": p.final_confidence if p.final_confidence >= 0 else None,
        "base_seed": p.base_seed, "bundle_name": p.bundle_name,
        "confidences": list(zip(p.get_confidence_steps(), p.get_confidences())),
    }


def classification_of(buf):
    """The classification meta of `buf` as a dict, or None."""
    c = GstHigfa.buffer_get_higfa_classification_meta(buf)
    if c is None:
        return None
    topk = [{"class_id": i, "class_name": n, "score": s}
            for i, n, s in zip(c.get_class_ids(), c.get_class_names(), c.get_scores())]
    return {"topk": topk, "label_id": c.label_id if c.label_id >= 0 else None,
            "label_score": c.label_score if c.label_id >= 0 else None}


def intended_label_of(buf):
    """(where from: "provenance", "label" or "none", class id, class name): the class the frame
    is meant to show, by the one rule every higfa element applies."""
    source, class_id, class_name = GstHigfa.buffer_get_intended_label(buf)
    return source.value_nick, class_id, class_name


def run(pipeline, sink, on_buffer):
    """Plays to EOS, calling on_buffer(buf) for every frame; returns an error text or None."""
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
        pipeline.set_state(Gst.State.NULL)
        return msg.parse_error()[0].message if msg else "the pipeline cannot start"
    error = None
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:  # EOS, or an error stopped the stream
            break
        on_buffer(sample.get_buffer())
    msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    if msg is not None:
        err, debug = msg.parse_error()
        error = "%s (%s)" % (err.message, debug)
    pipeline.set_state(Gst.State.NULL)
    return error


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO, "data", "samples"),
                    help="ImageFolder tree whose folders are the bundle's classes")
    ap.add_argument("--bundle", default=os.path.join(REPO, "models", "fashion-mnist"))
    ap.add_argument("--samples-per-image", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10, help="sampling steps")
    ap.add_argument("--seed", type=int, default=0, help="the run's base seed")
    ap.add_argument("--top-k", type=int, default=3)
    args = ap.parse_args(argv)
    Gst.init(None)
    pipeline, sink = build_pipeline(args.data, args.bundle, args.samples_per_image, args.steps,
                                    args.seed, args.top_k)

    def show(buf):
        print(json.dumps({"provenance": provenance_of(buf),
                          "classification": classification_of(buf),
                          "intended_label": intended_label_of(buf)}), flush=True)

    error = run(pipeline, sink, show)
    if error is not None:
        print("error: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
