// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// Glue shared by the elements: caps to video info, GStreamer formats and frames as libhigfa views.
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <higfa/image_view.h>

#include <atomic>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <type_traits>

/// The packed formats libhigfa reads (higfa::PixelFormat), as a caps format list.
#define GSTHIGFA_VIDEO_FORMATS "{ GRAY8, RGB, BGR, RGBA, BGRx }"

/// A static video pad template of `formats` (a caps format list).
#define GSTHIGFA_VIDEO_PAD_TEMPLATE(name, direction, formats) \
  GST_STATIC_PAD_TEMPLATE(name, direction, GST_PAD_ALWAYS,    \
                          GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(formats)))

/// A plugin_init: routes libhigfa's log messages to the "higfa" debug category (GST_DEBUG=higfa:5
/// shows them all) and registers the elements (GST_ELEMENT_REGISTER_DECLARE's
/// gst_element_register_<name> functions); TRUE if any registered.
gboolean gst_higfa_plugin_init(GstPlugin* plugin,
                               std::initializer_list<gboolean (*)(GstPlugin*)> elements);

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

/// The string a string GValue holds, or `fallback` where it holds NULL.
inline const gchar* string_or(const GValue* value, const gchar* fallback) {
  const gchar* s = g_value_get_string(value);
  return s != nullptr ? s : fallback;
}

/// Installs a read-only guint64 counter property (0 before anything is counted).
void install_counter(GObjectClass* gobject_class, guint prop_id, const gchar* name,
                     const gchar* nick, const gchar* blurb);

/// The element's long name, classification and description; the author is the project's.
void set_element_metadata(GstElementClass* element_class, const gchar* longname,
                          const gchar* classification, const gchar* description);

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

/// GValue <-> C++ field conversions by the field's type (enums and flags by their GValue).
namespace detail {

inline void from_value(const GValue* v, std::string* f) { *f = string_or(v, ""); }
inline void from_value(const GValue* v, bool* f) { *f = g_value_get_boolean(v); }
inline void from_value(const GValue* v, gint* f) { *f = g_value_get_int(v); }
inline void from_value(const GValue* v, guint* f) {
  *f = G_VALUE_HOLDS_FLAGS(v) ? g_value_get_flags(v) : g_value_get_uint(v);
}
inline void from_value(const GValue* v, guint64* f) { *f = g_value_get_uint64(v); }
inline void from_value(const GValue* v, gdouble* f) { *f = g_value_get_double(v); }
template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
void from_value(const GValue* v, E* f) {
  *f = static_cast<E>(g_value_get_enum(v));
}

/// An empty string reads as NULL.
inline void to_value(GValue* v, const std::string& f) {
  g_value_set_string(v, f.empty() ? nullptr : f.c_str());
}
inline void to_value(GValue* v, bool f) { g_value_set_boolean(v, f); }
inline void to_value(GValue* v, gint f) { g_value_set_int(v, f); }
inline void to_value(GValue* v, guint f) {
  if (G_VALUE_HOLDS_FLAGS(v))
    g_value_set_flags(v, f);
  else
    g_value_set_uint(v, f);
}
inline void to_value(GValue* v, guint64 f) { g_value_set_uint64(v, f); }
inline void to_value(GValue* v, gdouble f) { g_value_set_double(v, f); }
inline void to_value(GValue* v, const std::atomic<guint64>& f) { g_value_set_uint64(v, f.load()); }
template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
void to_value(GValue* v, E f) {
  g_value_set_enum(v, static_cast<gint>(f));
}

}  // namespace detail

/// One property of an element, kept in a field of the element's state S: how a GValue is
/// written into it (nullptr for a read-only property) and read from it.
template <class S>
struct Field {
  guint prop_id;
  void (*set)(S& state, const GValue* value);
  void (*get)(const S& state, GValue* value);
};

/// The property `prop_id` kept in the member `Member` of S.
template <class S, auto Member>
constexpr Field<S> field(guint prop_id) {
  return {prop_id, [](S& s, const GValue* v) { detail::from_value(v, &(s.*Member)); },
          [](const S& s, GValue* v) { detail::to_value(v, s.*Member); }};
}

/// The property `prop_id` kept in the member `Inner` of S's member `Outer`.
template <class S, auto Outer, auto Inner>
constexpr Field<S> field(guint prop_id) {
  return {prop_id, [](S& s, const GValue* v) { detail::from_value(v, &((s.*Outer).*Inner)); },
          [](const S& s, GValue* v) { detail::to_value(v, (s.*Outer).*Inner); }};
}

/// A read-only property (a counter) kept in the member `Member` of S.
template <class S, auto Member>
constexpr Field<S> read_only(guint prop_id) {
  return {prop_id, nullptr, [](const S& s, GValue* v) { detail::to_value(v, s.*Member); }};
}

/// Writes `value` into the field of `prop_id`; false where no writable field has that id.
template <class S, std::size_t N>
bool set_field(const Field<S> (&fields)[N], S& state, guint prop_id, const GValue* value) {
  for (const Field<S>& f : fields) {
    if (f.prop_id != prop_id || f.set == nullptr) continue;
    f.set(state, value);
    return true;
  }
  return false;
}

/// Reads the field of `prop_id` into `value`; false where no field has that id.
template <class S, std::size_t N>
bool get_field(const Field<S> (&fields)[N], const S& state, guint prop_id, GValue* value) {
  for (const Field<S>& f : fields) {
    if (f.prop_id != prop_id) continue;
    f.get(state, value);
    return true;
  }
  return false;
}

/// GObject set_property / get_property over a field table, under the object lock; `state_of`
/// gives the element's state S from the object.
template <class S, auto& Fields, S& (*StateOf)(GObject*)>
void set_property(GObject* object, guint prop_id, const GValue* value, GParamSpec* pspec) {
  ObjectLock lock(object);
  if (!set_field(Fields, StateOf(object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

template <class S, auto& Fields, S& (*StateOf)(GObject*)>
void get_property(GObject* object, guint prop_id, GValue* value, GParamSpec* pspec) {
  ObjectLock lock(object);
  if (!get_field(Fields, StateOf(object), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

/// GObject finalize of an element whose C++ state `state` was new'd in its instance init:
/// deletes the state and chains up to the parent class `*ParentClass`.
template <class Element, gpointer* ParentClass>
void finalize_state(GObject* object) {
  Element* self = reinterpret_cast<Element*>(object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS(*ParentClass)->finalize(object);
}

}  // namespace gsthigfa
