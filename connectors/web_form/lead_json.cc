#include "connectors/web_form/lead_json.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <string>

#include "core/sha256.h"

namespace leadd::connectors {
namespace {

struct FieldSpec {
  std::string_view name;
  std::string Lead::*member;
  std::size_t max_bytes;
};

constexpr std::array<FieldSpec, 11> kFields{{
    {"source", &Lead::source, 64},
    {"channel", &Lead::channel, kMaxFieldBytes},
    {"external_id", &Lead::external_id, kMaxFieldBytes},
    {"contact_name", &Lead::contact_name, kMaxFieldBytes},
    {"company", &Lead::company, kMaxFieldBytes},
    {"email", &Lead::email, kMaxFieldBytes},
    {"phone", &Lead::phone, kMaxFieldBytes},
    {"country", &Lead::country, 64},
    {"region", &Lead::region, kMaxFieldBytes},
    {"product", &Lead::product, kMaxFieldBytes},
    {"message", &Lead::message, kMaxMessageBytes},
}};

// The source names a Redis key segment and a metric label: keep it to a safe alphabet.
bool IsValidSource(std::string_view source) {
  return !source.empty() && std::all_of(source.begin(), source.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

Result<Lead> ParseLeadJson(std::string_view body, std::string_view idempotency_key,
                           WallTime received_at) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(body.data(), body.size()).get(root); error) {
    return Rejected(std::string("body is not valid JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get(object)) return Rejected("body must be a JSON object");

  Lead lead;
  std::bitset<kFields.size()> seen;
  for (auto [key, value] : object) {
    const auto* spec = std::find_if(kFields.begin(), kFields.end(),
                                    [key = key](const FieldSpec& f) { return f.name == key; });
    if (spec == kFields.end()) {
      return Rejected("unknown field '" + std::string(key.substr(0, 64)) + "'");
    }
    const auto index = static_cast<std::size_t>(spec - kFields.begin());
    if (seen.test(index)) return Rejected("field '" + std::string(key) + "' appears twice");
    seen.set(index);
    std::string& target = lead.*(spec->member);
    if (value.is_null()) continue;
    std::string_view text;
    if (value.get(text)) return Rejected("field '" + std::string(key) + "' must be a string");
    if (text.size() > spec->max_bytes) {
      return Rejected("field '" + std::string(key) + "' is longer than " +
                      std::to_string(spec->max_bytes) + " bytes");
    }
    target.assign(text);
  }

  if (lead.source.empty()) return Rejected("field 'source' is required");
  if (!IsValidSource(lead.source)) {
    return Rejected("field 'source' may hold only a-z, 0-9, '-', '_' and '.'");
  }
  if (lead.email.empty() && lead.phone.empty() && lead.contact_name.empty() &&
      lead.company.empty()) {
    return Rejected("a lead needs at least one of email, phone, contact_name, company");
  }
  if (idempotency_key.size() > kMaxFieldBytes) return Rejected("Idempotency-Key is too long");

  if (!lead.external_id.empty()) {
    lead.source_key = lead.source + ":ext:" + lead.external_id;
  } else if (!idempotency_key.empty()) {
    lead.source_key = lead.source + ":key:" + std::string(idempotency_key);
  } else {
    lead.source_key = lead.source + ":sha256:" + Sha256Hex(body);
  }
  if (lead.channel.empty()) lead.channel = "api";
  lead.raw.assign(body);
  lead.received_at = received_at;
  return lead;
}

}  // namespace leadd::connectors
