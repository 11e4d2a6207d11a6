// RuleIndex: rules a lead cannot meet, ruled out by the one-of lists their `when:` requires.
#include "router/rule_index.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "router/condition_check.h"
#include "tests/unit/router/random_conditions.h"

namespace leadd::router {
namespace {

using config::Condition;
using config::LeadField;

Condition Is(LeadField field, std::vector<std::string> values, bool negated = false) {
  return {config::FieldTest{field, config::OneOf{std::move(values), negated}}};
}

config::Rule RuleWhen(std::string name, Condition when) {
  return {std::move(name), config::OwnerStrategy{}, std::move(when)};
}

TEST(RuleIndexTest, RulesOutByTheRequiredListsOnly) {
  const RuleIndex index({
      RuleWhen("german", Is(LeadField::kCountry, {"DE", "AT"})),
      RuleWhen("web-in-cn", Condition{config::AllOf{{Is(LeadField::kSource, {"web"}),
                                                     Is(LeadField::kCountry, {"cn"})}}}),
      RuleWhen("not-web", Is(LeadField::kSource, {"web"}, /*negated=*/true)),
      RuleWhen("either", Condition{config::AnyOf{
                             {Is(LeadField::kSource, {"expo"}), Is(LeadField::kCountry, {"FR"})}}}),
      RuleWhen("always", config::Always()),
  });
  Lead lead;
  lead.country = "de";
  lead.source = "Web";
  const auto screen = index.ScreenFor(lead);
  EXPECT_TRUE(screen.Possible(0));  // lists compare without ASCII case
  EXPECT_FALSE(screen.Possible(1));
  EXPECT_EQ(screen.RuledOutBy(1), "country");
  // Negated lists and alternatives say nothing every lead must have: the full check decides.
  EXPECT_TRUE(screen.Possible(2));
  EXPECT_TRUE(screen.Possible(3));
  EXPECT_TRUE(screen.Possible(4));
}

TEST(RuleIndexTest, TwoListsOnOneFieldLeaveTheirCommonValues) {
  const RuleIndex index({RuleWhen(
      "de-only", Condition{config::AllOf{
                     {Is(LeadField::kCountry, {"DE", "FR"}),
                      Condition{config::AllOf{{Is(LeadField::kCountry, {"de", "AT"})}}}}}})});
  Lead lead;
  lead.country = "FR";
  EXPECT_FALSE(index.ScreenFor(lead).Possible(0));
  lead.country = "DE";
  EXPECT_TRUE(index.ScreenFor(lead).Possible(0));
}

TEST(RuleIndexTest, NeverRulesOutARuleTheLeadMeets) {
  std::mt19937 random(5002);
  for (int round = 0; round < 200; ++round) {
    std::vector<config::Rule> rules;
    for (int i = 0; i < 70; ++i) {  // more than one 64-bit word of rules
      rules.push_back(RuleWhen("r" + std::to_string(i), testing::RandomCondition(random, 3)));
    }
    const RuleIndex index(rules);
    for (int n = 0; n < 50; ++n) {
      const Lead lead = testing::RandomLead(random);
      const auto screen = index.ScreenFor(lead);
      for (std::uint32_t i = 0; i < rules.size(); ++i) {
        std::string_view settled_by;
        if (Meets(rules[i].when, LeadFacts{lead, false}, settled_by)) {
          EXPECT_TRUE(screen.Possible(i)) << "round " << round << " rule " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace leadd::router
