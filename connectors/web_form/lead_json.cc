#include "connectors/web_form/lead_json.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "connectors/json_fields.h"
#include "core/sha256.h"

namespace leadd::connectors {
namespace {

struct FieldSpec {
  std::string_view name;
  std::string Lead::*member;
  std::size_t max_bytes;
};

constexpr std::array<FieldSpec, 18> kFields{{
    {"source", &Lead::source, 64},
    {"channel", &Lead::channel, kMaxFieldBytes},
    {"external_id", &Lead::external_id, kMaxFieldBytes},
    {"contact_name", &Lead::contact_name, kMaxFieldBytes},
    {"company", &Lead::company, kMaxFieldBytes},
    {"email", &Lead::email, kMaxFieldBytes},
    {"phone", &Lead::phone, kMaxFieldBytes},
    {"country", &Lead::country, 64},
    {"region", &Lead::region, kMaxFieldBytes},
    {"city", &Lead::city, kMaxFieldBytes},
    {"street", &Lead::street, kMaxFieldBytes},
    {"postcode", &Lead::postcode, 64},
    {"product", &Lead::product, kMaxFieldBytes},
    {"account", &Lead::account, kMaxFieldBytes},
    {"received_by", &Lead::received_by, kMaxFieldBytes},
    {"estimated_value", &Lead::estimated_value, 64},
    {"grade", &Lead::grade, 32},
    {"message", &Lead::message, kMaxMessageBytes},
}};

// The source names a Redis key segment and a metric label: keep it to a safe alphabet.
bool IsValidSource(std::string_view source) {
  return !source.empty() && std::all_of(source.begin(), source.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

std::size_t LeadFieldLimit(std::string_view name) {
  const auto* spec = std::find_if(kFields.begin(), kFields.end(),
                                  [name](const FieldSpec& f) { return f.name == name; });
  return spec == kFields.end() ? 0 : spec->max_bytes;
}

std::vector<std::string_view> LeadFieldNames() {
  std::vector<std::string_view> names;
  for (const auto& spec : kFields) names.push_back(spec.name);
  return names;
}

Result<Lead> LeadFromFields(JsonFields fields, std::string_view idempotency_key,
                            std::string_view raw, WallTime received_at) {
  Lead lead;
  for (const auto& spec : kFields) {
    if (auto found = fields.find(spec.name); found != fields.end()) {
      lead.*(spec.member) = std::move(found->second);
    }
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
    lead.source_key = lead.source + ":sha256:" + Sha256Hex(raw);
  }
  if (lead.channel.empty()) lead.channel = "api";
  lead.raw.assign(raw);
  lead.received_at = received_at;
  return lead;
}

Result<Lead> ParseLeadJson(std::string_view body, std::string_view idempotency_key,
                           WallTime received_at) {
  LEADD_TRY(fields, ReadJsonFields(body, LeadFieldLimit));
  return LeadFromFields(std::move(fields), idempotency_key, body, received_at);
}

}  // namespace leadd::connectors
