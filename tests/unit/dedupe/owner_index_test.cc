// OwnerIndex: exact keys (and keys shared by several customers), company blocking, owner
// changes, and the record's limits.
#include "dedupe/owner_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace leadd::dedupe {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

CustomerRecord Customer(std::string_view id, std::string_view rep, std::string_view email = "",
                        std::string_view phone = "", std::string_view domain = "",
                        std::string_view company = "", std::string_view country = "") {
  return CustomerRecord{id, rep, 1000, email, phone, domain, company, country};
}

TEST(CompanyGramsTest, WordsAndPairsOfCjkCharacters) {
  std::vector<std::string_view> grams;
  CompanyGrams("acme  tools", grams);
  EXPECT_THAT(grams, ElementsAre("acme", "tools"));
  CompanyGrams("深圳市华为技术", grams);
  EXPECT_THAT(grams, ElementsAre("深圳", "圳市", "市华", "华为", "为技", "技术"));
  CompanyGrams("华 abc 삼성전자", grams);
  EXPECT_THAT(grams, ElementsAre("华", "abc", "삼성", "성전", "전자"));
  CompanyGrams("", grams);
  EXPECT_THAT(grams, IsEmpty());
  CompanyGrams("\xE5\x8D", grams);  // a cut sequence is a word of its own, not a read past it
  EXPECT_EQ(grams.size(), 1U);
}

TEST(OwnerIndexTest, EachExactKeyFindsItsCustomer) {
  OwnerIndex index;
  const auto acme = index.Add(Customer("C-1", "alice", "jane@acme.example", "+4930123456",
                                       "acme.example", "acme tools", "DE"));
  const auto globex = index.Add(Customer("C-2", "bob", "hank@globex.example", "", "", "globex"));
  EXPECT_EQ(index.Find(KeyKind::kEmail, "jane@acme.example").customer, acme);
  EXPECT_EQ(index.Find(KeyKind::kPhone, "+4930123456").customer, acme);
  EXPECT_EQ(index.Find(KeyKind::kDomain, "acme.example").customer, acme);
  EXPECT_EQ(index.Find(KeyKind::kEmail, "hank@globex.example").customer, globex);
  EXPECT_FALSE(index.Find(KeyKind::kEmail, "nobody@acme.example").customer);
  EXPECT_FALSE(index.Find(KeyKind::kPhone, "").customer) << "an empty key finds nobody";
  EXPECT_FALSE(index.Find(KeyKind::kDomain, "").customer);
  EXPECT_EQ(index.CustomerId(acme), "C-1");
  EXPECT_EQ(index.Rep(acme), "alice");
  EXPECT_EQ(index.Country(acme), "DE");
  EXPECT_EQ(index.Country(globex), "");
  EXPECT_EQ(index.Company(acme), "acme tools");
}

TEST(OwnerIndexTest, AKeySharedAcrossRepsNamesNobody) {
  OwnerIndex index;
  const auto first = index.Add(Customer("C-1", "alice", "", "+861088888888"));
  index.Add(Customer("C-2", "alice", "", "+861088888888"));
  auto hit = index.Find(KeyKind::kPhone, "+861088888888");
  EXPECT_EQ(hit.customer, first) << "one rep's customers share it: the first registered";
  EXPECT_EQ(hit.holders, 2U);
  EXPECT_FALSE(hit.shared_across_reps);

  const auto third = index.Add(Customer("C-3", "bob", "", "+861088888888"));
  hit = index.Find(KeyKind::kPhone, "+861088888888");
  EXPECT_FALSE(hit.customer);
  EXPECT_EQ(hit.holders, 3U);
  EXPECT_TRUE(hit.shared_across_reps);

  index.Reassign(third, "alice");  // bob's customer handed to alice: one rep again
  hit = index.Find(KeyKind::kPhone, "+861088888888");
  EXPECT_EQ(hit.customer, first);
  EXPECT_FALSE(hit.shared_across_reps);
  EXPECT_EQ(index.Rep(third), "alice");
}

TEST(OwnerIndexTest, AReleasedCustomerIsFoundByNoKeyAndSharesNone) {
  OwnerIndex index;
  const auto released = index.Add(Customer("C-1", "alice", "jane@acme.example", "+4930123456"));
  const auto kept = index.Add(Customer("C-2", "bob", "", "+4930123456"));
  EXPECT_TRUE(index.Find(KeyKind::kPhone, "+4930123456").shared_across_reps);
  index.Reassign(released, "");
  EXPECT_TRUE(index.Released(released));
  EXPECT_FALSE(index.Find(KeyKind::kEmail, "jane@acme.example").customer);
  // The phone is bob's alone now: the released holder neither names itself nor contests it.
  const auto hit = index.Find(KeyKind::kPhone, "+4930123456");
  EXPECT_EQ(hit.customer, kept);
  EXPECT_EQ(hit.holders, 1U);
  EXPECT_FALSE(hit.shared_across_reps);
}

TEST(OwnerIndexTest, AContactFindsItsCustomerAndChangesHandsWithIt) {
  OwnerIndex index;
  const auto acme = index.Add(Customer("C-1", "alice", "jane@acme.example", "+4930123456"));
  const auto other = index.Add(Customer("C-2", "bob", "max@globex.example"));
  const auto first = index.AddContact(acme, Customer("ignored", "ignored", "", "+4930999888"));
  const auto second = index.AddContact(first, Customer("", "", "sales@acme.example"));
  EXPECT_EQ(index.CustomerId(first), "C-1");
  EXPECT_EQ(index.Rep(second), "alice");
  EXPECT_EQ(index.Find(KeyKind::kPhone, "+4930999888").customer, first);
  EXPECT_EQ(index.Find(KeyKind::kEmail, "sales@acme.example").customer, second);
  EXPECT_THAT(index.EntriesOf(second), ElementsAre(acme, first, second));
  EXPECT_THAT(index.EntriesOf(other), ElementsAre(other));

  // A key the customer's contact holds again is still held by one customer.
  const auto again = index.AddContact(acme, Customer("", "", "", "+4930123456"));
  const auto by_phone = index.Find(KeyKind::kPhone, "+4930123456");
  EXPECT_EQ(by_phone.customer, acme);
  EXPECT_EQ(by_phone.holders, 1U);
  index.Add(Customer("C-3", "alice", "", "+4930123456"));
  EXPECT_EQ(index.Find(KeyKind::kPhone, "+4930123456").holders, 2U);

  index.Reassign(first, "carol");  // any entry stands for the whole customer
  for (const auto entry : {acme, first, second, again}) EXPECT_EQ(index.Rep(entry), "carol");
  EXPECT_EQ(index.Rep(other), "bob");
  index.Reassign(acme, "");
  EXPECT_FALSE(index.Find(KeyKind::kPhone, "+4930999888").customer);
  EXPECT_FALSE(index.Find(KeyKind::kEmail, "sales@acme.example").customer);
}

TEST(OwnerIndexTest, TablesGrowAndKeepEveryKey) {
  OwnerIndex index;
  std::vector<std::string> emails;
  for (int i = 0; i < 5000; ++i) emails.push_back("buyer" + std::to_string(i) + "@example.com");
  for (int i = 0; i < 5000; ++i) {
    const std::string id = "C-" + std::to_string(i);
    index.Add(Customer(id, i % 2 == 0 ? "alice" : "bob", emails[i]));
  }
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(index.Find(KeyKind::kEmail, emails[i]).customer, static_cast<OwnerIndex::Id>(i));
  }
  EXPECT_EQ(index.Size(), 5000U);
  EXPECT_GT(index.MemoryBytes(), 5000U * 24U);
}

TEST(OwnerIndexTest, CompanyCandidatesShareTheRarestGramsFirst) {
  OwnerIndex index;
  const auto acme = index.Add(Customer("C-1", "alice", "", "", "", "acme precision tools"));
  const auto other = index.Add(Customer("C-2", "bob", "", "", "", "precision optics"));
  index.Add(Customer("C-3", "bob", "", "", "", "globex"));
  const auto huawei = index.Add(Customer("C-4", "carol", "", "", "", "深圳市华为技术"));
  std::vector<std::string_view> grams;
  std::vector<OwnerIndex::Id> found;
  CompanyGrams("acme precision tool", grams);
  index.CompanyCandidates(grams, 10, found);
  EXPECT_THAT(found, ElementsAre(acme, other));
  index.CompanyCandidates(grams, 1, found);
  EXPECT_THAT(found, ElementsAre(acme));
  CompanyGrams("华为技术", grams);
  index.CompanyCandidates(grams, 10, found);
  EXPECT_THAT(found, ElementsAre(huawei));
  CompanyGrams("initech", grams);
  index.CompanyCandidates(grams, 10, found);
  EXPECT_THAT(found, IsEmpty());
}

TEST(OwnerIndexTest, OverlongTextIsCutAtACharacterBoundary) {
  OwnerIndex index;
  std::string company = "a";
  for (int i = 0; i < 200; ++i) company += "华";  // 601 bytes; byte 255 is inside a character
  const auto id = index.Add(Customer("C-1", "alice", "", "", "", company));
  EXPECT_EQ(index.Company(id), company.substr(0, 253));
  const std::string email = std::string(300, 'a') + "@example.com";
  const auto other = index.Add(Customer("C-2", "alice", email));
  EXPECT_EQ(index.Email(other).size(), 255U);
}

TEST(OwnerIndexTest, ContactsAreFoundByNamePartsTheirStartsAndPostcode) {
  OwnerIndex index;
  const auto mia = index.Add(CustomerRecord{.customer = "C-1",
                                            .rep = "alice",
                                            .contact = "mia white",
                                            .street = "6 national circuit sec 301",
                                            .locality = "narembeen",
                                            .postcode = "2765",
                                            .region = "nsw"});
  const auto oliver = index.Add(CustomerRecord{.customer = "C-2",
                                               .rep = "bob",
                                               .contact = "oliver taylor",
                                               .locality = "london",
                                               .postcode = "e1 6an"});
  // A company named like a person is not a contact candidate, nor the reverse.
  index.Add(CustomerRecord{.customer = "C-3", .rep = "bob", .company = "white mia"});
  EXPECT_EQ(index.Contact(mia), "mia white");
  EXPECT_EQ(index.Street(mia), "6 national circuit sec 301");
  EXPECT_EQ(index.Locality(mia), "narembeen");
  EXPECT_EQ(index.Postcode(mia), "2765");
  EXPECT_EQ(index.Region(mia), "nsw");
  EXPECT_EQ(index.CompanyLocation(mia), "");

  std::vector<OwnerIndex::Id> found;
  index.ContactCandidates("mia wnite", "", "", 10, found);  // the given name
  EXPECT_THAT(found, ElementsAre(mia));
  index.ContactCandidates("olvier tayl", "", "", 10, found);  // only the starts of both parts
  EXPECT_THAT(found, ElementsAre(oliver));
  index.ContactCandidates("jack smith", "2765", "", 10, found);  // the postcode alone
  EXPECT_THAT(found, ElementsAre(mia));
  index.ContactCandidates("jack smith", "", "london", 10, found);  // the locality alone
  EXPECT_THAT(found, ElementsAre(oliver));
  index.ContactCandidates("", "2765", "narembeen", 10, found);  // no name, no person
  EXPECT_THAT(found, IsEmpty());
  std::vector<std::string_view> grams;
  CompanyGrams("mia white", grams);
  index.CompanyCandidates(grams, 10, found);
  EXPECT_THAT(found, ElementsAre(2U));
}

}  // namespace
}  // namespace leadd::dedupe
