// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The "higfa-done-samples" query: a sampler asks the sink downstream what a resumed run has done.
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

/// A GST_QUERY_CUSTOM sent downstream by higfasampler once per input frame, before it samples:
///   higfa-done-samples, settings=(string) <JSON object>, source-id=(string), samples=(uint) N
/// A datasetsink answers it (any element in between forwards it, as GStreamer forwards unknown
/// queries) by setting
///   done=(GstValueArray of uint): the sample indices of source-id its manifest already has,
///   mismatch=(string): "" if the settings are those of the run it continues, else what differs.
/// Nobody answering means nothing is done.
#define GST_HIGFA_DONE_QUERY_NAME "higfa-done-samples"

/// A new query asking which of the samples 0 .. `samples` - 1 of `source_id` are written.
GstQuery* gst_higfa_done_query_new(const std::string& settings_json, const std::string& source_id,
                                   guint samples);

/// TRUE if `query` is a higfa-done-samples query; then its fields are read into the others
/// (any may be NULL).
gboolean gst_higfa_done_query_parse(GstQuery* query, std::string* settings_json,
                                    std::string* source_id, guint* samples);

/// Answers `query` (a writable higfa-done-samples query).
void gst_higfa_done_query_set_answer(GstQuery* query, const std::vector<guint>& done,
                                     const std::string& mismatch);

/// The answer in `query`: FALSE if it has none.
gboolean gst_higfa_done_query_parse_answer(GstQuery* query, std::vector<guint>* done,
                                           std::string* mismatch);
