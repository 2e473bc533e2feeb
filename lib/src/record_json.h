// SPDX-License-Identifier: MIT
// Copyright 2026 The higfa authors
// The JSON objects of the typed frame records, for the writers that embed them (internal).
#pragma once

#include <higfa/provenance.h>

#include <nlohmann/json.hpp>
#include <string>

namespace higfa::detail {

/// The object to_json(const FrameRecord&) writes, for merging into a larger object unparsed.
nlohmann::ordered_json frame_record_object(const FrameRecord& record);

/// One line of JSON: non-finite numbers as null, invalid UTF-8 replaced by U+FFFD.
std::string dump_json(const nlohmann::ordered_json& j);

}  // namespace higfa::detail
