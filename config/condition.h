// Condition: a rule's `when:`, as data. Admins write it in YAML; the loader checks it and
// builds this tree; router/condition_check.h evaluates it against a lead.
//
//   when: {source: alibaba}                      the field equals (case-insensitively) the text
//   when: {country: [DE, FR, NL]}                one of the list
//   when: {account: {not: main}}                 none of (`not:` takes a text or a list)
//   when: {company: {matches: "(?i)gmbh$"}}      an RE2 pattern, found anywhere in the field
//   when: {estimated_value: {gte: 100000}}       numeric comparisons: lt, lte, gt, gte
//   when: {region: {present: false}}             the field is empty / not empty
//   when: {match: owner}                         dedupe found the customer's owner (or `none`)
//   when: {any: [{source: expo}, {grade: A}]}    at least one; `all:` every one; `not:` negation
// Several keys in one mapping must all hold.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace re2 {
class RE2;
}

namespace leadd::config {

// The lead fields a condition can test, and whether they compare as numbers.
enum class LeadField {
  kSource,
  kChannel,
  kAccount,
  kReceivedBy,
  kCountry,
  kRegion,
  kProduct,
  kGrade,
  kCompany,
  kEmailDomain,
  kEstimatedValue,
};

struct FieldInfo {
  std::string_view name;
  LeadField field;
  bool numeric;
};

// Every field by its YAML name, in the order the reference lists them.
inline constexpr FieldInfo kConditionFields[] = {
    {"source", LeadField::kSource, false},
    {"channel", LeadField::kChannel, false},
    {"account", LeadField::kAccount, false},
    {"received_by", LeadField::kReceivedBy, false},
    {"country", LeadField::kCountry, false},
    {"region", LeadField::kRegion, false},
    {"product", LeadField::kProduct, false},
    {"grade", LeadField::kGrade, false},
    {"company", LeadField::kCompany, false},
    {"email_domain", LeadField::kEmailDomain, false},
    {"estimated_value", LeadField::kEstimatedValue, true},
};

inline std::string_view FieldName(LeadField field) {
  for (const auto& info : kConditionFields) {
    if (info.field == field) return info.name;
  }
  return "?";
}

enum class Comparison { kLt, kLte, kGt, kGte };

struct OneOf {
  std::vector<std::string> values;
  bool negated = false;  // `not:`: none of them
};
struct Pattern {
  std::string text;                       // as written, for explanations
  std::shared_ptr<const re2::RE2> regex;  // compiled and checked at load
};
struct Bound {
  Comparison op;
  double value;
};
struct Range {
  std::vector<Bound> bounds;  // all must hold
};
struct Presence {
  bool present;
};
using FieldTestKind = std::variant<OneOf, Pattern, Range, Presence>;

struct FieldTest {
  LeadField field;
  FieldTestKind test;
};

// `match: owner` (true) or `match: none` (false).
struct OwnerMatchTest {
  bool owner_found;
};

struct Condition;
struct AllOf {
  std::vector<Condition> parts;
};
struct AnyOf {
  std::vector<Condition> parts;
};
struct NoneOf {  // `not:`
  std::vector<Condition> parts;
};

struct Condition {
  std::variant<AllOf, AnyOf, NoneOf, FieldTest, OwnerMatchTest> node;
};

// A rule without `when:` holds for every lead.
inline Condition Always() { return Condition{AllOf{}}; }
inline bool IsAlways(const Condition& condition) {
  const auto* all = std::get_if<AllOf>(&condition.node);
  return all != nullptr && all->parts.empty();
}

}  // namespace leadd::config
