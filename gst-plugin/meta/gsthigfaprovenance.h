// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The bridge between the metas and libhigfa's typed records (C++ callers only).
#pragma once

#include <gst/gst.h>
#include <higfa/provenance.h>

#include "gsthigfameta.h"

/// Attaches `provenance` to the writable `buffer` as a GstHigfaProvenanceMeta (every field).
GST_HIGFA_API GstHigfaProvenanceMeta* gst_higfa_buffer_add_provenance(
    GstBuffer* buffer, const higfa::Provenance& provenance);

/// The typed records of the metas (strings copied; NULL strings become "" in Provenance and
/// ClassScore, nullopt in LabelRecord).
GST_HIGFA_API higfa::Provenance gst_higfa_provenance_meta_to_record(
    const GstHigfaProvenanceMeta* meta);
GST_HIGFA_API higfa::LabelRecord gst_higfa_label_meta_to_record(const GstHigfaLabelMeta* meta);
GST_HIGFA_API higfa::ClassificationRecord gst_higfa_classification_meta_to_record(
    const GstHigfaClassificationMeta* meta);
GST_HIGFA_API higfa::ContourRecord gst_higfa_contour_meta_to_record(
    const GstHigfaContourMeta* meta);

/// The records of every meta `buffer` carries, for higfa::DatasetWriter and
/// higfa::WebDatasetEncoder (their JSON is higfa::to_json(FrameRecord)).
GST_HIGFA_API higfa::FrameRecord gst_higfa_buffer_metas_record(GstBuffer* buffer);
