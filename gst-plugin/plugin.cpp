// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The higfa plugin: the elements that move data and extract contours (no LibTorch).
#include <gst/gst.h>

#include "gstconfidencefilter.h"
#include "gstcontourextract.h"
#include "gstdatasetsink.h"
#include "gstdatasetsrc.h"
#include "gstwebdatasetmux.h"
#include "gsthigfautil.h"

static gboolean plugin_init(GstPlugin *plugin) {
  gst_higfa_install_log_bridge();

  // One line per element.
  gboolean ok = FALSE;
  ok |= GST_ELEMENT_REGISTER(contourextract, plugin);
  ok |= GST_ELEMENT_REGISTER(confidencefilter, plugin);
  ok |= GST_ELEMENT_REGISTER(datasetsrc, plugin);
  ok |= GST_ELEMENT_REGISTER(datasetsink, plugin);
  ok |= GST_ELEMENT_REGISTER(webdatasetmux, plugin);
  return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, higfa,
                  "HiGFA diffusion data augmentation: dataset I/O, WebDataset muxing, contour "
                  "extraction and confidence filtering",
                  plugin_init, VERSION, "MIT", GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
