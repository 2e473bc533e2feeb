// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The higfa plugin: the elements that move data and extract contours (no LibTorch).
#include <gst/gst.h>

#include "gstconfidencefilter.h"
#include "gstcontourextract.h"
#include "gstdatasetsink.h"
#include "gstdatasetsrc.h"
#include "gsthigfautil.h"
#include "gstwebdatasetmux.h"

static gboolean plugin_init(GstPlugin *plugin) {
  return gst_higfa_plugin_init(
      plugin, {gst_element_register_contourextract, gst_element_register_confidencefilter,
               gst_element_register_datasetsrc, gst_element_register_datasetsink,
               gst_element_register_webdatasetmux});
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, higfa,
                  "HiGFA diffusion data augmentation: dataset I/O, WebDataset muxing, contour "
                  "extraction and confidence filtering",
                  plugin_init, VERSION, "MIT", GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
