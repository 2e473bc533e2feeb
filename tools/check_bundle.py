#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Checks a model bundle directory against docs/bundles.md: manifest keys, files, module signatures.
"""Check a higfa model bundle against its contract (docs/bundles.md).

Reads DIR/manifest.json, loads every module it names with torch on the bundle's device (CPU
for "device": "any" or "cpu", CUDA for "cuda"), probes each with small random inputs of the
shapes and dtypes the contract gives, and prints every mismatch as
"ERROR <file>: <what>: expected ..., found ...". A CUDA bundle checked where torch has no
CUDA device gets its manifest, files and prompt table checked and its module probes skipped,
with a note saying so. Exit status 0 when the bundle is valid, 1 when it is not, 2 on a
usage error.

Usage: /usr/bin/python3 tools/check_bundle.py DIR [--quiet]
"""
import argparse
import json
import math
import numbers
import os
import sys

import torch

BETA_SCHEDULES = ("linear", "scaled_linear", "squaredcos_cap_v2", "cosine")
KNOWN_KEYS = {"format", "version", "name", "resolution", "channels", "value_range", "fit",
              "source_size", "space", "conditioning", "num_classes", "null_class", "class_names",
              "prediction_type", "timestep_spacing", "steps_offset", "set_alpha_to_one",
              "clip_sample", "schedule", "contour", "control", "latent", "text", "files",
              "classifier", "filter_classifier", "provenance", "device", "dtype"}
DEVICES = ("any", "cpu", "cuda")
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
# (rtol, atol) for "sample i alone gives what it gives in a batch": a module computing in half
# precision may pick other kernels for another batch size and round differently.
BATCH_TOLERANCE = {"float32": (1e-3, 1e-4), "float16": (2e-2, 2e-2), "bfloat16": (5e-2, 5e-2)}
CONTOUR_KEYS = {"blur_size", "blur_sigma", "low_threshold", "high_threshold", "l2_gradient",
                "auto_threshold", "auto_sigma", "thinning"}


class Report:
    """Errors (the bundle breaks the contract) and notes (it is valid, but read this)."""

    def __init__(self, directory):
        self.directory = directory
        self.errors = []
        self.notes = []

    def error(self, where, what, expected=None, found=None):
        msg = "%s: %s" % (where, what)
        if expected is not None:
            msg += ": expected %s, found %s" % (expected, found)
        self.errors.append(msg)

    def note(self, where, what):
        self.notes.append("%s: %s" % (where, what))


def describe(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, str):
        return json.dumps(v if len(v) <= 40 else v[:37] + "...")
    if isinstance(v, list):
        return "an array of %d element%s" % (len(v), "" if len(v) == 1 else "s")
    if isinstance(v, dict):
        return "an object"
    return json.dumps(v)


def shape(t):
    return list(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__


def dtype_name(t):
    return str(t.dtype).replace("torch.", "") if isinstance(t, torch.Tensor) else type(t).__name__


class ManifestReader:
    """Typed look-ups into the manifest; each failure becomes one error naming the key."""

    MISSING = object()

    def __init__(self, report, where):
        self.r = report
        self.where = where

    def get(self, obj, key, prefix="", required=True, expected="a value"):
        if not isinstance(obj, dict) or key not in obj:
            if required:
                self.r.error(self.where, "missing key \"%s%s\" (expected %s)"
                             % (prefix, key, expected))
            return self.MISSING
        return obj[key]

    def integer(self, obj, key, lo, hi, prefix="", required=True, default=None):
        v = self.get(obj, key, prefix, required, "an integer in %d..%d" % (lo, hi))
        if v is self.MISSING:
            return default
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            self.r.error(self.where, "\"%s%s\"" % (prefix, key),
                         "an integer in %d..%d" % (lo, hi), describe(v))
            return default
        return v

    def number(self, obj, key, prefix="", required=True, default=None, lo=None, hi=None,
               open_interval=False):
        expected = "a number" + ("" if lo is None else " in (%g, %g)" % (lo, hi))
        v = self.get(obj, key, prefix, required, expected)
        if v is self.MISSING:
            return default
        ok = isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
        if ok and lo is not None:
            ok = lo < v < hi if open_interval else lo <= v <= hi
        if not ok:
            self.r.error(self.where, "\"%s%s\"" % (prefix, key), expected, describe(v))
            return default
        return float(v)

    def boolean(self, obj, key, prefix="", default=None):
        v = self.get(obj, key, prefix, False)
        if v is self.MISSING:
            return default
        if not isinstance(v, bool):
            self.r.error(self.where, "\"%s%s\"" % (prefix, key), "true or false", describe(v))
            return default
        return v

    def string(self, obj, key, prefix="", required=True, default=None):
        v = self.get(obj, key, prefix, required, "a string")
        if v is self.MISSING:
            return default
        if not isinstance(v, str):
            self.r.error(self.where, "\"%s%s\"" % (prefix, key), "a string", describe(v))
            return default
        return v

    def choice(self, obj, key, choices, prefix="", required=True, default=None):
        expected = " or ".join('"%s"' % c for c in choices)
        v = self.get(obj, key, prefix, required, expected)
        if v is self.MISSING:
            return default
        if v not in choices:
            self.r.error(self.where, "\"%s%s\"" % (prefix, key), expected, describe(v))
            return default
        return v

    def obj(self, obj, key, prefix="", required=True):
        v = self.get(obj, key, prefix, required, "an object")
        if v is self.MISSING:
            return None
        if not isinstance(v, dict):
            self.r.error(self.where, "\"%s%s\"" % (prefix, key), "an object", describe(v))
            return None
        return v

    def size(self, obj, key, prefix="", required=True):
        v = self.get(obj, key, prefix, required, "[height, width]")
        if v is self.MISSING:
            return None
        if (not isinstance(v, list) or len(v) != 2 or
                not all(isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 16384
                        for x in v)):
            self.r.error(self.where, "\"%s%s\"" % (prefix, key),
                         "[height, width] of positive integers", json.dumps(v))
            return None
        return v

    def value_range(self, obj, key, prefix=""):
        v = self.get(obj, key, prefix, True, "[lo, hi]")
        if v is self.MISSING:
            return None
        if (not isinstance(v, list) or len(v) != 2 or
                not all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in v) or
                not v[0] < v[1]):
            self.r.error(self.where, "\"%s%s\"" % (prefix, key), "[lo, hi] with lo < hi",
                         json.dumps(v))
            return None
        return [float(v[0]), float(v[1])]


def read_image_spec(rd, obj, prefix, fits):
    spec = {"resolution": rd.size(obj, "resolution", prefix),
            "channels": rd.integer(obj, "channels", 1, 3, prefix),
            "value_range": rd.value_range(obj, "value_range", prefix),
            "fit": rd.choice(obj, "fit", fits, prefix, required=False, default="pad")}
    if spec["channels"] == 2:
        rd.r.error(rd.where, "\"%schannels\"" % prefix, "1 or 3", "2")
        spec["channels"] = None
    return spec


def read_scheduler(rd, m):
    rd.choice(m, "prediction_type", ("epsilon", "v_prediction"))
    rd.choice(m, "timestep_spacing", ("leading", "trailing"), required=False)
    rd.integer(m, "steps_offset", 0, 1000, required=False)
    rd.boolean(m, "set_alpha_to_one")
    if rd.boolean(m, "clip_sample") is True:
        rd.r.error(rd.where, "\"clip_sample\"", "false (clipping x0 is not supported)", "true")
    s = rd.obj(m, "schedule")
    if s is None:
        return
    p = "schedule."
    sched = rd.choice(s, "beta_schedule", BETA_SCHEDULES, p)
    rd.integer(s, "num_train_timesteps", 1, 100000, p)
    needs = sched not in ("squaredcos_cap_v2", "cosine")
    b0 = rd.number(s, "beta_start", p, required=needs, lo=0.0, hi=1.0, open_interval=True)
    b1 = rd.number(s, "beta_end", p, required=needs, lo=0.0, hi=1.0, open_interval=True)
    if b0 is not None and b1 is not None and not b0 < b1:
        rd.r.error(rd.where, "\"schedule\"", "beta_start < beta_end", "%g >= %g" % (b0, b1))
    if s.get("trained_betas") is not None:
        rd.r.error(rd.where, "\"schedule.trained_betas\"", "null or absent", "a value")


def read_device(rd, m):
    """The device the modules were traced on and the precision they compute in (section 2)."""
    device = rd.choice(m, "device", DEVICES, required=False, default="any")
    dtype = rd.choice(m, "dtype", tuple(DTYPES), required=False, default="float32")
    if dtype == "float16" and device != "cuda":
        rd.r.error(rd.where, "\"dtype\": \"float16\"", "\"device\": \"cuda\" (float16 "
                   "modules run on CUDA only)", describe(m.get("device", "any")))
    return device, dtype


def read_classes(rd, m):
    k = rd.integer(m, "num_classes", 1, 1000000)
    null = rd.integer(m, "null_class", 0, 1000000)
    if k is not None and null is not None and null != k:
        rd.r.error(rd.where, "\"null_class\"", "%d (= num_classes)" % k, null)
    names = rd.get(m, "class_names", expected="an array of strings")
    if names is rd.MISSING:
        return k
    if not isinstance(names, list):
        rd.r.error(rd.where, "\"class_names\"", "an array of strings", describe(names))
        return k
    if k is not None and len(names) != k:
        rd.r.error(rd.where, "\"class_names\"", "%d names (num_classes)" % k, len(names))
    seen = set()
    for i, n in enumerate(names):
        if not isinstance(n, str) or not n:
            rd.r.error(rd.where, "\"class_names[%d]\"" % i, "a non-empty string", describe(n))
        elif n in seen:
            rd.r.error(rd.where, "\"class_names[%d]\"" % i, "a name not used before",
                       "%s again" % describe(n))
        seen.add(n)
    return k


def read_classifier(rd, m, key="classifier"):
    c = rd.obj(m, key)
    if c is None:
        return None
    p = key + "."
    spec = read_image_spec(rd, c, p, ("pad", "resize", "center_crop"))
    if spec["fit"] == "center_crop" and "resize_size" in c:
        res = spec["resolution"] or [1, 1]
        rd.integer(c, "resize_size", max(res), 16384, p)
    elif "resize_size" in c:
        rd.r.error(rd.where, "\"%sresize_size\"" % p, "no resize_size unless fit is "
                   "\"center_crop\"", describe(c["resize_size"]))
    for name, positive in (("mean", False), ("std", True)):
        if name not in c:
            continue
        v = c[name]
        n = spec["channels"]
        ok = (isinstance(v, list) and (n is None or len(v) == n) and
              all(isinstance(x, numbers.Real) and not isinstance(x, bool) and
                  (x > 0 if positive else True) for x in v))
        if not ok:
            rd.r.error(rd.where, "\"%s%s\"" % (p, name), "%s number%s%s" %
                       (n, "" if n == 1 else "s", " > 0" if positive else ""), json.dumps(v))
    return spec


def read_latent(rd, m, image):
    lat = rd.obj(m, "latent")
    if lat is None:
        return None
    p = "latent."
    out = {"channels": rd.integer(lat, "channels", 1, 64, p),
           "factor": rd.integer(lat, "downsampling_factor", 1, 64, p),
           "scaling_factor": rd.number(lat, "scaling_factor", p, lo=0.0, hi=1e6,
                                       open_interval=True)}
    res, f = image["resolution"], out["factor"]
    if res and f and (res[0] % f or res[1] % f):
        rd.r.error(rd.where, "\"resolution\"", "multiples of latent.downsampling_factor = %d" % f,
                   json.dumps(res))
        return None
    if None in out.values():
        return None
    return out


def read_text(rd, m, k):
    t = rd.obj(m, "text")
    if t is None:
        return None
    p = "text."
    out = {"L": rd.integer(t, "sequence_length", 1, 100000, p),
           "D": rd.integer(t, "embedding_dim", 1, 100000, p)}
    rd.string(t, "unconditional_prompt", p)
    prompts = rd.get(t, "prompts", p, expected="one array of prompt strings per class")
    out["counts"] = None
    if prompts is rd.MISSING:
        return out
    if not isinstance(prompts, list):
        rd.r.error(rd.where, "\"text.prompts\"", "one array of prompt strings per class",
                   describe(prompts))
        return out
    if k is not None and len(prompts) != k:
        rd.r.error(rd.where, "\"text.prompts\"",
                   "%d arrays (num_classes), one per class" % k,
                   "%d (a class without prompts)" % len(prompts) if len(prompts) < k
                   else len(prompts))
    names = m.get("class_names") if isinstance(m.get("class_names"), list) else []
    for c, lst in enumerate(prompts):
        label = "\"text.prompts[%d]\"%s" % (c, " (class %s)" % json.dumps(names[c])
                                           if c < len(names) else "")
        if not isinstance(lst, list) or not lst:
            rd.r.error(rd.where, label, "at least one prompt string", describe(lst))
            continue
        for i, s in enumerate(lst):
            if not isinstance(s, str) or not s.strip():
                rd.r.error(rd.where, "%s[%d]" % (label, i), "a non-empty string", describe(s))
    out["counts"] = [len(x) if isinstance(x, list) else 0 for x in prompts]
    return out


def read_files(rd, m, directory, needed):
    files = rd.obj(m, "files")
    out = {}
    if files is None:
        return out
    for key in needed:
        name = rd.string(files, key, "files.")
        if name is None:
            continue
        if not name:
            rd.r.error(rd.where, "\"files.%s\"" % key, "a file name", "\"\"")
            continue
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            rd.r.error(path, "file not found (expected the TorchScript file that \"files.%s\" "
                       "names)" % key)
            continue
        out[key] = path
    for key in files:
        if key not in needed:
            rd.r.note(rd.where, "\"files.%s\" is not used by a %s bundle"
                      % (key, "/".join(sorted(needed))))
    return out


def read_manifest(report, directory):
    where = os.path.join(directory, "manifest.json")
    try:
        with open(where) as f:
            m = json.load(f)
    except OSError as e:
        report.error(where, "cannot open the bundle manifest (%s)" % e.strerror)
        return None
    except ValueError as e:
        report.error(where, "malformed JSON (%s)" % e)
        return None
    if not isinstance(m, dict):
        report.error(where, "(root)", "a JSON object", describe(m))
        return None
    rd = ManifestReader(report, where)
    rd.choice(m, "format", ("higfa-bundle",))
    rd.integer(m, "version", 1, 1)
    rd.string(m, "name")
    image = read_image_spec(rd, m, "", ("pad", "resize"))
    if "source_size" in m:
        rd.size(m, "source_size")
    space = rd.choice(m, "space", ("pixel", "latent"))
    conditioning = rd.choice(m, "conditioning", ("class", "text"))
    read_scheduler(rd, m)
    device, dtype = read_device(rd, m)
    k = read_classes(rd, m)
    contour = rd.obj(m, "contour", required=False)
    for key in sorted(set(contour or {}) - CONTOUR_KEYS):
        report.note(where, "unknown key \"contour.%s\"" % key)
    control = rd.obj(m, "control", required=False)
    cc = rd.integer(control, "channels", 1, 3, "control.", default=1) if control else 1
    if cc == 2:
        report.error(where, "\"control.channels\"", "1 or 3", 2)
    classifier = read_classifier(rd, m)
    latent = read_latent(rd, m, image) if space == "latent" else None
    text = read_text(rd, m, k) if conditioning == "text" else None
    for key, cond in (("latent", space != "latent"), ("text", conditioning != "text")):
        if cond and key in m:
            report.note(where, "\"%s\" is ignored by a %s bundle" % (key, space if key == "latent"
                                                                    else conditioning))
    needed = ["denoiser", "classifier"]
    needed += ["vae_encoder", "vae_decoder"] if space == "latent" else []
    needed += ["prompts"] if conditioning == "text" else []
    has_filter = isinstance(m.get("files"), dict) and "filter_classifier" in m["files"]
    if has_filter:
        needed.append("filter_classifier")
        filter_classifier = (read_classifier(rd, m, "filter_classifier")
                             if "filter_classifier" in m else classifier)
    else:
        filter_classifier = None
        if "filter_classifier" in m:
            report.error(where, "\"filter_classifier\"",
                         "no filter_classifier object without files.filter_classifier",
                         "an object and no file")
    files = read_files(rd, m, directory, needed)
    for key in sorted(set(m) - KNOWN_KEYS):
        report.note(where, "unknown key \"%s\" (ignored)" % key)
    return {"image": image, "space": space, "conditioning": conditioning, "K": k,
            "control_channels": cc, "classifier": classifier,
            "filter_classifier": filter_classifier, "latent": latent, "text": text,
            "files": files, "device": device, "dtype": dtype}


# --------------------------------------------------------------------------- modules

def load_module(report, path, device="cpu"):
    try:
        return torch.jit.load(path, map_location=device).eval()
    except Exception as e:  # any failure to load is the bundle's defect
        report.error(path, "expected a TorchScript module (torch.jit.save), found a file "
                     "torch.jit.load cannot read: %s" % str(e).strip().splitlines()[0])
        return None


def call(report, path, module, signature, *inputs):
    try:
        return module(*inputs)
    except Exception as e:
        lines = [x for x in str(e).strip().splitlines() if x.strip()]
        report.error(path, "forward(%s) failed: %s" % (signature, lines[-1] if lines else e))
        return None


def expect_tensor(report, path, what, out, expected_shape, dtype=torch.float32):
    if not isinstance(out, torch.Tensor):
        report.error(path, what, "a tensor", type(out).__name__)
        return False
    ok = True
    if list(out.shape) != list(expected_shape):
        report.error(path, what, "shape %s" % list(expected_shape), list(out.shape))
        ok = False
    if out.dtype != dtype:
        report.error(path, what, dtype_name(torch.empty(0, dtype=dtype)), dtype_name(out))
        ok = False
    if ok and out.is_floating_point() and not torch.isfinite(out).all():
        report.error(path, what, "finite values", "NaN or inf")
        ok = False
    return ok


def sig(names_tensors):
    return ", ".join("%s %s %s" % (n, list(t.shape), dtype_name(t)) for n, t in names_tensors)


def check_gradient(report, path, out, leaf, what):
    if out is None or not out.requires_grad:
        report.error(path, "no gradient w.r.t. %s (expected a differentiable module)" % what)
        return
    g, = torch.autograd.grad(out.sum(), leaf, allow_unused=True)
    if g is None or not torch.isfinite(g).all():
        report.error(path, "gradient w.r.t. %s" % what, "finite values",
                     "none" if g is None else "NaN or inf")


def check_prompts(report, path, info):
    m = load_module(report, path)
    if m is None:
        return None
    text, K = info["text"], info["K"]
    bufs = {}
    for name, ndim, dtype in (("embeddings", 3, torch.float32), ("counts", 1, torch.int64),
                              ("unconditional", 2, torch.float32)):
        t = getattr(m, name, None)
        if not isinstance(t, torch.Tensor):
            report.error(path, "buffer \"%s\"" % name, "a tensor", "none")
            continue
        if t.dim() != ndim or t.dtype != dtype:
            report.error(path, "buffer \"%s\"" % name, "%d-d %s" % (ndim, dtype_name(
                torch.empty(0, dtype=dtype))), "%s %s" % (list(t.shape), dtype_name(t)))
            continue
        bufs[name] = t
    if text is None or len(bufs) < 3:
        return None
    L, D = text["L"], text["D"]
    counts = bufs["counts"].tolist()
    ok = True
    if K is not None and len(counts) != K:
        report.error(path, "buffer \"counts\"", "[%d] (one count per class)" % K,
                     list(bufs["counts"].shape))
        ok = False
    for c, n in enumerate(counts):
        if n < 1:
            report.error(path, "counts[%d]" % c, "at least 1 prompt for class %d" % c, n)
            ok = False
    if text["counts"] is not None and ok and counts != text["counts"]:
        report.error(path, "buffer \"counts\"", "%s (the manifest's text.prompts)"
                     % text["counts"], counts)
        ok = False
    P = sum(counts)
    e, u = bufs["embeddings"], bufs["unconditional"]
    if list(e.shape) != [P, L, D]:
        report.error(path, "buffer \"embeddings\"", "[%d, %d, %d] (sum of counts, "
                     "text.sequence_length, text.embedding_dim)" % (P, L, D), list(e.shape))
        ok = False
    if list(u.shape) != [L, D]:
        report.error(path, "buffer \"unconditional\"", "[%d, %d] (text.sequence_length, "
                     "text.embedding_dim)" % (L, D), list(u.shape))
        ok = False
    for name, t in (("embeddings", e), ("unconditional", u)):
        if not torch.isfinite(t).all():
            report.error(path, "buffer \"%s\"" % name, "finite values", "NaN or inf")
            ok = False
    return torch.cat([e, u[None]]) if ok else None


def check_vae(report, info, device):
    files, image, lat = info["files"], info["image"], info["latent"]
    if lat is None or not image["resolution"] or not image["channels"]:
        return
    H, W = image["resolution"]
    C, Cz, f = image["channels"], lat["channels"], lat["factor"]
    lo, hi = image["value_range"] or [-1.0, 1.0]
    if "vae_encoder" in files:
        path = files["vae_encoder"]
        m = load_module(report, path, device)
        for B in (1, 3) if m is not None else ():
            x = (lo + (hi - lo) * torch.rand(B, C, H, W)).to(device)
            out = call(report, path, m, sig([("x", x)]), x)
            if out is None or not expect_tensor(
                    report, path, "forward(x %s) -> latent mean" % list(x.shape), out,
                    [B, Cz, H // f, W // f]):
                break
    if "vae_decoder" in files:
        path = files["vae_decoder"]
        m = load_module(report, path, device)
        for B in (1, 3) if m is not None else ():
            z = torch.randn(B, Cz, H // f, W // f, device=device, requires_grad=True)
            out = call(report, path, m, sig([("z", z)]), z)
            if out is None:
                break
            if not expect_tensor(report, path, "forward(z %s) -> image" % list(z.shape), out,
                                 [B, C, H, W]):
                if isinstance(out, torch.Tensor) and out.dim() == 4 and out.shape[2] != H:
                    report.error(path, "upsampling factor (output size / latent size)",
                                 "%d (latent.downsampling_factor)" % f,
                                 "%g" % (out.shape[2] / (H // f)))
                break
            check_gradient(report, path, out, z, "its latents")


def check_classifier(report, info, device, key="classifier"):
    path, spec, K = info["files"].get(key), info[key], info["K"]
    if path is None or spec is None or not spec["resolution"] or not spec["channels"] or not K:
        return
    m = load_module(report, path, device)
    if m is None:
        return
    Hf, Wf = spec["resolution"]
    for B in (1, 3):
        x = torch.randn(B, spec["channels"], Hf, Wf, device=device, requires_grad=True)
        out = call(report, path, m, sig([("x", x)]), x)
        if out is None or not expect_tensor(report, path, "forward(x %s) -> logits"
                                            % list(x.shape), out, [B, K]):
            return
        check_gradient(report, path, out, x, "its input")


def denoiser_inputs(info, B, table, gen, device):
    image, lat = info["image"], info["latent"]
    H, W = image["resolution"]
    if info["space"] == "latent":
        sample_shape = [B, lat["channels"], H // lat["factor"], W // lat["factor"]]
        sample_name = "latents"
    else:
        sample_shape = [B, image["channels"], H, W]
        sample_name = "x_t"
    x = torch.randn(sample_shape, generator=gen)
    t = torch.randint(0, 1000, (B,), generator=gen, dtype=torch.int64)
    if info["conditioning"] == "text":
        if table is not None:
            cond = table[torch.randint(0, table.shape[0], (B,), generator=gen)]
        else:
            cond = torch.randn(B, info["text"]["L"], info["text"]["D"], generator=gen)
        cond_name = "encoder_hidden_states"
    else:
        cond = torch.randint(0, info["K"] + 1, (B,), generator=gen, dtype=torch.int64)
        cond_name = "cond"
    control = (torch.rand(B, info["control_channels"], H, W, generator=gen) > 0.8).float()
    scale = torch.full((B,), 0.8)
    named = [(sample_name, x), ("t", t), (cond_name, cond), ("control", control),
             ("control_scale", scale)]
    return [(n, v.to(device)) for n, v in named]


def check_denoiser(report, info, table, device):
    path = info["files"].get("denoiser")
    image = info["image"]
    if path is None or not image["resolution"] or not image["channels"]:
        return
    if info["space"] == "latent" and info["latent"] is None:
        return
    if info["conditioning"] == "text" and (info["text"] is None or None in (
            info["text"]["L"], info["text"]["D"])):
        return
    if info["conditioning"] == "class" and not info["K"]:
        return
    m = load_module(report, path, device)
    if m is None:
        return
    gen = torch.Generator().manual_seed(0)
    outs = {}
    for B in (1, 3):
        named = denoiser_inputs(info, B, table, gen, device)
        inputs = [t for _, t in named]
        out = call(report, path, m, sig(named), *inputs)
        if out is None or not expect_tensor(report, path, "forward(%s)" % sig(named), out,
                                            inputs[0].shape):
            return
        outs[B] = (inputs, out)
    inputs, out = outs[3]
    # Per sample: sample 0 alone gives what it gives inside the batch.
    alone = call(report, path, m, "batch of one", *[t[:1] for t in inputs])
    rtol, atol = BATCH_TOLERANCE[info["dtype"] or "float32"]
    if alone is not None and not torch.allclose(alone, out[:1], rtol=rtol, atol=atol):
        report.error(path, "sample 0 of a batch of 3", "the output it gets alone (per-sample "
                     "outputs)", "max difference %.3g" % (alone - out[:1]).abs().max().item())
    # control_scale = 0 removes the control; the scale is an input, not a traced constant.
    x, t, cond, control, _ = inputs
    zero = torch.zeros(3, device=device)
    a = call(report, path, m, "control_scale 0", x, t, cond, control, zero)
    b = call(report, path, m, "control_scale 0", x, t, cond, 1.0 - control, zero)
    if a is not None and b is not None and not torch.allclose(a, b, rtol=1e-4, atol=1e-5):
        report.error(path, "with control_scale = 0", "an output that does not depend on control",
                     "max difference %.3g between two controls" % (a - b).abs().max().item())
    c1 = call(report, path, m, "control_scale 1", x, t, cond, control, torch.ones(3, device=device))
    if a is not None and c1 is not None and torch.equal(a, c1):
        report.note(path, "control_scale 0 and 1 give the same output (an untrained control "
                    "branch, or a scale frozen into the module?)")
    xg = x.clone().requires_grad_(True)
    g_out = call(report, path, m, "gradient probe", xg, t, cond, control, inputs[4])
    if g_out is not None:
        check_gradient(report, path, g_out, xg, "its sample")


def check(directory):
    """Returns a Report for the bundle in `directory`."""
    report = Report(directory)
    info = read_manifest(report, directory)
    if info is None:
        return report
    table = None
    if info["conditioning"] == "text" and "prompts" in info["files"]:
        # Buffers only: read on CPU whatever the device (map_location moves them).
        table = check_prompts(report, info["files"]["prompts"], info)
    device = probe_device(report, info)
    if device is None:
        return report
    if table is not None:
        table = table.to(device)
    check_vae(report, info, device)
    check_classifier(report, info, device)
    check_classifier(report, info, device, "filter_classifier")
    check_denoiser(report, info, table, device)
    return report


def probe_device(report, info):
    """The device to probe the modules on, or None (after a note) when this machine has none of
    the bundle's kind: the manifest and files are then all that is checked."""
    if info["device"] != "cuda":
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    report.note(os.path.join(report.directory, "manifest.json"),
                "modules not probed: the bundle was traced for \"device\": \"cuda\" and torch "
                "has no CUDA device here (torch.cuda.is_available() is false); the manifest, the "
                "files and the prompt table were checked")
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("directory", help="the bundle directory (holding manifest.json)")
    ap.add_argument("--quiet", action="store_true", help="print errors only")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.directory):
        print("ERROR %s: not a directory" % args.directory)
        return 2
    torch.set_num_threads(1)
    report = check(args.directory)
    for e in report.errors:
        print("ERROR %s" % e)
    if not args.quiet:
        for n in report.notes:
            print("note  %s" % n)
    if report.errors:
        print("%s: %d error%s: the bundle does not meet docs/bundles.md"
              % (args.directory, len(report.errors), "" if len(report.errors) == 1 else "s"))
        return 1
    if not args.quiet:
        print("%s: valid bundle" % args.directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
