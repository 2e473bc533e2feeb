#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Exports Stable Diffusion (+ a ControlNet) from diffusers and a fine-grained classifier into a bundle.
"""Export a Stable Diffusion model (diffusers), an optional ControlNet and a fine-grained
classifier into a higfa model bundle (docs/bundles.md), ready for higfasampler and fgclassifier.

The UNet and the ControlNet become one traced denoiser.pt with the bundle's signature
forward(sample, t, encoder_hidden_states, control, control_scale); the VAE becomes
vae_encoder.pt and vae_decoder.pt; every class's prompts are embedded once by the pipeline's
text encoder into prompts.pt; the classifier is traced into classifier.pt; manifest.json gets
the scheduler fields of the pipeline's scheduler config. Every module takes and returns float32
and computes in --dtype inside. Traces do not move between devices or dtypes: export once per
--device and --dtype. The bundle is checked with tools/check_bundle.py at the end.

Prompts: --prompt-template "a photo of a {}, a type of bird" (one prompt per class), or
--prompts FILE, a JSON object with any of
  "classes":      {"<class>": ["prompt with {}", ...], ...}
  "meta_classes": {"<meta-class>": {"classes": ["<class>", ...], "prompts": ["... {} ...", ...]}}
  "default":      ["prompt with {}", ...]
A class takes its own "classes" entry, else the prompts of the one meta-class that lists it,
else "default". "{}" becomes the class's prompt name: the text after a tab on its line of
--classes, else the class name with "_" shown as " ".

Needs diffusers and transformers (and torchvision for --classifier-arch); --help does not.
See docs/real-models.md for a complete example (CUB-200-2011, SD1.5, a Canny ControlNet).

Exit status: 0 exported and valid, 1 exported but the check failed, 2 refused (one line says why).
"""
import argparse
import datetime
import json
import os
import shlex
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, List

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from latent_models import PromptTable  # noqa: E402

PROG = "export_diffusers_bundle.py"
DTYPES = {"fp32": ("float32", torch.float32), "fp16": ("float16", torch.float16),
          "bf16": ("bfloat16", torch.bfloat16)}
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
TRACE_BATCH = 2  # classifier-free guidance runs the denoiser on pairs


class ExportError(Exception):
    """A refusal; its message is one line that says what to change."""


# --------------------------------------------------------------------------- the modules
# Each wraps diffusers-signature modules behind the bundle's float32 boundary (docs/bundles.md
# §2): float inputs are cast to the module dtype inside forward, outputs come back as float32.

class Denoiser(nn.Module):
    """denoiser.pt: forward(sample [B,Cz,h,w] f32, t [B] i64, encoder_hidden_states [B,L,D] f32,
    control [B,Cc,H,W] f32 in [0,1], control_scale [B] f32) -> prediction [B,Cz,h,w] f32.

    The ControlNet runs with conditioning_scale 1.0 and each of its residuals is multiplied by
    control_scale per sample (a traced Python float would be frozen); control_scale = 0 adds
    exact zeros. Without a ControlNet, control and control_scale are ignored."""

    def __init__(self, unet, controlnet=None, dtype=torch.float32):
        super().__init__()
        self.unet = unet
        self.controlnet = controlnet
        self.dtype = dtype

    def forward(self, sample, t, encoder_hidden_states, control, control_scale):
        x = sample.to(self.dtype)
        text = encoder_hidden_states.to(self.dtype)
        if self.controlnet is None:
            out = self.unet(x, t, encoder_hidden_states=text, return_dict=False)[0]
            return out.float()
        down, mid = self.controlnet(x, t, encoder_hidden_states=text,
                                    controlnet_cond=control.to(self.dtype),
                                    conditioning_scale=1.0, return_dict=False)
        s = control_scale.to(self.dtype).view(-1, 1, 1, 1)
        out = self.unet(x, t, encoder_hidden_states=text,
                        down_block_additional_residuals=[d * s for d in down],
                        mid_block_additional_residual=mid * s, return_dict=False)[0]
        return out.float()


class VaeEncoder(nn.Module):
    """vae_encoder.pt: forward(x [B,3,H,W] f32 in [-1,1]) -> posterior mean [B,Cz,h,w] f32,
    unscaled."""

    def __init__(self, vae, dtype=torch.float32):
        super().__init__()
        self.vae = vae
        self.dtype = dtype

    def forward(self, x):
        return self.vae.encode(x.to(self.dtype)).latent_dist.mean.float()


class VaeDecoder(nn.Module):
    """vae_decoder.pt: forward(z [B,Cz,h,w] f32, unscaled) -> image [B,3,H,W] f32, about [-1,1]."""

    def __init__(self, vae, dtype=torch.float32):
        super().__init__()
        self.vae = vae
        self.dtype = dtype

    def forward(self, z):
        return self.vae.decode(z.to(self.dtype), return_dict=False)[0].float()


class Classifier(nn.Module):
    """classifier.pt: forward(x [B,3,Hf,Wf] f32, preprocessed) -> logits [B,K] f32."""

    def __init__(self, model, dtype=torch.float32):
        super().__init__()
        self.model = model
        self.dtype = dtype

    def forward(self, x):
        return self.model(x.to(self.dtype)).float()


# --------------------------------------------------------------------------- classes, prompts

def prompt_name(name):
    return name.replace("_", " ")


def read_classes(path):
    """Class names (one a line; the dataset's folder names) and their prompt names (the text
    after a tab, else the name with "_" as " ")."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = [ln.rstrip("\r\n") for ln in f]
    except OSError as e:
        raise ExportError("--classes %s: %s" % (path, e.strerror))
    names, shown = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, display = line.partition("\t")
        name = name.strip()
        if name in names:
            raise ExportError("--classes %s:%d: class %r is listed twice" % (path, n, name))
        names.append(name)
        shown.append(display.strip() or prompt_name(name))
    if not names:
        raise ExportError("--classes %s: no class names (expected one a line)" % path)
    return names, shown


def fill(prompts, shown, where):
    out = []
    for p in prompts:
        if not isinstance(p, str) or "{}" not in p:
            raise ExportError("%s: expected prompt strings with {} for the class name, found %s"
                              % (where, json.dumps(p)))
        out.append(p.replace("{}", shown))
    return out


def template_prompts(template, shown):
    return [fill([template], s, "--prompt-template") for s in shown]


def string_list(v, where):
    if not isinstance(v, list) or not v:
        raise ExportError("%s: expected a non-empty array of prompt strings, found %s"
                          % (where, json.dumps(v)[:60]))
    return v


def file_prompts(path, names, shown):
    """Each class's prompts from a prompt file (the module docstring gives the format)."""
    try:
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
    except OSError as e:
        raise ExportError("--prompts %s: %s" % (path, e.strerror))
    except ValueError as e:
        raise ExportError("--prompts %s: malformed JSON (%s)" % (path, e))
    if not isinstance(spec, dict):
        raise ExportError("--prompts %s: expected a JSON object" % path)
    unknown = sorted(set(spec) - {"classes", "meta_classes", "default"})
    if unknown:
        raise ExportError("--prompts %s: unknown key %r (expected classes, meta_classes, default)"
                          % (path, unknown[0]))
    per_class = spec.get("classes", {})
    metas = spec.get("meta_classes", {})
    if not isinstance(per_class, dict) or not isinstance(metas, dict):
        raise ExportError("--prompts %s: \"classes\" and \"meta_classes\" must be objects" % path)
    known = set(names)
    for c in per_class:
        if c not in known:
            raise ExportError("--prompts %s: class %r is not in --classes" % (path, c))
    meta_of = {}
    for meta, entry in metas.items():
        where = "--prompts %s: meta_classes[%s]" % (path, json.dumps(meta))
        if not isinstance(entry, dict) or not isinstance(entry.get("classes"), list):
            raise ExportError("%s: expected {\"classes\": [...], \"prompts\": [...]}" % where)
        for c in entry["classes"]:
            if c not in known:
                raise ExportError("%s: class %r is not in --classes" % (where, c))
            if c in meta_of:
                raise ExportError("%s: class %r is already in meta-class %r"
                                  % (where, c, meta_of[c]))
            meta_of[c] = meta
        string_list(entry.get("prompts"), where + ".prompts")
    out = []
    for name, s in zip(names, shown):
        if name in per_class:
            where = "--prompts %s: classes[%s]" % (path, json.dumps(name))
            lst = string_list(per_class[name], where)
        elif name in meta_of:
            where = "--prompts %s: meta_classes[%s]" % (path, json.dumps(meta_of[name]))
            lst = metas[meta_of[name]]["prompts"]
        elif "default" in spec:
            where = "--prompts %s: default" % path
            lst = string_list(spec["default"], where)
        else:
            raise ExportError("--prompts %s: no prompts for class %r (give it a \"classes\" "
                              "entry, a meta-class, or \"default\")" % (path, name))
        out.append(fill(lst, s, where))
    return out


@torch.no_grad()
def embed_prompts(text_encoder, tokenizer, texts, device, batch=16):
    """[N,L,D] float32 on CPU: the text encoder's last hidden state for each text padded to the
    tokenizer's model_max_length (what the UNet was trained to attend to)."""
    out = []
    for i in range(0, len(texts), batch):
        ids = tokenizer(texts[i:i + batch], padding="max_length",
                        max_length=tokenizer.model_max_length, truncation=True,
                        return_tensors="pt").input_ids
        out.append(text_encoder(ids.to(device))[0].float().cpu())
    return torch.cat(out)


def build_prompt_table(text_encoder, tokenizer, prompts, unconditional, device):
    flat = [p for lst in prompts for p in lst]
    emb = embed_prompts(text_encoder, tokenizer, flat + [unconditional], device)
    counts = torch.tensor([len(lst) for lst in prompts], dtype=torch.int64)
    return PromptTable(emb[:-1].clone(), counts, emb[-1].clone())


# --------------------------------------------------------------------------- scheduler

def scheduler_fields(config):
    """The manifest's scheduler fields (docs/bundles.md §7) from a diffusers scheduler config;
    ExportError for what the contract does not support."""
    def refuse(key, value, why):
        raise ExportError("scheduler config %s = %s is not supported by the bundle contract "
                          "(docs/bundles.md §7): %s" % (key, value, why))

    if config.get("trained_betas") is not None:
        refuse("trained_betas", "[...]", "the schedule must be a named beta_schedule")
    sched = config.get("beta_schedule", "linear")
    if sched not in ("linear", "scaled_linear", "squaredcos_cap_v2"):
        refuse("beta_schedule", json.dumps(sched), "expected linear, scaled_linear or squaredcos_cap_v2")
    pred = config.get("prediction_type", "epsilon")
    if pred not in ("epsilon", "v_prediction"):
        refuse("prediction_type", json.dumps(pred), "expected epsilon or v_prediction")
    spacing = config.get("timestep_spacing", "leading")
    if spacing not in ("leading", "trailing"):
        refuse("timestep_spacing", json.dumps(spacing), "expected leading or trailing")
    for key, why in (("clip_sample", "clamping x0 has no meaning in latent space"),
                     ("thresholding", "dynamic thresholding is not implemented"),
                     ("rescale_betas_zero_snr", "zero-terminal-SNR rescaling is not "
                                                "implemented")):
        if config.get(key):
            refuse(key, "true", why)
    schedule = {"beta_schedule": sched,
                "num_train_timesteps": int(config.get("num_train_timesteps", 1000))}
    if sched != "squaredcos_cap_v2":
        schedule["beta_start"] = float(config.get("beta_start", 0.0001))
        schedule["beta_end"] = float(config.get("beta_end", 0.02))
    return {"prediction_type": pred, "timestep_spacing": spacing,
            "steps_offset": int(config.get("steps_offset", 0)),
            "set_alpha_to_one": bool(config.get("set_alpha_to_one", True)),
            "clip_sample": False, "schedule": schedule}


# --------------------------------------------------------------------------- classifier

def resize_final_layer(model, num_classes):
    """Replaces the model's last nn.Linear (resnet's fc, vit's heads.head, efficientnet's and
    convnext's classifier[-1], ...) by one with num_classes outputs; returns its name."""
    last = None
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear):
            last = name
    if last is None:
        raise ExportError("the classifier has no nn.Linear output layer to resize to %d classes"
                          % num_classes)
    parent = model
    *path, leaf = last.split(".")
    for p in path:
        parent = getattr(parent, p)
    old = getattr(parent, leaf)
    setattr(parent, leaf, nn.Linear(old.in_features, num_classes, bias=old.bias is not None))
    return last


def load_state_dict_file(path):
    """A state dict from torch.save: bare, or under "state_dict" / "model", "module." prefixes
    (DataParallel) stripped."""
    try:
        sd = torch.load(path, map_location="cpu")
    except Exception as e:  # any unreadable file is the user's to fix
        raise ExportError("--classifier-weights %s: cannot read a state dict (%s)"
                          % (path, str(e).splitlines()[0] if str(e) else type(e).__name__))
    for key in ("state_dict", "model"):
        if isinstance(sd, dict) and isinstance(sd.get(key), dict):
            sd = sd[key]
    if not isinstance(sd, dict):
        raise ExportError("--classifier-weights %s: expected a state dict, found %s"
                          % (path, type(sd).__name__))
    return {(k[7:] if k.startswith("module.") else k): v for k, v in sd.items()}


def torchvision_classifier(arch, weights, num_classes):
    try:
        import torchvision
    except ImportError as e:
        raise ExportError("--classifier-arch needs torchvision (or give --classifier-torchscript)"
                          "; not found: %s" % e)
    ctor = getattr(torchvision.models, arch, None)
    if not callable(ctor):
        raise ExportError("--classifier-arch %s: not a torchvision.models architecture" % arch)
    model = ctor(weights=None)
    resize_final_layer(model, num_classes)
    try:
        model.load_state_dict(load_state_dict_file(weights))
    except RuntimeError as e:
        raise ExportError("--classifier-weights %s does not fit %s with %d classes: %s"
                          % (weights, arch, num_classes, str(e).splitlines()[0]))
    return model


# --------------------------------------------------------------------------- export

@dataclass
class Parts:
    """Modules with diffusers' call signatures (the exporter needs nothing else of them)."""
    unet: Any                       # unet(sample, t, encoder_hidden_states=, ..., return_dict=False)
    vae: Any                        # vae.encode(x).latent_dist.mean, vae.decode(z, return_dict=False)
    text_encoder: Any               # text_encoder(ids)[0] -> [N,L,D]
    tokenizer: Any                  # tokenizer(texts, padding=, max_length=, ...).input_ids
    scheduler_config: Dict[str, Any]
    classifier: Any                 # x -> logits [B,K]
    controlnet: Any = None          # controlnet(sample, t, ..., return_dict=False) -> (down, mid)
    unet_in_channels: int = 4
    vae_block_out_channels: List[int] = field(default_factory=lambda: [128, 256, 512, 512])
    vae_scaling_factor: float = 0.18215
    control_channels: int = 3


@dataclass
class Spec:
    """What the bundle declares besides the modules."""
    name: str
    class_names: List[str]
    prompts: List[List[str]]
    negative_prompt: str = ""
    resolution: List[int] = field(default_factory=lambda: [512, 512])
    fit: str = "pad"
    device: str = "cpu"
    dtype: str = "fp32"
    classifier: Dict[str, Any] = field(default_factory=dict)
    provenance: Dict[str, Any] = field(default_factory=dict)


def log(msg):
    print("%s: %s" % (PROG, msg), flush=True)


def save_trace(module, inputs, path, dtype_name):
    """Traces module on inputs, checks the trace against eager on a batch of another size
    (a trace must not freeze B), saves it to path."""
    module.eval().requires_grad_(False)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # diffusers' shape asserts are constant at a fixed size
        traced = torch.jit.trace(module, tuple(inputs), check_trace=False)
        other = [torch.cat([x, x[:1]]) for x in inputs]
        want, got = module(*other), traced(*other)
    err = (want - got).abs().max().item()
    scale = want.abs().max().item() + 1e-6
    if got.dtype != torch.float32 or got.shape != want.shape or err > 1e-3 * scale * (
            1 if dtype_name == "fp32" else 20):
        raise RuntimeError("%s: the trace differs from the module at batch size %d (max "
                           "difference %.3g, output %s %s)" % (os.path.basename(path), len(
                               other[0]), err, list(got.shape), got.dtype))
    tmp = path + ".tmp"
    torch.jit.save(traced, tmp)
    os.replace(tmp, path)
    return traced


def export_bundle(out, parts, spec):
    """Writes the bundle for parts and spec into directory out; returns the manifest."""
    os.makedirs(out, exist_ok=True)
    device = torch.device(spec.device)
    dtype_name, dtype = DTYPES[spec.dtype]
    H, W = spec.resolution
    f = 2 ** (len(parts.vae_block_out_channels) - 1)
    if H % f or W % f:
        raise ExportError("--resolution %d %d: expected multiples of the VAE's downsampling "
                          "factor %d" % (H, W, f))
    K = len(spec.class_names)

    log("embedding %d prompts" % (sum(map(len, spec.prompts)) + 1))
    parts.text_encoder.to(device=device, dtype=torch.float32).eval()
    table = build_prompt_table(parts.text_encoder, parts.tokenizer, spec.prompts,
                               spec.negative_prompt, device)
    parts.text_encoder.to("cpu")
    torch.jit.script(table).save(os.path.join(out, "prompts.pt"))
    L, D = table.unconditional.shape

    log("tracing the denoiser (%s on %s)" % (dtype_name, spec.device))
    cc = parts.control_channels if parts.controlnet is not None else 1
    den = Denoiser(parts.unet, parts.controlnet, dtype).to(device=device, dtype=dtype)
    g = torch.Generator().manual_seed(0)
    B = TRACE_BATCH
    rows = torch.stack([table.embeddings[0], table.unconditional])
    inputs = [torch.randn(B, parts.unet_in_channels, H // f, W // f, generator=g),
              torch.tensor([999, 499], dtype=torch.int64), rows,
              (torch.rand(B, cc, H, W, generator=g) > 0.8).float(), torch.tensor([1.0, 0.5])]
    save_trace(den, [x.to(device) for x in inputs], os.path.join(out, "denoiser.pt"), spec.dtype)
    den.to("cpu")
    free(device)

    log("tracing the VAE encoder and decoder")
    enc = VaeEncoder(parts.vae, dtype).to(device=device, dtype=dtype)
    x = (2 * torch.rand(B, 3, H, W, generator=g) - 1).to(device)
    save_trace(enc, [x], os.path.join(out, "vae_encoder.pt"), spec.dtype)
    dec = VaeDecoder(parts.vae, dtype)
    z = torch.randn(B, parts.unet_in_channels, H // f, W // f, generator=g).to(device)
    save_trace(dec, [z], os.path.join(out, "vae_decoder.pt"), spec.dtype)
    parts.vae.to("cpu")
    free(device)

    log("tracing the classifier")
    cls = Classifier(parts.classifier, dtype).to(device=device, dtype=dtype)
    Hf, Wf = spec.classifier["resolution"]
    logits = save_trace(cls, [torch.randn(B, 3, Hf, Wf, generator=g).to(device)],
                        os.path.join(out, "classifier.pt"), spec.dtype)
    with torch.no_grad():
        k = logits(torch.zeros(1, 3, Hf, Wf, device=device)).shape[-1]
    if k != K:
        raise ExportError("the classifier gives %d logits for %d classes in --classes" % (k, K))
    cls.to("cpu")
    free(device)

    manifest = make_manifest(parts, spec, f, L, D, cc)
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    return manifest


def free(device):
    if device.type == "cuda":
        torch.cuda.empty_cache()


def make_manifest(parts, spec, f, L, D, cc):
    K = len(spec.class_names)
    m = {"format": "higfa-bundle", "version": 1, "name": spec.name,
         "resolution": list(spec.resolution), "channels": 3, "value_range": [-1.0, 1.0],
         "fit": spec.fit, "space": "latent"}
    m.update(scheduler_fields(parts.scheduler_config))
    m.update({"conditioning": "text", "num_classes": K, "null_class": K,
              "class_names": list(spec.class_names),
              "latent": {"channels": parts.unet_in_channels, "downsampling_factor": f,
                         "scaling_factor": float(parts.vae_scaling_factor)}})
    if parts.controlnet is not None:
        m["control"] = {"channels": cc}
    m["text"] = {"sequence_length": int(L), "embedding_dim": int(D), "prompts": spec.prompts,
                 "unconditional_prompt": spec.negative_prompt}
    m["files"] = {"denoiser": "denoiser.pt", "classifier": "classifier.pt",
                  "vae_encoder": "vae_encoder.pt", "vae_decoder": "vae_decoder.pt",
                  "prompts": "prompts.pt"}
    m["classifier"] = dict(spec.classifier)
    m["device"] = spec.device
    m["dtype"] = DTYPES[spec.dtype][0]
    m["provenance"] = dict(spec.provenance)
    return m


# --------------------------------------------------------------------------- command line

def parse_args(argv):
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, metavar="DIR_OR_ID",
                    help="diffusers Stable Diffusion directory or hub id (SD1.5, SD2.x)")
    ap.add_argument("--controlnet", metavar="DIR",
                    help="diffusers ControlNet directory or hub id (e.g. a Canny ControlNet)")
    ap.add_argument("--out", required=True, metavar="DIR", help="the bundle directory to write")
    ap.add_argument("--name", help="the bundle's name (default: the --out directory's name)")
    ap.add_argument("--overwrite", action="store_true", help="replace files in a non-empty --out")
    ap.add_argument("--classes", required=True, metavar="FILE",
                    help="class names, one a line, in class id order (the dataset's folder "
                    "names); an optional tab then the name prompts use")
    pg = ap.add_mutually_exclusive_group()
    pg.add_argument("--prompt-template", default=None, metavar="TEMPLATE",
                    help="one prompt per class, {} = the class's prompt name "
                    "(default \"a photo of a {}\")")
    pg.add_argument("--prompts", metavar="FILE",
                    help="JSON prompt file: prompts per class, per meta-class and a default")
    ap.add_argument("--negative-prompt", default="", metavar="TEXT",
                    help="the unconditional prompt of classifier-free guidance (default \"\")")
    cg = ap.add_mutually_exclusive_group(required=True)
    cg.add_argument("--classifier-arch", metavar="ARCH", help="torchvision.models architecture, e.g. resnet50; "
                    "its last linear layer is resized to the number of classes")
    cg.add_argument("--classifier-torchscript", metavar="FILE",
                    help="a TorchScript classifier x -> logits [B,K] instead")
    ap.add_argument("--classifier-weights", metavar="FILE",
                    help="state dict for --classifier-arch (torch.save of model.state_dict())")
    ap.add_argument("--classifier-resolution", type=int, nargs="+", default=[224],
                    metavar="N", help="classifier input size: N or H W (default 224)")
    ap.add_argument("--classifier-fit", choices=("center_crop", "resize", "pad"),
                    default="center_crop", help="default center_crop")
    ap.add_argument("--classifier-resize-size", type=int, metavar="N",
                    help="shorter side before the centre crop (default 256/224 of the "
                    "resolution: 256 for 224)")
    ap.add_argument("--classifier-mean", type=float, nargs=3, default=IMAGENET_MEAN,
                    metavar=("R", "G", "B"), help="per-channel mean (default ImageNet's)")
    ap.add_argument("--classifier-std", type=float, nargs=3, default=IMAGENET_STD,
                    metavar=("R", "G", "B"), help="per-channel std (default ImageNet's)")
    ap.add_argument("--classifier-value-range", type=float, nargs=2, default=[0.0, 1.0],
                    metavar=("LO", "HI"), help="the classifier's input range before "
                    "normalisation (default 0 1)")
    ap.add_argument("--resolution", type=int, nargs=2, default=[512, 512], metavar=("H", "W"),
                    help="generated image size (default 512 512; SD2.1-768: 768 768)")
    ap.add_argument("--fit", choices=("pad", "resize"), default="pad",
                    help="how sources and contours are brought to the resolution (default pad)")
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                    help="the device to trace on, and the only one the bundle runs on")
    ap.add_argument("--dtype", choices=tuple(DTYPES), default="fp32",
                    help="the precision the modules compute in (fp16 needs cuda)")
    ap.add_argument("--no-check", action="store_true",
                    help="skip tools/check_bundle.py on the result")
    return ap.parse_args(argv)


def classifier_spec(args):
    res = args.classifier_resolution
    if len(res) not in (1, 2) or min(res) < 1:
        raise ExportError("--classifier-resolution: expected N or H W")
    res = res * 2 if len(res) == 1 else res
    lo, hi = args.classifier_value_range
    if not lo < hi:
        raise ExportError("--classifier-value-range %g %g: expected LO < HI" % (lo, hi))
    if min(args.classifier_std) <= 0:
        raise ExportError("--classifier-std: expected numbers > 0")
    spec = {"resolution": res, "channels": 3, "value_range": [lo, hi],
            "fit": args.classifier_fit}
    if args.classifier_fit == "center_crop":
        size = args.classifier_resize_size or int(round(max(res) * 256 / 224))
        if size < max(res):
            raise ExportError("--classifier-resize-size %d: expected at least %d (the "
                              "resolution)" % (size, max(res)))
        spec["resize_size"] = size
    elif args.classifier_resize_size is not None:
        raise ExportError("--classifier-resize-size applies to --classifier-fit center_crop only")
    spec["mean"], spec["std"] = list(args.classifier_mean), list(args.classifier_std)
    return spec


def validate(args, argv):
    """Everything that needs no model: a Spec, or ExportError."""
    if args.dtype == "fp16" and args.device != "cuda":
        raise ExportError("--dtype fp16 needs --device cuda (float16 modules run on CUDA only); "
                          "use fp32 or bf16 on cpu")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise ExportError("--device cuda: torch has no CUDA device here "
                          "(torch.cuda.is_available() is false)")
    if min(args.resolution) < 8:
        raise ExportError("--resolution: expected H W of at least 8")
    if args.classifier_arch and not args.classifier_weights:
        raise ExportError("--classifier-arch needs --classifier-weights (a fine-tuned state dict)")
    for opt in ("classifier_weights", "classifier_torchscript"):
        path = getattr(args, opt)
        if path and not os.path.isfile(path):
            raise ExportError("--%s %s: no such file" % (opt.replace("_", "-"), path))
    if os.path.isdir(args.out) and os.listdir(args.out) and not args.overwrite:
        raise ExportError("--out %s is not empty (give --overwrite to replace its files)"
                          % args.out)
    names, shown = read_classes(args.classes)
    if args.prompts:
        prompts = file_prompts(args.prompts, names, shown)
    else:
        prompts = template_prompts(args.prompt_template or "a photo of a {}", shown)
    name = args.name or os.path.basename(os.path.normpath(args.out))
    command = " ".join(shlex.quote(a) for a in [sys.argv[0]] + list(argv))
    provenance = {"command": command,
                  "sources": {"model": args.model, "controlnet": args.controlnet,
                              "classifier": args.classifier_torchscript or "%s + %s" % (
                                  args.classifier_arch, args.classifier_weights)},
                  "date": datetime.datetime.now(datetime.timezone.utc).strftime(
                      "%Y-%m-%dT%H:%M:%SZ"),
                  "versions": {"torch": torch.__version__}}
    return Spec(name=name, class_names=names, prompts=prompts,
                negative_prompt=args.negative_prompt, resolution=list(args.resolution),
                fit=args.fit, device=args.device, dtype=args.dtype,
                classifier=classifier_spec(args), provenance=provenance)


def import_diffusers():
    try:
        import diffusers
        import transformers
    except ImportError as e:
        raise ExportError("needs diffusers and transformers (pip install diffusers transformers "
                          "safetensors); not found: %s" % e)
    return diffusers, transformers


def load_parts(args, spec):
    diffusers, transformers = import_diffusers()
    spec.provenance["versions"].update(diffusers=diffusers.__version__,
                                       transformers=transformers.__version__)
    log("loading %s" % args.model)
    pipe = diffusers.StableDiffusionPipeline.from_pretrained(
        args.model, torch_dtype=torch.float32, safety_checker=None,
        requires_safety_checker=False)
    controlnet = None
    if args.controlnet:
        log("loading %s" % args.controlnet)
        controlnet = diffusers.ControlNetModel.from_pretrained(args.controlnet,
                                                               torch_dtype=torch.float32)
    K = len(spec.class_names)
    if args.classifier_torchscript:
        classifier = torch.jit.load(args.classifier_torchscript, map_location="cpu")
    else:
        classifier = torchvision_classifier(args.classifier_arch, args.classifier_weights, K)
        spec.provenance["versions"]["torchvision"] = sys.modules["torchvision"].__version__
    cc = getattr(controlnet.config, "conditioning_channels", 3) if controlnet is not None else 3
    return Parts(unet=pipe.unet, vae=pipe.vae, text_encoder=pipe.text_encoder,
                 tokenizer=pipe.tokenizer, scheduler_config=dict(pipe.scheduler.config),
                 classifier=classifier, controlnet=controlnet,
                 unet_in_channels=pipe.unet.config.in_channels,
                 vae_block_out_channels=list(pipe.vae.config.block_out_channels),
                 vae_scaling_factor=pipe.vae.config.scaling_factor, control_channels=cc)


def check(out):
    import check_bundle
    report = check_bundle.check(out)
    for e in report.errors:
        print("ERROR %s" % e)
    for n in report.notes:
        print("note  %s" % n)
    return not report.errors


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    try:
        spec = validate(args, argv)
        parts = load_parts(args, spec)
        scheduler_fields(parts.scheduler_config)  # refuse before the long part
        export_bundle(args.out, parts, spec)
    except ExportError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 2
    if not args.no_check and not check(args.out):
        print("%s: %s does not pass tools/check_bundle.py" % (PROG, args.out))
        return 1
    print("%s: wrote %s" % (PROG, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
