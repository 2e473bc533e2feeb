// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Glue shared by the elements: caps to video info, GStreamer formats and frames as libhigfa views.
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <higfa/image_view.h>

/// libhigfa's PixelFormat for `format`; anything but RGB, BGR, RGBA and BGRx maps to GRAY8 (the
/// elements' caps allow nothing else).
higfa::PixelFormat gst_higfa_pixel_format(GstVideoFormat format);

/// Zero-copy, stride-aware view of plane 0 of a mapped packed frame.
higfa::ImageView gst_higfa_frame_view(GstVideoFrame* frame);

/// Parses `caps` into `info` and checks that libhigfa handles its format; on failure posts a
/// CORE/NEGOTIATION error on `element`, leaves `info` untouched and returns FALSE.
gboolean gst_higfa_video_info_from_caps(GstElement* element, GstCaps* caps, GstVideoInfo* info);

/// RAII for the glue's lock / map / unmap pairs, so that early returns and exceptions cannot
/// leave an object locked or a buffer mapped.
namespace gsthigfa {

/// Holds `object`'s object lock for the scope.
class ObjectLock {
 public:
  explicit ObjectLock(gpointer object) : object_(GST_OBJECT(object)) { GST_OBJECT_LOCK(object_); }
  ~ObjectLock() { GST_OBJECT_UNLOCK(object_); }
  ObjectLock(const ObjectLock&) = delete;
  ObjectLock& operator=(const ObjectLock&) = delete;

 private:
  GstObject* object_;
};

/// A video frame mapped for the scope; check ok() before using frame().
class MappedFrame {
 public:
  MappedFrame(const GstVideoInfo* info, GstBuffer* buffer, GstMapFlags flags)
      : ok_(gst_video_frame_map(&frame_, const_cast<GstVideoInfo*>(info), buffer, flags)) {}
  ~MappedFrame() {
    if (ok_) gst_video_frame_unmap(&frame_);
  }
  MappedFrame(const MappedFrame&) = delete;
  MappedFrame& operator=(const MappedFrame&) = delete;
  bool ok() const { return ok_; }
  GstVideoFrame* frame() { return &frame_; }
  /// Zero-copy, stride-aware view of plane 0 (gst_higfa_frame_view).
  higfa::ImageView view() { return gst_higfa_frame_view(&frame_); }

 private:
  GstVideoFrame frame_{};
  bool ok_;
};

/// A buffer's memory mapped for the scope; check ok() before using info().
class MappedBuffer {
 public:
  MappedBuffer(GstBuffer* buffer, GstMapFlags flags)
      : buffer_(buffer), ok_(gst_buffer_map(buffer, &info_, flags)) {}
  ~MappedBuffer() {
    if (ok_) gst_buffer_unmap(buffer_, &info_);
  }
  MappedBuffer(const MappedBuffer&) = delete;
  MappedBuffer& operator=(const MappedBuffer&) = delete;
  bool ok() const { return ok_; }
  const GstMapInfo& info() const { return info_; }

 private:
  GstBuffer* buffer_;
  GstMapInfo info_{};
  bool ok_;
};

}  // namespace gsthigfa
