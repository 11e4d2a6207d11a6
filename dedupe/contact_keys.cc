#include "dedupe/contact_keys.h"

#include <algorithm>

#include "core/ascii.h"
#include "dedupe/company_key.h"
#include "dedupe/domain_key.h"
#include "dedupe/email_key.h"
#include "dedupe/person_name.h"
#include "dedupe/phone_key.h"
#include "dedupe/text_fold.h"

namespace leadd::dedupe {

namespace {

// A country code as keys carry it: two ASCII letters, upper case; anything else is unknown.
std::string CountryKey(std::string_view country) {
  std::string key = AsciiLowered(country);
  if (key.size() != 2 ||
      !std::all_of(key.begin(), key.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return {};
  }
  for (char& c : key) c = static_cast<char>(c - 'a' + 'A');
  return key;
}

}  // namespace

ContactText ContactTextOf(const Lead& lead) {
  return ContactText{.email = lead.email,
                     .phone = lead.phone,
                     .company = lead.company,
                     .country = lead.country,
                     .contact_name = lead.contact_name,
                     .street = lead.street,
                     .locality = lead.city,
                     .postcode = lead.postcode,
                     .region = lead.region};
}

ContactKeys ContactKeysOf(const ContactText& contact, std::string_view default_region) {
  ContactKeys keys;
  keys.country = CountryKey(contact.country);
  keys.email = EmailKey(contact.email);
  if (keys.email.empty() && !contact.email.empty()) {
    keys.unusable.emplace_back("email: not an address");
  }
  if (!contact.phone.empty()) {
    const std::string_view region = keys.country.empty() ? default_region : keys.country;
    if (auto phone = PhoneKey(contact.phone, region)) {
      keys.phone = std::move(phone).value();
    } else {
      keys.unusable.push_back("phone: " + phone.error().detail);
    }
  }
  // The website names the firm; the email's domain only when there is no website, since a
  // contact may write from a parent company's or an agency's mailbox.
  keys.domain = CompanyDomainOf(contact.website);
  if (keys.domain.empty()) keys.domain = CompanyDomainOf(contact.email);
  CompanyName company = CompanyKey(contact.company);
  keys.company = std::move(company.key);
  keys.company_location = std::move(company.location);
  keys.contact = PersonNameKey(contact.contact_name);
  keys.street = FoldText(contact.street);
  keys.locality = FoldText(contact.locality);
  keys.postcode = FoldText(contact.postcode);
  keys.region = FoldText(contact.region);
  return keys;
}

LeadKeys ContactKeys::ForMatching() const {
  return LeadKeys{.email = email,
                  .phone = phone,
                  .domain = domain,
                  .company = company,
                  .country = country,
                  .company_location = company_location,
                  .contact = contact,
                  .street = street,
                  .locality = locality,
                  .postcode = postcode,
                  .region = region};
}

CustomerRecord ContactKeys::AsCustomer(std::string_view customer, std::string_view rep,
                                       std::int64_t registered_at_ms) const {
  return CustomerRecord{.customer = customer,
                        .rep = rep,
                        .registered_at_ms = registered_at_ms,
                        .email = email,
                        .phone = phone,
                        .domain = domain,
                        .company = company,
                        .country = country,
                        .company_location = company_location,
                        .contact = contact,
                        .street = street,
                        .locality = locality,
                        .postcode = postcode,
                        .region = region};
}

}  // namespace leadd::dedupe
