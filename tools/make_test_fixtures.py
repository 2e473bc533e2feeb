#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Writes the library tests' model bundles: an analytic tiny bundle, a NaN bundle and broken bundles.
"""Write the model bundles of tests/lib under tests/fixtures/bundles/.

  tiny/     8x8 grey, classes "a", "b", "c" (null class 3), linear schedule
            (1e-4..0.02, 1000 steps). The denoiser is the exact noise prediction
            for data that is the constant image mu_c (mu_c = -0.5 + 0.5 c, null 0):
              eps = (x_t - sqrt(a_t) mu_c) / sqrt(1 - a_t) + 0.1 * s * k
            with a_t = alphas_cumprod[t] (embedded as a float64 buffer), k the
            contour and s the contour scale. The classifier's logits are
              logits_k = -10 * mean over pixels of (x - mu_k)^2.
  nan/      tiny's manifest and classifier; the denoiser returns NaN everywhere.
  tiny-filter/
            tiny's denoiser and classifier plus a filter classifier that takes
            images in [0, 1] (its own input contract) and whose logits are
              logits_k = -3 * mean over pixels of (x01 - m_k)^2,  m_k = (mu_k + 1) / 2,
            that is -0.75 * mean((x - mu_k)^2) on tiny's [-1, 1] scale.
  bad-*/    one defect each, for the loader's error messages (see README.md).

Everything is deterministic: the same torch version writes the same bytes, wherever
and however the script is run.
Other bundles in that directory (gaussian, gaussian-v) come from
tools/make_sampler_fixtures.py and are left alone.

Usage: /usr/bin/python3 tools/make_test_fixtures.py [--out tests/fixtures/bundles]
"""
import argparse
import io
import json
import os
import shutil
import sys
import zipfile

import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEDULE = {"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02,
            "num_train_timesteps": 1000}
CLASS_NAMES = ["a", "b", "c"]
SIZE = 8
CONTOUR_GAIN = 0.1
LOGIT_SCALE = 10.0
FILTER_LOGIT_SCALE = 3.0


def class_means():
    """mu_c for c = 0..2 and the null class 3."""
    return torch.tensor([-0.5 + 0.5 * c for c in range(len(CLASS_NAMES))] + [0.0])


def alphas_cumprod():
    betas = torch.linspace(SCHEDULE["beta_start"], SCHEDULE["beta_end"],
                           SCHEDULE["num_train_timesteps"], dtype=torch.float64)
    return torch.cumprod(1.0 - betas, dim=0)


class TinyDenoiser(torch.nn.Module):
    """eps = (x_t - sqrt(a_t) mu_c) / sqrt(1 - a_t) + 0.1 * s * k."""

    def __init__(self):
        super().__init__()
        self.register_buffer("alphas_cumprod", alphas_cumprod())
        self.register_buffer("class_means", class_means())
        self.contour_gain = CONTOUR_GAIN

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor,
                contour: torch.Tensor, contour_scale: torch.Tensor) -> torch.Tensor:
        a = self.alphas_cumprod[t]
        sqrt_a = torch.sqrt(a).to(x_t.dtype).view(-1, 1, 1, 1)
        sqrt_1ma = torch.sqrt(1.0 - a).to(x_t.dtype).view(-1, 1, 1, 1)
        mu = self.class_means[cond].to(x_t.dtype).view(-1, 1, 1, 1)
        s = contour_scale.to(x_t.dtype).view(-1, 1, 1, 1)
        return (x_t - sqrt_a * mu) / sqrt_1ma + self.contour_gain * s * contour


class NanDenoiser(torch.nn.Module):
    """Returns NaN of x_t's shape (a diverged model)."""

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor,
                contour: torch.Tensor, contour_scale: torch.Tensor) -> torch.Tensor:
        return torch.full_like(x_t, float("nan"))


class HalfSizeDenoiser(torch.nn.Module):
    """Returns [B, C, H/2, W/2]: the wrong output shape."""

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor,
                contour: torch.Tensor, contour_scale: torch.Tensor) -> torch.Tensor:
        return x_t[:, :, ::2, ::2]


class TinyClassifier(torch.nn.Module):
    """logits_k = -scale * mean((x - m_k)^2) for the first `classes` class means m = a mu + b."""

    def __init__(self, classes: int = len(CLASS_NAMES), scale: float = LOGIT_SCALE,
                 a: float = 1.0, b: float = 0.0):
        super().__init__()
        self.register_buffer("class_means", (a * class_means()[:classes] + b).clone())
        self.logit_scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d = (x.unsqueeze(1) - self.class_means.view(1, -1, 1, 1, 1)) ** 2
        return -self.logit_scale * d.flatten(2).mean(2)


def manifest(name, **files):
    return {
        "format": "higfa-bundle", "version": 1, "name": name,
        "resolution": [SIZE, SIZE], "channels": 1, "value_range": [-1.0, 1.0], "space": "pixel",
        "prediction_type": "epsilon", "schedule": dict(SCHEDULE),
        "conditioning": "class", "num_classes": len(CLASS_NAMES), "null_class": len(CLASS_NAMES),
        "class_names": list(CLASS_NAMES), "source_size": [SIZE, SIZE], "fit": "pad",
        "contour": {"blur_size": 3, "blur_sigma": 0.0, "low_threshold": 50,
                    "high_threshold": 150, "l2_gradient": False},
        "files": {"denoiser": files.get("denoiser", "denoiser.pt"),
                  "classifier": files.get("classifier", "classifier.pt")},
        "classifier": {"resolution": [SIZE, SIZE], "channels": 1, "value_range": [-1.0, 1.0],
                       "fit": "pad"},
        "provenance": {
            "command": "/usr/bin/python3 tools/make_test_fixtures.py",
            "denoiser": "analytic: eps = (x_t - sqrt(a_t) mu_c) / sqrt(1 - a_t) + 0.1 s k, "
                        "mu_c = -0.5 + 0.5 c, null 0",
            "classifier": "analytic: logits_k = -10 * mean((x - mu_k)^2)",
        },
    }


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def save(module, path):
    """torch.jit.save without the *.debug_pkl records: they hold the path this script was run
    by, and nothing loads them but error messages; without them the bytes depend on nothing
    but the code and the torch version."""
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            if info.filename.endswith(".debug_pkl"):
                continue
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)),
                          zin.read(info.filename))
    with open(path, "wb") as f:
        f.write(out.getvalue())


def fresh_dir(out, name):
    d = os.path.join(out, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    return d


# Bundles whose defect is in the manifest use tiny's modules through a relative path.
TINY_FILES = {"denoiser": "../tiny/denoiser.pt", "classifier": "../tiny/classifier.pt"}


def write_bad_manifests(out):
    d = fresh_dir(out, "bad-no-manifest")
    with open(os.path.join(d, "README.md"), "w") as f:
        f.write("<!-- SPDX-License-Identifier: MIT -->\n"
                "<!-- Copyright 2026 The higfa authors -->\n"
                "<!-- A test bundle without a manifest. -->\n"
                "This bundle has no manifest.json on purpose (tests/lib/test_bundle.cpp).\n")

    d = fresh_dir(out, "bad-malformed-json")
    text = json.dumps(manifest("bad-malformed-json", **TINY_FILES), indent=2)
    with open(os.path.join(d, "manifest.json"), "w") as f:
        f.write(text[:len(text) // 2] + "\n")  # cut in the middle of the object

    m = manifest("bad-missing-key", **TINY_FILES)
    del m["num_classes"]
    write_json(os.path.join(fresh_dir(out, "bad-missing-key"), "manifest.json"), m)

    m = manifest("bad-wrong-type", **TINY_FILES)
    m["channels"] = "1"
    write_json(os.path.join(fresh_dir(out, "bad-wrong-type"), "manifest.json"), m)

    m = manifest("bad-class-names", **TINY_FILES)
    m["class_names"] = CLASS_NAMES[:2]
    write_json(os.path.join(fresh_dir(out, "bad-class-names"), "manifest.json"), m)

    m = manifest("bad-latent", **TINY_FILES)
    m["space"] = "latent"
    write_json(os.path.join(fresh_dir(out, "bad-latent"), "manifest.json"), m)

    m = manifest("bad-missing-denoiser", classifier=TINY_FILES["classifier"])
    write_json(os.path.join(fresh_dir(out, "bad-missing-denoiser"), "manifest.json"), m)


def write_bad_modules(out):
    d = fresh_dir(out, "bad-corrupt-denoiser")
    with open(os.path.join(d, "denoiser.pt"), "wb") as f:
        f.write(b"this is not a TorchScript archive\n" + bytes(range(256)) * 4)
    write_json(os.path.join(d, "manifest.json"),
               manifest("bad-corrupt-denoiser", classifier=TINY_FILES["classifier"]))

    d = fresh_dir(out, "bad-denoiser-shape")
    save(HalfSizeDenoiser(), os.path.join(d, "denoiser.pt"))
    write_json(os.path.join(d, "manifest.json"),
               manifest("bad-denoiser-shape", classifier=TINY_FILES["classifier"]))

    d = fresh_dir(out, "bad-classifier-classes")
    save(TinyClassifier(classes=2), os.path.join(d, "classifier.pt"))
    write_json(os.path.join(d, "manifest.json"),
               manifest("bad-classifier-classes", denoiser=TINY_FILES["denoiser"]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "bundles"))
    args = ap.parse_args(argv)
    torch.manual_seed(0)  # nothing here is random; fixed anyway

    d = fresh_dir(args.out, "tiny")
    save(TinyDenoiser(), os.path.join(d, "denoiser.pt"))
    save(TinyClassifier(), os.path.join(d, "classifier.pt"))
    write_json(os.path.join(d, "manifest.json"), manifest("tiny"))

    d = fresh_dir(args.out, "nan")
    save(NanDenoiser(), os.path.join(d, "denoiser.pt"))
    m = manifest("nan", classifier="../tiny/classifier.pt")
    m["provenance"]["denoiser"] = "returns NaN everywhere"
    write_json(os.path.join(d, "manifest.json"), m)

    d = fresh_dir(args.out, "tiny-filter")
    save(TinyClassifier(scale=FILTER_LOGIT_SCALE, a=0.5, b=0.5),
         os.path.join(d, "filter_classifier.pt"))
    m = manifest("tiny-filter", **TINY_FILES)
    m["files"]["filter_classifier"] = "filter_classifier.pt"
    m["filter_classifier"] = {"resolution": [SIZE, SIZE], "channels": 1,
                              "value_range": [0.0, 1.0], "fit": "pad"}
    m["provenance"]["filter_classifier"] = (
        "analytic: logits_k = -3 * mean((x01 - m_k)^2), m_k = (mu_k + 1) / 2, x01 in [0, 1]")
    write_json(os.path.join(d, "manifest.json"), m)

    d = fresh_dir(args.out, "bad-filter-classes")
    save(TinyClassifier(classes=2), os.path.join(d, "filter_classifier.pt"))
    m = manifest("bad-filter-classes", **TINY_FILES)
    m["files"]["filter_classifier"] = "filter_classifier.pt"
    write_json(os.path.join(d, "manifest.json"), m)

    write_bad_manifests(args.out)
    write_bad_modules(args.out)
    print("wrote the test bundles to %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
