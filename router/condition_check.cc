#include "router/condition_check.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "core/ascii.h"

namespace leadd::router {
namespace {

using config::Comparison;

constexpr std::string_view kNoneOf = "none of: ";

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  // from_chars also reads "nan" and "inf", which no bound should ever be compared with.
  if (error != std::errc() || ptr != end || text.empty() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out;
}

std::string_view OperatorText(Comparison op) {
  switch (op) {
    case Comparison::kLt:
      return "<";
    case Comparison::kLte:
      return "<=";
    case Comparison::kGt:
      return ">";
    case Comparison::kGte:
      return ">=";
  }
  return "?";
}

bool Compare(double value, const config::Bound& bound) {
  switch (bound.op) {
    case Comparison::kLt:
      return value < bound.value;
    case Comparison::kLte:
      return value <= bound.value;
    case Comparison::kGt:
      return value > bound.value;
    case Comparison::kGte:
      return value >= bound.value;
  }
  return false;
}

}  // namespace

std::string NumberText(double value) {
  std::string text(32, '\0');
  // Fixed, not the shortest form: admins wrote 100000, not 1e+05.
  const auto [end, error] =
      std::to_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  text.resize(error == std::errc() ? static_cast<std::size_t>(end - text.data()) : 0);
  return text;
}

namespace {

ConditionResult CheckField(const config::FieldTest& test, const Lead& lead) {
  const std::string name(config::FieldName(test.field));
  const std::string value = FieldValue(lead, test.field);
  const std::string subject = name + " " + Quoted(value);
  return std::visit(
      [&](const auto& kind) -> ConditionResult {
        using T = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<T, config::OneOf>) {
          const bool listed =
              std::any_of(kind.values.begin(), kind.values.end(),
                          [&](const auto& v) { return EqualsIgnoringAsciiCase(v, value); });
          const bool holds = listed != kind.negated;
          const std::string list =
              kind.values.size() == 1 ? kind.values.front() : "one of " + Joined(kind.values);
          std::string why = subject + (listed ? " is " : " is not ") + list;
          if (kind.negated && listed) why += ", which the rule excludes";
          return {holds, why};
        } else if constexpr (std::is_same_v<T, config::Pattern>) {
          const bool found = RE2::PartialMatch(value, *kind.regex);
          return {found, subject + (found ? " matches " : " does not match ") + kind.text};
        } else if constexpr (std::is_same_v<T, config::Range>) {
          const auto number = ParseNumber(value);
          if (!number) return {false, subject + " is not a number"};
          for (const auto& bound : kind.bounds) {
            if (!Compare(*number, bound)) {
              return {false, subject + " is not " + std::string(OperatorText(bound.op)) + " " +
                                 NumberText(bound.value)};
            }
          }
          std::string why = subject + " is";
          for (std::size_t i = 0; i < kind.bounds.size(); ++i) {
            why += (i == 0 ? " " : " and ") + std::string(OperatorText(kind.bounds[i].op)) + " " +
                   NumberText(kind.bounds[i].value);
          }
          return {true, why};
        } else {
          const bool present = !value.empty();
          return {present == kind.present, name + (present ? " is present" : " is empty")};
        }
      },
      test.test);
}

// Checks the parts in order until one comes out `decisive` (a miss for all:, a hit for any:),
// which is then the answer with its reason; otherwise the opposite, with every part's reason.
ConditionResult CheckParts(const std::vector<config::Condition>& parts, const LeadFacts& facts,
                           bool decisive) {
  std::vector<std::string> reasons;
  for (const auto& part : parts) {
    auto result = CheckCondition(part, facts);
    if (result.holds == decisive) return result;
    reasons.push_back(std::move(result.why));
  }
  if (reasons.empty()) return {!decisive, "no condition"};
  return {!decisive, (decisive ? std::string(kNoneOf) : "") + Joined(reasons)};
}

}  // namespace

std::string_view FieldView(const Lead& lead, config::LeadField field) {
  using config::LeadField;
  switch (field) {
    case LeadField::kSource:
      return lead.source;
    case LeadField::kChannel:
      return lead.channel;
    case LeadField::kAccount:
      return lead.account;
    case LeadField::kReceivedBy:
      return lead.received_by;
    case LeadField::kCountry:
      return lead.country;
    case LeadField::kRegion:
      return lead.region;
    case LeadField::kProduct:
      return lead.product;
    case LeadField::kGrade:
      return lead.grade;
    case LeadField::kCompany:
      return lead.company;
    case LeadField::kEmailDomain: {
      const auto at = lead.email.rfind('@');
      if (at == std::string::npos) return {};
      return std::string_view(lead.email).substr(at + 1);
    }
    case LeadField::kEstimatedValue:
      return lead.estimated_value;
  }
  return {};
}

std::string FieldValue(const Lead& lead, config::LeadField field) {
  const std::string_view value = FieldView(lead, field);
  return field == config::LeadField::kEmailDomain ? AsciiLowered(value) : std::string(value);
}

ConditionResult CheckCondition(const config::Condition& condition, const LeadFacts& facts) {
  return std::visit(
      [&](const auto& node) -> ConditionResult {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, config::AllOf>) {
          return CheckParts(node.parts, facts, false);
        } else if constexpr (std::is_same_v<T, config::AnyOf>) {
          return CheckParts(node.parts, facts, true);
        } else if constexpr (std::is_same_v<T, config::NoneOf>) {
          auto any = CheckParts(node.parts, facts, true);
          if (any.holds) return {false, "but " + any.why};
          // Each miss already says "is not".
          std::string_view misses = any.why;
          if (misses.starts_with(kNoneOf)) misses.remove_prefix(kNoneOf.size());
          return {true, std::string(misses)};
        } else if constexpr (std::is_same_v<T, config::FieldTest>) {
          return CheckField(node, facts.lead);
        } else {
          const bool holds = node.owner_found == facts.owner_found;
          return {holds, facts.owner_found ? "dedupe found an owner" : "dedupe found no owner"};
        }
      },
      condition.node);
}

namespace {

bool MeetsTest(const config::FieldTest& test, const Lead& lead) {
  const std::string_view value = FieldView(lead, test.field);
  return std::visit(
      [&](const auto& kind) {
        using T = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<T, config::OneOf>) {
          const bool listed =
              std::any_of(kind.values.begin(), kind.values.end(),
                          [&](const auto& v) { return EqualsIgnoringAsciiCase(v, value); });
          return listed != kind.negated;
        } else if constexpr (std::is_same_v<T, config::Pattern>) {
          // Patterns see the domain in lower case, as FieldValue gives it.
          if (test.field == config::LeadField::kEmailDomain) {
            return RE2::PartialMatch(AsciiLowered(value), *kind.regex);
          }
          return RE2::PartialMatch(value, *kind.regex);
        } else if constexpr (std::is_same_v<T, config::Range>) {
          const auto number = ParseNumber(value);
          return number && std::all_of(kind.bounds.begin(), kind.bounds.end(),
                                       [&](const auto& bound) { return Compare(*number, bound); });
        } else {
          return value.empty() != kind.present;
        }
      },
      test.test);
}

}  // namespace

bool Meets(const config::Condition& condition, const LeadFacts& facts,
           std::string_view& settled_by) {
  return std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, config::FieldTest>) {
          settled_by = config::FieldName(node.field);
          return MeetsTest(node, facts.lead);
        } else if constexpr (std::is_same_v<T, config::OwnerMatchTest>) {
          settled_by = "match";
          return node.owner_found == facts.owner_found;
        } else {
          // all: stops at the first miss, any: and not: at the first hit; that part settled it.
          constexpr bool kDecisive = !std::is_same_v<T, config::AllOf>;
          for (const auto& part : node.parts) {
            if (Meets(part, facts, settled_by) == kDecisive) {
              return std::is_same_v<T, config::AnyOf>;
            }
          }
          return !std::is_same_v<T, config::AnyOf>;
        }
      },
      condition.node);
}

}  // namespace leadd::router
