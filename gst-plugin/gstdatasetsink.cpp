// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// datasetsink: writes frames to out/<class>/<id>.png with one manifest.jsonl line each.

/**
 * SECTION:element-datasetsink
 * @title: datasetsink
 *
 * Writes every frame as `<location>/<class dir>/<id>.png` and appends one line to
 * `<location>/manifest.jsonl` with the file's path, id, class, source id, sample index, size and
 * every field of the frame's label, provenance, classification and contour metas. The class is
 * the frame's intended label (gst_higfa_buffer_get_intended_label(): the provenance meta's, else
 * the label meta's); a frame whose intended label has no class name is an error. The class dir
 * is the class name with '/' replaced by '_'; the id is `<source id>-s<sample index>` for a
 * generated frame, the source id for a real one, else a running counter, with a suffix where taken.
 * Each file is renamed into place before its line is written, so the manifest never names a
 * missing file, even after an error; it is fsynced at EOS and at stop. An existing non-empty
 * manifest is an error unless #GstDatasetSink:overwrite (which removes the files it names first)
 * or #GstDatasetSink:resume. With resume the run continues the folder an earlier, interrupted run
 * of the same pipeline wrote: a partial last manifest line, lines whose file is missing, leftover
 * temporaries and PNG files in class folders that no line names are removed (the element message
 * `higfa-resume` lists them and the images kept); everything else is kept, no (source id, sample
 * index) already in the manifest is written again, and a higfasampler upstream learns which
 * samples to skip through the higfa-done-samples query. The sampler's settings are recorded in
 * `<location>/run.json` on a fresh run; a resumed run with other settings is refused with an
 * error naming the first difference.
 * Every #GstDatasetSink:progress-interval images an element message `higfa-progress` (count) is
 * posted; at EOS `higfa-dataset-written` (location, manifest, count: images written by this run,
 * kept: images a resume kept, already-written: frames not written again, and "classes": an array of
 * "higfa-class" structures with id, name and count, the per-class schema confidencefilter's
 * "higfa-filter-stats" shares).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 datasetsrc location=data/samples bundle=models/fashion-mnist ! contourextract \
 *   ! higfasampler bundle=models/fashion-mnist samples-per-image=2 \
 *   ! fgclassifier bundle=models/fashion-mnist ! confidencefilter threshold=0.5 \
 *   ! datasetsink location=out/augment
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>
#include <higfa/dataset_writer.h>
#include <higfa/image_view.h>

#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "gstdatasetsink.h"
#include "gsthigfadonequery.h"
#include "gsthigfameta.h"
#include "gsthigfaprovenance.h"
#include "gsthigfastats.h"
#include "gsthigfautil.h"

GST_DEBUG_CATEGORY_STATIC(gst_dataset_sink_debug);
#define GST_CAT_DEFAULT gst_dataset_sink_debug

#define DEFAULT_PROP_LOCATION nullptr
#define DEFAULT_PROP_OVERWRITE FALSE
#define DEFAULT_PROP_RESUME FALSE
#define DEFAULT_PROP_PROGRESS_INTERVAL 1

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_OVERWRITE,
  PROP_PROGRESS_INTERVAL,
  PROP_COUNT,
  PROP_RESUME,
};

namespace {

struct Settings {
  std::string location;
  bool overwrite = DEFAULT_PROP_OVERWRITE;
  bool resume = DEFAULT_PROP_RESUME;
  guint progress_interval = DEFAULT_PROP_PROGRESS_INTERVAL;
};

// The C++ state of one element; new'd in _init, deleted in _finalize.
struct State {
  Settings settings;  // object lock
  guint64 count = 0;  // object lock
  // Between start() and stop(), used by the streaming thread only.
  std::unique_ptr<higfa::DatasetWriter> writer;
  std::string location;
  std::map<std::string, gint> written_ids;  // a class id written with each class name
  GstVideoInfo info;
  bool have_info = false;
  bool resume = false;
  guint64 already_written = 0;  // frames not written: the manifest has them (resume)
  // The run's settings, checked by higfa-done-samples queries from any thread; run_lock.
  std::mutex run_lock;
  std::unique_ptr<higfa::RunSettings> run;
  std::string mismatch;        // a resumed run's settings differ: what differs
  bool warned_change = false;  // a fresh run's settings changed on the way (warned once)
};

}  // namespace

struct _GstDatasetSink {
  GstBaseSink parent;
  State* state;
};

GST_ELEMENT_REGISTER_DEFINE(datasetsink, "datasetsink", GST_RANK_NONE, GST_TYPE_DATASET_SINK);

G_DEFINE_TYPE(GstDatasetSink, gst_dataset_sink, GST_TYPE_BASE_SINK);

static GstStaticPadTemplate sink_template =
    GSTHIGFA_VIDEO_PAD_TEMPLATE("sink", GST_PAD_SINK, GSTHIGFA_VIDEO_FORMATS);

namespace {

State& state_of(GObject* object) { return *GST_DATASET_SINK(object)->state; }

constexpr gsthigfa::Field<State> kFields[] = {
    gsthigfa::field<State, &State::settings, &Settings::location>(PROP_LOCATION),
    gsthigfa::field<State, &State::settings, &Settings::overwrite>(PROP_OVERWRITE),
    gsthigfa::field<State, &State::settings, &Settings::resume>(PROP_RESUME),
    gsthigfa::field<State, &State::settings, &Settings::progress_interval>(PROP_PROGRESS_INTERVAL),
    gsthigfa::read_only<State, &State::count>(PROP_COUNT),
};

}  // namespace

static void gst_dataset_sink_set_property(GObject* object, guint prop_id, const GValue* value,
                                          GParamSpec* pspec) {
  if (prop_id == PROP_LOCATION && GST_STATE(object) > GST_STATE_READY) {
    GST_WARNING_OBJECT(object, "location can only be set in the NULL or READY state");
    return;
  }
  gsthigfa::set_property<State, kFields, state_of>(object, prop_id, value, pspec);
}

// A GstValueArray of the strings `items`.
static void set_string_array(GstStructure* s, const char* field,
                             const std::vector<std::string>& items) {
  GValue array = G_VALUE_INIT;
  gst_value_array_init(&array, static_cast<guint>(items.size()));
  for (const std::string& item : items) {
    GValue v = G_VALUE_INIT;
    g_value_init(&v, G_TYPE_STRING);
    g_value_set_string(&v, item.c_str());
    gst_value_array_append_and_take_value(&array, &v);
  }
  gst_structure_take_value(s, field, &array);
}

// "higfa-resume": location, kept (images in the manifest), truncated-line (a partial last line
// was removed), dropped-lines (paths of lines whose file was missing) and discarded (files
// removed: temporaries and PNG files no line named).
static void post_resumed(GstDatasetSink* self) {
  const State& st = *self->state;
  const higfa::ResumeReport& r = st.writer->resume_report();
  GST_INFO_OBJECT(self, "resuming %s: %zu images kept, %zu lines dropped, %zu files discarded%s",
                  st.location.c_str(), r.kept, r.dropped_lines.size(), r.discarded.size(),
                  r.truncated_line ? ", a partial last line removed" : "");
  GstStructure* s = gst_structure_new(
      "higfa-resume", "location", G_TYPE_STRING, st.location.c_str(), "kept", G_TYPE_UINT64,
      static_cast<guint64>(r.kept), "truncated-line", G_TYPE_BOOLEAN, r.truncated_line, nullptr);
  set_string_array(s, "dropped-lines", r.dropped_lines);
  set_string_array(s, "discarded", r.discarded);
  gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
}

static gboolean gst_dataset_sink_start(GstBaseSink* sink) {
  GstDatasetSink* self = GST_DATASET_SINK(sink);
  State& st = *self->state;
  Settings s;
  {
    gsthigfa::ObjectLock lock(self);
    s = st.settings;
    st.count = 0;
  }
  st.have_info = false;
  st.written_ids.clear();
  st.already_written = 0;
  if (s.location.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
                      ("No output directory: set the location property."), ("location is NULL"));
    return FALSE;
  }
  const higfa::DatasetOpen mode = s.resume      ? higfa::DatasetOpen::kResume
                                  : s.overwrite ? higfa::DatasetOpen::kOverwrite
                                                : higfa::DatasetOpen::kNew;
  try {
    st.writer = std::make_unique<higfa::DatasetWriter>(s.location, mode);
    std::lock_guard<std::mutex> lock(st.run_lock);
    st.run =
        std::make_unique<higfa::RunSettings>(s.location, s.resume, st.writer->resume_report().kept);
    st.mismatch.clear();
    st.warned_change = false;
  } catch (const std::exception& e) {
    st.writer.reset();
    GST_ELEMENT_ERROR(self, RESOURCE, OPEN_WRITE,
                      ("Cannot %s the dataset in \"%s\": %s", s.resume ? "resume" : "write",
                       s.location.c_str(), e.what()),
                      ("higfa::DatasetWriter / higfa::RunSettings: %s", e.what()));
    return FALSE;
  }
  st.location = s.location;
  st.resume = s.resume;
  if (s.resume) post_resumed(self);
  return TRUE;
}

// Flushes and fsyncs the manifest; false (with an element error) if that fails.
static bool close_writer(GstDatasetSink* self) {
  State& st = *self->state;
  if (!st.writer) {
    return true;
  }
  try {
    st.writer->close();
    return true;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, RESOURCE, SYNC,
                      ("Could not flush the manifest of \"%s\": %s", st.location.c_str(), e.what()),
                      ("higfa::DatasetWriter::close: %s", e.what()));
    return false;
  }
}

static gboolean gst_dataset_sink_stop(GstBaseSink* sink) {
  GstDatasetSink* self = GST_DATASET_SINK(sink);
  const bool ok = close_writer(self);
  State& st = *self->state;
  {
    std::lock_guard<std::mutex> lock(st.run_lock);
    st.writer.reset();
    st.run.reset();
  }
  st.have_info = false;
  return ok;
}

static gboolean gst_dataset_sink_set_caps(GstBaseSink* sink, GstCaps* caps) {
  GstDatasetSink* self = GST_DATASET_SINK(sink);
  State& st = *self->state;
  if (!gst_higfa_video_info_from_caps(GST_ELEMENT(self), caps, &st.info)) {
    return FALSE;
  }
  st.have_info = true;
  return TRUE;
}

// The manifest record of `buf`: its intended label (gst_higfa_buffer_get_intended_label) with
// the source and sample of the meta it came from. False if the label has no class name.
static bool make_record(GstBuffer* buf, higfa::DatasetRecord* record) {
  gint class_id = -1;
  const gchar* class_name = nullptr;
  const GstHigfaLabelSource from = gst_higfa_buffer_get_intended_label(buf, &class_id, &class_name);
  if (class_name == nullptr) return false;
  const GstHigfaProvenanceMeta* prov = gst_buffer_get_higfa_provenance_meta(buf);
  const GstHigfaLabelMeta* label = gst_buffer_get_higfa_label_meta(buf);
  record->class_name = class_name;
  record->class_id = class_id;
  if (from == GST_HIGFA_LABEL_SOURCE_PROVENANCE) {
    record->source_id = prov->source_id ? prov->source_id : "";
    record->sample_index = prov->sample_index;
  }
  if (record->source_id.empty() && label && label->source_id) {
    record->source_id = label->source_id;
  }
  return true;
}

static void post_progress(GstDatasetSink* self, guint64 count) {
  GstStructure* s = gst_structure_new("higfa-progress", "count", G_TYPE_UINT64, count, nullptr);
  gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
}

static GstFlowReturn gst_dataset_sink_render(GstBaseSink* sink, GstBuffer* buf) {
  GstDatasetSink* self = GST_DATASET_SINK(sink);
  State& st = *self->state;
  if (!st.have_info || !st.writer) {
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("No caps before the first frame."), (nullptr));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  higfa::DatasetRecord record;
  if (!make_record(buf, &record)) {
    GST_ELEMENT_ERROR(self, STREAM, FAILED,
                      ("Frame without a class: it has no label or provenance meta with a class "
                       "name (label the input, e.g. with datasetsrc or higfasampler class=NAME)."),
                      ("buffer %" GST_PTR_FORMAT, static_cast<void*>(buf)));
    return GST_FLOW_ERROR;
  }
  std::string mismatch;
  {
    std::lock_guard<std::mutex> lock(st.run_lock);
    mismatch = st.mismatch;
  }
  if (!mismatch.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("resume: %s", mismatch.c_str()),
                      ("a frame arrived after a refused higfa-done-samples query"));
    return GST_FLOW_ERROR;
  }
  if (st.resume && st.writer->has(record.source_id, record.sample_index)) {
    GST_DEBUG_OBJECT(self, "%s sample %" G_GINT64_FORMAT " is in the manifest already: not written",
                     record.source_id.c_str(), record.sample_index);
    st.already_written++;
    return GST_FLOW_OK;
  }
  {
    gsthigfa::MappedFrame frame(&st.info, buf, GST_MAP_READ);
    if (!frame.ok()) {
      GST_ELEMENT_ERROR(self, STREAM, FAILED, ("Could not map an input frame."), (nullptr));
      return GST_FLOW_ERROR;
    }
    try {
      const higfa::WrittenImage w =
          st.writer->write(frame.view(), record, gst_higfa_buffer_metas_record(buf));
      GST_LOG_OBJECT(self, "wrote %s", w.path.c_str());
    } catch (const std::exception& e) {
      GST_ELEMENT_ERROR(self, RESOURCE, WRITE,
                        ("Could not write an image of class \"%s\" to \"%s\": %s",
                         record.class_name.c_str(), st.location.c_str(), e.what()),
                        ("higfa::DatasetWriter::write: %s", e.what()));
      return GST_FLOW_ERROR;
    }
  }
  auto [it, added] = st.written_ids.emplace(record.class_name, record.class_id);
  if (!added && it->second < 0) it->second = record.class_id;
  guint64 count = 0;
  guint interval = 0;
  {
    gsthigfa::ObjectLock lock(self);
    count = ++st.count;
    interval = st.settings.progress_interval;
  }
  if (interval > 0 && count % interval == 0) {
    post_progress(self, count);
  }
  return GST_FLOW_OK;
}

// The totals: location, manifest, count, and "classes" with the count per class, in the
// per-class schema of gsthigfastats.h (the one confidencefilter's higfa-filter-stats uses).
static void post_totals(GstDatasetSink* self) {
  State& st = *self->state;
  std::vector<gsthigfa::ClassStats> classes;
  for (const auto& [name, n] : st.writer->class_counts()) {
    const auto id = st.written_ids.find(name);
    classes.push_back(
        {id != st.written_ids.end() ? id->second : -1, name, {{"count", static_cast<guint64>(n)}}});
  }
  GstStructure* s =
      gst_structure_new("higfa-dataset-written", "location", G_TYPE_STRING, st.location.c_str(),
                        "manifest", G_TYPE_STRING, st.writer->manifest_path().c_str(), "count",
                        G_TYPE_UINT64, static_cast<guint64>(st.writer->count()), "kept",
                        G_TYPE_UINT64, static_cast<guint64>(st.writer->resume_report().kept),
                        "already-written", G_TYPE_UINT64, st.already_written, nullptr);
  gsthigfa::set_class_stats(s, std::move(classes));
  gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
}

// Answers a higfa-done-samples query: the settings are checked against the run's (recorded by
// the first query of a fresh run), and the done samples are those the manifest kept at start.
static gboolean gst_dataset_sink_answer_done(GstDatasetSink* self, GstQuery* query) {
  State& st = *self->state;
  std::string settings, source_id;
  if (!gst_higfa_done_query_parse(query, &settings, &source_id, nullptr)) return FALSE;
  std::lock_guard<std::mutex> lock(st.run_lock);
  if (!st.writer || !st.run) return FALSE;
  std::string difference;
  try {
    difference = st.run->check(settings);
  } catch (const std::exception& e) {
    difference = std::string("the settings cannot be recorded: ") + e.what();
  }
  if (!difference.empty() && st.run->resumed()) {
    st.mismatch = difference;
  } else if (!difference.empty() && !st.warned_change) {
    st.warned_change = true;
    GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS,
                        ("The sampler's settings changed during the run (%s): a resumed run of "
                         "\"%s\" will refuse them.",
                         difference.c_str(), st.location.c_str()),
                        ("higfa::RunSettings::check"));
  }
  std::vector<guint> done;
  for (const std::uint32_t i : st.writer->resume_report().done.sample_indices(source_id))
    done.push_back(i);
  gst_higfa_done_query_set_answer(query, done, st.mismatch);
  return TRUE;
}

static gboolean gst_dataset_sink_query(GstBaseSink* sink, GstQuery* query) {
  if (gst_higfa_done_query_parse(query, nullptr, nullptr, nullptr))
    return gst_dataset_sink_answer_done(GST_DATASET_SINK(sink), query);
  return GST_BASE_SINK_CLASS(gst_dataset_sink_parent_class)->query(sink, query);
}

static gboolean gst_dataset_sink_event(GstBaseSink* sink, GstEvent* event) {
  GstDatasetSink* self = GST_DATASET_SINK(sink);
  if (GST_EVENT_TYPE(event) == GST_EVENT_EOS && self->state->writer) {
    if (close_writer(self)) {
      post_totals(self);
    } else {
      gst_event_unref(event);
      return FALSE;
    }
  }
  return GST_BASE_SINK_CLASS(gst_dataset_sink_parent_class)->event(sink, event);
}

static void install_properties(GObjectClass* gobject_class) {
  const auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  const auto ready = static_cast<GParamFlags>(rw | GST_PARAM_MUTABLE_READY);
  g_object_class_install_property(
      gobject_class, PROP_LOCATION,
      g_param_spec_string("location", "Location",
                          "Output directory (created if missing) for <class dir>/<id>.png and "
                          "manifest.jsonl; NULL: not set (the start fails)",
                          DEFAULT_PROP_LOCATION, ready));
  g_object_class_install_property(
      gobject_class, PROP_OVERWRITE,
      g_param_spec_boolean("overwrite", "Overwrite",
                           "TRUE: replace an existing non-empty manifest.jsonl, removing the "
                           "files it lists; FALSE: refuse to start on one",
                           DEFAULT_PROP_OVERWRITE, ready));
  g_object_class_install_property(
      gobject_class, PROP_RESUME,
      g_param_spec_boolean("resume", "Resume",
                           "TRUE: continue the dataset an interrupted run of the same pipeline "
                           "wrote in location (a new one if there is none), keeping what is on "
                           "disk and in the manifest and refusing other sampler settings; wins "
                           "over overwrite. FALSE: see overwrite",
                           DEFAULT_PROP_RESUME, ready));
  g_object_class_install_property(
      gobject_class, PROP_PROGRESS_INTERVAL,
      g_param_spec_uint("progress-interval", "Progress interval",
                        "Post a higfa-progress element message every this many images written, "
                        "1 .. G_MAXUINT (0: never)",
                        0, G_MAXUINT, DEFAULT_PROP_PROGRESS_INTERVAL,
                        static_cast<GParamFlags>(rw | GST_PARAM_MUTABLE_PLAYING)));
  gsthigfa::install_counter(gobject_class, PROP_COUNT, "count", "Count",
                            "Images written since the start (0 before the first)");
}

static void gst_dataset_sink_class_init(GstDatasetSinkClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseSinkClass* basesink_class = GST_BASE_SINK_CLASS(klass);

  gobject_class->set_property = gst_dataset_sink_set_property;
  gobject_class->get_property = gsthigfa::get_property<State, kFields, state_of>;
  gobject_class->finalize =
      gsthigfa::finalize_state<GstDatasetSink, &gst_dataset_sink_parent_class>;
  install_properties(gobject_class);

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gsthigfa::set_element_metadata(
      element_class, "Labelled dataset sink", "Sink/Video",
      "Writes frames as an ImageFolder tree of PNG files with a JSONL manifest of their labels "
      "and provenance");

  basesink_class->start = GST_DEBUG_FUNCPTR(gst_dataset_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR(gst_dataset_sink_stop);
  basesink_class->set_caps = GST_DEBUG_FUNCPTR(gst_dataset_sink_set_caps);
  basesink_class->render = GST_DEBUG_FUNCPTR(gst_dataset_sink_render);
  basesink_class->event = GST_DEBUG_FUNCPTR(gst_dataset_sink_event);
  basesink_class->query = GST_DEBUG_FUNCPTR(gst_dataset_sink_query);

  GST_DEBUG_CATEGORY_INIT(gst_dataset_sink_debug, "datasetsink", 0, "higfa labelled dataset sink");
}

static void gst_dataset_sink_init(GstDatasetSink* self) {
  self->state = new State();
  // A dataset has no timeline: write as fast as frames come.
  gst_base_sink_set_sync(GST_BASE_SINK(self), FALSE);
}
