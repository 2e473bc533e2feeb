// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Glue shared by the elements: caps to video info, GStreamer formats and frames as libhigfa views.
#include "gsthigfautil.h"

#include <cstdint>
#include <exception>

higfa::PixelFormat gst_higfa_pixel_format(GstVideoFormat format) {
  switch (format) {
    case GST_VIDEO_FORMAT_RGB:
      return higfa::PixelFormat::kRgb;
    case GST_VIDEO_FORMAT_BGR:
      return higfa::PixelFormat::kBgr;
    case GST_VIDEO_FORMAT_RGBA:
      return higfa::PixelFormat::kRgba;
    case GST_VIDEO_FORMAT_BGRx:
      return higfa::PixelFormat::kBgrx;
    default:
      return higfa::PixelFormat::kGray8;  // the caps allow nothing else
  }
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
