// Lead: one inquiry as it travels from a connector to a rep.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace leadd {

// A lead as a connector hands it over, before dedupe and routing.
struct Lead {
  std::string id;           // assigned at commit ("L-42"); empty before
  std::string source;       // "web", "alibaba", "expo", ...
  std::string channel;      // how it arrived within the source: "contact-form", "imap/sales"
  std::string external_id;  // the source's own id, if it has one
  std::string source_key;   // idempotency key: source + external id, or a content hash
  std::string contact_name;
  std::string company;
  std::string email;
  std::string phone;
  std::string country;  // ISO 3166-1 alpha-2 where known
  std::string region;   // subdivision or free text
  // Where the contact is, as the source writes it: dedupe weighs them when it compares persons.
  std::string city;
  std::string street;  // the street address, number included
  std::string postcode;
  std::string product;
  std::string account;          // the marketplace (sub-)account it came in on: "alice_sub1", "main"
  std::string received_by;      // the rep named by the source (a trade-show card's receiver)
  std::string estimated_value;  // a decimal number when the source gives one
  std::string grade;  // A/B/C by value, when the source knows it; it picks the SLA and cadence
  std::string message;
  std::string raw;  // the bytes as received, kept for audit and replay
  WallTime received_at{};
};

// "L-<digits>", as the intake assigns them; anything else in a URL or a link is not a lead.
inline bool IsLeadId(std::string_view id) {
  return id.size() > 2 && id.size() <= 24 && id.starts_with("L-") &&
         id.find_first_not_of("0123456789", 2) == std::string_view::npos;
}

}  // namespace leadd
