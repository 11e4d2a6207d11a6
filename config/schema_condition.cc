// The shape of a rule's `when:` (config/condition.h lists the forms).
#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "config/condition.h"
#include "config/nearest_name.h"
#include "config/schema.h"

namespace leadd::config {
namespace {

// Beyond this a condition is a program, not a rule; it also bounds the reader's recursion on
// hostile input.
constexpr std::size_t kMaxDepth = 16;

constexpr std::string_view kCombinators[] = {"all", "any", "not", "match"};
constexpr std::string_view kTestKeys[] = {"not", "matches", "lt", "lte", "gt", "gte", "present"};
constexpr std::pair<std::string_view, Comparison> kComparisons[] = {{"lt", Comparison::kLt},
                                                                    {"lte", Comparison::kLte},
                                                                    {"gt", Comparison::kGt},
                                                                    {"gte", Comparison::kGte}};

const std::vector<KeySpec>& ConditionKeys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> all;
    for (const auto name : kCombinators) all.push_back({name});
    for (const auto& field : kConditionFields) all.push_back({field.name});
    return all;
  }();
  return keys;
}

const std::vector<KeySpec>& TestKeys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> all;
    for (const auto name : kTestKeys) all.push_back({name});
    return all;
  }();
  return keys;
}

std::optional<Condition> ReadAt(const ValueRef& value, std::size_t depth, ProblemLog& log);

// One text, or a non-empty list of texts.
std::optional<std::vector<std::string>> ReadValues(const ValueRef& value, ProblemLog& log) {
  if (!value.node.IsSequence()) {
    auto text = ReadText(value, log);
    if (!text) return std::nullopt;
    return std::vector<std::string>{std::move(*text)};
  }
  const auto items = ReadList(value, log);
  if (!items) return std::nullopt;
  if (items->empty()) {
    log.Add(value.at, value.path, "must list at least one value");
    return std::nullopt;
  }
  std::vector<std::string> values;
  bool complete = true;
  for (const ValueRef& item : *items) {
    if (auto text = ReadText(item, log)) {
      values.push_back(std::move(*text));
    } else {
      complete = false;
    }
  }
  if (!complete) return std::nullopt;
  return values;
}

std::optional<Condition> ReadPattern(LeadField field, const ValueRef& value, ProblemLog& log) {
  auto text = ReadText(value, log);
  if (!text) return std::nullopt;
  RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_shared<const RE2>(*text, options);
  if (!regex->ok()) {
    log.Add(value.at, value.path,
            "is not a valid RE2 regular expression: " + regex->error() + " (in " +
                QuoteForMessage(*text) + ")");
    return std::nullopt;
  }
  return Condition{FieldTest{field, Pattern{std::move(*text), std::move(regex)}}};
}

// `field: {not: ..., matches: ..., gte: ..., present: ...}`: every key must hold.
std::optional<Condition> ReadFieldMapping(const FieldInfo& info, const ValueRef& value,
                                          ProblemLog& log) {
  const MappingReader tests(value, TestKeys(), log, "test");
  if (!tests.IsMapping()) return std::nullopt;
  if (value.node.size() == 0) {
    log.Add(value.at, value.path,
            "names no test; expected one of not, matches, lt, lte, gt, gte, present");
    return std::nullopt;
  }
  std::vector<Condition> parts;
  Range range;
  bool complete = tests.Entries().size() == value.node.size();  // else an unknown test was reported
  for (const auto& test : tests.Entries()) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::string& key = test.first;
    const ValueRef& entry = test.second;
    const auto comparison = std::find_if(std::begin(kComparisons), std::end(kComparisons),
                                         [&](const auto& c) { return c.first == key; });
    if (comparison != std::end(kComparisons)) {
      if (!info.numeric) {
        log.Add(
            entry.key_at, entry.path,
            std::string(info.name) + " is text: compare it with a value, a list, not: or matches:");
        complete = false;
      } else if (const auto number = ReadNumber(entry, log)) {
        range.bounds.push_back({comparison->second, *number});
      } else {
        complete = false;
      }
      continue;
    }
    std::optional<Condition> part;
    if (key == "not") {
      if (auto values = ReadValues(entry, log)) {
        part = Condition{FieldTest{info.field, OneOf{std::move(*values), true}}};
      }
    } else if (key == "matches") {
      part = ReadPattern(info.field, entry, log);
    } else {
      constexpr std::string_view kBooleans[] = {"false", "true"};
      if (const auto choice = ReadChoice(entry, kBooleans, "value", log)) {
        part = Condition{FieldTest{info.field, Presence{*choice == 1}}};
      }
    }
    if (part) {
      parts.push_back(std::move(*part));
    } else {
      complete = false;
    }
  }
  if (!complete) return std::nullopt;
  if (!range.bounds.empty()) parts.push_back(Condition{FieldTest{info.field, std::move(range)}});
  if (parts.size() == 1) return std::move(parts.front());
  return Condition{AllOf{std::move(parts)}};
}

std::optional<Condition> ReadFieldTest(const FieldInfo& info, const ValueRef& value,
                                       ProblemLog& log) {
  if (value.node.IsMap()) return ReadFieldMapping(info, value, log);
  if (info.numeric) {
    log.Add(value.at, value.path,
            std::string(info.name) + " is a number: compare it with {gte: 100000}, {lt: 500}, ...");
    return std::nullopt;
  }
  auto values = ReadValues(value, log);
  if (!values) return std::nullopt;
  return Condition{FieldTest{info.field, OneOf{std::move(*values), false}}};
}

// `all:`/`any:`: a non-empty list of conditions; `not:` also takes a single one.
std::optional<std::vector<Condition>> ReadParts(const ValueRef& value, bool single_allowed,
                                                std::size_t depth, ProblemLog& log) {
  if (single_allowed && value.node.IsMap()) {
    auto one = ReadAt(value, depth, log);
    if (!one) return std::nullopt;
    return std::vector<Condition>{std::move(*one)};
  }
  const auto items = ReadList(value, log);
  if (!items) return std::nullopt;
  if (items->empty()) {
    log.Add(value.at, value.path, "must list at least one condition");
    return std::nullopt;
  }
  std::vector<Condition> parts;
  bool complete = true;
  for (const ValueRef& item : *items) {
    if (auto part = ReadAt(item, depth, log)) {
      parts.push_back(std::move(*part));
    } else {
      complete = false;
    }
  }
  if (!complete) return std::nullopt;
  return parts;
}

std::optional<Condition> ReadMatch(const ValueRef& value, ProblemLog& log) {
  constexpr std::string_view kResults[] = {"none", "owner"};
  const auto choice = ReadChoice(value, kResults, "dedupe result", log);
  if (!choice) return std::nullopt;
  return Condition{OwnerMatchTest{*choice == 1}};
}

std::optional<Condition> ReadAt(const ValueRef& value, std::size_t depth, ProblemLog& log) {
  if (depth > kMaxDepth) {
    log.Add(value.at, value.path,
            "nests deeper than " + std::to_string(kMaxDepth) + " levels; split the rule instead");
    return std::nullopt;
  }
  const MappingReader keys(value, ConditionKeys(), log, "field");
  if (!keys.IsMapping()) return std::nullopt;
  if (keys.Entries().empty() && value.node.size() == 0) {
    log.Add(value.at, value.path,
            "names no condition; expected a field such as {source: web}, or any:, all:, not:, "
            "match:");
    return std::nullopt;
  }
  std::vector<Condition> parts;
  bool complete = keys.Entries().size() == value.node.size();  // else an unknown key was reported
  for (const auto& item : keys.Entries()) {
    const std::string& key = item.first;  // captured below: no structured binding (clang 14)
    const ValueRef& entry = item.second;
    std::optional<Condition> part;
    if (key == "all" || key == "any") {
      if (auto list = ReadParts(entry, false, depth + 1, log)) {
        part =
            key == "all" ? Condition{AllOf{std::move(*list)}} : Condition{AnyOf{std::move(*list)}};
      }
    } else if (key == "not") {
      if (auto list = ReadParts(entry, true, depth + 1, log))
        part = Condition{NoneOf{std::move(*list)}};
    } else if (key == "match") {
      part = ReadMatch(entry, log);
    } else {
      const auto* info = std::find_if(std::begin(kConditionFields), std::end(kConditionFields),
                                      [&](const FieldInfo& f) { return f.name == key; });
      part = ReadFieldTest(*info, entry, log);
    }
    if (part) {
      parts.push_back(std::move(*part));
    } else {
      complete = false;
    }
  }
  if (!complete) return std::nullopt;
  if (parts.size() == 1) return std::move(parts.front());
  return Condition{AllOf{std::move(parts)}};
}

}  // namespace

std::optional<double> ReadNumber(const ValueRef& value, ProblemLog& log) {
  if (value.node.IsScalar()) {
    const std::string& text = value.node.Scalar();
    double number = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, number);
    if (!text.empty() && error == std::errc() && ptr == end && std::isfinite(number)) {
      return number;
    }
  }
  log.Add(value.at, value.path,
          "expected a number such as 100000 or 2.5, got " + Describe(value.node));
  return std::nullopt;
}

std::optional<Condition> ReadCondition(const ValueRef& value, ProblemLog& log) {
  return ReadAt(value, 0, log);
}

}  // namespace leadd::config
