// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The one schema of the elements' per-class statistics messages.
#pragma once

#include <gst/gst.h>

#include <string>
#include <utility>
#include <vector>

/*
 * Per-class statistics, one schema for every element message that counts per class:
 *
 * - the message structure carries its totals as guint64 fields (and whatever else it reports);
 * - "classes" (GST_TYPE_ARRAY) holds one GstStructure named "higfa-class" per class counted,
 *   in ascending class id, then the classes without an id by name; each has "id" (gint; -1:
 *   unknown), "name" (gchararray; "" when unknown) and, as guint64, the per-class value of each
 *   total that is counted per class, under the total's name.
 *
 * The messages:
 *   confidencefilter "higfa-filter-stats": kept, dropped, missing; classes: kept, dropped
 *     (at EOS, and as the read-only "stats" property);
 *   datasetsink "higfa-dataset-written": location, manifest, count; classes: count (at EOS).
 *
 * e.g. higfa-filter-stats, kept=(guint64)3, dropped=(guint64)2, missing=(guint64)0,
 *      classes=(GstValueArray)< "higfa-class\,\ id\=\(int\)0\,\ name\=\(string\)a\,\ ..." >
 */
namespace gsthigfa {

/// The counters of one class.
struct ClassStats {
  gint id = -1;                                           ///< -1: unknown
  std::string name;                                       ///< "" when unknown
  std::vector<std::pair<std::string, guint64>> counters;  ///< (total's name, this class's value)
};

/// Sets `structure`'s "classes" field to `classes` in the schema's order.
void set_class_stats(GstStructure* structure, std::vector<ClassStats> classes);

}  // namespace gsthigfa
