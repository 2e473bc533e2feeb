// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// webdatasetmux: frames with metas in, a WebDataset tar byte stream (png, cls, json) out.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_WEBDATASET_MUX (gst_webdataset_mux_get_type())
G_DECLARE_FINAL_TYPE(GstWebDatasetMux, gst_webdataset_mux, GST, WEBDATASET_MUX, GstElement)

GST_ELEMENT_REGISTER_DECLARE(webdatasetmux);

G_END_DECLS
