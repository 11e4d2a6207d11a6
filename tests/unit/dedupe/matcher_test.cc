// FindOwner: exact keys in order of strength, keys that name nobody, contested leads, company
// names matched fuzzily with their country, and explanations free of the keys themselves.
#include "dedupe/matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "dedupe/company_key.h"

namespace leadd::dedupe {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
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

// A person's name is evidence only with something a namesake would not share: the postcode,
// the street, the locality, an email or a phone.
class ContactMatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mia_ = index_.Add(CustomerRecord{.customer = "P-1",
                                     .rep = "alice",
                                     .country = "AU",
                                     .contact = "mia white",
                                     .street = "6 national circuit sec 301",
                                     .locality = "narembeen",
                                     .postcode = "2765",
                                     .region = "nsw"});
    oliver_ = index_.Add(CustomerRecord{.customer = "P-2",
                                        .rep = "bob",
                                        .email = "o.griffiths90@reyes-coleman.com",
                                        .contact = "griffiths oliver",
                                        .locality = "luton"});
  }

  MatchFinding Find(const LeadKeys& lead) { return FindOwner(index_, lead, MatchThresholds{}); }

  OwnerIndex index_;
  OwnerIndex::Id mia_ = 0;
  OwnerIndex::Id oliver_ = 0;
};

TEST_F(ContactMatcherTest, ANameWithItsAddressIsTheOwnerDespiteTypos) {
  const auto found = Find(LeadKeys{.country = "AU",
                                   .contact = "mia wnite",
                                   .street = "6 nationl circuit sec 301",
                                   .locality = "narembeen",
                                   .postcode = "2765",
                                   .region = "nsw"});
  EXPECT_EQ(found.customer, mia_);
  EXPECT_EQ(found.verdict, Verdict::kOwner) << found.score;
  EXPECT_THAT(found.agreed, ElementsAre(HasSubstr("contact name"), "postcode", "locality", "street",
                                        "region", "country"));
  // The address lines swapped and the number glued to nothing still agree.
  EXPECT_EQ(
      Find(LeadKeys{
               .contact = "mia white", .street = "6 sec 301 national circuit", .postcode = "2765"})
          .verdict,
      Verdict::kOwner);
}

TEST_F(ContactMatcherTest, ANameAloneIsForReview) {
  auto found = Find(LeadKeys{.contact = "mia white"});
  EXPECT_EQ(found.customer, mia_);
  EXPECT_EQ(found.verdict, Verdict::kReview) << found.score;
  // Surname first is the same name.
  found = Find(LeadKeys{.contact = "oliver griffiths"});
  EXPECT_EQ(found.customer, oliver_);
  EXPECT_EQ(found.verdict, Verdict::kReview) << found.score;
  // Nor with the owner rule's threshold lowered below the cap.
  EXPECT_EQ(FindOwner(index_, LeadKeys{.contact = "mia white"}, MatchThresholds{0.5, 0.4}).verdict,
            Verdict::kReview);
  // A bare given name, even in the same town: not the owner.
  found = Find(LeadKeys{.contact = "oliver", .locality = "luton"});
  EXPECT_NE(found.verdict, Verdict::kOwner) << found.score;
  // With the town and a typo'd copy of the email, it is.
  found = Find(LeadKeys{.email = "o.grifiths90@reyes-coleman.com",
                        .contact = "oliver griffiths",
                        .locality = "lutn"});
  EXPECT_EQ(found.customer, oliver_);
  EXPECT_EQ(found.verdict, Verdict::kOwner) << found.score;
}

TEST_F(ContactMatcherTest, ANamesakeElsewhereIsNotTheOwner) {
  const auto found = Find(LeadKeys{.country = "AU",
                                   .contact = "mia white",
                                   .street = "489 cambooya",
                                   .locality = "narembeen",
                                   .postcode = "3413",
                                   .region = "nsw"});
  EXPECT_EQ(found.customer, mia_);
  EXPECT_NE(found.verdict, Verdict::kOwner) << found.score;
  EXPECT_THAT(found.disagreed, ElementsAre("postcode", "street"));
  // Another email, not a typo of theirs, counts against the name as well.
  const auto other_email = Find(LeadKeys{
      .email = "oliver.g@example.net", .contact = "oliver griffiths", .locality = "luton"});
  EXPECT_THAT(other_email.disagreed, ElementsAre("email"));
  EXPECT_NE(other_email.verdict, Verdict::kOwner) << other_email.score;
}

TEST_F(MatcherTest, ADifferentMailboxOutsideTheCompanyDomainCountsAgainstTheName) {
  index_.Add(CustomerRecord{.customer = "C-4",
                            .rep = "dave",
                            .email = "hengxin88@qq.com",
                            .company = "恒信贸易",
                            .country = "CN"});
  const auto same = Find(LeadKeys{.email = "hengxin88@qq.com", .company = "恒信贸易"});
  EXPECT_EQ(same.verdict, Verdict::kOwner);
  const auto other = Find(LeadKeys{.email = "sales45@163.com", .company = "恒信贸易"});
  EXPECT_THAT(other.disagreed, ElementsAre("email"));
  const auto none = Find(LeadKeys{.company = "恒信贸易"});
  EXPECT_NEAR(none.score - other.score, MatchWeights{}.disagreeing_key, 1e-9);
  // Two company domains were compared already: the mailboxes in them are not counted again.
  const auto elsewhere = Find(LeadKeys{.email = "li@precision-tools.example",
                                       .domain = "precision-tools.example",
                                       .company = "acme precision tools",
                                       .country = "DE"});
  EXPECT_EQ(elsewhere.customer, acme_);
  EXPECT_THAT(elsewhere.disagreed, ElementsAre("company domain"));
}

// Chinese names through CompanyKey: the city in front or in brackets, or none, is one firm;
// two cities, or one character apart at the end, are two.
TEST(ChineseCompanyMatcherTest, CitiesAndLastCharacters) {
  OwnerIndex index;
  const auto add = [&index](std::string_view id, std::string_view written) {
    const CompanyName name = CompanyKey(written);
    return index.Add(CustomerRecord{.customer = id,
                                    .rep = "rep-" + std::string(id),
                                    .company = name.key,
                                    .country = "CN",
                                    .company_location = name.location});
  };
  const auto find = [&index](std::string_view written) {
    const CompanyName name = CompanyKey(written);
    return FindOwner(
        index, LeadKeys{.company = name.key, .country = "CN", .company_location = name.location},
        MatchThresholds{});
  };
  const auto huawei = add("C-1", "深圳市华为技术有限公司");
  const auto jinpeng = add("C-2", "深圳市金鵬電子");
  const auto hongfa = add("C-3", "佛山市宏發五金製品有限公司");
  for (const char* lead :
       {"华为技术有限公司", "華為技術（深圳）有限公司", "广东省深圳市华为技术"}) {
    const auto found = find(lead);
    EXPECT_EQ(found.customer, huawei) << lead;
    EXPECT_EQ(found.verdict, Verdict::kOwner) << lead << " " << found.score;
  }
  auto found = find("中山市宏發五金製品");
  EXPECT_EQ(found.customer, hongfa);
  EXPECT_NE(found.verdict, Verdict::kOwner) << found.score;
  EXPECT_THAT(found.disagreed, ElementsAre("company location"));
  found = find("深圳市金鵬電器有限公司");
  EXPECT_NE(found.verdict, Verdict::kOwner) << found.score;
  EXPECT_EQ(find("金鹏电子有限公司").customer, jinpeng);
}

}  // namespace
}  // namespace leadd::dedupe
