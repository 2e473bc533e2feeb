// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The per-class statistics field of the elements' messages (schema in gsthigfastats.h).
#include "gsthigfastats.h"

#include <algorithm>
#include <tuple>

namespace gsthigfa {

void set_class_stats(GstStructure* structure, std::vector<ClassStats> classes) {
  std::stable_sort(classes.begin(), classes.end(), [](const ClassStats& a, const ClassStats& b) {
    return std::make_tuple(a.id < 0, a.id, a.name) < std::make_tuple(b.id < 0, b.id, b.name);
  });
  GValue array = G_VALUE_INIT;
  gst_value_array_init(&array, static_cast<guint>(classes.size()));
  for (const ClassStats& c : classes) {
    GstStructure* entry = gst_structure_new("higfa-class", "id", G_TYPE_INT, c.id, "name",
                                            G_TYPE_STRING, c.name.c_str(), nullptr);
    for (const auto& [name, value] : c.counters)
      gst_structure_set(entry, name.c_str(), G_TYPE_UINT64, value, nullptr);
    GValue v = G_VALUE_INIT;
    g_value_init(&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed(&v, entry);
    gst_value_array_append_and_take_value(&array, &v);
  }
  gst_structure_take_value(structure, "classes", &array);
}

}  // namespace gsthigfa
