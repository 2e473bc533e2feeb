// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The higfa plugin: registers its elements and routes libhigfa's log messages to GST debug.
#include <gst/gst.h>
#include <higfa/log.h>

#include <exception>
#include <string>

#include "gstconfidencefilter.h"
#include "gstcontourextract.h"
#include "gstdatasetsink.h"
#include "gstdatasetsrc.h"
#include "gstfgclassifier.h"
#include "gsthigfasampler.h"
#include "gstwebdatasetmux.h"

GST_DEBUG_CATEGORY_STATIC(higfa_library_debug);

namespace {

GstDebugLevel to_gst_level(higfa::LogLevel level) {
  switch (level) {
    case higfa::LogLevel::kError:
      return GST_LEVEL_ERROR;
    case higfa::LogLevel::kWarning:
      return GST_LEVEL_WARNING;
    case higfa::LogLevel::kInfo:
      return GST_LEVEL_INFO;
    case higfa::LogLevel::kDebug:
      break;
  }
  return GST_LEVEL_DEBUG;
}

// libhigfa logs through a host-installed callback; its messages go to the "higfa" category
// (GST_DEBUG=higfa:5 shows them all).
void install_log_bridge() {
  GST_DEBUG_CATEGORY_INIT(higfa_library_debug, "higfa", 0, "libhigfa (the guidance library)");
  higfa::set_log_callback([](higfa::LogLevel level, const std::string &message) {
    const GstDebugLevel gst_level = to_gst_level(level);
    if (gst_level <= gst_debug_category_get_threshold(higfa_library_debug))
      gst_debug_log(higfa_library_debug, gst_level, "libhigfa", "", 0, nullptr, "%s",
                    message.c_str());
  });
}

}  // namespace

static gboolean plugin_init(GstPlugin *plugin) {
  try {
    install_log_bridge();
  } catch (const std::exception &e) {
    GST_WARNING("libhigfa messages will not be logged: %s", e.what());
  }

  // One line per element.
  gboolean ok = FALSE;
  ok |= GST_ELEMENT_REGISTER(contourextract, plugin);
  ok |= GST_ELEMENT_REGISTER(fgclassifier, plugin);
  ok |= GST_ELEMENT_REGISTER(confidencefilter, plugin);
  ok |= GST_ELEMENT_REGISTER(datasetsrc, plugin);
  ok |= GST_ELEMENT_REGISTER(datasetsink, plugin);
  ok |= GST_ELEMENT_REGISTER(higfasampler, plugin);
  ok |= GST_ELEMENT_REGISTER(webdatasetmux, plugin);
  return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, higfa,
                  "HiGFA diffusion data augmentation: contour extraction, guided sampling, "
                  "fine-grained classification, confidence filtering and dataset I/O",
                  plugin_init, VERSION, "MIT", GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
