// Decoding of the JSON body of POST /v1/leads into a Lead: strict, bounded, never throws.
#pragma once

#include <string_view>
#include <vector>

#include "connectors/json_fields.h"
#include "core/lead.h"
#include "core/result.h"

namespace leadd::connectors {

// Fields longer than this are refused rather than truncated, so nothing is silently lost.
inline constexpr std::size_t kMaxFieldBytes = 1024;
inline constexpr std::size_t kMaxMessageBytes = 64 * 1024;

// Parses one lead. `idempotency_key` is the request's Idempotency-Key header (may be empty).
// The source key is, in order of preference: source + external_id, source + Idempotency-Key,
// source + SHA-256 of the body. Errors are Errc::kRejected with a sentence naming the field.
Result<Lead> ParseLeadJson(std::string_view body, std::string_view idempotency_key,
                           WallTime received_at);

// The longest value the lead field `name` may hold; 0 when no lead field has that name.
std::size_t LeadFieldLimit(std::string_view name);
// Every lead field a JSON body or a CSV header may name, in the order of the API reference.
std::vector<std::string_view> LeadFieldNames();

// The rules every format shares, after its own decoding: `fields` (known names, values within
// LeadFieldLimit, empty ones left out) become a Lead when they hold a valid source and a way to
// reach the customer. `raw` is the input as received: kept with the lead, and hashed into the
// source key when there is neither an external_id nor an idempotency key.
Result<Lead> LeadFromFields(JsonFields fields, std::string_view idempotency_key,
                            std::string_view raw, WallTime received_at);

}  // namespace leadd::connectors
