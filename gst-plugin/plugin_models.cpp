// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The higfamodels plugin: the elements that run models (LibTorch).
#include <gst/gst.h>

#include "gstfgclassifier.h"
#include "gsthigfasampler.h"
#include "gsthigfautil.h"

static gboolean plugin_init(GstPlugin *plugin) {
  return gst_higfa_plugin_init(
      plugin, {gst_element_register_higfasampler, gst_element_register_fgclassifier});
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, higfamodels,
                  "HiGFA diffusion data augmentation: guided sampling and fine-grained "
                  "classification",
                  plugin_init, VERSION, "MIT", GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
