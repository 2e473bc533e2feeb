// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// higfasampler's side of a resumed run: the settings it reports downstream, the samples it skips.
#pragma once

#include <gst/gst.h>

#include <string>
#include <vector>

#include "gsthigfasampler.h"
#include "gsthigfasamplersettings.h"

/// What higfasampler keeps for the higfa-done-samples query from start() to stop().
struct GstHigfaSamplerResume {
  std::string bundle;       // the bundle property the fingerprint is of
  std::string fingerprint;  // higfa::bundle_fingerprint(bundle); "" until the first query
};

/// The JSON object of the settings a resumed run must share with the run it continues: every
/// writable property of the element (its own, not GstObject's) with the value in `settings`,
/// except those that do not change what is generated (device, threads, batch-size,
/// missing-label), and "bundle-fingerprint": `fingerprint`.
std::string gst_higfa_sampler_resume_settings(GstHigfaSampler* self,
                                              const GstHigfaSamplerSettings& settings,
                                              const std::string& fingerprint);

/// The sample indices of `source_id` to generate under `settings`: 0 .. samples-per-image - 1
/// less those a datasetsink downstream has written already (the higfa-done-samples query, see
/// gsthigfadonequery.h); all of them when nobody answers. `*done` is how many were left out.
/// FALSE, with an element error, when downstream refuses the settings (a resumed run whose
/// settings differ) or the bundle cannot be fingerprinted.
gboolean gst_higfa_sampler_resume_indices(GstHigfaSampler* self, GstHigfaSamplerResume* resume,
                                          const GstHigfaSamplerSettings& settings,
                                          const std::string& source_id, std::vector<guint>* todo,
                                          guint* done);
