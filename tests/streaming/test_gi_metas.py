#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Reads typed metas from an appsink through gi.repository.GstHigfa on the default bundle.
"""Run with /usr/bin/python3 tests/streaming/test_gi_metas.py in the hermetic environment
(meson test -C BUILD --suite streaming sets GST_PLUGIN_PATH, GI_TYPELIB_PATH, LD_LIBRARY_PATH)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstHigfa", "1.0")
from gi.repository import Gst, GstHigfa  # noqa: E402

from streaming_util import REPO, run_tests  # noqa: E402

BUNDLE = os.path.join(REPO, "models", "fashion-mnist")
SAMPLES = os.path.join(REPO, "data", "samples")
EXAMPLE = os.path.join(REPO, "examples", "read_metas.py")
SOURCES = ["Coat/50022", "Bag/50019"]  # two real images of data/samples
PER_IMAGE, STEPS, SEED, TOP_K = 2, 3, 11, 3
MASK = (1 << 64) - 1

with open(os.path.join(BUNDLE, "manifest.json")) as f:
    CLASS_NAMES = json.load(f)["class_names"]


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def derive_seed(base_seed, source_id, sample_index):
    """higfa::derive_seed as lib/include/higfa/seed.h states it (the sampler's seed rule)."""
    s = splitmix64(base_seed)
    s = splitmix64(s ^ fnv1a64(source_id.encode()))
    return splitmix64(s ^ sample_index)


def tiny_dataset(root):
    for source in SOURCES:
        os.makedirs(os.path.join(root, os.path.dirname(source)), exist_ok=True)
        shutil.copy(os.path.join(SAMPLES, source + ".png"), os.path.join(root, source + ".png"))


def pull_buffers(data):
    """Every buffer the appsink after higfasampler + fgclassifier gets, with the metas read
    through GstHigfa while the buffer is alive."""
    Gst.init(None)
    pipeline = Gst.parse_launch(
        "datasetsrc location=\"%s\" bundle=\"%s\" ! contourextract "
        "! higfasampler bundle=\"%s\" samples-per-image=%d num-inference-steps=%d seed=%d "
        "! fgclassifier bundle=\"%s\" top-k=%d ! appsink name=sink sync=false max-buffers=0"
        % (data, BUNDLE, BUNDLE, PER_IMAGE, STEPS, SEED, BUNDLE, TOP_K))
    sink = pipeline.get_by_name("sink")
    assert pipeline.set_state(Gst.State.PLAYING) != Gst.StateChangeReturn.FAILURE
    frames = []
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        buf = sample.get_buffer()
        p = GstHigfa.buffer_get_higfa_provenance_meta(buf)
        c = GstHigfa.buffer_get_higfa_classification_meta(buf)
        assert p is not None and c is not None, "a generated frame without its metas"
        t, g = p.transform, p.guidance
        frames.append({
            "source_id": p.source_id, "class_id": p.class_id, "class_name": p.class_name,
            "sample_index": p.sample_index, "seed": p.seed, "mode": p.mode,
            "transform": (t.rotation_deg, t.scale, t.translate_x, t.translate_y, t.shear_deg,
                          t.flip),
            "steps": g.num_inference_steps, "scheduler": g.scheduler,
            "base_seed": p.base_seed, "contour_used": p.contour_used,
            "final_confidence": p.final_confidence,
            "topk": list(zip(c.get_class_ids(), c.get_class_names(), c.get_scores())),
            "n": c.n, "label_id": c.label_id, "label_score": c.label_score,
            "intended": GstHigfa.buffer_get_intended_label(buf),
            "json": json.loads(GstHigfa.buffer_metas_to_json(buf)),
        })
    error = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    assert error is None, error.parse_error()
    return frames


_frames = None


def frames():
    global _frames
    if _frames is None:
        with tempfile.TemporaryDirectory() as tmp:
            tiny_dataset(tmp)
            _frames = pull_buffers(tmp)
    return _frames


def test_every_source_gives_its_samples_with_the_source_folders_class():
    got = sorted((f["source_id"], f["sample_index"]) for f in frames())
    assert got == sorted((s, i) for s in SOURCES for i in range(PER_IMAGE)), got
    for f in frames():
        folder = f["source_id"].split("/")[0]
        assert f["class_name"] == folder, f
        assert f["class_id"] == CLASS_NAMES.index(folder), f
        assert f["mode"] == "higfa" and f["steps"] == STEPS and f["scheduler"], f


def test_seed_is_higfas_derive_seed_of_base_seed_source_and_index():
    for f in frames():
        assert f["base_seed"] == SEED
        assert f["seed"] == derive_seed(SEED, f["source_id"], f["sample_index"]), f
    assert len({f["seed"] for f in frames()}) == len(frames())


def test_transform_is_drawn_within_the_designs_ranges_and_varies():
    for f in frames():
        rotation, scale, tx, ty, shear, _flip = f["transform"]
        assert abs(rotation) <= 15.0 and 0.85 <= scale <= 1.15, f
        assert abs(tx) <= 0.1 and abs(ty) <= 0.1 and abs(shear) <= 8.0, f
        assert f["contour_used"], f
    assert len({f["transform"] for f in frames()}) == len(frames())


def test_classification_topk_is_sorted_and_scores_the_intended_class():
    for f in frames():
        assert f["n"] == TOP_K == len(f["topk"]), f
        scores = [s for _, _, s in f["topk"]]
        assert scores == sorted(scores, reverse=True), f
        assert all(0.0 <= s <= 1.0 for s in scores) and sum(scores) <= 1.0 + 1e-5, f
        for class_id, name, _ in f["topk"]:
            assert CLASS_NAMES[class_id] == name, f
        assert f["label_id"] == f["class_id"], f
        assert 0.0 <= f["label_score"] <= 1.0, f
        for class_id, _, score in f["topk"]:
            if class_id == f["label_id"]:
                assert abs(score - f["label_score"]) < 1e-6, f
        assert 0.0 <= f["final_confidence"] <= 1.0, f


def test_intended_label_is_the_provenance_class():
    for f in frames():
        source, class_id, class_name = f["intended"]
        assert source == GstHigfa.LabelSource.PROVENANCE, f
        assert (class_id, class_name) == (f["class_id"], f["class_name"]), f


def test_json_form_matches_the_typed_fields():
    for f in frames():
        p = f["json"]["provenance"]
        assert (p["seed"], p["sample_index"], p["class_name"]) == \
            (f["seed"], f["sample_index"], f["class_name"])
        assert p["transform"]["rotation_deg"] == f["transform"][0]
        assert p["extra"]["base_seed"] == SEED
        assert [e["class_id"] for e in f["json"]["classification"]["topk"]] == \
            [i for i, _, _ in f["topk"]]


def test_the_example_prints_the_same_metas():
    with tempfile.TemporaryDirectory() as tmp:
        tiny_dataset(tmp)
        proc = subprocess.run([sys.executable, EXAMPLE, "--data", tmp, "--samples-per-image",
                               str(PER_IMAGE), "--steps", str(STEPS), "--seed", str(SEED),
                               "--top-k", str(TOP_K)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(printed) == len(SOURCES) * PER_IMAGE, proc.stdout
    want = {(f["source_id"], f["sample_index"]): f for f in frames()}
    for line in printed:
        p, c = line["provenance"], line["classification"]
        f = want[(p["source_id"], p["sample_index"])]
        assert p["seed"] == f["seed"] and p["class_name"] == f["class_name"], line
        assert [e["class_id"] for e in c["topk"]] == [i for i, _, _ in f["topk"]], line
        assert line["intended_label"] == ["provenance", f["class_id"], f["class_name"]], line


if __name__ == "__main__":
    run_tests(globals())
