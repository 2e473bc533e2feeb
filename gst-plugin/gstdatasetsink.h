// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// datasetsink: writes frames to out/<class>/<id>.png with one manifest.jsonl line each.
#pragma once

#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_DATASET_SINK (gst_dataset_sink_get_type())
G_DECLARE_FINAL_TYPE(GstDatasetSink, gst_dataset_sink, GST, DATASET_SINK, GstBaseSink)

GST_ELEMENT_REGISTER_DECLARE(datasetsink);

G_END_DECLS
