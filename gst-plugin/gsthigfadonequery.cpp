// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The "higfa-done-samples" query: building, parsing and answering it.
#include "gsthigfadonequery.h"

GstQuery* gst_higfa_done_query_new(const std::string& settings_json, const std::string& source_id,
                                   guint samples) {
  GstStructure* s = gst_structure_new(GST_HIGFA_DONE_QUERY_NAME, "settings", G_TYPE_STRING,
                                      settings_json.c_str(), "source-id", G_TYPE_STRING,
                                      source_id.c_str(), "samples", G_TYPE_UINT, samples, nullptr);
  return gst_query_new_custom(GST_QUERY_CUSTOM, s);
}

gboolean gst_higfa_done_query_parse(GstQuery* query, std::string* settings_json,
                                    std::string* source_id, guint* samples) {
  if (GST_QUERY_TYPE(query) != GST_QUERY_CUSTOM) return FALSE;
  const GstStructure* s = gst_query_get_structure(query);
  if (s == nullptr || !gst_structure_has_name(s, GST_HIGFA_DONE_QUERY_NAME)) return FALSE;
  const gchar* settings = gst_structure_get_string(s, "settings");
  const gchar* id = gst_structure_get_string(s, "source-id");
  guint n = 0;
  if (settings == nullptr || id == nullptr || !gst_structure_get_uint(s, "samples", &n))
    return FALSE;
  if (settings_json != nullptr) *settings_json = settings;
  if (source_id != nullptr) *source_id = id;
  if (samples != nullptr) *samples = n;
  return TRUE;
}

void gst_higfa_done_query_set_answer(GstQuery* query, const std::vector<guint>& done,
                                     const std::string& mismatch) {
  GstStructure* s = gst_query_writable_structure(query);
  GValue array = G_VALUE_INIT;
  gst_value_array_init(&array, static_cast<guint>(done.size()));
  for (const guint i : done) {
    GValue v = G_VALUE_INIT;
    g_value_init(&v, G_TYPE_UINT);
    g_value_set_uint(&v, i);
    gst_value_array_append_and_take_value(&array, &v);
  }
  gst_structure_take_value(s, "done", &array);
  gst_structure_set(s, "mismatch", G_TYPE_STRING, mismatch.c_str(), nullptr);
}

gboolean gst_higfa_done_query_parse_answer(GstQuery* query, std::vector<guint>* done,
                                           std::string* mismatch) {
  const GstStructure* s = gst_query_get_structure(query);
  const GValue* array = s != nullptr ? gst_structure_get_value(s, "done") : nullptr;
  const gchar* text = s != nullptr ? gst_structure_get_string(s, "mismatch") : nullptr;
  if (array == nullptr || !GST_VALUE_HOLDS_ARRAY(array) || text == nullptr) return FALSE;
  done->clear();
  for (guint i = 0; i < gst_value_array_get_size(array); ++i) {
    const GValue* v = gst_value_array_get_value(array, i);
    if (G_VALUE_HOLDS_UINT(v)) done->push_back(g_value_get_uint(v));
  }
  *mismatch = text;
  return TRUE;
}
