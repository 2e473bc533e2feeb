// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The bridge from libhigfa's typed provenance to the provenance meta (C++ callers only).
#pragma once

#include <gst/gst.h>
#include <higfa/provenance.h>

#include "gsthigfameta.h"

/// Attaches `provenance` to the writable `buffer` as a GstHigfaProvenanceMeta.
GstHigfaProvenanceMeta* gst_higfa_buffer_add_provenance(GstBuffer* buffer,
                                                        const higfa::Provenance& provenance);
