# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Benchmark: pipeline and sampler throughput, batch and thread scaling, RSS, denoiser FLOP/s.
"""Speed of the default bundle on this machine (design section 8), measured in one run.

Every case is one pipeline run (bench/gst_timed.py) on the same few-shot pool images; both the
raw rate (images / wall, start-up included) and the steady rate (images / time from the first
frame entering the sampler to the last buffer out) are given.

  pipeline      datasetsrc ! contourextract ! higfasampler ! fgclassifier ! confidencefilter
                ! datasetsink
  sampler alone datasetsrc ! contourextract ! higfasampler ! fakesink
  sampler + cls datasetsrc ! contourextract ! higfasampler ! fgclassifier ! fakesink

The denoiser's FLOPs per forward are counted from the architecture (tools/higfa_models.py,
conv and linear layers, multiply-add = 2 FLOPs) and checked against the bundle's parameter count;
the machine's peak is a 2048 x 2048 float32 matmul in torch at 1 and 2 threads.

  /usr/bin/python3 bench/speed.py --plugin-dir build/gst-plugin

Against an earlier commit (its plugin built apart, e.g. in a git worktree of that commit with
`meson setup build -Dtests=false && ninja -C build`), --vs-plugin-dir adds the README's main
pipeline at every element's defaults

  datasetsrc location=data/samples ! contourextract ! higfasampler samples-per-image=4
    ! fgclassifier ! confidencefilter threshold=0.5 ! datasetsink

run by both builds in alternating rounds, their images/s ratio, and each change's share: the
same pipeline on this build with one default put back to the earlier one at a time
(--vs-undo, e.g. "threads=1" or "scheduler=ddim num-inference-steps=50"). --main-only skips the
other cases.

  /usr/bin/python3 bench/speed.py --vs-plugin-dir ../old/build/gst-plugin --vs-label af8f262 \
      --vs-undo "threads=1" --vs-undo "scheduler=ddim num-inference-steps=50" --main-only
"""
import argparse
import os
import shlex
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def count_denoiser_flops():
    """FLOPs of one per-sample denoiser forward (conv + linear), and the parameter count."""
    import torch
    import higfa_models
    d = torch.jit.load(os.path.join(benchlib.BUNDLE, "denoiser.pt"), map_location="cpu")
    shapes = dict((n, p.shape) for n, p in d.named_parameters())
    ch = [shapes[k][0] for k in ("conv_in.weight", "enc1.conv1.weight", "enc2.conv1.weight")]
    m = higfa_models.ContourUNet(ch, hint_ch=shapes["hint0.0.weight"][0]).eval()
    total = [0]

    def hook(mod, inp, out):
        if isinstance(mod, torch.nn.Conv2d):
            k = mod.kernel_size[0] * mod.kernel_size[1] * mod.in_channels // mod.groups
            total[0] += 2 * k * out.numel() // out.shape[0]
        elif isinstance(mod, torch.nn.Linear):
            total[0] += 2 * mod.in_features * out.numel() // out.shape[0]
    for mod in m.modules():
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
            mod.register_forward_hook(hook)
    with torch.no_grad():
        m(torch.zeros(1, 1, 32, 32), torch.zeros(1, dtype=torch.long),
          torch.zeros(1, dtype=torch.long), torch.zeros(1, 1, 32, 32), torch.ones(1))
    return total[0], higfa_models.count_params(m)


def best_time(fn, repeats):
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def matmul_peak(threads):
    import torch
    torch.set_num_threads(threads)
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    return 2 * 2048 ** 3 / best_time(lambda: torch.mm(a, b), 5) / 1e9


def denoiser_gflops(threads, batch, flops):
    """Achieved GFLOP/s of the bundle's TorchScript denoiser, forward only, batch samples."""
    import torch
    torch.set_num_threads(threads)
    d = torch.jit.load(os.path.join(benchlib.BUNDLE, "denoiser.pt"), map_location="cpu").eval()
    x, k = torch.randn(batch, 1, 32, 32), (torch.rand(batch, 1, 32, 32) > 0.9).float()
    t, c, s = torch.full((batch,), 500), torch.arange(batch) % 11, torch.full((batch,), 0.8)
    with torch.no_grad():
        sec = best_time(lambda: d(x, t, c, k, s), 5)
    return batch * flops / sec / 1e9, sec


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plugin-dir", default="build/gst-plugin")
    ap.add_argument("--inputs", type=int, default=16, help="pool images per case")
    ap.add_argument("--steps", type=int, default=None,
                    help="sampler steps (default: the element's, with its default solver)")
    ap.add_argument("--batch-inputs", type=int, default=2,
                    help="pool images of the batch cases (samples-per-image=16)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeats", type=int, default=1,
                    help="rounds over all cases; each case keeps its fastest steady run")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/RESULTS.md")
    ap.add_argument("--vs-plugin-dir", help="an earlier build's gst-plugin folder (see above)")
    ap.add_argument("--vs-label", default="the earlier build", help="its name in the tables")
    ap.add_argument("--vs-undo", action="append", default=[],
                    help="higfasampler properties that put one default back (repeatable)")
    ap.add_argument("--main-inputs", type=int, default=10,
                    help="sample images of the main pipeline cases (of data/samples' 30)")
    ap.add_argument("--main-only", action="store_true",
                    help="only the main pipeline cases (needs --vs-plugin-dir)")
    args = ap.parse_args()
    if args.main_only and not args.vs_plugin_dir:
        ap.error("--main-only needs --vs-plugin-dir")
    if args.vs_plugin_dir:
        vs_body = main_pipeline_vs(args)
        if not args.no_write:
            benchlib.update_section("Speed against %s" % args.vs_label, vs_body)
    if args.main_only:
        return

    tmp = tempfile.mkdtemp(prefix="higfa-bench-speed-")
    data = os.path.join(tmp, "pool")
    benchlib.export_pool(data, (args.inputs + 9) // 10)
    B = benchlib.BUNDLE

    def src(n):
        return ("datasetsrc location=%s labels-file=%s/labels.txt bundle=%s num-buffers=%d"
                % (data, data, B, n))

    def smp(guidance="higfa", threads=2, spi=1, batch=None, retain=True):
        # batch None: the element's default batch-size, which batches across input frames
        return ("higfasampler name=smp bundle=%s samples-per-image=%d %sseed=%d threads=%d "
                "%s%sguidance=%s"
                % (B, spi, "" if batch is None else "batch-size=%d " % batch, args.seed, threads,
                   "" if args.steps is None else "num-inference-steps=%d " % args.steps,
                   "" if retain else "retain-memory=false ", guidance))
    tails = {
        "pipeline": "fgclassifier bundle=%s ! confidencefilter threshold=0 ! datasetsink name=out "
                    "location=%s/out%%d" % (B, tmp),
        "sampler alone": "fakesink name=out",
        "sampler + fgclassifier": "fgclassifier bundle=%s ! fakesink name=out" % B,
    }
    cases = [  # (name, tail, sampler kwargs, inputs)
        ("pipeline", "pipeline", {}, args.inputs),
        ("sampler alone", "sampler alone", {}, args.inputs),
        ("sampler + fgclassifier", "sampler + fgclassifier", {}, args.inputs),
        ("sampler alone, cfg", "sampler alone", {"guidance": "cfg"}, args.inputs),
        ("sampler alone, cfg, retain-memory=false", "sampler alone",
         {"guidance": "cfg", "retain": False}, args.inputs),
        ("sampler alone, threads=1", "sampler alone", {"threads": 1}, args.inputs),
    ]
    for bs in (1, 4, 8, 16):
        cases.append(("sampler alone, 16 samples/image, batch-size=%d" % bs, "sampler alone",
                      {"spi": 16, "batch": bs}, args.batch_inputs))

    res = {}
    for rnd in range(args.repeats):
        for i, (name, tail, kw, n) in enumerate(cases):
            t = tails[tail] % (100 * rnd + i) if "%d" in tails[tail] else tails[tail]
            desc = "%s ! contourextract ! %s ! %s" % (src(n), smp(**kw), t)
            r = benchlib.run_timed(desc, args.plugin_dir)
            imgs = n * kw.get("spi", 1)
            if r["buffers"] != imgs:
                raise RuntimeError("%s: %d buffers, expected %d" % (name, r["buffers"], imgs))
            r["imgs"], r["rate"], r["raw"] = imgs, imgs / r["steady"], imgs / r["wall"]
            print("round %d  %-48s %3d img  wall %6.1f s  start-up %5.1f s  steady %6.1f s  "
                  "%.3f img/s  steady %.3f img/s  RSS %.0f MiB"
                  % (rnd, name, imgs, r["wall"], r["startup"], r["steady"], r["raw"], r["rate"],
                     r["rss_kib"] / 1024), flush=True)
            if name not in res or r["rate"] > res[name]["rate"]:
                r["rss_kib"] = max(r["rss_kib"], res.get(name, r)["rss_kib"])
                res[name] = r
            else:
                res[name]["rss_kib"] = max(r["rss_kib"], res[name]["rss_kib"])
    rows = [(name, res[name]["imgs"], "%.1f" % res[name]["wall"], "%.1f" % res[name]["startup"],
             "%.1f" % res[name]["steady"], "%.3f" % res[name]["raw"], "%.3f" % res[name]["rate"],
             "%.0f" % (res[name]["rss_kib"] / 1024)) for name, _, _, _ in cases]

    flops, params = count_denoiser_flops()
    defaults = benchlib.sampler_defaults(args.plugin_dir)
    steps = args.steps or defaults["num-inference-steps"]
    peak = {th: matmul_peak(th) for th in (1, 2)}
    dn = {th: denoiser_gflops(th, 2 * args.inputs, flops) for th in (1, 2)}
    # cfg: one denoiser call of 2B samples per step (conditional and null class), nothing else.
    cfg_gflops = res["sampler alone, cfg"]["rate"] * steps * 2 * flops / 1e9
    cfg_gflops_unretained = (res["sampler alone, cfg, retain-memory=false"]["rate"] * steps * 2
                             * flops / 1e9)

    def ratio(a, b, key):
        return res[a][key] / res[b][key]
    r_pipe = (ratio("pipeline", "sampler alone", "raw"), ratio("pipeline", "sampler alone", "rate"))
    r_cls = (ratio("sampler + fgclassifier", "sampler alone", "raw"),
             ratio("sampler + fgclassifier", "sampler alone", "rate"))
    r_cost = (ratio("sampler alone, cfg", "sampler alone", "raw"),
              ratio("sampler alone, cfg", "sampler alone", "rate"))
    r_thr = (ratio("sampler alone", "sampler alone, threads=1", "raw"),
             ratio("sampler alone", "sampler alone, threads=1", "rate"))
    r_ret = (ratio("sampler alone, cfg", "sampler alone, cfg, retain-memory=false", "raw"),
             ratio("sampler alone, cfg", "sampler alone, cfg, retain-memory=false", "rate"))

    tab = benchlib.table(["case", "images", "wall (s)", "start-up (s)", "steady (s)",
                          "images/s (raw)", "images/s (steady)", "peak RSS (MiB)"], rows)
    summary = benchlib.table(["measure", "raw", "steady", "goal"], [
        ("pipeline / sampler alone (images/s)", "%.3f" % r_pipe[0], "%.3f" % r_pipe[1], "≥ 0.95"),
        ("higfa / cfg cost (s per image)", "%.3f" % r_cost[0], "%.3f" % r_cost[1], "≤ 1.5"),
        ("sampler + fgclassifier / sampler alone (images/s)", "%.3f" % r_cls[0],
         "%.3f" % r_cls[1], ""),
        ("threads=2 / threads=1 speed-up", "%.3f" % r_thr[0], "%.3f" % r_thr[1], ""),
        ("retain-memory / retain-memory=false speed-up (cfg)", "%.3f" % r_ret[0],
         "%.3f" % r_ret[1], ""),
    ])
    flop_tab = benchlib.table(["measure", "1 thread", "2 threads"], [
        ("2048² float32 matmul, torch (GFLOP/s, peak)", "%.1f" % peak[1], "%.1f" % peak[2]),
        ("denoiser forward, TorchScript, batch %d (GFLOP/s)" % (2 * args.inputs),
         "%.1f (%.0f %% of peak)" % (dn[1][0], 100 * dn[1][0] / peak[1]),
         "%.1f (%.0f %% of peak)" % (dn[2][0], 100 * dn[2][0] / peak[2])),
        ("denoiser in higfasampler guidance=cfg, steady (GFLOP/s; goal ≥ 60 % of peak)", "",
         "%.1f (%.0f %% of peak)" % (cfg_gflops, 100 * cfg_gflops / peak[2])),
        ("the same with retain-memory=false (GFLOP/s)", "",
         "%.1f (%.0f %% of peak)" % (cfg_gflops_unretained,
                                     100 * cfg_gflops_unretained / peak[2])),
    ])
    print(tab, summary, flop_tab, sep="\n\n")
    print("denoiser: %.1f MFLOP per sample per forward, %d parameters" % (flops / 1e6, params))

    body = (
        "One run of `bench/speed.py` (all cases in one process, so ratios compare like with "
        "like): %d pool images per case (samples-per-image=1) and %d for "
        "the batch cases (samples-per-image=16, %d samples), %s, %d steps, guidance=higfa, "
        "threads=2 and the element's default batch-size (8 samples per denoiser batch, across "
        "input frames) unless the case says otherwise; each case is one pipeline run to EOS by "
        "`bench/gst_timed.py`, repeated in %d round(s) over all cases, each case keeping its "
        "fastest (steady) run. *Wall*: the whole run, plugin and bundle loading included; "
        "*start-up*: to the first frame entering higfasampler; *steady*: from that frame to the "
        "last buffer reaching the last element. *Raw* rate = images / wall, *steady* rate = "
        "images / steady. The sampler-alone rate is the GStreamer variant "
        "(`… ! higfasampler ! fakesink`), not a bare library loop. Peak RSS: the runner process "
        "(`/usr/bin/time -f %%M`; GStreamer, Python GI and the plugin; no Python torch). "
        "confidencefilter threshold=0 keeps every frame, so the sink writes all of them.\n\n"
        "%s\n\n%s\n\n"
        "Denoiser: %.1f MFLOP per sample per forward (conv and linear layers of "
        "`tools/higfa_models.py` ContourUNet, a multiply-add counted as 2; %d parameters, the "
        "bundle manifest says %s). guidance=cfg makes one forward of 2 × batch samples per step "
        "(a batch of 8 pool images here), "
        "so its steady rate gives the denoiser's achieved FLOP/s in the pipeline (the DDIM update "
        "and contour work are counted as time, not FLOPs).\n\n%s\n\n%s\n"
        "Command: `/usr/bin/python3 bench/speed.py %s`\n"
        % (args.inputs, args.batch_inputs, 16 * args.batch_inputs, defaults["scheduler"], steps,
           args.repeats, tab, summary, flops / 1e6, params,
           _manifest_params(), flop_tab, benchlib.conditions("per case (2 unless said)"),
           " ".join(shlex.quote(a) for a in sys.argv[1:])))
    if not args.no_write:
        benchlib.update_section("Speed", body)


def main_pipeline_vs(args):
    """The README pipeline at the elements' defaults on this build and on --vs-plugin-dir."""
    B = benchlib.BUNDLE
    data = os.path.join(benchlib.ROOT, "data", "samples")
    tmp = tempfile.mkdtemp(prefix="higfa-bench-vs-")
    n = args.main_inputs

    def desc(extra, out):
        return ("datasetsrc location=%s bundle=%s num-buffers=%d ! contourextract ! higfasampler "
                "name=smp bundle=%s samples-per-image=4 %s ! fgclassifier bundle=%s ! confidencefilter "
                "threshold=0.5 ! datasetsink name=out location=%s"
                % (data, B, n, B, extra, B, out))
    cases = [("this build, defaults", args.plugin_dir, "")]
    cases += [("this build, %s" % u, args.plugin_dir, u) for u in args.vs_undo]
    cases.append(("%s, defaults" % args.vs_label, args.vs_plugin_dir, ""))
    res = {}
    for rnd in range(args.repeats):
        for i, (name, plugin, extra) in enumerate(cases):
            out = os.path.join(tmp, "r%d-%d" % (rnd, i))
            r = benchlib.run_timed(desc(extra, out), plugin)
            r["imgs"] = 4 * n
            r["rate"], r["raw"] = r["imgs"] / r["steady"], r["imgs"] / r["wall"]
            print("round %d  %-52s wall %6.1f s  steady %6.1f s  %.3f img/s  steady %.3f img/s"
                  % (rnd, name, r["wall"], r["steady"], r["raw"], r["rate"]), flush=True)
            if name not in res or r["rate"] > res[name]["rate"]:
                res[name] = r
    old = res["%s, defaults" % args.vs_label]
    new = res["this build, defaults"]
    rows = []
    for name, _, _ in cases:
        r = res[name]
        rows.append((name, r["imgs"], "%.1f" % r["wall"], "%.1f" % r["steady"],
                     "%.3f" % r["raw"], "%.3f" % r["rate"], "%.2f" % (r["raw"] / old["raw"]),
                     "%.2f" % (r["rate"] / old["rate"]),
                     "%.2f" % (new["rate"] / r["rate"])))
    tab = benchlib.table(["case", "images", "wall (s)", "steady (s)", "images/s (raw)",
                          "images/s (steady)", "× %s (raw)" % args.vs_label,
                          "× %s (steady)" % args.vs_label,
                          "defaults / this case (steady)"], rows)
    print(tab)
    return (
        "The README's main pipeline at every element's defaults (`datasetsrc location=data/samples "
        "num-buffers=%d ! contourextract ! higfasampler samples-per-image=4 ! fgclassifier ! "
        "confidencefilter threshold=0.5 ! datasetsink`, %d images), on this build and on %s's "
        "(its own defaults), in %d alternating round(s), each case keeping its fastest steady run. "
        "The rows between put one of this build's defaults back to the earlier one: the last "
        "column is what that default buys (this build's defaults / the case).\n\n%s\n\n%s\n"
        "Command: `/usr/bin/python3 bench/speed.py %s`\n\n"
        "(OLD: a git worktree of %s, built with `meson setup build -Dtests=false && ninja -C "
        "build`.)\n"
        % (n, 4 * n, args.vs_label, args.repeats, tab, benchlib.conditions("the elements' default"),
           " ".join(shlex.quote(a) for a in sys.argv[1:]).replace(
               os.path.dirname(os.path.dirname(os.path.abspath(args.vs_plugin_dir))), "OLD"),
           args.vs_label))


def _manifest_params():
    import json
    with open(os.path.join(benchlib.BUNDLE, "manifest.json")) as f:
        return json.load(f)["provenance"]["parameters"]["denoiser"]


if __name__ == "__main__":
    main()
