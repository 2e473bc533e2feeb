// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// datasetsrc: decoded frames with a label meta from an ImageFolder tree or a CSV/JSONL manifest.
#pragma once

#include <gst/base/gstpushsrc.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_DATASET_SRC (gst_dataset_src_get_type())
G_DECLARE_FINAL_TYPE(GstDatasetSrc, gst_dataset_src, GST, DATASET_SRC, GstPushSrc)

GST_ELEMENT_REGISTER_DECLARE(datasetsrc);

G_END_DECLS
