# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Runs one gst-launch description to EOS and prints, as JSON, its wall clock and in-stream timings.
"""Run a pipeline description and time it from inside the stream.

  /usr/bin/python3 bench/gst_timed.py 'datasetsrc ... ! higfasampler name=smp ... ! fakesink name=out'

The description must name the sampler `smp` and the last element `out`. Printed: wall (process
start of the pipeline to EOS, start-up included), startup (to the first buffer entering the
sampler), steady (first buffer entering the sampler to the last buffer reaching `out`), buffers
(reaching `out`). Imports no torch, so the process's peak RSS is GStreamer's and the plugin's.
"""
import json
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def main():
    t0 = time.monotonic()
    Gst.init(None)
    pipe = Gst.parse_launch(sys.argv[1])
    marks = {"first_in": None, "last_out": None, "n": 0}

    def on_in(pad, info):
        if marks["first_in"] is None:
            marks["first_in"] = time.monotonic()
        return Gst.PadProbeReturn.OK

    def on_out(pad, info):
        marks["last_out"] = time.monotonic()
        marks["n"] += 1
        return Gst.PadProbeReturn.OK
    pipe.get_by_name("smp").get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, on_in)
    pipe.get_by_name("out").get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, on_out)
    pipe.set_state(Gst.State.PLAYING)
    msg = pipe.get_bus().timed_pop_filtered(Gst.CLOCK_TIME_NONE,
                                            Gst.MessageType.EOS | Gst.MessageType.ERROR)
    wall = time.monotonic() - t0
    pipe.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        err, dbg = msg.parse_error()
        sys.exit("error: %s (%s)" % (err.message, dbg))
    fi, lo = marks["first_in"], marks["last_out"]
    print(json.dumps({"wall": wall, "startup": (fi - t0) if fi else wall,
                      "steady": (lo - fi) if (fi and lo) else 0.0, "buffers": marks["n"]}))


if __name__ == "__main__":
    main()
