// ContactKeys: the normalised keys of one contact (a lead, or a customer row of a CRM export),
// computed the same way wherever a contact is matched or registered, so the two sides meet.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/lead.h"
#include "dedupe/matcher.h"
#include "dedupe/owner_index.h"

namespace leadd::dedupe {

// A contact as written by its source; any field may be empty.
struct ContactText {
  std::string_view email = {};
  std::string_view phone = {};
  // Its registrable domain is the company domain, else the email's.
  std::string_view website = {};
  std::string_view company = {};
  std::string_view country = {};  // ISO 3166-1 alpha-2, any case; the phone's default region
  std::string_view contact_name = {};
  std::string_view street = {};    // the street address, number included
  std::string_view locality = {};  // city, town or suburb
  std::string_view postcode = {};
  std::string_view region = {};  // state, province or county
};

struct ContactKeys {
  std::string email = {};    // EmailKey
  std::string phone = {};    // PhoneKey, E.164
  std::string domain = {};   // CompanyDomainOf the website, else of the email; never free mail
  std::string company = {};  // CompanyKey's key
  std::string country = {};  // upper case, two letters, or empty
  std::string company_location = {};  // CompanyKey's location: "深圳" of "深圳市金鹏电子"
  std::string contact = {};           // PersonNameKey
  std::string street = {};            // FoldText, as are the three below
  std::string locality = {};
  std::string postcode = {};
  std::string region = {};
  // Why a value that was given gave no key ("phone: not a possible number for DE"), for the
  // import report; never the value itself.
  std::vector<std::string> unusable = {};

  // Nothing a customer can be registered and found by: a person's name and address alone
  // never make an owner.
  bool Empty() const { return email.empty() && phone.empty() && domain.empty() && company.empty(); }
  LeadKeys ForMatching() const;
  // The record the owner index keeps of a customer with these keys; views into this.
  CustomerRecord AsCustomer(std::string_view customer, std::string_view rep,
                            std::int64_t registered_at_ms) const;
};

// Every key by the name the registry stores it under, in the order its Functions take them.
inline constexpr std::pair<std::string_view, std::string ContactKeys::*> kContactKeyNames[] = {
    {"email", &ContactKeys::email},       {"phone", &ContactKeys::phone},
    {"domain", &ContactKeys::domain},     {"company", &ContactKeys::company},
    {"country", &ContactKeys::country},   {"company_location", &ContactKeys::company_location},
    {"contact", &ContactKeys::contact},   {"street", &ContactKeys::street},
    {"locality", &ContactKeys::locality}, {"postcode", &ContactKeys::postcode},
    {"region", &ContactKeys::region},
};

// What a lead says of its contact; views into `lead`.
ContactText ContactTextOf(const Lead& lead);

// `default_region` reads a phone number without a country code when the contact names no
// country (the config's `dedupe.default_region`; empty: such numbers give no key).
ContactKeys ContactKeysOf(const ContactText& contact, std::string_view default_region = {});

}  // namespace leadd::dedupe
