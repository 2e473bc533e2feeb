#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# The main job killed with SIGKILL at five points and resumed each time writes what one run does.
"""Kill -9 / resume of tools/augment.py (the main job's runner, pipelines/augment-dataset.txt).

6 source images x 4 samples, 2 steps, batch-size=1: on the CPU a batch of another size may round
the last bit of a sample differently, and a resumed run batches the missing samples differently,
so byte identity across a resume needs batch-size=1 (design §9). threads=1 keeps the runs short
on a loaded machine (neither is a setting a resume compares). One uninterrupted run is the
reference; a second run is killed once its manifest has at least 1 line, resumed and killed at
5, 9, 14 and 20 lines, and resumed to the end; before that last resume a partial manifest line
and an unfinished temporary are added, as a power loss could leave them. Then: the same files,
byte for byte, the same manifest lines as a set, no duplicates, and the last run generated
exactly what was missing.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("HIGFA_BUILD_DIR", os.path.join(REPO, "build"))
CLASSES = ("Bag", "Coat", "Sneaker")  # 2 images each from data/samples
SAMPLES = 4
KILL_AT = (1, 5, 9, 14, 20)  # manifest lines
PARTIAL_LINE = '{"id":"Bag_50019-s9","path":"Bag/Bag_50019-s9.png","class_na'
TEMPORARY = "Bag/.Bag_50019-s9.png.tmp"


def count_lines(out):
    try:
        with open(os.path.join(out, "manifest.jsonl"), "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def augment_cmd(pipeline, data, out, *extra):
    # --overwrite as scripts/run-main.sh always passes it: --resume wins.
    return [sys.executable, os.path.join(REPO, "tools", "augment.py"), "--build-dir", BUILD,
            "--pipeline", pipeline, "--data", data, "--out", out, "--samples", str(SAMPLES),
            "--steps", "2", "--overwrite"] + list(extra)


def env():
    return dict(os.environ, PYTHONUNBUFFERED="1")


def dataset_files(out):
    """{relative path: bytes} of the PNG files of the class folders."""
    files = {}
    for d in sorted(os.listdir(out)):
        full = os.path.join(out, d)
        if os.path.isdir(full):
            for f in os.listdir(full):
                with open(os.path.join(full, f), "rb") as fh:
                    files[d + "/" + f] = fh.read()
    return files


def manifest(out):
    with open(os.path.join(out, "manifest.jsonl"), encoding="utf-8") as f:
        return f.read().splitlines()


class ResumeAfterKill(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = os.path.join(cls.tmp.name, "data")
        for c in CLASSES:
            src = os.path.join(REPO, "data", "samples", c)
            os.makedirs(os.path.join(cls.data, c))
            for f in sorted(os.listdir(src))[:2]:
                shutil.copy(os.path.join(src, f), os.path.join(cls.data, c, f))
        with open(os.path.join(REPO, "pipelines", "augment-dataset.txt"), encoding="utf-8") as f:
            text = f.read()
        cls.pipeline = os.path.join(cls.tmp.name, "augment-batch1.txt")
        with open(cls.pipeline, "w", encoding="utf-8") as f:
            f.write(text.replace("higfasampler ", "higfasampler batch-size=1 threads=1 "))
        cls.ref = os.path.join(cls.tmp.name, "ref")
        cls.ref_run = subprocess.run(augment_cmd(cls.pipeline, cls.data, cls.ref), env=env(),
                                     capture_output=True, text=True, timeout=600)
        cls.out = os.path.join(cls.tmp.name, "out")
        cls.kills, cls.final = cls.kill_and_resume()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def kill_and_resume(cls):
        """Runs into cls.out, killed at each of KILL_AT, then to the end; returns the kills
        (target, lines before the run, lines at the kill, the run's stdout) and the last run."""
        kills = []
        for i, target in enumerate(KILL_AT):
            before = count_lines(cls.out)
            extra = ["--resume"] if i else []
            with tempfile.TemporaryFile("w+") as log:
                p = subprocess.Popen(augment_cmd(cls.pipeline, cls.data, cls.out, *extra),
                                     env=env(), stdout=log, stderr=subprocess.STDOUT, text=True)
                deadline = time.monotonic() + 300
                while p.poll() is None and time.monotonic() < deadline:
                    n = count_lines(cls.out)
                    if n >= target and n > before:
                        break
                    time.sleep(0.02)
                finished = p.poll() is not None
                p.kill()  # SIGKILL
                p.wait()
                log.seek(0)
                kills.append((target, before, count_lines(cls.out), log.read(), finished))
        with open(os.path.join(cls.out, "manifest.jsonl"), "a", encoding="utf-8") as f:
            f.write(PARTIAL_LINE)
        with open(os.path.join(cls.out, TEMPORARY), "wb") as f:
            f.write(b"\x89PNG half")
        final = subprocess.run(augment_cmd(cls.pipeline, cls.data, cls.out, "--resume"),
                               env=env(), capture_output=True, text=True, timeout=600)
        for target, before, at, log, _ in kills:
            resumed = re.search(r"resuming .*", log)
            print("kill -9 at >= %2d lines: %2d lines before the run, %2d at the kill%s"
                  % (target, before, at, "; " + resumed.group(0) if resumed else ""))
        print("last run: " + "; ".join(l for l in final.stdout.splitlines()
                                       if "resuming" in l or "generated" in l))
        return kills, final

    def test_reference_run_writes_enough_lines_for_every_kill_point(self):
        self.assertEqual(self.ref_run.returncode, 0, self.ref_run.stderr)
        self.assertGreater(len(manifest(self.ref)), KILL_AT[-1])

    def test_every_run_was_killed_mid_way(self):
        for target, before, at, log, finished in self.kills:
            self.assertFalse(finished, "the run for %d lines ended by itself:\n%s" % (target, log))
            self.assertGreaterEqual(at, target)
            self.assertGreater(at, before)

    def test_a_resumed_run_keeps_the_earlier_lines(self):
        # The manifest is only appended to: what a killed run wrote is kept by the next one.
        self.assertEqual(self.final.returncode, 0, self.final.stderr)
        for target, before, at, log, _ in self.kills[1:]:
            m = re.search(r"resuming \S+: kept (\d+) images", log)
            self.assertIsNotNone(m, log)
            self.assertEqual(int(m.group(1)), before, log)

    def test_resumed_output_is_the_uninterrupted_output(self):
        self.assertEqual(self.final.returncode, 0, self.final.stderr)
        ref, out = dataset_files(self.ref), dataset_files(self.out)
        self.assertEqual(sorted(out), sorted(ref))
        for name in ref:
            self.assertEqual(out[name], ref[name], name)
        self.assertEqual(sorted(manifest(self.out)), sorted(manifest(self.ref)))

    def test_no_duplicates_and_every_file_is_named_once(self):
        lines = [json.loads(l) for l in manifest(self.out)]
        keys = [(l["source_id"], l["sample_index"]) for l in lines]
        self.assertEqual(len(keys), len(set(keys)))
        paths = [l["path"] for l in lines]
        self.assertEqual(sorted(paths), sorted(dataset_files(self.out)))
        self.assertEqual(len(paths), len(set(paths)))

    def test_the_last_resume_removes_a_partial_line_and_a_temporary(self):
        self.assertEqual(self.final.returncode, 0, self.final.stderr)
        self.assertIn("removed a partial last manifest line", self.final.stdout)
        self.assertIn(TEMPORARY, self.final.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.out, TEMPORARY)))

    def test_the_last_resume_generates_exactly_what_was_missing(self):
        self.assertEqual(self.final.returncode, 0, self.final.stderr)
        kept = int(re.search(r"resuming \S+: kept (\d+) images", self.final.stdout).group(1))
        self.assertEqual(kept, self.kills[-1][2])
        m = re.search(r"generated (\d+) samples, (\d+) already written", self.final.stdout)
        self.assertIsNotNone(m, self.final.stdout)
        # Missing: every sample not in the manifest, those the filter dropped before included.
        self.assertEqual(int(m.group(1)), len(CLASSES) * 2 * SAMPLES - kept)
        self.assertEqual(int(m.group(2)), kept)

    def test_other_settings_are_refused_naming_the_difference(self):
        self.assertEqual(self.final.returncode, 0, self.final.stderr)
        before_manifest, before_files = manifest(self.out), dataset_files(self.out)
        run_json = os.path.join(self.out, "run.json")
        for extra, difference in ((["--steps", "3"], "num-inference-steps was 2 in %s, now 3"),
                                  (["--samples", "5"], "samples-per-image was 4 in %s, now 5")):
            cmd = augment_cmd(self.pipeline, self.data, self.out, "--resume") + extra
            r = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=600)
            self.assertNotEqual(r.returncode, 0, r.stdout)
            self.assertIn("resume: " + difference % run_json, r.stderr)
            self.assertEqual(manifest(self.out), before_manifest)
            self.assertEqual(dataset_files(self.out), before_files)


if __name__ == "__main__":
    unittest.main(verbosity=2)
