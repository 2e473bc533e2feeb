#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
"""The data plugin links no LibTorch; the models plugin does; together they register every element.

Usage: test_plugin_linkage.py DATA_PLUGIN.so MODELS_PLUGIN.so (run through meson test).
"""
import os
import re
import subprocess
import sys

TORCH = re.compile(r"lib(torch|torch_cpu|torch_cuda|c10)\.so")
DATA_ELEMENTS = {"datasetsrc", "datasetsink", "webdatasetmux", "confidencefilter", "contourextract"}
MODEL_ELEMENTS = {"higfasampler", "fgclassifier"}


def needed(path):
    out = subprocess.run(["readelf", "-d", path], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def elements(path):
    env = dict(os.environ, GST_PLUGIN_SYSTEM_PATH_1_0="")
    out = subprocess.run(["gst-inspect-1.0", path], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True, env=env).stdout
    return set(re.findall(r"^\s+(\w+): ", out, re.M)) & (DATA_ELEMENTS | MODEL_ELEMENTS)


def main():
    data, models = sys.argv[1], sys.argv[2]
    data_needed, models_needed = needed(data), needed(models)
    torch_in_data = [n for n in data_needed if TORCH.search(n)]
    assert not torch_in_data, "%s links LibTorch: %s" % (data, torch_in_data)
    assert any(TORCH.search(n) for n in models_needed), \
        "%s does not link LibTorch: %s" % (models, models_needed)
    assert "libgsthigfa-1.0.so.0" in data_needed and "libgsthigfa-1.0.so.0" in models_needed, \
        (data_needed, models_needed)
    data_elements = elements(data)
    model_elements = elements(models)
    assert data_elements == DATA_ELEMENTS, data_elements
    assert model_elements == MODEL_ELEMENTS, model_elements
    print("data plugin: %d libraries, no LibTorch; models plugin links %s" %
          (len(data_needed), ", ".join(n for n in models_needed if TORCH.search(n))))


if __name__ == "__main__":
    main()
