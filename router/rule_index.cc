#include "router/rule_index.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/ascii.h"
#include "router/condition_check.h"

namespace leadd::router {
namespace {

using ValueSet = std::set<std::string>;

// The one-of requirements a condition places on every lead that meets it: the un-negated
// lists among its parts that must all hold (the condition itself, or parts of `all:`, at any
// depth of `all:`). Two lists on one field both hold, so only their common values are left.
void CollectRequirements(const config::Condition& condition,
                         std::map<config::LeadField, ValueSet>& required) {
  if (const auto* all = std::get_if<config::AllOf>(&condition.node)) {
    for (const auto& part : all->parts) CollectRequirements(part, required);
    return;
  }
  const auto* test = std::get_if<config::FieldTest>(&condition.node);
  if (test == nullptr) return;
  const auto* one_of = std::get_if<config::OneOf>(&test->test);
  if (one_of == nullptr || one_of->negated) return;
  ValueSet values;
  for (const auto& value : one_of->values) values.insert(AsciiLowered(value));
  const auto [known, added] = required.try_emplace(test->field, std::move(values));
  if (!added) {
    ValueSet common;
    std::set_intersection(known->second.begin(), known->second.end(), values.begin(), values.end(),
                          std::inserter(common, common.end()));
    known->second = std::move(common);
  }
}

void Set(std::vector<std::uint64_t>& bits, std::size_t position) {
  bits[position / 64] |= std::uint64_t{1} << (position % 64);
}

}  // namespace

RuleIndex::RuleIndex(const std::vector<config::Rule>& rules) : words_((rules.size() + 63) / 64) {
  std::vector<std::map<config::LeadField, ValueSet>> requirements(rules.size());
  std::set<config::LeadField> indexed;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    CollectRequirements(rules[i].when, requirements[i]);
    for (const auto& [field, values] : requirements[i]) indexed.insert(field);
  }
  for (const config::LeadField field : indexed) {
    FieldIndex index{field, {}, Bits(words_, 0)};
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (!requirements[i].contains(field)) Set(index.unconstrained, i);
    }
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const auto required = requirements[i].find(field);
      if (required == requirements[i].end()) continue;
      for (const auto& value : required->second) {
        auto [accepting, added] = index.by_value.try_emplace(value, index.unconstrained);
        Set(accepting->second, i);
      }
    }
    fields_.push_back(std::move(index));
  }
}

RuleIndex::Screen RuleIndex::ScreenFor(const Lead& lead) const {
  Screen screen;
  screen.possible_.assign(words_, ~std::uint64_t{0});
  screen.looks_.reserve(fields_.size());
  std::string key;
  for (const auto& index : fields_) {
    key.assign(FieldView(lead, index.field));
    std::transform(key.begin(), key.end(), key.begin(), AsciiLower);
    const auto found = index.by_value.find(key);
    const Bits& accepting = found == index.by_value.end() ? index.unconstrained : found->second;
    for (std::size_t w = 0; w < words_; ++w) screen.possible_[w] &= accepting[w];
    screen.looks_.push_back({index.field, &accepting});
  }
  return screen;
}

std::string_view RuleIndex::Screen::RuledOutBy(std::uint32_t position) const {
  for (const auto& look : looks_) {
    if (((*look.accepting)[position / 64] >> (position % 64) & 1U) == 0) {
      return config::FieldName(look.field);
    }
  }
  return {};
}

}  // namespace leadd::router
