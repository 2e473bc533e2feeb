# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Shared code of the benchmarks: pool export, timed pipeline runs, judge scoring, RESULTS.md.
"""Functions shared by the benchmarks in bench/ (quality, tune, speed, sampler_modes)."""
import datetime
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import fmnist  # noqa: E402

RESULTS = os.path.join(ROOT, "docs", "RESULTS.md")
BUNDLE = os.path.join(ROOT, "models", "fashion-mnist")
JUDGE = os.path.join(ROOT, "models", "judge", "judge.pt")


def class_dir_name(name):
    """Directory form of a class name, the rule of higfa::class_dir_name."""
    out = "".join("_" if (c in "/\\" or ord(c) < 32) else c for c in name)
    return "_" + out[1:] if out.startswith(".") else out


def export_pool(root, per_class):
    """Write the first per_class pool images of each class (index order) as an ImageFolder tree.

    Returns the number of images written. File names are the Fashion-MNIST train index.
    """
    imgs, labels = fmnist.load("pool")
    idx = [i for cid in range(len(fmnist.CLASS_NAMES))
           for i in np.flatnonzero(labels == cid)[:per_class]]
    return export_images(root, imgs, labels, idx)


def export_images(root, imgs, labels, indices):
    """Write pool images `indices` (pool-relative) as an ImageFolder tree with labels.txt.

    File names are the Fashion-MNIST train index; returns the number of images written.
    """
    import cv2
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "labels.txt"), "w") as f:
        f.write("\n".join(fmnist.CLASS_NAMES) + "\n")
    for i in indices:
        d = os.path.join(root, class_dir_name(fmnist.CLASS_NAMES[labels[i]]))
        os.makedirs(d, exist_ok=True)
        cv2.imwrite(os.path.join(d, "%d.png" % (fmnist.POOL_RANGE[0] + i)), imgs[i])
    return len(indices)


def gst_env(plugin_dir):
    """The environment of a run on plugin_dir's build, with a GStreamer registry of its own:
    with a shared one, every switch between two builds' plugin dirs rescans the plugins, a second
    of start-up that lands on whichever case comes first after the switch."""
    env = dict(os.environ)
    plugin_dir = os.path.abspath(plugin_dir)
    env["GST_PLUGIN_PATH"] = plugin_dir
    key = hashlib.sha1(plugin_dir.encode()).hexdigest()[:12]
    env["GST_REGISTRY"] = os.path.join(tempfile.gettempdir(), "higfa-bench-registry-%s.bin" % key)
    return env


def sampler_defaults(plugin_dir, names=("scheduler", "num-inference-steps")):
    """higfasampler's default value of each property in `names` (enums by their nick)."""
    code = ("import sys, json, gi; gi.require_version('Gst', '1.0'); "
            "from gi.repository import Gst; Gst.init(None); "
            "e = Gst.ElementFactory.make('higfasampler', None); out = {}\n"
            "for n in sys.argv[1:]:\n"
            "    v = e.find_property(n).default_value\n"
            "    out[n] = v.value_nick if hasattr(v, 'value_nick') else v\n"
            "print(json.dumps(out))")
    p = subprocess.run(["/usr/bin/python3", "-c", code] + list(names), env=gst_env(plugin_dir),
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("cannot read higfasampler's defaults from %s: %s"
                           % (plugin_dir, p.stderr[-500:]))
    return json.loads(p.stdout.strip().splitlines()[-1])


def run_timed(description, plugin_dir):
    """Run description through bench/gst_timed.py; return its timings dict plus rss_kib."""
    cmd = ["/usr/bin/time", "-f", "%M", "/usr/bin/python3",
           os.path.join(ROOT, "bench", "gst_timed.py"), description]
    p = subprocess.run(cmd, env=gst_env(plugin_dir), cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("pipeline failed (%d): %s\n%s%s" % (p.returncode, description,
                                                                p.stdout[-2000:], p.stderr[-2000:]))
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["rss_kib"] = int(p.stderr.strip().splitlines()[-1])
    return res


def read_manifest(out_dir):
    with open(os.path.join(out_dir, "manifest.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_judge():
    import torch
    return torch.jit.load(JUDGE, map_location="cpu").eval()


def to_model_input(imgs_u8):
    """uint8 [N,28,28] or [N,32,32] -> float tensor [N,1,32,32] in [-1, 1] (28x28 zero-padded)."""
    import torch
    x = np.asarray(imgs_u8)
    if x.shape[1:] == (28, 28):
        x = fmnist.pad32(x)
    return torch.from_numpy(x.astype(np.float32) / 127.5 - 1.0)[:, None]


def judge_eval(judge, x_u8, bs=500):
    """(predicted class [N], penultimate features [N,128]) of the judge on uint8 [N,32,32]."""
    import torch
    x = to_model_input(x_u8)
    preds, feats = [], []
    with torch.no_grad():
        for i in range(0, len(x), bs):
            f = judge.features(x[i:i + bs])
            feats.append(f)
            preds.append(judge(x[i:i + bs]).argmax(1))
    return torch.cat(preds).numpy(), torch.cat(feats).numpy()


def read_images(out_dir, rows):
    import cv2
    x = np.stack([cv2.imread(os.path.join(out_dir, r["path"]), cv2.IMREAD_GRAYSCALE)
                  for r in rows])
    assert x.shape[1:] == (32, 32), x.shape
    return x


def blas():
    try:
        return os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    except OSError:
        return "unknown"


def conditions(threads):
    import torch
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                         stdout=subprocess.PIPE).stdout.strip()
    return ("- date: %s UTC; commit %s\n"
            "- machine: %s, %d cores (shared with other builds; load average (1, 5, 15 min) when written %s)\n"
            "- BLAS (libblas.so.3 alternative): `%s`; LibTorch intra-op threads: %s; torch %s\n"
            % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), git, platform.machine(),
               os.cpu_count(), "%.2f %.2f %.2f" % os.getloadavg(), blas(), threads,
               torch.__version__))


def update_section(title, body):
    """Replace (or append) the '## title' section of docs/RESULTS.md with body."""
    head = ("<!-- SPDX-License-Identifier: MIT -->\n<!-- Copyright 2026 The higfa authors -->\n"
            "<!-- What this file is: measured results of the benchmarks in bench/. -->\n"
            "# Results\n\nNumbers measured by the scripts in `bench/`; each section says how.\n")
    text = open(RESULTS).read() if os.path.exists(RESULTS) else head
    section = "## %s\n\n%s\n" % (title, body.rstrip() + "\n")
    pat = re.compile(r"^## %s\n.*?(?=^## |\Z)" % re.escape(title), re.S | re.M)
    if pat.search(text):
        text = pat.sub(lambda m: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as f:
        f.write(text)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)

