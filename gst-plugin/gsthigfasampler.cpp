// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfasampler: HiGFA guided diffusion sampling, N generated frames per input frame.

/**
 * SECTION:element-higfasampler
 * @title: higfasampler
 *
 * Generates #GstHigfaSampler:samples-per-image synthetic frames for every input frame with the
 * HiGFA sampler of libhigfa (design §4): class guidance, the frame's contour (from a
 * #GstHigfaContourMeta, e.g. added by contourextract) under a per-sample seeded random
 * transform, and confidence-modulated classifier guidance in the final steps. The intended class
 * comes from the frame's #GstHigfaLabelMeta, else from #GstHigfaSampler:class; a frame with
 * neither is an error, or a counted, dropped skip with missing-label=skip. Outputs are at the
 * model's resolution, in buffers from a negotiated video buffer pool, and carry a provenance meta
 * and a copy of the label meta. Sample i of a frame is seeded higfa::derive_seed(seed, source id,
 * i); the source id is the label meta's source_id, or "<stream-id>-<input offset>" (the input's
 * buffer offset, else its index in the stream) without one, so a sharded run draws exactly what a
 * single run would. Frames are held until #GstHigfaSampler:batch-size samples can be drawn
 * together, across frames; outputs keep the input order, and a sample is the same whatever it
 * was batched with; the latency query reports the wait. EOS, a caps or segment change and a drain
 * query sample what is held; a flush or a stop cancels sampling between two steps and discards it.
 * Before it queues a frame it asks downstream which of the frame's samples are written already
 * (the higfa-done-samples query, answered by a datasetsink with resume=true) and generates only
 * the others (#GstHigfaSampler:already-written counts those left out); a sink that continues a
 * run with other settings makes that an error naming the difference.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 datasetsrc location=data bundle=models/fashion-mnist ! contourextract \
 *   ! higfasampler bundle=models/fashion-mnist samples-per-image=4 num-inference-steps=50 seed=0 \
 *   ! fgclassifier bundle=models/fashion-mnist ! confidencefilter threshold=0.5 \
 *   ! datasetsink location=out
 * ]| (pipelines/augment-dataset.txt)
 */

#include "gsthigfasampler.h"

#include <gst/video/gstvideopool.h>
#include <gst/video/video.h>
#include <higfa/bundle.h>
#include <higfa/error.h>
#include <higfa/frame_sampler.h>
#include <higfa/runtime.h>

#include <atomic>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gsthigfameta.h"
#include "gsthigfaprovenance.h"
#include "gsthigfasamplerresume.h"
#include "gsthigfasamplersettings.h"
#include "gsthigfasamplerstate.h"
#include "gsthigfautil.h"

GST_DEBUG_CATEGORY(gst_higfa_sampler_debug);
#define GST_CAT_DEFAULT gst_higfa_sampler_debug

using namespace gsthigfasampler;

GST_ELEMENT_REGISTER_DEFINE(higfasampler, "higfasampler", GST_RANK_NONE, GST_TYPE_HIGFA_SAMPLER);

G_DEFINE_TYPE(GstHigfaSampler, gst_higfa_sampler, GST_TYPE_BASE_TRANSFORM);

static GstStaticPadTemplate sink_template =
    GSTHIGFA_VIDEO_PAD_TEMPLATE("sink", GST_PAD_SINK, GSTHIGFA_VIDEO_FORMATS);

static GstStaticPadTemplate src_template =
    GSTHIGFA_VIDEO_PAD_TEMPLATE("src", GST_PAD_SRC, "{ GRAY8, RGB }");

// ---------------------------------------------------------------------------------------------
// Properties (the table is in gsthigfasamplersettings.cpp).

static void gst_higfa_sampler_set_property(GObject* object, guint prop_id, const GValue* value,
                                           GParamSpec* pspec) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(object);
  gboolean known;
  {
    gsthigfa::ObjectLock lock(self);
    known = gst_higfa_sampler_settings_set(&self->state->settings, prop_id, value);
  }
  if (!known) G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

static void gst_higfa_sampler_get_property(GObject* object, guint prop_id, GValue* value,
                                           GParamSpec* pspec) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(object);
  State* st = self->state;
  switch (prop_id) {
    case PROP_PROCESSED:
      g_value_set_uint64(value, st->processed.load());
      return;
    case PROP_GENERATED:
      g_value_set_uint64(value, st->generated.load());
      return;
    case PROP_SKIPPED:
      g_value_set_uint64(value, st->skipped.load());
      return;
    case PROP_ALREADY_WRITTEN:
      g_value_set_uint64(value, st->already_written.load());
      return;
    default:
      break;
  }
  gboolean known;
  {
    gsthigfa::ObjectLock lock(self);
    known = gst_higfa_sampler_settings_get(&st->settings, prop_id, value);
  }
  if (!known) G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
}

// ---------------------------------------------------------------------------------------------
// Start and stop: the bundle and its FrameSampler live from start() to stop().

// Checks the device, sets the thread count, loads the bundle and builds the FrameSampler (which
// validates the options against it). Posts an error and returns FALSE on failure.
static gboolean gst_higfa_sampler_load(GstHigfaSampler* self, const GstHigfaSamplerSettings& s) {
  State* st = self->state;
  if (s.bundle.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("No model bundle: set the bundle property."),
                      ("bundle is NULL"));
    return FALSE;
  }
  const higfa::SamplerOptions options = gst_higfa_sampler_settings_options(&s);
  torch::Device device = torch::kCPU;
  try {
    device = higfa::parse_device(s.device);
    higfa::validate(options);
    // threads=0: the CPUs this process may run on, not LibTorch's default.
    higfa::set_num_threads(higfa::resolve_num_threads(s.threads));
    if (s.retain_memory && !higfa::retain_freed_memory())
      GST_INFO_OBJECT(self,
                      "retain-memory: the allocator is left alone (not glibc, or "
                      "GLIBC_TUNABLES sets its thresholds)");
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, SETTINGS, ("Invalid higfasampler settings: %s", e.what()),
                      ("higfa::validate / higfa::parse_device: %s", e.what()));
    return FALSE;
  }
  std::optional<higfa::ModelBundle> bundle;
  try {
    bundle = *higfa::ModelBundle::shared(s.bundle, device);  // one load per process
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
                      ("Could not load the model bundle \"%s\": %s", s.bundle.c_str(), e.what()),
                      ("higfa::ModelBundle::shared: %s", e.what()));
    return FALSE;
  }
  higfa::FrameSamplerOptions frame_options;
  frame_options.samples_per_image = s.samples_per_image;
  frame_options.batch_size = s.batch_size;
  frame_options.bundle_dir = s.bundle;
  try {
    st->sampler.emplace(std::move(*bundle), options, frame_options);
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, INIT,
                      ("The model bundle \"%s\" cannot be sampled: %s", s.bundle.c_str(), e.what()),
                      ("higfa::FrameSampler::FrameSampler: %s", e.what()));
    return FALSE;
  }
  return TRUE;
}

static gboolean gst_higfa_sampler_stop(GstBaseTransform* trans);

// Loads the bundle and resolves the class property. Posts an error and returns FALSE on failure,
// so that READY->PAUSED fails.
static gboolean gst_higfa_sampler_start(GstBaseTransform* trans) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(trans);
  State* st = self->state;
  GstHigfaSamplerSettings s;
  {
    gsthigfa::ObjectLock lock(self);
    s = st->settings;
  }
  if (!gst_higfa_sampler_load(self, s)) return FALSE;
  const higfa::BundleManifest& m = st->sampler->bundle().manifest();
  st->default_class_id = -1;
  if (!s.class_name.empty()) {
    st->default_class_id = st->sampler->bundle().class_id(s.class_name);
    if (st->default_class_id < 0) {
      GST_ELEMENT_ERROR(self, LIBRARY, SETTINGS,
                        ("Unknown class \"%s\": the bundle \"%s\" has the classes %s",
                         s.class_name.c_str(), s.bundle.c_str(), joined_class_names(m).c_str()),
                        ("class property not in the bundle's class list"));
      gst_higfa_sampler_stop(trans);
      return FALSE;
    }
  }
  {
    gsthigfa::ObjectLock lock(self);
    st->out_width = m.image.width;
    st->out_height = m.image.height;
    st->out_channels = m.image.channels;
  }
  st->cancel = false;
  st->processed = st->generated = st->skipped = st->already_written = 0;
  st->resume = {};
  st->have_caps = false;
  st->out_offset = st->inputs = 0;
  clear_queue(st);
  GST_INFO_OBJECT(self, "loaded bundle %s (%dx%d, %d channel(s), %d classes) on %s",
                  s.bundle.c_str(), m.image.width, m.image.height, m.image.channels, m.num_classes,
                  s.device.c_str());
  return TRUE;
}

static gboolean gst_higfa_sampler_stop(GstBaseTransform* trans) {
  State* st = GST_HIGFA_SAMPLER(trans)->state;
  {
    gsthigfa::ObjectLock lock(trans);
    st->out_width = st->out_height = st->out_channels = 0;
  }
  clear_queue(st);
  st->sampler.reset();
  st->default_class_id = -1;
  st->have_caps = false;
  // What retain-memory kept while sampling goes back to the kernel once the run has stopped.
  if (higfa::freed_memory_retained()) higfa::release_freed_memory();
  return TRUE;
}

static GstStateChangeReturn gst_higfa_sampler_change_state(GstElement* element,
                                                           GstStateChange transition) {
  // Before the pads deactivate: deactivation waits for the streaming thread, which may be
  // sampling; the per-step callback sees the flag and the run ends between two steps.
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    GST_HIGFA_SAMPLER(element)->state->cancel = true;
  return GST_ELEMENT_CLASS(gst_higfa_sampler_parent_class)->change_state(element, transition);
}

// ---------------------------------------------------------------------------------------------
// Caps and allocation.

// The output framerate for an input structure: its framerate times N (0/1 if unknown or out of
// range), or any framerate when the input's is not fixed.
static void gst_higfa_sampler_set_framerate(GstStructure* out, const GstStructure* in, gint n) {
  const GValue* fr = gst_structure_get_value(in, "framerate");
  if (fr != nullptr && !GST_VALUE_HOLDS_FRACTION(fr)) {
    gst_structure_set(out, "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, nullptr);
    return;
  }
  gint num = 0, den = 1;
  if (fr != nullptr) {
    const gint in_num = gst_value_get_fraction_numerator(fr);
    const gint in_den = gst_value_get_fraction_denominator(fr);
    if (in_num > 0 && in_den > 0 && in_num <= G_MAXINT / n) {
      num = in_num * n;
      den = in_den;
    }
  }
  gst_structure_set(out, "framerate", GST_TYPE_FRACTION, num, den, nullptr);
}

// What `caps` on the sink pad become on the src pad: the bundle's resolution and channels
// (the src template without a bundle), square pixels, the framerate times N.
static GstCaps* gst_higfa_sampler_output_caps(GstHigfaSampler* self, GstCaps* caps) {
  State* st = self->state;
  int width, height, channels;
  gint n;
  {
    gsthigfa::ObjectLock lock(self);
    width = st->out_width;
    height = st->out_height;
    channels = st->out_channels;
    n = static_cast<gint>(st->settings.samples_per_image);
  }
  if (width == 0) return gst_static_pad_template_get_caps(&src_template);
  GstCaps* out = gst_caps_new_empty();
  for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
    GstStructure* s =
        gst_structure_new("video/x-raw", "format", G_TYPE_STRING, channels == 1 ? "GRAY8" : "RGB",
                          "width", G_TYPE_INT, width, "height", G_TYPE_INT, height,
                          "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr);
    gst_higfa_sampler_set_framerate(s, gst_caps_get_structure(caps, i), n);
    out = gst_caps_merge_structure(out, s);
  }
  return out;
}

static GstCaps* gst_higfa_sampler_transform_caps(GstBaseTransform* trans, GstPadDirection direction,
                                                 GstCaps* caps, GstCaps* filter) {
  // Any input size, format and framerate can give the output.
  GstCaps* out = direction == GST_PAD_SRC
                     ? gst_static_pad_template_get_caps(&sink_template)
                     : gst_higfa_sampler_output_caps(GST_HIGFA_SAMPLER(trans), caps);
  if (filter != nullptr) {
    GstCaps* tmp = gst_caps_intersect_full(filter, out, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(out);
    out = tmp;
  }
  GST_DEBUG_OBJECT(trans, "%s %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
                   direction == GST_PAD_SINK ? "sink" : "src", static_cast<gpointer>(caps),
                   static_cast<gpointer>(out));
  return out;
}

static gboolean gst_higfa_sampler_set_caps(GstBaseTransform* trans, GstCaps* incaps,
                                           GstCaps* outcaps) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(trans);
  State* st = self->state;
  GstVideoInfo in, out;
  if (!st->sampler || !gst_higfa_video_info_from_caps(GST_ELEMENT(self), incaps, &in) ||
      !gst_video_info_from_caps(&out, outcaps)) {
    GST_WARNING_OBJECT(self, "cannot accept caps %" GST_PTR_FORMAT, static_cast<gpointer>(incaps));
    return FALSE;
  }
  st->in_info = in;
  st->out_info = out;
  st->have_caps = true;
  st->frame_duration = in.fps_n > 0 && in.fps_d > 0
                           ? gst_util_uint64_scale_int(GST_SECOND, in.fps_d, in.fps_n)
                           : GST_CLOCK_TIME_NONE;
  GST_DEBUG_OBJECT(self, "output caps %" GST_PTR_FORMAT, static_cast<gpointer>(outcaps));
  return TRUE;
}

// Output buffers come from a video buffer pool for the output caps: downstream's, if it offers
// one, else our own.
static gboolean gst_higfa_sampler_decide_allocation(GstBaseTransform* trans, GstQuery* query) {
  GstCaps* caps = nullptr;
  gst_query_parse_allocation(query, &caps, nullptr);
  GstVideoInfo info;
  if (caps == nullptr || !gst_video_info_from_caps(&info, caps)) return FALSE;
  GstBufferPool* pool = nullptr;
  guint size = static_cast<guint>(GST_VIDEO_INFO_SIZE(&info)), min = 0, max = 0;
  const bool update = gst_query_get_n_allocation_pools(query) > 0;
  if (update) {
    gst_query_parse_nth_allocation_pool(query, 0, &pool, &size, &min, &max);
    size = MAX(size, static_cast<guint>(GST_VIDEO_INFO_SIZE(&info)));
    if (pool != nullptr && !GST_IS_VIDEO_BUFFER_POOL(pool)) gst_clear_object(&pool);
  }
  if (pool == nullptr) pool = gst_video_buffer_pool_new();
  GstAllocator* allocator = nullptr;
  GstAllocationParams params;
  gst_allocation_params_init(&params);
  if (gst_query_get_n_allocation_params(query) > 0)
    gst_query_parse_nth_allocation_param(query, 0, &allocator, &params);
  GstStructure* config = gst_buffer_pool_get_config(pool);
  gst_buffer_pool_config_set_params(config, caps, size, min, max);
  gst_buffer_pool_config_set_allocator(config, allocator, &params);
  if (gst_query_find_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr))
    gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  gboolean ok = gst_buffer_pool_set_config(pool, config);
  if (!ok) {
    // The pool may have adjusted the configuration: take it if it still fits.
    config = gst_buffer_pool_get_config(pool);
    ok = gst_buffer_pool_config_validate_params(config, caps, size, min, max) &&
         gst_buffer_pool_set_config(pool, config);
    if (!ok) gst_structure_free(config);
  }
  if (allocator != nullptr) gst_object_unref(allocator);
  if (ok) {
    if (update)
      gst_query_set_nth_allocation_pool(query, 0, pool, size, min, max);
    else
      gst_query_add_allocation_pool(query, pool, size, min, max);
  } else {
    GST_ELEMENT_ERROR(
        trans, RESOURCE, SETTINGS, ("Could not configure the output buffer pool."),
        ("gst_buffer_pool_set_config failed for %" GST_PTR_FORMAT, static_cast<gpointer>(caps)));
  }
  gst_object_unref(pool);
  return ok;
}

static GstFlowReturn gst_higfa_sampler_submit_input_buffer(GstBaseTransform* trans,
                                                           gboolean is_discont, GstBuffer* input) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(trans);
  State* st = self->state;
  st->completing = 0;  // left over only when the push of a frame's last output failed
  // The base class negotiates (and configures the pool) and leaves the buffer in queued_buf.
  GstFlowReturn ret = GST_BASE_TRANSFORM_CLASS(gst_higfa_sampler_parent_class)
                          ->submit_input_buffer(trans, is_discont, input);
  if (ret != GST_FLOW_OK || trans->queued_buf == nullptr) return ret;
  GstBuffer* buf = trans->queued_buf;
  trans->queued_buf = nullptr;
  if (!st->have_caps) {
    gst_buffer_unref(buf);
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("No caps before the first frame."), (nullptr));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  ret = gst_higfa_sampler_queue_frame(self, buf);
  st->inputs++;
  return ret;
}

// GstBaseTransform negotiates an output pool (decide_allocation) only for a subclass with a
// transform function; generate_output makes every output here, so this one is never reached.
static GstFlowReturn gst_higfa_sampler_transform(GstBaseTransform* trans, GstBuffer*, GstBuffer*) {
  GST_ELEMENT_ERROR(trans, CORE, NOT_IMPLEMENTED, (nullptr),
                    ("higfasampler makes its outputs in generate_output"));
  return GST_FLOW_NOT_SUPPORTED;
}

static GstFlowReturn gst_higfa_sampler_generate_output(GstBaseTransform* trans,
                                                       GstBuffer** outbuf) {
  State* st = GST_HIGFA_SAMPLER(trans)->state;
  // The base class asks again only after the previous output was pushed.
  st->processed += st->completing;
  st->completing = 0;
  return gst_higfa_sampler_next_output(GST_HIGFA_SAMPLER(trans), false, outbuf);
}

// Samples every queued frame and pushes the outputs, before a serialized event or a drain.
GstFlowReturn gst_higfa_sampler_drain(GstHigfaSampler* self) {
  State* st = self->state;
  st->completing = 0;
  if (!st->queue.empty()) GST_DEBUG_OBJECT(self, "draining %zu frame(s)", st->queue.size());
  for (;;) {
    GstBuffer* out = nullptr;
    GstFlowReturn ret = gst_higfa_sampler_next_output(self, true, &out);
    if (ret != GST_FLOW_OK || out == nullptr) return ret;
    ret = gst_pad_push(GST_BASE_TRANSFORM_SRC_PAD(self), out);
    if (ret != GST_FLOW_OK) {
      GST_DEBUG_OBJECT(self, "drain push: %s", gst_flow_get_name(ret));
      clear_queue(st);
      return ret;
    }
    st->processed += st->completing;
    st->completing = 0;
  }
}

static gboolean gst_higfa_sampler_sink_event(GstBaseTransform* trans, GstEvent* event) {
  GstHigfaSampler* self = GST_HIGFA_SAMPLER(trans);
  State* st = self->state;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_FLUSH_START:
      // Not serialized: arrives while the streaming thread may be inside a sampler call.
      st->cancel = true;
      break;
    case GST_EVENT_FLUSH_STOP:
      clear_queue(st);
      st->cancel = false;
      break;
    case GST_EVENT_EOS:
    case GST_EVENT_CAPS:
    case GST_EVENT_SEGMENT:
    case GST_EVENT_GAP:
    case GST_EVENT_STREAM_START:
      // The held frames belong before the event. EOS goes on whatever happened.
      if (gst_higfa_sampler_drain(self) == GST_FLOW_ERROR &&
          GST_EVENT_TYPE(event) != GST_EVENT_EOS) {
        gst_event_unref(event);
        return FALSE;
      }
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS(gst_higfa_sampler_parent_class)->sink_event(trans, event);
}

// The latency holding frames adds: a full batch needs ceil(batch-size / N) frames, so the first
// of them waits for the arrival of the others.
static GstClockTime gst_higfa_sampler_held_latency(GstHigfaSampler* self) {
  const GstClockTime duration = self->state->frame_duration.load();
  if (!GST_CLOCK_TIME_IS_VALID(duration)) return 0;
  guint batch, n;
  {
    gsthigfa::ObjectLock lock(self);
    batch = self->state->settings.batch_size;
    n = self->state->settings.samples_per_image;
  }
  return duration * ((batch + n - 1) / n - 1);
}

static gboolean gst_higfa_sampler_query(GstBaseTransform* trans, GstPadDirection direction,
                                        GstQuery* query) {
  GstBaseTransformClass* parent = GST_BASE_TRANSFORM_CLASS(gst_higfa_sampler_parent_class);
  if (direction == GST_PAD_SINK && GST_QUERY_TYPE(query) == GST_QUERY_DRAIN)
    gst_higfa_sampler_drain(GST_HIGFA_SAMPLER(trans));
  if (direction == GST_PAD_SRC && GST_QUERY_TYPE(query) == GST_QUERY_LATENCY) {
    if (!parent->query(trans, direction, query)) return FALSE;
    gboolean live;
    GstClockTime min, max;
    gst_query_parse_latency(query, &live, &min, &max);
    const GstClockTime held = gst_higfa_sampler_held_latency(GST_HIGFA_SAMPLER(trans));
    gst_query_set_latency(query, live, min + held,
                          GST_CLOCK_TIME_IS_VALID(max) ? max + held : GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  return parent->query(trans, direction, query);
}

// ---------------------------------------------------------------------------------------------
// GObject boilerplate.

static void gst_higfa_sampler_class_init(GstHigfaSamplerClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseTransformClass* trans_class = GST_BASE_TRANSFORM_CLASS(klass);
  gobject_class->set_property = gst_higfa_sampler_set_property;
  gobject_class->get_property = gst_higfa_sampler_get_property;
  gobject_class->finalize =
      gsthigfa::finalize_state<GstHigfaSampler, &gst_higfa_sampler_parent_class>;
  gst_higfa_sampler_install_properties(gobject_class);
  element_class->change_state = GST_DEBUG_FUNCPTR(gst_higfa_sampler_change_state);
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gsthigfa::set_element_metadata(
      element_class, "HiGFA sampler", "Filter/Effect/Video",
      "Generates N class- and contour-guided diffusion samples per input frame (HiGFA)");
  trans_class->start = GST_DEBUG_FUNCPTR(gst_higfa_sampler_start);
  trans_class->stop = GST_DEBUG_FUNCPTR(gst_higfa_sampler_stop);
  trans_class->transform_caps = GST_DEBUG_FUNCPTR(gst_higfa_sampler_transform_caps);
  trans_class->set_caps = GST_DEBUG_FUNCPTR(gst_higfa_sampler_set_caps);
  trans_class->decide_allocation = GST_DEBUG_FUNCPTR(gst_higfa_sampler_decide_allocation);
  trans_class->transform = GST_DEBUG_FUNCPTR(gst_higfa_sampler_transform);
  trans_class->submit_input_buffer = GST_DEBUG_FUNCPTR(gst_higfa_sampler_submit_input_buffer);
  trans_class->generate_output = GST_DEBUG_FUNCPTR(gst_higfa_sampler_generate_output);
  trans_class->sink_event = GST_DEBUG_FUNCPTR(gst_higfa_sampler_sink_event);
  trans_class->query = GST_DEBUG_FUNCPTR(gst_higfa_sampler_query);
  gst_type_mark_as_plugin_api(GST_TYPE_HIGFA_GUIDANCE_MODE, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_HIGFA_SCHEDULER, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_HIGFA_CLASSIFIER_GRAD, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_HIGFA_MISSING_LABEL, static_cast<GstPluginAPIFlags>(0));
  GST_DEBUG_CATEGORY_INIT(gst_higfa_sampler_debug, "higfasampler", 0, "HiGFA sampler");
}

static void gst_higfa_sampler_init(GstHigfaSampler* self) {
  self->state = new State();
  gst_video_info_init(&self->state->in_info);
  gst_video_info_init(&self->state->out_info);
  // Every output is a new buffer from the pool: never passthrough, never in place.
  gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), FALSE);
  gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), FALSE);
}
