// Decoding of the JSON body of POST /v1/leads into a Lead: strict, bounded, never throws.
#pragma once

#include <string_view>

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

}  // namespace leadd::connectors
