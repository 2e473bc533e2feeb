#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Runs tools/augment.py (the main job's runner) on the sample images with few steps and checks its output.
import json
import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("HIGFA_BUILD_DIR", os.path.join(REPO, "build"))
SOURCES = 30  # data/samples: 3 images for each of 10 classes


def augment(out, *extra):
    cmd = [sys.executable, os.path.join(REPO, "tools", "augment.py"), "--build-dir", BUILD,
           "--out", out, "--steps", "2", "--samples", "1"] + list(extra)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


class AugmentTool(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "out")
        cls.run1 = augment(cls.out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_reports_progress_output_and_kept_dropped_totals(self):
        r = self.run1
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("/%d images done" % SOURCES, r.stdout)
        self.assertIn("images/s", r.stdout)
        self.assertIn("wrote ", r.stdout)
        self.assertIn(self.out, r.stdout)
        self.assertRegex(r.stdout, r"kept \d+ and dropped \d+ of %d images" % SOURCES)
        # datasetsrc's summary: every file of data/samples read (its README.md is at the top).
        self.assertIn("dataset source: read %d of %d files, skipped 0" % (SOURCES, SOURCES),
                      r.stdout)
        self.assertIn("generated %d samples" % SOURCES, r.stdout)

    def test_manifest_names_exactly_the_kept_files(self):
        with open(os.path.join(self.out, "manifest.jsonl"), encoding="utf-8") as f:
            lines = [json.loads(l) for l in f]
        kept = int(self.run1.stdout.split("filter kept ")[1].split()[0])
        self.assertEqual(len(lines), kept)
        for m in lines:
            self.assertTrue(os.path.isfile(os.path.join(self.out, m["path"])), m["path"])
            self.assertEqual(m["provenance"]["class_name"], m["class_name"])
        pngs = [os.path.join(d, f) for d, _, fs in os.walk(self.out) for f in fs
                if f.endswith(".png") and f != "contact_sheet.png"]
        self.assertEqual(len(pngs), kept)

    def test_writes_a_contact_sheet_with_a_row_per_source(self):
        import cv2
        sheet = cv2.imread(os.path.join(self.out, "contact_sheet.png"))
        self.assertIsNotNone(sheet)
        self.assertEqual((sheet.shape[0] - 4) // 68, SOURCES)  # 64 px cells, 4 px gaps

    def test_refuses_to_overwrite_without_the_flag(self):
        r = augment(self.out)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--overwrite", r.stderr)
        self.assertIn("--resume", r.stderr)

    def test_summary_line_names_each_skip_reason(self):
        import gi
        gi.require_version("Gst", "1.0")
        from gi.repository import Gst
        Gst.init(None)
        sys.path.insert(0, os.path.join(REPO, "tools"))
        import augment as tool
        s = Gst.Structure.from_string(
            "higfa-dataset-summary, files=(guint64)9, read=(guint64)5, skipped=(guint64)3, "
            "not-an-image=(guint64)1, unsupported-format=(guint64)0, too-large=(guint64)2, "
            "corrupt=(guint64)0, unreadable=(guint64)0, duplicate=(guint64)0, hidden=(guint64)1")[0]
        self.assertEqual(tool.describe_summary(s), "read 5 of 9 files, skipped 3 "
                         "(not-an-image 1, too-large 2), 1 hidden files ignored")


if __name__ == "__main__":
    unittest.main(verbosity=2)
