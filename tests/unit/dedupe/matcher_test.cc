// FindOwner: exact keys in order of strength, keys that name nobody, contested leads, company
// names matched fuzzily with their country, and explanations free of the keys themselves.
#include "dedupe/matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace leadd::dedupe {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Verdict = MatchFinding::Verdict;

class MatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    acme_ = index_.Add(CustomerRecord{"C-1", "alice", 1000, "jane@acme.example", "+4930123456",
                                      "acme.example", "acme precision tools", "DE"});
    globex_ = index_.Add(CustomerRecord{"C-2", "bob", 2000, "hank@globex.example", "+12125550100",
                                        "globex.example", "globex", "US"});
    huawei_ = index_.Add(
        CustomerRecord{"C-3", "carol", 3000, "", "+8675528780808", "", "深圳市华为技术", "CN"});
  }

  MatchFinding Find(const LeadKeys& lead) { return FindOwner(index_, lead, MatchThresholds{}); }

  OwnerIndex index_;
  OwnerIndex::Id acme_ = 0;
  OwnerIndex::Id globex_ = 0;
  OwnerIndex::Id huawei_ = 0;
};

TEST_F(MatcherTest, AnExactEmailIsTheOwner) {
  const auto found = Find(LeadKeys{"jane@acme.example", "", "", "", ""});
  EXPECT_EQ(found.verdict, Verdict::kOwner);
  EXPECT_EQ(found.customer, acme_);
  EXPECT_DOUBLE_EQ(found.score, 1.0);
  EXPECT_THAT(found.agreed, ElementsAre("email"));
}

TEST_F(MatcherTest, APhoneOrACompanyDomainAloneIsTheOwnerToo) {
  auto found = Find(LeadKeys{"", "+12125550100", "", "", ""});
  EXPECT_EQ(found.verdict, Verdict::kOwner);
  EXPECT_EQ(found.customer, globex_);
  found = Find(LeadKeys{"new.buyer@acme.example", "", "acme.example", "", ""});
  EXPECT_EQ(found.verdict, Verdict::kOwner);
  EXPECT_EQ(found.customer, acme_);
  EXPECT_THAT(found.agreed, ElementsAre("company domain"));
}

TEST_F(MatcherTest, KeysThatDifferLowerTheScoreAndSaySo) {
  // Jane writes from another phone and from France: still her email, but now for review.
  const auto found = Find(LeadKeys{"jane@acme.example", "+33140000000", "", "", "FR"});
  EXPECT_EQ(found.customer, acme_);
  EXPECT_THAT(found.disagreed, ElementsAre("phone", "country"));
  EXPECT_NEAR(found.score, 0.88, 1e-9);
  EXPECT_EQ(found.verdict, Verdict::kReview);
}

TEST_F(MatcherTest, KeysNamingTwoRepsCustomersAreContested) {
  const auto found = Find(LeadKeys{"jane@acme.example", "+12125550100", "", "", ""});
  EXPECT_EQ(found.verdict, Verdict::kReview);
  EXPECT_EQ(found.customer, acme_) << "the stronger key's customer is the one flagged";
  EXPECT_THAT(found.notes, ElementsAre("phone names customer C-2 of bob instead",
                                       "keys name customers of different reps: an admin decides"));
}

TEST_F(MatcherTest, ASharedSwitchboardIsNoMatch) {
  index_.Add(CustomerRecord{"C-4", "dave", 4000, "", "+4930123456", "", "", "DE"});
  const auto found = Find(LeadKeys{"", "+4930123456", "", "", ""});
  EXPECT_EQ(found.verdict, Verdict::kNone);
  EXPECT_FALSE(found.customer);
  EXPECT_THAT(found.notes, ElementsAre("phone is shared by 2 customers of different reps, so it "
                                       "names none of them"));
}

TEST_F(MatcherTest, ACompanyNameMatchesFuzzilyWithItsCountry) {
  auto found = Find(LeadKeys{"", "", "", "acme precision tool", "DE"});
  EXPECT_EQ(found.customer, acme_);
  EXPECT_EQ(found.verdict, Verdict::kOwner) << found.score;
  EXPECT_THAT(found.agreed, ElementsAre(HasSubstr("company name 0."), "country"));

  // The same name from another country is a different company as often as not: flagged at
  // best, and here not even that.
  found = Find(LeadKeys{"", "", "", "acme precision tool", "BR"});
  EXPECT_EQ(found.verdict, Verdict::kNone);
  EXPECT_FALSE(found.customer) << "a candidate below review is nobody";
  found = FindOwner(index_, LeadKeys{"", "", "", "acme precision tool", "BR"},
                    MatchThresholds{0.92, 0.6});
  EXPECT_EQ(found.verdict, Verdict::kReview);
  EXPECT_THAT(found.disagreed, ElementsAre("country"));

  // One character more ("市", city) in a name of seven: flagged for review, not taken.
  found = Find(LeadKeys{"", "", "", "深圳华为技术", "CN"});
  EXPECT_EQ(found.customer, huawei_);
  EXPECT_EQ(found.verdict, Verdict::kReview) << found.score;
}

TEST_F(MatcherTest, OneSharedWordIsNotTheSameCompany) {
  const auto found = Find(LeadKeys{"", "", "", "acme foods", "DE"});
  EXPECT_EQ(found.verdict, Verdict::kNone) << found.score;
  EXPECT_FALSE(Find(LeadKeys{"", "", "", "initech", ""}).customer);
  EXPECT_EQ(Find(LeadKeys{}).verdict, Verdict::kNone);
}

TEST_F(MatcherTest, TheExplanationNamesKeysNotTheirValues) {
  const auto found = Find(LeadKeys{"jane@acme.example", "+33140000000", "", "", "DE"});
  const std::string text = found.Explanation(index_);
  EXPECT_EQ(text,
            "owner: customer C-1 of alice, score 0.94; agreed: email, country; disagreed: phone");
  EXPECT_THAT(text, Not(HasSubstr("jane")));
  EXPECT_THAT(text, Not(HasSubstr("+33")));
  EXPECT_EQ(Find(LeadKeys{"", "", "", "initech", ""}).Explanation(index_), "no owner");
}

TEST_F(MatcherTest, ThresholdsComeFromTheCaller) {
  const LeadKeys lead{"jane@acme.example", "+33140000000", "", "", "FR"};
  EXPECT_EQ(FindOwner(index_, lead, MatchThresholds{0.85, 0.5}).verdict, Verdict::kOwner);
  EXPECT_EQ(FindOwner(index_, lead, MatchThresholds{0.99, 0.95}).verdict, Verdict::kNone);
}

}  // namespace
}  // namespace leadd::dedupe
