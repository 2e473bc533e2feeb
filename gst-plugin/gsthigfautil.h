// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Glue shared by the elements: caps to video info, GStreamer formats and frames as libhigfa views.
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <higfa/image.h>

/// libhigfa's PixelFormat for `format`; anything but RGB, BGR, RGBA and BGRx maps to GRAY8 (the
/// elements' caps allow nothing else).
higfa::PixelFormat gst_higfa_pixel_format(GstVideoFormat format);

/// Zero-copy, stride-aware view of plane 0 of a mapped packed frame.
higfa::ImageView gst_higfa_frame_view(GstVideoFrame* frame);

/// Parses `caps` into `info` and checks that libhigfa handles its format; on failure posts a
/// CORE/NEGOTIATION error on `element`, leaves `info` untouched and returns FALSE.
gboolean gst_higfa_video_info_from_caps(GstElement* element, GstCaps* caps, GstVideoInfo* info);
