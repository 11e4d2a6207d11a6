#include "router/coverage.h"

#include <algorithm>
#include <optional>
#include <set>

#include "core/ascii.h"
#include "router/router.h"

namespace leadd::router {
namespace {

using config::LeadField;

// Every value the condition compares `fields` with, as written.
void CollectValues(const config::Condition& condition, const std::vector<LeadField>& fields,
                   std::set<std::string>& values) {
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, config::FieldTest>) {
          const auto* one_of = std::get_if<config::OneOf>(&node.test);
          if (one_of != nullptr &&
              std::find(fields.begin(), fields.end(), node.field) != fields.end()) {
            values.insert(one_of->values.begin(), one_of->values.end());
          }
        } else if constexpr (!std::is_same_v<T, config::OwnerMatchTest>) {
          for (const auto& part : node.parts) CollectValues(part, fields, values);
        }
      },
      condition.node);
}

// The values named for `fields` by rules (and grades' `when:`), case folded to one spelling
// each, then kAnyOther.
std::vector<std::string> Segments(const config::DaemonSettings& settings,
                                  const std::vector<LeadField>& fields,
                                  const std::set<std::string>& more = {}) {
  std::set<std::string> named = more;
  for (const auto& rule : settings.rules) CollectValues(rule.when, fields, named);
  for (const auto& [name, grade] : settings.grades) {
    if (grade.when) CollectValues(*grade.when, fields, named);
  }
  std::vector<std::string> values;
  std::set<std::string> seen;
  for (const auto& value : named) {
    if (!value.empty() && seen.insert(AsciiLowered(value)).second) values.push_back(value);
  }
  values.emplace_back(kAnyOther);
  return values;
}

// A value that no list names, for kAnyOther.
std::string Concrete(const std::string& value) {
  return value == kAnyOther ? std::string("\x1f") + "other" : value;
}

// What the last rule tried said, or that no rule was for such a lead.
std::string LastWord(const Decision& decision) {
  if (decision.trace.empty()) return "no rule is for such a lead";
  const RuleTrace& last = decision.trace.back();
  return last.rule + " [" + last.strategy + "]: " + last.outcome;
}

}  // namespace

CoverageReport CheckCoverage(const config::DaemonSettings& settings, WallTime from, int days) {
  const Router router(settings);
  const bool hourly = std::any_of(settings.rules.begin(), settings.rules.end(),
                                  [](const config::Rule& rule) { return rule.on_duty_only; });
  std::set<std::string> rep_places;
  for (const auto& rep : settings.reps) rep_places.insert(rep.regions.begin(), rep.regions.end());
  const auto sources = Segments(settings, {LeadField::kSource});
  const auto places = Segments(settings, {LeadField::kCountry, LeadField::kRegion}, rep_places);
  std::set<std::string> grade_names;
  for (const auto& [name, grade] : settings.grades) grade_names.insert(name);
  std::vector<std::string> grades(grade_names.begin(), grade_names.end());
  grades.emplace_back(kAnyOther);

  CoverageReport report;
  report.from = std::chrono::floor<std::chrono::hours>(from);
  report.hours = hourly ? static_cast<std::size_t>(days) * 24 : 1;
  report.segments = sources.size() * places.size() * grades.size();
  for (const auto& source : sources) {
    for (const auto& place : places) {
      for (const auto& grade : grades) {
        Lead lead;
        lead.id = "coverage";
        lead.source = Concrete(source);
        // A place goes in both fields: a rule may name it as a country or as a region.
        lead.country = lead.region = Concrete(place);
        // Any other grade is a lead that comes without one: the router grades it by `when:`.
        if (grade != kAnyOther) lead.grade = grade;
        std::optional<CoverageGap> gap;
        for (std::size_t hour = 0; hour < report.hours; ++hour) {
          RoutingState state;
          state.now = report.from + std::chrono::hours(hour);
          const Decision decision = router.Decide(lead, std::nullopt, state);
          if (decision.Routed()) continue;
          if (!gap) gap = CoverageGap{source, place, grade, {}, LastWord(decision)};
          gap->hours.push_back(state.now);
        }
        if (gap) report.gaps.push_back(std::move(*gap));
      }
    }
  }
  return report;
}

}  // namespace leadd::router
