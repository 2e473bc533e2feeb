// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Glue shared by the elements: caps to video info, GStreamer formats and frames as libhigfa views.
#include "gsthigfautil.h"

#include <higfa/log.h>

#include <cstdint>
#include <exception>
#include <string>

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

}  // namespace

gboolean gst_higfa_plugin_init(GstPlugin* plugin,
                               std::initializer_list<gboolean (*)(GstPlugin*)> elements) {
  GST_DEBUG_CATEGORY_INIT(higfa_library_debug, "higfa", 0, "libhigfa (the guidance library)");
  try {
    higfa::set_log_callback([](higfa::LogLevel level, const std::string& message) {
      const GstDebugLevel gst_level = to_gst_level(level);
      if (gst_level <= gst_debug_category_get_threshold(higfa_library_debug))
        gst_debug_log(higfa_library_debug, gst_level, "libhigfa", "", 0, nullptr, "%s",
                      message.c_str());
    });
  } catch (const std::exception& e) {
    GST_WARNING("libhigfa messages will not be logged: %s", e.what());
  }
  gboolean ok = FALSE;
  for (const auto element : elements) ok |= element(plugin);
  return ok;
}

higfa::PixelFormat gst_higfa_pixel_format(GstVideoFormat format) {
  const gchar* name = gst_video_format_to_string(format);
  try {
    if (name != nullptr) return higfa::parse_pixel_format(name);
  } catch (const std::exception&) {
  }
  return higfa::PixelFormat::kGray8;  // the caps allow nothing else
}

higfa::ImageView gst_higfa_frame_view(GstVideoFrame* frame) {
  return higfa::ImageView{static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(frame, 0)),
                          GST_VIDEO_FRAME_WIDTH(frame), GST_VIDEO_FRAME_HEIGHT(frame),
                          GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0),
                          gst_higfa_pixel_format(GST_VIDEO_FRAME_FORMAT(frame))};
}

gboolean gst_higfa_video_info_from_caps(GstElement* element, GstCaps* caps, GstVideoInfo* info) {
  GstVideoInfo parsed;
  if (!gst_video_info_from_caps(&parsed, caps)) {
    GST_ELEMENT_ERROR(element, CORE, NEGOTIATION,
                      ("Invalid caps %" GST_PTR_FORMAT, static_cast<void*>(caps)), (nullptr));
    return FALSE;
  }
  try {
    higfa::parse_pixel_format(gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&parsed)));
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(element, CORE, NEGOTIATION, ("Unsupported video format: %s", e.what()),
                      ("higfa::parse_pixel_format: %s", e.what()));
    return FALSE;
  }
  *info = parsed;
  return TRUE;
}

namespace gsthigfa {

void install_counter(GObjectClass* gobject_class, guint prop_id, const gchar* name,
                     const gchar* nick, const gchar* blurb) {
  g_object_class_install_property(
      gobject_class, prop_id,
      g_param_spec_uint64(name, nick, blurb, 0, G_MAXUINT64, 0,
                          static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
}

void set_element_metadata(GstElementClass* element_class, const gchar* longname,
                          const gchar* classification, const gchar* description) {
  gst_element_class_set_static_metadata(element_class, longname, classification, description,
                                        "The higfa authors");
}

}  // namespace gsthigfa
