// ContactKeysOf and OwnershipOf: a contact's keys as both a lead and a registered customer get
// them, and how a lead's owner is decided from the registry's email owner and the matcher.
#include "dedupe/contact_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dedupe/owner_match.h"
#include "dedupe/person_name.h"

namespace leadd::dedupe {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ContactKeysTest, EveryKeyIsNormalisedAsTheMatcherExpects) {
  const auto keys = ContactKeysOf({.email = " Jane.Doe+Expo@ACME.co.uk ",
                                   .phone = "020 7946 0958",
                                   .website = "https://www.acme.co.uk/contact",
                                   .company = "ACME Trading Co., Ltd.",
                                   .country = "gb"});
  // A company mailbox's plus-tag may be a different mailbox: only providers' are folded.
  EXPECT_EQ(keys.email, "jane.doe+expo@acme.co.uk");
  EXPECT_EQ(keys.phone, "+442079460958");
  EXPECT_EQ(keys.domain, "acme.co.uk");
  EXPECT_EQ(keys.company, "acme trading");
  EXPECT_EQ(keys.country, "GB");
  EXPECT_THAT(keys.unusable, IsEmpty());
  EXPECT_FALSE(keys.Empty());
}

TEST(ContactKeysTest, TheCompanysCityAndTheContactAreKeysOfTheirOwn) {
  const auto keys = ContactKeysOf({.company = "深圳市金鹏电子有限公司",
                                   .contact_name = "WANG, Lei",
                                   .street = "1 Keyuan Road",
                                   .locality = "Nanshan",
                                   .postcode = "518057",
                                   .region = "Guangdong"});
  EXPECT_EQ(keys.company, "金鹏电子");
  EXPECT_EQ(keys.company_location, "深圳");
  EXPECT_EQ(keys.contact, PersonNameKey("Lei Wang"));
  EXPECT_EQ(keys.locality, "nanshan");
  EXPECT_EQ(keys.postcode, "518057");
  EXPECT_EQ(keys.region, "guangdong");
  const LeadKeys matching = keys.ForMatching();
  EXPECT_EQ(matching.company_location, "深圳");
  EXPECT_EQ(matching.contact, keys.contact);
  EXPECT_EQ(matching.street, keys.street);
  const CustomerRecord record = keys.AsCustomer("C-1", "alice", 42);
  EXPECT_EQ(record.customer, "C-1");
  EXPECT_EQ(record.rep, "alice");
  EXPECT_EQ(record.registered_at_ms, 42);
  EXPECT_EQ(record.company_location, "深圳");
  EXPECT_EQ(record.postcode, "518057");
  // A person's name and address never make an owner by themselves.
  EXPECT_TRUE(ContactKeysOf({.locality = "Nanshan", .postcode = "518057"}).Empty());
  EXPECT_TRUE(ContactKeysOf({.contact_name = "Lei Wang", .postcode = "518057"}).Empty());
}

TEST(ContactKeysTest, TheWebsiteNamesTheFirmBeforeTheEmailsDomain) {
  auto keys = ContactKeysOf({.email = "li@agency.example.com", .website = "www.factory.cn"});
  EXPECT_EQ(keys.domain, "factory.cn");
  keys = ContactKeysOf({.email = "li@sales.factory.cn"});
  EXPECT_EQ(keys.domain, "factory.cn");
  // Free mail is nobody's company.
  keys = ContactKeysOf({.email = "li.wei@163.com"});
  EXPECT_EQ(keys.email, "li.wei@163.com");
  EXPECT_EQ(keys.domain, "");
}

TEST(ContactKeysTest, TheCountryIsThePhonesDefaultRegion) {
  EXPECT_EQ(ContactKeysOf({.phone = "030 1234567", .country = "DE"}).phone, "+49301234567");
  EXPECT_EQ(ContactKeysOf({.phone = "139 1234 5678", .country = "cn"}).phone, "+8613912345678");
  // Without a country, only the default region reads a national number.
  auto keys = ContactKeysOf({.phone = "030 1234567"});
  EXPECT_EQ(keys.phone, "");
  ASSERT_EQ(keys.unusable.size(), 1u);
  EXPECT_THAT(keys.unusable[0], HasSubstr("phone: "));
  EXPECT_EQ(ContactKeysOf({.phone = "030 1234567"}, "DE").phone, "+49301234567");
  // An international number needs neither.
  EXPECT_EQ(ContactKeysOf({.phone = "+49 30 1234567"}).phone, "+49301234567");
}

TEST(ContactKeysTest, WhatGivesNoKeyIsSaidWithoutTheValue) {
  const auto keys = ContactKeysOf({.email = "jane at acme", .phone = "n/a", .country = "Germany"});
  EXPECT_TRUE(keys.Empty());
  EXPECT_EQ(keys.country, "");  // not a two-letter code
  ASSERT_EQ(keys.unusable.size(), 2u);
  EXPECT_EQ(keys.unusable[0], "email: not an address");
  EXPECT_THAT(keys.unusable[1], HasSubstr("phone: "));
  for (const auto& why : keys.unusable) {
    EXPECT_EQ(why.find("jane at acme"), std::string::npos);
    EXPECT_EQ(why.find("n/a"), std::string::npos);
  }
}

TEST(ContactKeysTest, ACompanyThatIsOnlyALegalFormStillKeysSomething) {
  EXPECT_FALSE(ContactKeysOf({.company = "有限公司"}).Empty());
  EXPECT_TRUE(ContactKeysOf({.company = "  "}).Empty());
}

class OwnershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Add(CustomerRecord{.customer = "C-1",
                              .rep = "alice",
                              .registered_at_ms = 1000,
                              .email = "jane@acme.example",
                              .phone = "+4930123456",
                              .domain = "acme.example",
                              .company = "acme precision tools",
                              .country = "DE"});
    released_ = index_.Add(CustomerRecord{.customer = "C-2",
                                          .rep = "bob",
                                          .registered_at_ms = 2000,
                                          .email = "",
                                          .phone = "+12125550100",
                                          .domain = "",
                                          .company = "globex",
                                          .country = "US"});
    index_.Reassign(released_, "");
  }

  OwnerIndex index_;
  OwnerIndex::Id released_ = 0;
};

TEST_F(OwnershipTest, TheRegistrysEmailOwnerComesFirst) {
  const auto ownership =
      OwnershipOf(std::string("carol"), index_, LeadKeys{.phone = "+4930123456"}, {});
  ASSERT_TRUE(ownership.owner);
  EXPECT_EQ(ownership.owner->rep, "carol");
  EXPECT_EQ(ownership.owner->key, "email");
  EXPECT_TRUE(ownership.known);
  EXPECT_FALSE(ownership.possible);
  EXPECT_EQ(ownership.customer, "");  // no customer of carol's in the index
}

TEST_F(OwnershipTest, AKnownLeadNamesTheCustomerItWasFoundToBe) {
  // By the matcher, and by the registry's email owner when the index holds its customer.
  EXPECT_EQ(OwnershipOf(std::nullopt, index_, LeadKeys{.phone = "+4930123456", .country = "DE"}, {})
                .customer,
            "C-1");
  EXPECT_EQ(OwnershipOf(std::string("alice"), index_, LeadKeys{.email = "jane@acme.example"}, {})
                .customer,
            "C-1");
  // Another rep's email owner (the index has not caught up with a move): not that customer.
  EXPECT_EQ(
      OwnershipOf(std::string("bob"), index_, LeadKeys{.email = "jane@acme.example"}, {}).customer,
      "");
}

TEST_F(OwnershipTest, OtherwiseTheMatchersOwnerWithItsExplanation) {
  const auto ownership =
      OwnershipOf(std::nullopt, index_, LeadKeys{.phone = "+4930123456", .country = "DE"}, {});
  ASSERT_TRUE(ownership.owner);
  EXPECT_EQ(ownership.owner->rep, "alice");
  EXPECT_EQ(ownership.owner->key, "phone");
  EXPECT_THAT(ownership.owner->because, ::testing::StartsWith("customer C-1 of alice, score "));
  EXPECT_EQ(ownership.owner->because.find("+4930123456"), std::string::npos);
  EXPECT_TRUE(ownership.known);
}

TEST_F(OwnershipTest, APossibleOwnerIsFlaggedNotApplied) {
  // Jane's email, from another phone and country: her customer, but only for review.
  const auto ownership = OwnershipOf(
      std::nullopt, index_,
      LeadKeys{.email = "jane@acme.example", .phone = "+33142685300", .country = "FR"}, {});
  EXPECT_FALSE(ownership.owner);
  ASSERT_TRUE(ownership.possible);
  EXPECT_EQ(ownership.possible->rep, "alice");
  EXPECT_EQ(ownership.possible->customer, "C-1");
  EXPECT_GE(ownership.possible->score, MatchThresholds{}.review);
  EXPECT_LT(ownership.possible->score, MatchThresholds{}.auto_match);
  EXPECT_FALSE(ownership.known);
}

TEST_F(OwnershipTest, AReleasedCustomerOwnsNothing) {
  const auto ownership =
      OwnershipOf(std::nullopt, index_, LeadKeys{.phone = "+12125550100", .country = "US"}, {});
  EXPECT_FALSE(ownership.owner);
  EXPECT_FALSE(ownership.possible);
  EXPECT_FALSE(ownership.known);
}

TEST_F(OwnershipTest, AnOwnersLeadWithAKeyItWasNotFoundByAddsAContact) {
  // Found by its phone, from a new mailbox: the mailbox becomes C-1's.
  auto ownership = OwnershipOf(
      std::nullopt, index_,
      LeadKeys{.email = "sales@acme.example", .phone = "+4930123456", .country = "DE"}, {});
  ASSERT_TRUE(ownership.owner);
  EXPECT_EQ(ownership.adds_contact_to, "C-1");
  // The registry's email owner, from a new phone: the same.
  ownership = OwnershipOf(std::string("alice"), index_,
                          LeadKeys{.email = "jane@acme.example", .phone = "+4930777777"}, {});
  EXPECT_EQ(ownership.adds_contact_to, "C-1");
  // Nothing new: nothing to add. A country or a city alone is not a key.
  ownership =
      OwnershipOf(std::nullopt, index_,
                  LeadKeys{.phone = "+4930123456", .country = "DE", .locality = "berlin"}, {});
  ASSERT_TRUE(ownership.owner);
  EXPECT_EQ(ownership.adds_contact_to, "");
  // An email owner the index does not know (recorded before the registry): no customer.
  ownership = OwnershipOf(std::string("carol"), index_,
                          LeadKeys{.email = "old@acme.example", .phone = "+4930777777"}, {});
  EXPECT_EQ(ownership.adds_contact_to, "");
}

TEST_F(OwnershipTest, AContactsKeysAreNotNewAgain) {
  index_.AddContact(0, CustomerRecord{.email = "sales@acme.example", .contact = "jane doe"});
  EXPECT_FALSE(GivesNewKeys(
      index_, 0,
      LeadKeys{.email = "sales@acme.example", .phone = "+4930123456", .contact = "jane doe"}));
  EXPECT_TRUE(GivesNewKeys(index_, 0, LeadKeys{.contact = "jane smith"}));
  EXPECT_TRUE(GivesNewKeys(index_, 0, LeadKeys{.street = "1 main street"}));
}

TEST_F(OwnershipTest, NoKeyNoOwner) {
  const auto ownership = OwnershipOf(std::nullopt, index_, LeadKeys{}, {});
  EXPECT_FALSE(ownership.owner);
  EXPECT_FALSE(ownership.possible);
}

}  // namespace
}  // namespace leadd::dedupe
