// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfasampler's streaming side: labels, the frame queue, batches across frames, output buffers.
#include <gst/video/video.h>
#include <higfa/bundle.h>
#include <higfa/error.h>
#include <higfa/frame_sampler.h>

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "gsthigfameta.h"
#include "gsthigfaprovenance.h"
#include "gsthigfasamplerstate.h"
#include "gsthigfautil.h"

#define GST_CAT_DEFAULT gst_higfa_sampler_debug

using namespace gsthigfasampler;

// ---------------------------------------------------------------------------------------------
// Labels. The intended class is resolved here and nowhere else.

enum class LabelResult { kOk, kSkip, kError };

// The source id of a frame without a label meta's source_id: "<stream-id>-<offset>".
static std::string gst_higfa_sampler_fallback_source_id(GstHigfaSampler* self, GstBuffer* buf) {
  gchar* stream_id = gst_pad_get_stream_id(GST_BASE_TRANSFORM_SINK_PAD(self));
  const guint64 offset =
      GST_BUFFER_OFFSET_IS_VALID(buf) ? GST_BUFFER_OFFSET(buf) : self->state->inputs;
  gchar* id = g_strdup_printf("%s-%" G_GUINT64_FORMAT,
                              stream_id != nullptr ? stream_id : GST_OBJECT_NAME(self), offset);
  std::string out = id;
  g_free(id);
  g_free(stream_id);
  return out;
}

// The intended class: the frame's intended label (gst_higfa_buffer_get_intended_label: its
// provenance, else its label meta; a class name before an id), else the class property. Before an
// error the frames held from earlier inputs are sampled and pushed: a bad frame loses no others.
static LabelResult gst_higfa_sampler_resolve_label(GstHigfaSampler* self, GstBuffer* buf,
                                                   const GstHigfaSamplerSettings& s, Label* label) {
  State* st = self->state;
  const higfa::ModelBundle& bundle = st->sampler->bundle();
  const higfa::BundleManifest& m = bundle.manifest();
  const auto fail = [self](const std::string& text, const std::string& debug) {
    gst_higfa_sampler_drain(self);
    GST_ELEMENT_ERROR(self, STREAM, FAILED, ("%s", text.c_str()), ("%s", debug.c_str()));
    return LabelResult::kError;
  };
  gint class_id = -1;
  const gchar* class_name = nullptr;
  const GstHigfaLabelSource source =
      gst_higfa_buffer_get_intended_label(buf, &class_id, &class_name);
  if (source != GST_HIGFA_LABEL_SOURCE_NONE) {
    if (class_name != nullptr) {
      label->class_id = bundle.class_id(class_name);
      if (label->class_id < 0)
        return fail(std::string("Unknown class \"") + class_name +
                        "\" in the frame's label: the bundle \"" + s.bundle +
                        "\" has the classes " + joined_class_names(m),
                    "intended label's class name not in the bundle's class list");
    } else if (class_id < m.num_classes) {
      label->class_id = class_id;
    } else {
      return fail("Unknown class id " + std::to_string(class_id) +
                      " in the frame's label: the bundle \"" + s.bundle + "\" has " +
                      std::to_string(m.num_classes) + " classes",
                  "intended label without a class name and with an out-of-range class id");
    }
  } else if (st->default_class_id >= 0) {
    label->class_id = st->default_class_id;
  } else if (s.missing_label == GST_HIGFA_MISSING_LABEL_SKIP) {
    GST_WARNING_OBJECT(self, "skipping a frame without a label (offset %" G_GUINT64_FORMAT ")",
                       GST_BUFFER_OFFSET(buf));
    return LabelResult::kSkip;
  } else {
    return fail(
        "Frame without a label: it has no label meta and the class property is not set (set "
        "class=NAME, or missing-label=skip to drop such frames)",
        "no intended label (provenance or label meta) on the buffer at offset " +
            std::to_string(GST_BUFFER_OFFSET(buf)));
  }
  label->class_name = m.class_names.at(static_cast<size_t>(label->class_id));
  // Where the frame came from.
  if (const GstHigfaLabelMeta* meta = gst_buffer_get_higfa_label_meta(buf)) {
    if (meta->source_id != nullptr) label->source_id = meta->source_id;
    if (meta->source_path != nullptr) label->source_path = meta->source_path;
    label->source_index = meta->source_index;
  }
  if (label->source_id.empty()) label->source_id = gst_higfa_sampler_fallback_source_id(self, buf);
  return LabelResult::kOk;
}

// ---------------------------------------------------------------------------------------------
// Sampling: submit_input_buffer queues frames, sample_batch makes one library call for the next
// batch-size samples across them, generate_output and drain write and hand on the outputs.

// Snapshots the settings of `buf`, resolves its label and queues it. Takes `buf`.
GstFlowReturn gst_higfa_sampler_queue_frame(GstHigfaSampler* self, GstBuffer* buf) {
  State* st = self->state;
  GstBaseTransform* trans = GST_BASE_TRANSFORM(self);
  auto frame = std::make_shared<QueuedFrame>();
  frame->in = buf;
  if (GST_BUFFER_PTS_IS_VALID(buf))
    gst_object_sync_values(
        GST_OBJECT(self),
        gst_segment_to_stream_time(&trans->segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buf)));
  {
    gsthigfa::ObjectLock lock(self);
    frame->settings = st->settings;
  }
  frame->options = gst_higfa_sampler_settings_options(&frame->settings);
  switch (gst_higfa_sampler_resolve_label(self, buf, frame->settings, &frame->label)) {
    case LabelResult::kSkip:
      st->skipped++;
      return GST_BASE_TRANSFORM_FLOW_DROPPED;
    case LabelResult::kError:
      return GST_FLOW_ERROR;
    case LabelResult::kOk:
      break;
  }
  guint done = 0;
  if (!gst_higfa_sampler_resume_indices(self, &st->resume, frame->settings, frame->label.source_id,
                                        &frame->todo, &done))
    return GST_FLOW_ERROR;
  st->already_written += done;
  if (frame->todo.empty()) {  // a resumed run wrote all of them
    st->processed++;
    return GST_BASE_TRANSFORM_FLOW_DROPPED;
  }
  st->queue.push_back(std::move(frame));
  return GST_FLOW_OK;
}

// The next batch: from the front, the frames that share the front frame's options, up to its
// batch-size samples. Empty while fewer are queued, unless draining or a frame with other
// options waits behind them (they can get no company then).
static BatchPlan gst_higfa_sampler_plan_batch(State* st, bool drain) {
  BatchPlan plan;
  if (st->queue.empty()) return plan;
  const QueuedFrame& front = *st->queue.front();
  const guint batch = front.settings.batch_size;
  guint taken = 0;
  bool blocked = false;
  for (const FramePtr& f : st->queue) {
    if (f->options != front.options) {
      blocked = true;
      break;
    }
    const guint take = MIN(f->samples_left(), batch - taken);
    plan.emplace_back(f, take);
    taken += take;
    if (taken == batch) break;
  }
  if (taken < batch && !blocked && !drain) plan.clear();
  return plan;
}

namespace {

// The mapped contour and (for img2img) frame of one queued frame, for one library call.
struct MappedInput {
  std::optional<gsthigfa::MappedBuffer> edges;
  std::optional<gsthigfa::MappedFrame> frame;
};

}  // namespace

// Maps `f`'s contour meta and, for img2img, its pixels into `in`. FALSE if a map failed.
static bool gst_higfa_sampler_map_input(State* st, const QueuedFrame& f, MappedInput* mapped,
                                        higfa::FrameInput* in) {
  if (const GstHigfaContourMeta* meta = gst_buffer_get_higfa_contour_meta(f.in)) {
    mapped->edges.emplace(meta->edges, GST_MAP_READ);
    if (!mapped->edges->ok()) return false;
    // Read-only by contract: the library copies the edges into a tensor.
    in->edges = higfa::ImageView{mapped->edges->info().data, meta->width, meta->height,
                                 meta->stride, higfa::PixelFormat::kGray8};
  }
  if (f.options.strength < 1.0) {
    mapped->frame.emplace(&st->in_info, f.in, GST_MAP_READ);
    if (!mapped->frame->ok()) return false;
    in->frame = mapped->frame->view();
  }
  return true;
}

// "a", "b" (class x, y): the frames of a batch, for error messages.
static std::string gst_higfa_sampler_describe(const BatchPlan& plan) {
  std::string ids, classes;
  for (const auto& entry : plan) {
    ids += (ids.empty() ? "\"" : ", \"") + entry.first->label.source_id + "\"";
    classes += (classes.empty() ? "" : ", ") + entry.first->label.class_name;
  }
  return ids + " (class " + classes + ")";
}

// One library call for the batch `plan`; its samples join `ready` in order.
static GstFlowReturn gst_higfa_sampler_sample_batch(GstHigfaSampler* self, const BatchPlan& plan) {
  State* st = self->state;
  std::vector<std::unique_ptr<MappedInput>> mapped;
  std::vector<higfa::FrameInput> inputs;
  for (const auto& [frame, count] : plan) {
    higfa::FrameInput in;
    mapped.push_back(std::make_unique<MappedInput>());
    if (!gst_higfa_sampler_map_input(st, *frame, mapped.back().get(), &in)) {
      GST_ELEMENT_ERROR(self, STREAM, FAILED, ("Could not map an input frame."), (nullptr));
      return GST_FLOW_ERROR;
    }
    in.class_id = frame->label.class_id;
    in.class_name = frame->label.class_name;
    in.source_id = frame->label.source_id;
    in.base_seed = frame->settings.seed;
    for (guint k = 0; k < count; ++k) in.sample_indices.push_back(frame->todo[frame->sampled + k]);
    inputs.push_back(std::move(in));
  }
  const QueuedFrame& front = *plan.front().first;
  std::vector<higfa::FrameResult> results;
  try {
    st->sampler->set_options(front.options);
    st->sampler->set_batch_size(front.settings.batch_size);
    // The per-step callback: a flush or a stop sets the flag, the sampler throws Cancelled.
    results = st->sampler->sample(inputs, st->cancel);
  } catch (const higfa::Cancelled& e) {
    GST_DEBUG_OBJECT(self, "sampling cancelled: %s", e.what());
    return GST_FLOW_FLUSHING;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(
        self, STREAM, FAILED,
        ("Sampling failed for %s: %s", gst_higfa_sampler_describe(plan).c_str(), e.what()),
        ("higfa::FrameSampler (set_options, sample): %s", e.what()));
    return GST_FLOW_ERROR;
  }
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const FramePtr& frame = plan[i].first;
    frame->sampled += plan[i].second;
    st->generated += results[i].samples.size();
    for (higfa::FrameSample& s : results[i].samples) st->ready.push_back({frame, std::move(s)});
  }
  while (!st->queue.empty() && st->queue.front()->samples_left() == 0) st->queue.pop_front();
  return GST_FLOW_OK;
}

// Sample i of n spans the i-th n-th of its input's duration; offsets count outputs.
static void gst_higfa_sampler_set_timing(GstHigfaSampler* self, const QueuedFrame& f, guint i,
                                         GstBuffer* out) {
  State* st = self->state;
  const guint n = f.settings.samples_per_image;
  GstClockTime dur = GST_BUFFER_DURATION(f.in);
  if (!GST_CLOCK_TIME_IS_VALID(dur) && st->in_info.fps_n > 0 && st->in_info.fps_d > 0)
    dur = gst_util_uint64_scale_int(GST_SECOND, st->in_info.fps_d, st->in_info.fps_n);
  const GstClockTime pts = GST_BUFFER_PTS(f.in);
  if (GST_CLOCK_TIME_IS_VALID(dur)) {
    const GstClockTime begin = gst_util_uint64_scale_int(dur, i, n);
    const GstClockTime end = gst_util_uint64_scale_int(dur, i + 1, n);
    GST_BUFFER_PTS(out) = GST_CLOCK_TIME_IS_VALID(pts) ? pts + begin : GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION(out) = end - begin;
  } else {
    GST_BUFFER_PTS(out) = pts;
  }
  GST_BUFFER_OFFSET(out) = st->out_offset;
  GST_BUFFER_OFFSET_END(out) = st->out_offset + 1;
  st->out_offset++;
  if (i == 0 && GST_BUFFER_FLAG_IS_SET(f.in, GST_BUFFER_FLAG_DISCONT))
    GST_BUFFER_FLAG_SET(out, GST_BUFFER_FLAG_DISCONT);
}

// A writable output buffer from the negotiated pool.
static GstFlowReturn gst_higfa_sampler_acquire(GstHigfaSampler* self, GstBuffer** out) {
  GstBufferPool* pool = gst_base_transform_get_buffer_pool(GST_BASE_TRANSFORM(self));
  if (pool == nullptr) {
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("No output buffer pool: caps not negotiated."),
                      (nullptr));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  GstFlowReturn ret = GST_FLOW_OK;
  if (!gst_buffer_pool_is_active(pool) && !gst_buffer_pool_set_active(pool, TRUE)) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Could not activate the output buffer pool."),
                      (nullptr));
    ret = GST_FLOW_ERROR;
  } else {
    ret = gst_buffer_pool_acquire_buffer(pool, out, nullptr);
  }
  gst_object_unref(pool);
  return ret;
}

// Writes the next drawn sample into an output buffer with its metas and timing.
static GstFlowReturn gst_higfa_sampler_write_output(GstHigfaSampler* self, GstBuffer** outbuf) {
  State* st = self->state;
  const PendingOutput p = std::move(st->ready.front());
  st->ready.pop_front();
  GstBuffer* out = nullptr;
  const GstFlowReturn ret = gst_higfa_sampler_acquire(self, &out);
  if (ret != GST_FLOW_OK) return ret;
  const Label& label = p.frame->label;
  try {
    {
      gsthigfa::MappedFrame frame(&st->out_info, out, GST_MAP_WRITE);
      if (!frame.ok()) throw std::runtime_error("could not map an output buffer");
      st->sampler->write(p.sample, frame.view());
    }
    gst_buffer_add_higfa_label_meta(out, label.class_id, label.class_name.c_str(),
                                    label.source_path.c_str(), label.source_id.c_str(),
                                    label.source_index);
    gst_higfa_buffer_add_provenance(out, p.sample.provenance);
  } catch (const std::exception& e) {
    gst_buffer_unref(out);
    GST_ELEMENT_ERROR(
        self, CORE, FAILED, ("Could not write a generated frame: %s", e.what()),
        ("higfa::FrameSampler::write / gst_higfa_buffer_add_provenance: %s", e.what()));
    return GST_FLOW_ERROR;
  }
  gst_higfa_sampler_set_timing(self, *p.frame, p.sample.index, out);
  if (++p.frame->handed == p.frame->todo.size()) st->completing++;
  GST_LOG_OBJECT(self, "sample %u of %s: %" GST_PTR_FORMAT, p.sample.index, label.source_id.c_str(),
                 static_cast<gpointer>(out));
  *outbuf = out;
  return GST_FLOW_OK;
}

// The next output buffer, sampling the next batch when none is drawn; NULL when the queue waits
// for more frames (or is empty, when draining).
GstFlowReturn gst_higfa_sampler_next_output(GstHigfaSampler* self, bool drain, GstBuffer** outbuf) {
  State* st = self->state;
  *outbuf = nullptr;
  if (st->ready.empty()) {
    const BatchPlan plan = gst_higfa_sampler_plan_batch(st, drain);
    if (plan.empty()) return GST_FLOW_OK;
    const GstFlowReturn ret = gst_higfa_sampler_sample_batch(self, plan);
    if (ret != GST_FLOW_OK) {
      clear_queue(st);
      return ret;
    }
  }
  const GstFlowReturn ret = gst_higfa_sampler_write_output(self, outbuf);
  if (ret != GST_FLOW_OK) clear_queue(st);
  return ret;
}
