// ReadJsonFields: a JSON object of named string fields, the shape of every body leadd accepts.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace leadd::connectors {

// Field name -> value; a null value is absent. Heterogeneous lookup by string_view.
using JsonFields = std::map<std::string, std::string, std::less<>>;

// What a body may hold: the longest value allowed for a field, or 0 when the name is unknown.
using FieldLimit = std::function<std::size_t(std::string_view name)>;

// Strict: the body must be one JSON object (valid UTF-8, simdjson's depth limit); every key
// must be known; each at most once (a null counts); values strings or null, within their limit.
// Errors are kRejected with a sentence naming the field (unknown names are cut to 64 bytes).
Result<JsonFields> ReadJsonFields(std::string_view body, const FieldLimit& limit);

}  // namespace leadd::connectors
