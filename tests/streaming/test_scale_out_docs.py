#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Runs the Kubernetes and Slurm commands of docs/scale-out.md on local paths, on the CPU.
"""Run with /usr/bin/python3 tests/streaming/test_scale_out_docs.py in the hermetic environment
(meson test -C BUILD --suite streaming)."""
import os
import re
import subprocess
import tarfile
import tempfile

from streaming_util import REPO, TINY_BUNDLE, make_imagefolder, read_manifest, run_tests

DOC = os.path.join(REPO, "docs", "scale-out.md")


def code_block(language, containing):
    """The first ```language block of the doc that contains `containing`."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    for block in re.findall(r"```%s\n(.*?)```" % language, text, re.S):
        if containing in block:
            return block
    raise AssertionError("no %s block with %r in %s" % (language, containing, DOC))


def localise(command, data, out):
    """The documented command on this machine: the tiny bundle, local data and output, CPU."""
    for path, local in (("$HOME/higfa/models/fashion-mnist", TINY_BUNDLE),
                        ("/models/fashion-mnist", TINY_BUNDLE),
                        ("/scratch/fgvc/train", data), ("/data/train", data),
                        ("/scratch/higfa-out/", out + "/"), ("/out/", out + "/")):
        # Only whole property values: a replaced path is never replaced again.
        command = re.sub(r"(?<==)" + re.escape(path), lambda _: local, command)
    command = command.replace(" device=cuda:0", "")
    # The hermetic environment of the suite already names the plugin directory.
    return re.sub(r"export GST_PLUGIN_PATH=\S+", ":", command)


def parse_yaml_job(block):
    import yaml  # python3-yaml; only this test needs it
    return yaml.safe_load(block)


def test_kubernetes_indexed_job_command_runs_one_shard():
    try:
        job = parse_yaml_job(code_block("yaml", "completionMode"))
    except ImportError:
        print("  (python3-yaml missing: checking the command text only)")
        job = None
    block = code_block("yaml", "completionMode")
    if job is not None:
        assert job["kind"] == "Job" and job["spec"]["completionMode"] == "Indexed"
        container = job["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e["value"] for e in container["env"]}
        command = container["command"] + container["args"]
        assert command[:2] == ["/bin/sh", "-c"] and int(env["SHARDS"]) == job["spec"]["completions"]
        script = command[2]
    else:
        env = {"SHARDS": "8"}
        script = block.split("- >-\n", 1)[1].split("        resources:", 1)[0]
        script = " ".join(script.split())
    assert "shard-index=$JOB_COMPLETION_INDEX" in script
    with tempfile.TemporaryDirectory() as tmp:
        data, out = os.path.join(tmp, "data"), os.path.join(tmp, "out")
        make_imagefolder(data, per_class=6)  # 18 images: shard 5 of 8 has images 5 and 13
        os.makedirs(os.path.join(out, "wds"))
        proc = subprocess.run(["/bin/sh", "-c", localise(script, data, out)],
                              env=dict(os.environ, JOB_COMPLETION_INDEX="5", SHARDS=env["SHARDS"]),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stdout
        lines = read_manifest(os.path.join(out, "shard-5", "manifest.jsonl"))
        assert {l["source_id"] for l in lines} <= {"a/5", "c/1"}, lines
        with tarfile.open(os.path.join(out, "wds", "part-5-000000.tar")) as tar:
            assert len(tar.getnames()) == 3 * len(lines)


def test_slurm_array_script_runs_one_shard():
    script = code_block("bash", "SLURM_ARRAY_TASK_ID")
    assert script.startswith("#!/bin/bash") and "#SBATCH --array=0-7" in script
    with tempfile.TemporaryDirectory() as tmp:
        data, out = os.path.join(tmp, "data"), os.path.join(tmp, "out")
        make_imagefolder(data, per_class=3)
        path = os.path.join(tmp, "augment.sbatch")
        with open(path, "w") as f:
            f.write(localise(script, data, out))
        proc = subprocess.run(["bash", path], env=dict(os.environ, SLURM_ARRAY_TASK_ID="2"),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stdout
        lines = read_manifest(os.path.join(out, "shard-2", "manifest.jsonl"))
    # 9 images, 8 shards: shard 2 holds image 2 (a/2) only.
    assert {l["source_id"] for l in lines} <= {"a/2"} and all(
        l["sample_index"] in range(4) for l in lines), lines


if __name__ == "__main__":
    run_tests(globals())
