// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfasampler's side of a resumed run: the settings JSON and the higfa-done-samples query.
#include "gsthigfasamplerresume.h"

#include <gst/base/gstbasetransform.h>
#include <higfa/manifest.h>

#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>
#include <set>

#include "gsthigfadonequery.h"

GST_DEBUG_CATEGORY_STATIC(gst_higfa_sampler_resume_debug);
#define GST_CAT_DEFAULT gst_higfa_sampler_resume_debug

namespace {

void ensure_debug_category() {
  static gsize done = 0;
  if (g_once_init_enter(&done)) {
    GST_DEBUG_CATEGORY_INIT(gst_higfa_sampler_resume_debug, "higfasampler-resume", 0,
                            "higfasampler: samples a resumed run has written already");
    g_once_init_leave(&done, 1);
  }
}

// Properties that change how, not what, the sampler generates. batch-size is one on the
// device's kernels in exact arithmetic; on the CPU a batch of another size may round the last
// bit differently (byte-identical resumes on the CPU need batch-size=1).
constexpr const char* kNotCompared[] = {"device", "threads", "retain-memory", "batch-size",
                                        "missing-label"};

bool compared(const GParamSpec* spec) {
  if (spec->owner_type != GST_TYPE_HIGFA_SAMPLER || (spec->flags & G_PARAM_WRITABLE) == 0)
    return false;
  for (const char* name : kNotCompared)
    if (std::strcmp(spec->name, name) == 0) return false;
  return true;
}

nlohmann::ordered_json to_json(const GValue* v) {
  switch (G_TYPE_FUNDAMENTAL(G_VALUE_TYPE(v))) {
    case G_TYPE_BOOLEAN:
      return static_cast<bool>(g_value_get_boolean(v));
    case G_TYPE_INT:
      return g_value_get_int(v);
    case G_TYPE_UINT:
      return g_value_get_uint(v);
    case G_TYPE_INT64:
      return g_value_get_int64(v);
    case G_TYPE_UINT64:
      return g_value_get_uint64(v);
    case G_TYPE_DOUBLE:
      return g_value_get_double(v);
    case G_TYPE_FLOAT:
      return g_value_get_float(v);
    case G_TYPE_STRING: {
      const gchar* s = g_value_get_string(v);
      return s != nullptr ? nlohmann::ordered_json(s) : nlohmann::ordered_json();
    }
    case G_TYPE_ENUM:
      return gst_higfa_sampler_enum_nick(G_VALUE_TYPE(v), g_value_get_enum(v));
    default: {
      gchar* s = gst_value_serialize(v);
      nlohmann::ordered_json out = s != nullptr ? s : "";
      g_free(s);
      return out;
    }
  }
}

}  // namespace

std::string gst_higfa_sampler_resume_settings(GstHigfaSampler* self,
                                              const GstHigfaSamplerSettings& settings,
                                              const std::string& fingerprint) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  guint n = 0;
  GParamSpec** specs = g_object_class_list_properties(G_OBJECT_GET_CLASS(self), &n);
  for (guint i = 0; i < n; ++i) {
    if (!compared(specs[i])) continue;
    GValue v = G_VALUE_INIT;
    g_value_init(&v, specs[i]->value_type);
    if (gst_higfa_sampler_settings_get(&settings, specs[i]->param_id, &v))
      j[specs[i]->name] = to_json(&v);
    g_value_unset(&v);
  }
  g_free(specs);
  j["bundle-fingerprint"] = fingerprint;
  return j.dump();
}

gboolean gst_higfa_sampler_resume_indices(GstHigfaSampler* self, GstHigfaSamplerResume* resume,
                                          const GstHigfaSamplerSettings& settings,
                                          const std::string& source_id, std::vector<guint>* todo,
                                          guint* done) {
  ensure_debug_category();
  if (resume->fingerprint.empty() || resume->bundle != settings.bundle) {
    try {
      resume->fingerprint = higfa::bundle_fingerprint(settings.bundle);
      resume->bundle = settings.bundle;
    } catch (const std::exception& e) {
      GST_ELEMENT_ERROR(
          self, RESOURCE, READ,
          ("Could not read the model bundle \"%s\": %s", settings.bundle.c_str(), e.what()),
          ("higfa::bundle_fingerprint: %s", e.what()));
      return FALSE;
    }
  }
  const guint n = settings.samples_per_image;
  GstQuery* query = gst_higfa_done_query_new(
      gst_higfa_sampler_resume_settings(self, settings, resume->fingerprint), source_id, n);
  std::vector<guint> answer;
  std::string mismatch;
  const bool answered = gst_pad_peer_query(GST_BASE_TRANSFORM_SRC_PAD(self), query) &&
                        gst_higfa_done_query_parse_answer(query, &answer, &mismatch);
  gst_query_unref(query);
  if (answered && !mismatch.empty()) {
    GST_ELEMENT_ERROR(
        self, RESOURCE, SETTINGS,
        ("resume: %s. A resumed run keeps the settings of the run it continues: "
         "restore them, or write to a new directory.",
         mismatch.c_str()),
        ("higfa-done-samples query answered with a mismatch for \"%s\"", source_id.c_str()));
    return FALSE;
  }
  const std::set<guint> written(answer.begin(), answer.end());
  todo->clear();
  for (guint i = 0; i < n; ++i)
    if (written.count(i) == 0) todo->push_back(i);
  *done = n - static_cast<guint>(todo->size());
  if (*done > 0)
    GST_DEBUG_OBJECT(self, "%s: %u of %u samples written already", source_id.c_str(), *done, n);
  return TRUE;
}
