// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The bridge from libhigfa's typed provenance to the provenance meta.
#include "gsthigfaprovenance.h"

#include <nlohmann/json.hpp>
#include <string>

GstHigfaProvenanceMeta* gst_higfa_buffer_add_provenance(GstBuffer* buffer,
                                                        const higfa::Provenance& p) {
  const nlohmann::json j = nlohmann::json::parse(higfa::to_json(p));
  const std::string transform = j.at("transform").dump();
  const std::string guidance = j.at("guidance").dump();
  const std::string extra = j.at("extra").dump();
  return gst_buffer_add_higfa_provenance_meta(
      buffer, p.source_id.c_str(), p.class_id, p.class_name.c_str(), p.sample_index, p.seed,
      p.guidance.mode.c_str(), transform.c_str(), guidance.c_str(), p.final_confidence,
      extra.c_str());
}
