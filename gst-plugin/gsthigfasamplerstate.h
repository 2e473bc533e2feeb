// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfasampler's state and the entry points its two sources share (internal to the element).
#pragma once

#include <gst/video/video.h>
#include <higfa/frame_sampler.h>

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gsthigfasampler.h"
#include "gsthigfasamplerresume.h"
#include "gsthigfasamplersettings.h"

GST_DEBUG_CATEGORY_EXTERN(gst_higfa_sampler_debug);

namespace gsthigfasampler {

// The label of one input frame, resolved against the bundle.
struct Label {
  int class_id = -1;
  std::string class_name;
  std::string source_id;
  std::string source_path;
  guint64 source_index = 0;
};

// One input frame with samples still to hand out, and the settings it arrived under.
struct QueuedFrame {
  GstBuffer* in = nullptr;  // owned
  GstHigfaSamplerSettings settings;
  higfa::SamplerOptions options;
  Label label;
  std::vector<guint> todo;  // the sample indices to generate: those not written already
  guint sampled = 0;        // samples todo[0 .. sampled - 1] are drawn
  guint handed = 0;         // outputs handed out

  QueuedFrame() = default;
  ~QueuedFrame() {
    if (in != nullptr) gst_buffer_unref(in);
  }
  QueuedFrame(const QueuedFrame&) = delete;
  QueuedFrame& operator=(const QueuedFrame&) = delete;
  guint samples_left() const { return static_cast<guint>(todo.size()) - sampled; }
};
using FramePtr = std::shared_ptr<QueuedFrame>;

// A drawn sample waiting for its output buffer.
struct PendingOutput {
  FramePtr frame;
  higfa::FrameSample sample;
};

// The next batch: frames from the front of the queue and how many samples each gives.
using BatchPlan = std::vector<std::pair<FramePtr, guint>>;

// The C++ state of one element; new'd in _init, deleted in _finalize.
struct State {
  GstHigfaSamplerSettings settings = gst_higfa_sampler_default_settings();  // object lock
  // Set in start() and cleared in stop(), with the streaming thread stopped.
  std::optional<higfa::FrameSampler> sampler;
  int default_class_id = -1;  // from the class property; -1: none
  // The bundle's output format, for caps queries from other threads; object lock, 0: no bundle.
  int out_width = 0;
  int out_height = 0;
  int out_channels = 0;
  std::atomic<bool> cancel{false};
  std::atomic<guint64> processed{0};
  std::atomic<guint64> generated{0};
  std::atomic<guint64> skipped{0};
  std::atomic<guint64> already_written{0};
  GstHigfaSamplerResume resume;
  // An input frame's duration from the caps, for latency queries; GST_CLOCK_TIME_NONE: unknown.
  std::atomic<GstClockTime> frame_duration{GST_CLOCK_TIME_NONE};
  // Streaming-thread state.
  GstVideoInfo in_info;
  GstVideoInfo out_info;
  bool have_caps = false;
  guint64 out_offset = 0;
  guint64 inputs = 0;
  std::deque<FramePtr> queue;       // frames with samples still to draw, in input order
  std::deque<PendingOutput> ready;  // drawn samples, in output order
  guint completing = 0;             // frames whose last output was handed out but not yet pushed
};

inline void clear_queue(State* st) {
  st->queue.clear();
  st->ready.clear();
  st->completing = 0;
}

inline std::string joined_class_names(const higfa::BundleManifest& m) {
  std::string out;
  for (const std::string& name : m.class_names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace gsthigfasampler

struct _GstHigfaSampler {
  GstBaseTransform parent;
  gsthigfasampler::State* state;
};

// gsthigfasamplerbatch.cpp: resolves the frame's label, asks which of its samples are written
// already and queues it; GST_BASE_TRANSFORM_FLOW_DROPPED for a skipped frame.
GstFlowReturn gst_higfa_sampler_queue_frame(GstHigfaSampler* self, GstBuffer* buf);

// gsthigfasamplerbatch.cpp: the next output buffer, sampling the next batch when none is ready
// (with `drain`, also a partial one); GST_BASE_TRANSFORM_FLOW_DROPPED when none is due yet.
GstFlowReturn gst_higfa_sampler_next_output(GstHigfaSampler* self, bool drain, GstBuffer** outbuf);

// gsthigfasampler.cpp: samples and pushes every held frame (before an error, EOS, a caps change).
GstFlowReturn gst_higfa_sampler_drain(GstHigfaSampler* self);
