// CheckCondition: a rule's `when:` against a lead, with the sentence for the trace.
#include "router/condition_check.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <memory>
#include <random>

#include <string>
#include <utility>
#include <vector>
#include "tests/unit/router/random_conditions.h"

namespace leadd::router {
namespace {

using config::AllOf;
using config::AnyOf;
using config::Bound;
using config::Comparison;
using config::Condition;
using config::FieldTest;
using config::LeadField;
using config::NoneOf;
using config::OneOf;
using config::OwnerMatchTest;
using config::Pattern;
using config::Presence;
using config::Range;

Condition Is(LeadField field, std::vector<std::string> values, bool negated = false) {
  return Condition{FieldTest{field, OneOf{std::move(values), negated}}};
}
Condition Matches(LeadField field, const std::string& pattern) {
  return Condition{FieldTest{field, Pattern{pattern, std::make_shared<const RE2>(pattern)}}};
}
Condition Within(LeadField field, std::vector<Bound> bounds) {
  return Condition{FieldTest{field, Range{std::move(bounds)}}};
}

Lead MarketplaceLead() {
  Lead lead;
  lead.source = "Alibaba";
  lead.account = "main";
  lead.country = "DE";
  lead.company = "Müller Maschinenbau GmbH";
  lead.email = "Einkauf@Mueller-Maschinen.DE";
  lead.estimated_value = "120000";
  return lead;
}

ConditionResult Check(const Condition& condition, const Lead& lead, bool owner = false) {
  return CheckCondition(condition, LeadFacts{lead, owner});
}

TEST(ConditionCheckTest, OneValueComparesAsciiWithoutCase) {
  const auto result = Check(Is(LeadField::kSource, {"alibaba"}), MarketplaceLead());
  EXPECT_TRUE(result.holds);
  EXPECT_EQ(result.why, "source 'Alibaba' is alibaba");
  EXPECT_FALSE(Check(Is(LeadField::kSource, {"alibab"}), MarketplaceLead()).holds);
}

TEST(ConditionCheckTest, ListIsOneOfAndNotIsNoneOf) {
  const auto lead = MarketplaceLead();
  const auto listed = Check(Is(LeadField::kCountry, {"FR", "DE", "NL"}), lead);
  EXPECT_TRUE(listed.holds);
  EXPECT_EQ(listed.why, "country 'DE' is one of FR, DE, NL");
  const auto excluded = Check(Is(LeadField::kAccount, {"main"}, true), lead);
  EXPECT_FALSE(excluded.holds);
  EXPECT_EQ(excluded.why, "account 'main' is main, which the rule excludes");
  const auto other = Check(Is(LeadField::kCountry, {"US", "GB"}, true), lead);
  EXPECT_TRUE(other.holds);
  EXPECT_EQ(other.why, "country 'DE' is not one of US, GB");
}

TEST(ConditionCheckTest, NonAsciiTextComparesExactly) {
  Lead lead;
  lead.region = "广东";
  EXPECT_TRUE(Check(Is(LeadField::kRegion, {"广东"}), lead).holds);
  EXPECT_FALSE(Check(Is(LeadField::kRegion, {"广西"}), lead).holds);
}

TEST(ConditionCheckTest, PatternIsFoundAnywhere) {
  const auto lead = MarketplaceLead();
  const auto found = Check(Matches(LeadField::kCompany, "(?i)gmbh$"), lead);
  EXPECT_TRUE(found.holds);
  EXPECT_EQ(found.why, "company 'Müller Maschinenbau GmbH' matches (?i)gmbh$");
  EXPECT_FALSE(Check(Matches(LeadField::kCompany, "^GmbH"), lead).holds);
}

TEST(ConditionCheckTest, EmailDomainIsTheLowerCasedPartAfterTheAt) {
  const auto lead = MarketplaceLead();
  EXPECT_EQ(FieldValue(lead, LeadField::kEmailDomain), "mueller-maschinen.de");
  EXPECT_TRUE(Check(Is(LeadField::kEmailDomain, {"mueller-maschinen.de"}), lead).holds);
  Lead no_email;
  EXPECT_EQ(FieldValue(no_email, LeadField::kEmailDomain), "");
}

TEST(ConditionCheckTest, NumericBoundsMustAllHold) {
  const auto lead = MarketplaceLead();
  const auto inside = Check(
      Within(LeadField::kEstimatedValue, {{Comparison::kGte, 100000}, {Comparison::kLt, 500000}}),
      lead);
  EXPECT_TRUE(inside.holds);
  EXPECT_EQ(inside.why, "estimated_value '120000' is >= 100000 and < 500000");
  const auto above = Check(
      Within(LeadField::kEstimatedValue, {{Comparison::kLte, 120000}, {Comparison::kGt, 120000}}),
      lead);
  EXPECT_FALSE(above.holds);
  EXPECT_EQ(above.why, "estimated_value '120000' is not > 120000");
}

TEST(ConditionCheckTest, ANonNumberNeverMeetsABound) {
  Lead lead;
  for (const std::string text : {"", "12k", "1,000", "nan", "inf", " 5"}) {
    lead.estimated_value = text;
    const auto result = Check(Within(LeadField::kEstimatedValue, {{Comparison::kGte, 0}}), lead);
    EXPECT_FALSE(result.holds) << text;
    EXPECT_EQ(result.why, "estimated_value '" + text + "' is not a number");
  }
}

TEST(ConditionCheckTest, PresenceLooksAtEmptiness) {
  const auto lead = MarketplaceLead();
  EXPECT_TRUE(Check(Condition{FieldTest{LeadField::kRegion, Presence{false}}}, lead).holds);
  const auto present = Check(Condition{FieldTest{LeadField::kCountry, Presence{false}}}, lead);
  EXPECT_FALSE(present.holds);
  EXPECT_EQ(present.why, "country is present");
}

TEST(ConditionCheckTest, OwnerMatchFollowsDedupe) {
  const auto lead = MarketplaceLead();
  EXPECT_TRUE(Check(Condition{OwnerMatchTest{true}}, lead, true).holds);
  EXPECT_FALSE(Check(Condition{OwnerMatchTest{true}}, lead, false).holds);
  const auto none = Check(Condition{OwnerMatchTest{false}}, lead, false);
  EXPECT_TRUE(none.holds);
  EXPECT_EQ(none.why, "dedupe found no owner");
}

TEST(ConditionCheckTest, AllNeedsEveryPartAndSaysWhichFailed) {
  const auto lead = MarketplaceLead();
  const Condition both{
      AllOf{{Is(LeadField::kSource, {"alibaba"}), Is(LeadField::kAccount, {"main"})}}};
  const auto held = Check(both, lead);
  EXPECT_TRUE(held.holds);
  EXPECT_EQ(held.why, "source 'Alibaba' is alibaba, account 'main' is main");
  const Condition one_fails{
      AllOf{{Is(LeadField::kSource, {"alibaba"}), Is(LeadField::kCountry, {"US"})}}};
  const auto failed = Check(one_fails, lead);
  EXPECT_FALSE(failed.holds);
  EXPECT_EQ(failed.why, "country 'DE' is not US");
}

TEST(ConditionCheckTest, AnEmptyAllAlwaysHolds) {
  const auto result = Check(config::Always(), Lead{});
  EXPECT_TRUE(result.holds);
  EXPECT_EQ(result.why, "no condition");
}

TEST(ConditionCheckTest, AnyNeedsOnePartAndListsEveryMiss) {
  const auto lead = MarketplaceLead();
  const Condition expo_or_big{
      AnyOf{{Is(LeadField::kSource, {"expo"}),
             Within(LeadField::kEstimatedValue, {{Comparison::kGte, 100000}})}}};
  const auto held = Check(expo_or_big, lead);
  EXPECT_TRUE(held.holds);
  EXPECT_EQ(held.why, "estimated_value '120000' is >= 100000");
  const Condition neither{
      AnyOf{{Is(LeadField::kSource, {"expo"}), Is(LeadField::kCountry, {"US"})}}};
  const auto missed = Check(neither, lead);
  EXPECT_FALSE(missed.holds);
  EXPECT_EQ(missed.why, "none of: source 'Alibaba' is not expo, country 'DE' is not US");
}

TEST(ConditionCheckTest, NotHoldsWhenNoPartDoes) {
  const auto lead = MarketplaceLead();
  const Condition not_expo{NoneOf{{Is(LeadField::kSource, {"expo"})}}};
  const auto held = Check(not_expo, lead);
  EXPECT_TRUE(held.holds);
  EXPECT_EQ(held.why, "source 'Alibaba' is not expo");
  const Condition not_alibaba{NoneOf{{Is(LeadField::kSource, {"alibaba"})}}};
  const auto failed = Check(not_alibaba, lead);
  EXPECT_FALSE(failed.holds);
  EXPECT_EQ(failed.why, "but source 'Alibaba' is alibaba");
}

TEST(ConditionCheckTest, EmptyListsDecideWithoutParts) {
  // The loader refuses empty lists; the checker still answers sensibly.
  EXPECT_TRUE(Check(Condition{AllOf{}}, Lead{}).holds);
  EXPECT_FALSE(Check(Condition{AnyOf{}}, Lead{}).holds);
  const auto none = Check(Condition{NoneOf{}}, Lead{});
  EXPECT_TRUE(none.holds);
  EXPECT_EQ(none.why, "no condition");
}

TEST(ConditionCheckTest, NestedConditionsCompose) {
  // DOMAIN rule 3: marketplace inquiries on a sub-account (anything but the main account).
  const Condition sub_account{AllOf{{Is(LeadField::kSource, {"alibaba", "indiamart"}),
                                     Condition{NoneOf{{Is(LeadField::kAccount, {"main"})}}}}}};
  auto lead = MarketplaceLead();
  EXPECT_FALSE(Check(sub_account, lead).holds);
  lead.account = "alice_sub1";
  EXPECT_TRUE(Check(sub_account, lead).holds);
  lead.source = "web";
  EXPECT_FALSE(Check(sub_account, lead).holds);
}

TEST(ConditionCheckTest, MeetsAgreesWithCheckConditionOnRandomConditions) {
  std::mt19937 random(5001);
  for (int n = 0; n < 20000; ++n) {
    const Condition condition = testing::RandomCondition(random, 3);
    const Lead lead = testing::RandomLead(random);
    const bool owner = n % 3 == 0;
    std::string_view settled_by;
    EXPECT_EQ(Meets(condition, LeadFacts{lead, owner}, settled_by),
              Check(condition, lead, owner).holds)
        << "case " << n << ": " << Check(condition, lead, owner).why;
  }
}

TEST(ConditionCheckTest, MeetsNamesTheTestThatSettledIt) {
  const auto lead = MarketplaceLead();
  std::string_view settled_by;
  const Condition german_web{
      AllOf{{Is(LeadField::kCountry, {"DE"}), Is(LeadField::kSource, {"web"})}}};
  EXPECT_FALSE(Meets(german_web, LeadFacts{lead, false}, settled_by));
  EXPECT_EQ(settled_by, "source");
  const Condition not_main{NoneOf{{Is(LeadField::kAccount, {"main"})}}};
  EXPECT_FALSE(Meets(not_main, LeadFacts{lead, false}, settled_by));
  EXPECT_EQ(settled_by, "account");
  EXPECT_FALSE(Meets(Condition{OwnerMatchTest{true}}, LeadFacts{lead, false}, settled_by));
  EXPECT_EQ(settled_by, "match");
  // The domain is compared without case, and patterns see it in lower case.
  EXPECT_TRUE(Meets(Is(LeadField::kEmailDomain, {"mueller-maschinen.de"}), LeadFacts{lead, false},
                    settled_by));
  EXPECT_TRUE(
      Meets(Matches(LeadField::kEmailDomain, "^mueller"), LeadFacts{lead, false}, settled_by));
}

}  // namespace
}  // namespace leadd::router
