#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# A fuzz target that makes a temporary directory removes it: replays it under a fresh TMPDIR.
import os
import subprocess
import sys
import tempfile
import unittest

REPLAY, CORPUS = sys.argv[1], sys.argv[2]


class ReplayCleanup(unittest.TestCase):
    def test_bundle_manifest_target_leaves_no_temporary_directory(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run([REPLAY, CORPUS], env=dict(os.environ, TMPDIR=tmp),
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("replayed", r.stdout)
            self.assertEqual(os.listdir(tmp), [])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
