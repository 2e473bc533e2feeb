// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// contourextract: the edge map of each frame, as a contour meta or as the frame itself.
#pragma once

#include <gst/gst.h>
#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

/// What contourextract emits: the `output` property.
typedef enum {
  GST_CONTOUR_EXTRACT_OUTPUT_META,     ///< the input frame unchanged, with a GstHigfaContourMeta
  GST_CONTOUR_EXTRACT_OUTPUT_CONTOUR,  ///< the edge map as the frame (white edges on black)
} GstContourExtractOutput;

#define GST_TYPE_CONTOUR_EXTRACT_OUTPUT (gst_contour_extract_output_get_type())
GType gst_contour_extract_output_get_type(void);

#define GST_TYPE_CONTOUR_EXTRACT (gst_contour_extract_get_type())
G_DECLARE_FINAL_TYPE(GstContourExtract, gst_contour_extract, GST, CONTOUR_EXTRACT, GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE(contourextract);

G_END_DECLS
