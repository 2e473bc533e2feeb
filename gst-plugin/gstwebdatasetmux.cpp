// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// webdatasetmux: frames with metas in, a WebDataset tar byte stream (png, cls, json) out.

/**
 * SECTION:element-webdatasetmux
 * @title: webdatasetmux
 *
 * Turns labelled frames into a WebDataset stream: a POSIX tar byte stream in which every frame
 * is three members, `<key>.png` (the frame, lossless), `<key>.cls` (its class id in ASCII
 * decimal; left out when the frame has no class) and `<key>.json` (the key, the class id and
 * every #GstHigfaLabelMeta, #GstHigfaProvenanceMeta, #GstHigfaClassificationMeta and
 * #GstHigfaContourMeta field of the frame; the class is the frame's intended label, from
 * gst_higfa_buffer_get_intended_label()). The key is `<source id>-s<sample index>` for a
 * generated frame, the source id for a real one, else a running counter, with every byte outside
 * `[A-Za-z0-9_-]` replaced by `_` (WebDataset readers split key and extension at the first dot)
 * and `-1`, `-2`, ... appended where taken in the same archive (among its last 65536 frames, which
 * bounds the memory of an endless stream). Each frame leaves as one buffer
 * of whole tar blocks, so a reader may start at any buffer. With #GstWebDatasetMux:shard-size N,
 * every N frames make one archive: its last buffer ends with the end-of-archive marker and the
 * next archive's first buffer is flagged DISCONT, which is what `multifilesink next-file=discont`
 * opens a new file on. With shard-size 0 the stream is one archive, ended at EOS: the setting
 * for `filesink`, `tcpclientsink` and `tcpserversink` (a tar reader stops at the first
 * end-of-archive marker unless it ignores zero blocks). A stream without frames is an empty
 * archive. Member times are #GstWebDatasetMux:mtime, so a run is byte-for-byte reproducible.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 datasetsrc location=data/samples bundle=models/fashion-mnist ! contourextract \
 *   ! higfasampler bundle=models/fashion-mnist samples-per-image=4 seed=0 \
 *   ! fgclassifier bundle=models/fashion-mnist ! webdatasetmux shard-size=10 \
 *   ! multifilesink location=out/shard-%06d.tar next-file=discont
 * ]| (pipelines/augment-webdataset.txt)
 * Streaming to a training job that listens on port 5000 (examples/torch_readers.py
 * listen://127.0.0.1:5000):
 * |[
 * gst-launch-1.0 datasetsrc location=data/samples ! webdatasetmux \
 *   ! tcpclientsink host=127.0.0.1 port=5000
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>
#include <higfa/image_view.h>
#include <higfa/webdataset.h>

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gsthigfameta.h"
#include "gsthigfaprovenance.h"
#include "gsthigfautil.h"
#include "gstwebdatasetmux.h"

GST_DEBUG_CATEGORY_STATIC(gst_webdataset_mux_debug);
#define GST_CAT_DEFAULT gst_webdataset_mux_debug

#define DEFAULT_PROP_SHARD_SIZE 0
#define DEFAULT_PROP_MTIME 0

enum {
  PROP_0,
  PROP_SHARD_SIZE,
  PROP_MTIME,
  PROP_SAMPLES,
};

namespace {

struct Settings {
  guint64 shard_size = DEFAULT_PROP_SHARD_SIZE;
  guint64 mtime = DEFAULT_PROP_MTIME;
};

// The C++ state of one element; new'd in _init, deleted in _finalize.
struct State {
  Settings settings;    // object lock
  guint64 samples = 0;  // object lock: frames written since READY->PAUSED
  // Streaming thread only (and state changes, when it is stopped).
  std::unique_ptr<higfa::WebDatasetEncoder> encoder;
  GstVideoInfo info;
  bool have_info = false;
  bool need_caps = true;  // the src caps and segment are still to be sent
  guint64 offset = 0;     // bytes pushed since READY->PAUSED
};

}  // namespace

struct _GstWebDatasetMux {
  GstElement parent;
  GstPad* sinkpad;
  GstPad* srcpad;
  State* state;
};

GST_ELEMENT_REGISTER_DEFINE(webdatasetmux, "webdatasetmux", GST_RANK_NONE, GST_TYPE_WEBDATASET_MUX);

G_DEFINE_TYPE(GstWebDatasetMux, gst_webdataset_mux, GST_TYPE_ELEMENT);

static GstStaticPadTemplate sink_template =
    GSTHIGFA_VIDEO_PAD_TEMPLATE("sink", GST_PAD_SINK, GSTHIGFA_VIDEO_FORMATS);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS("application/x-tar"));

// ---------------------------------------------------------------------------------------------
// Caps and events.

static gboolean gst_webdataset_mux_set_caps(GstWebDatasetMux* self, GstCaps* caps) {
  State& st = *self->state;
  if (!gst_higfa_video_info_from_caps(GST_ELEMENT(self), caps, &st.info)) {
    return FALSE;
  }
  st.have_info = true;
  return TRUE;
}

// The src pad's caps and a byte segment, once per stream (the input's caps and time segment
// describe frames, not the tar bytes).
static gboolean gst_webdataset_mux_send_caps(GstWebDatasetMux* self) {
  State& st = *self->state;
  if (!st.need_caps) return TRUE;
  GstCaps* caps = gst_static_pad_template_get_caps(&src_template);
  const gboolean ok = gst_pad_push_event(self->srcpad, gst_event_new_caps(caps));
  gst_caps_unref(caps);
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_BYTES);
  gst_pad_push_event(self->srcpad, gst_event_new_segment(&segment));
  st.need_caps = false;
  return ok;
}

// Pushes `chunk`'s bytes without copying them.
static GstFlowReturn gst_webdataset_mux_push(GstWebDatasetMux* self, higfa::WebDatasetChunk chunk) {
  State& st = *self->state;
  if (chunk.bytes.empty()) return GST_FLOW_OK;
  if (!gst_webdataset_mux_send_caps(self)) return GST_FLOW_NOT_NEGOTIATED;
  auto* bytes = new std::vector<std::uint8_t>(std::move(chunk.bytes));
  GstBuffer* out = gst_buffer_new_wrapped_full(
      GST_MEMORY_FLAG_READONLY, bytes->data(), bytes->size(), 0, bytes->size(), bytes,
      [](gpointer data) { delete static_cast<std::vector<std::uint8_t>*>(data); });
  GST_BUFFER_OFFSET(out) = st.offset;
  st.offset += bytes->size();
  GST_BUFFER_OFFSET_END(out) = st.offset;
  if (chunk.starts_shard) GST_BUFFER_FLAG_SET(out, GST_BUFFER_FLAG_DISCONT);
  GST_LOG_OBJECT(self, "sample \"%s\" of shard %" G_GUINT64_FORMAT ": %zu bytes%s%s",
                 chunk.key.c_str(), static_cast<guint64>(chunk.shard), bytes->size(),
                 chunk.starts_shard ? ", starts the shard" : "",
                 chunk.ends_shard ? ", ends the shard" : "");
  return gst_pad_push(self->srcpad, out);
}

static gboolean gst_webdataset_mux_sink_event(GstPad* pad, GstObject* parent, GstEvent* event) {
  GstWebDatasetMux* self = GST_WEBDATASET_MUX(parent);
  State& st = *self->state;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_CAPS: {
      GstCaps* caps = nullptr;
      gst_event_parse_caps(event, &caps);
      const gboolean ok = gst_webdataset_mux_set_caps(self, caps);
      gst_event_unref(event);
      return ok && gst_webdataset_mux_send_caps(self);
    }
    case GST_EVENT_SEGMENT:
      gst_event_unref(event);
      return TRUE;
    case GST_EVENT_FLUSH_STOP:
      // What was sent is cut off mid-archive; what follows is a new stream.
      if (st.encoder) st.encoder->reset();
      st.need_caps = true;
      st.offset = 0;
      break;
    case GST_EVENT_EOS:
      if (st.encoder && gst_webdataset_mux_push(self, st.encoder->finish()) != GST_FLOW_OK) {
        GST_WARNING_OBJECT(self, "the end-of-archive marker could not be pushed");
      }
      break;
    default:
      break;
  }
  return gst_pad_event_default(pad, parent, event);
}

// ---------------------------------------------------------------------------------------------
// The per-frame work.

// What the encoder needs from the frame's metas: the intended label's class
// (gst_higfa_buffer_get_intended_label), the provenance's source and sample (else the label's
// source).
static higfa::WebDatasetSample sample_from_metas(GstBuffer* buf) {
  higfa::WebDatasetSample sample;
  gst_higfa_buffer_get_intended_label(buf, &sample.class_id, nullptr);
  const GstHigfaProvenanceMeta* prov = gst_buffer_get_higfa_provenance_meta(buf);
  const GstHigfaLabelMeta* label = gst_buffer_get_higfa_label_meta(buf);
  if (prov != nullptr) {
    sample.source_id = prov->source_id ? prov->source_id : "";
    sample.sample_index = prov->sample_index;
  }
  if (sample.source_id.empty() && label != nullptr && label->source_id)
    sample.source_id = label->source_id;
  return sample;
}

static GstFlowReturn gst_webdataset_mux_chain(GstPad* /*pad*/, GstObject* parent, GstBuffer* buf) {
  GstWebDatasetMux* self = GST_WEBDATASET_MUX(parent);
  State& st = *self->state;
  // Released on every return, after the frame below is unmapped.
  const std::unique_ptr<GstBuffer, void (*)(GstBuffer*)> owned(
      buf, [](GstBuffer* b) { gst_buffer_unref(b); });
  if (!st.have_info || !st.encoder) {
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("No caps before the first frame."), (nullptr));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  const higfa::WebDatasetSample sample = sample_from_metas(buf);
  higfa::WebDatasetChunk chunk;
  {
    gsthigfa::MappedFrame frame(&st.info, buf, GST_MAP_READ);
    if (!frame.ok()) {
      GST_ELEMENT_ERROR(self, STREAM, FAILED, ("Could not map an input frame."),
                        ("buffer %" GST_PTR_FORMAT, static_cast<void*>(buf)));
      return GST_FLOW_ERROR;
    }
    try {
      chunk = st.encoder->add(frame.view(), sample, gst_higfa_buffer_metas_record(buf));
    } catch (const std::exception& e) {
      GST_ELEMENT_ERROR(self, STREAM, ENCODE,
                        ("Could not encode the frame of \"%s\" as a WebDataset sample: %s",
                         sample.source_id.c_str(), e.what()),
                        ("higfa::WebDatasetEncoder::add: %s", e.what()));
      return GST_FLOW_ERROR;
    }
  }
  {
    gsthigfa::ObjectLock lock(self);
    st.samples++;
  }
  return gst_webdataset_mux_push(self, std::move(chunk));
}

// ---------------------------------------------------------------------------------------------
// Properties and state.

namespace {

State& state_of(GObject* object) { return *GST_WEBDATASET_MUX(object)->state; }

constexpr gsthigfa::Field<State> kFields[] = {
    gsthigfa::field<State, &State::settings, &Settings::shard_size>(PROP_SHARD_SIZE),
    gsthigfa::field<State, &State::settings, &Settings::mtime>(PROP_MTIME),
    gsthigfa::read_only<State, &State::samples>(PROP_SAMPLES),
};

}  // namespace

static GstStateChangeReturn gst_webdataset_mux_change_state(GstElement* element,
                                                            GstStateChange transition) {
  GstWebDatasetMux* self = GST_WEBDATASET_MUX(element);
  State& st = *self->state;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    higfa::WebDatasetOptions options;
    {
      gsthigfa::ObjectLock lock(self);
      options = higfa::WebDatasetOptions{st.settings.shard_size, st.settings.mtime};
      st.samples = 0;
    }
    st.encoder = std::make_unique<higfa::WebDatasetEncoder>(options);
    st.have_info = false;
    st.need_caps = true;
    st.offset = 0;
  }
  const GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(gst_webdataset_mux_parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) st.encoder.reset();
  return ret;
}

static void gst_webdataset_mux_class_init(GstWebDatasetMuxClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);

  gobject_class->set_property = gsthigfa::set_property<State, kFields, state_of>;
  gobject_class->get_property = gsthigfa::get_property<State, kFields, state_of>;
  gobject_class->finalize =
      gsthigfa::finalize_state<GstWebDatasetMux, &gst_webdataset_mux_parent_class>;

  const GParamFlags ready = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                     GST_PARAM_MUTABLE_READY);
  g_object_class_install_property(
      gobject_class, PROP_SHARD_SIZE,
      g_param_spec_uint64("shard-size", "Shard size",
                          "Frames per archive (count, 0..2^64-1); each archive ends with the "
                          "end-of-archive marker and the next one starts with a DISCONT buffer "
                          "(use multifilesink next-file=discont); 0 makes one archive that ends "
                          "at EOS (for filesink and TCP sinks)",
                          0, G_MAXUINT64, DEFAULT_PROP_SHARD_SIZE, ready));
  g_object_class_install_property(
      gobject_class, PROP_MTIME,
      g_param_spec_uint64("mtime", "Modification time",
                          "Modification time of every member (seconds since 1970-01-01 UTC, "
                          "0..8589934591); 0, the default, keeps runs byte-for-byte reproducible",
                          0, 077777777777ULL, DEFAULT_PROP_MTIME, ready));
  gsthigfa::install_counter(gobject_class, PROP_SAMPLES, "samples", "Samples",
                            "Frames written since READY->PAUSED (count; read-only)");

  gsthigfa::set_element_metadata(
      element_class, "WebDataset muxer", "Codec/Muxer",
      "Writes labelled frames as a WebDataset tar stream (<key>.png, <key>.cls, <key>.json), "
      "optionally cut into shards");
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  element_class->change_state = GST_DEBUG_FUNCPTR(gst_webdataset_mux_change_state);

  GST_DEBUG_CATEGORY_INIT(gst_webdataset_mux_debug, "webdatasetmux", 0, "WebDataset muxer");
}

static void gst_webdataset_mux_init(GstWebDatasetMux* self) {
  self->state = new State();
  self->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_webdataset_mux_chain));
  gst_pad_set_event_function(self->sinkpad, GST_DEBUG_FUNCPTR(gst_webdataset_mux_sink_event));
  gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_use_fixed_caps(self->srcpad);
  gst_element_add_pad(GST_ELEMENT(self), self->srcpad);
}
