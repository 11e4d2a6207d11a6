// Random conditions and leads for property tests of the condition checks. Values come from a
// small common set, in mixed case, so that tests both hit and miss.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "config/condition.h"
#include "core/lead.h"

namespace leadd::router::testing {

inline int Below(std::mt19937& random, int n) {
  return std::uniform_int_distribution<int>(0, n - 1)(random);
}

inline const std::string& PickFrom(std::mt19937& random, const std::vector<std::string>& from) {
  return from[static_cast<std::size_t>(Below(random, static_cast<int>(from.size())))];
}

// Up to `depth` levels of all/any/not over one-of lists (1-3 values, sometimes negated),
// patterns, bounds, presence and owner matches.
inline config::Condition RandomCondition(std::mt19937& random, int depth) {
  using namespace config;
  static const std::vector<std::string> kValues = {"DE",  "de", "CN",       "alibaba",
                                                   "web", "",   "Acme GmbH"};
  static const LeadField kFields[] = {LeadField::kCountry, LeadField::kSource, LeadField::kCompany,
                                      LeadField::kEmailDomain, LeadField::kEstimatedValue};
  const int kind = Below(random, depth > 0 ? 8 : 5);
  const LeadField field = kFields[Below(random, 5)];
  switch (kind) {
    case 0: {
      std::vector<std::string> values;
      for (int i = Below(random, 3); i >= 0; --i) values.push_back(PickFrom(random, kValues));
      return {FieldTest{field, OneOf{std::move(values), Below(random, 3) == 0}}};
    }
    case 1: {
      const std::string pattern = Below(random, 2) == 1 ? "(?i)gmbh$" : "^[a-c]";
      return {FieldTest{field, Pattern{pattern, std::make_shared<const re2::RE2>(pattern)}}};
    }
    case 2:
      return {FieldTest{
          field, Range{{{Comparison::kGte, 100.0 * Below(random, 20)}, {Comparison::kLt, 1500}}}}};
    case 3:
      return {FieldTest{field, Presence{Below(random, 2) == 1}}};
    case 4:
      return {OwnerMatchTest{Below(random, 2) == 1}};
    default: {
      std::vector<Condition> parts;
      for (int i = Below(random, 4); i > 0; --i)
        parts.push_back(RandomCondition(random, depth - 1));
      if (kind == 5) return {AllOf{std::move(parts)}};
      if (kind == 6) return {AnyOf{std::move(parts)}};
      return {NoneOf{std::move(parts)}};
    }
  }
}

inline Lead RandomLead(std::mt19937& random) {
  Lead lead;
  lead.country = PickFrom(random, {"DE", "de", "CN", ""});
  lead.source = PickFrom(random, {"alibaba", "Alibaba", "web", ""});
  lead.company = PickFrom(random, {"Acme GmbH", "acme gmbh", "Beta Ltd", ""});
  lead.email = PickFrom(random, {"a@Alibaba.com", "b@de", "c@DE", "nobody", ""});
  lead.estimated_value = PickFrom(random, {"120", "1200", "99999", "x", "", "nan"});
  return lead;
}

}  // namespace leadd::router::testing
