#include "dedupe/phone_key.h"

#include <gtest/gtest.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <string>
#include <thread>
#include <vector>

namespace leadd::dedupe {
namespace {

struct Case {
  const char* region;
  const char* input;
  const char* key;  // nullptr: refused
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.region << " \"" << c.input << "\""; }

class PhoneKeyTest : public ::testing::TestWithParam<Case> {};

TEST_P(PhoneKeyTest, Normalises) {
  const Case& c = GetParam();
  const auto key = PhoneKey(c.input, c.region);
  if (c.key == nullptr) {
    ASSERT_FALSE(key) << "accepted as " << key.value();
    EXPECT_EQ(key.error().code, Errc::kRejected);
    EXPECT_FALSE(key.error().detail.empty());
  } else {
    ASSERT_TRUE(key) << key.error().detail;
    EXPECT_EQ(key.value(), c.key);
  }
}

INSTANTIATE_TEST_SUITE_P(
    China, PhoneKeyTest,
    ::testing::Values(Case{"CN", "13912345678", "+8613912345678"},
                      Case{"CN", "139 1234 5678", "+8613912345678"},
                      Case{"cn", "+86 139-1234-5678", "+8613912345678"},
                      Case{"CN", "86 13912345678", "+8613912345678"},
                      Case{"CN", "0086 139 1234 5678", "+8613912345678"},
                      Case{"CN", "(010) 1234 5678", "+861012345678"},
                      Case{"CN", "010-12345678转12", "+861012345678"},
                      Case{"CN", "021-6123 4567 分机 8001", "+862161234567"},
                      Case{"CN", "１３９１２３４５６７８", "+8613912345678"},
                      Case{"CN", "＋８６ １３９ １２３４ ５６７８", "+8613912345678"},
                      Case{"CN", "13912345678 / 010-12345678", "+8613912345678"},
                      Case{"CN", "13912345678、13812345678", "+8613912345678"},
                      Case{"CN", "13912345678\n010-12345678", "+8613912345678"},
                      Case{"CN", "手机：13912345678", "+8613912345678"},
                      Case{"", "+86 139 1234 5678", "+8613912345678"},
                      Case{"", "0086 139 1234 5678", "+8613912345678"},
                      Case{"XX", "+86 13912345678", "+8613912345678"},
                      Case{"", "13912345678", nullptr}, Case{"CHN", "13912345678", nullptr}));

INSTANTIATE_TEST_SUITE_P(
    NorthAmerica, PhoneKeyTest,
    ::testing::Values(
        Case{"US", "(201) 555-0123", "+12015550123"}, Case{"US", "201.555.0123", "+12015550123"},
        Case{"us", "+1 201-555-0123 ext. 12", "+12015550123"},
        Case{"US", "201-555-0123 x12", "+12015550123"},
        Case{"US", "201-555-0123 #12", "+12015550123"}, Case{"US", "1-800-FLOWERS", "+18003569377"},
        Case{"US", "011 44 20 7946 0958", "+442079460958"},
        Case{"US", "0086 139 1234 5678", "+8613912345678"},
        Case{"CA", "416-555-0123", "+14165550123"}, Case{"", "tel:+1-201-555-0123", "+12015550123"},
        Case{"", "TEL:+1-201-555-0123;ext=12", "+12015550123"},
        Case{"", "tel:555-0123;phone-context=+1-201", "+12015550123"},
        Case{"US", "N/A, 201-555-0123", "+12015550123"},
        Case{"US", "201-555-0123 or 201-555-0199", "+12015550123"},
        Case{"US", "555-0123", nullptr}));

INSTANTIATE_TEST_SUITE_P(Europe, PhoneKeyTest,
                         ::testing::Values(Case{"GB", "+44 (0)20 7946 0958", "+442079460958"},
                                           Case{"", "+44 (0)20 7946 0958", "+442079460958"},
                                           Case{"UK", "020 7946 0958", "+442079460958"},
                                           Case{"GB", "07700 900123", "+447700900123"},
                                           Case{"DE", "+49 (0)30 12345678", "+493012345678"},
                                           Case{"DE", "089/12345678", "+498912345678"},
                                           Case{"DE", "0 89 / 12 34 56 78", "+498912345678"},
                                           Case{"DE", "+49 171 1234567", "+491711234567"},
                                           Case{"FR", "01 23 45 67 89", "+33123456789"},
                                           Case{"FR", "+33 (0)6 12 34 56 78", "+33612345678"},
                                           Case{"IT", "06 1234 5678", "+390612345678"},
                                           Case{"", "+39 06 1234 5678", "+390612345678"}));

INSTANTIATE_TEST_SUITE_P(AsiaAmericasMiddleEast, PhoneKeyTest,
                         ::testing::Values(Case{"IN", "+91 98765 43210", "+919876543210"},
                                           Case{"IN", "098765 43210", "+919876543210"},
                                           Case{"IN", "011 2345 6789", "+911123456789"},
                                           Case{"JP", "090-1234-5678", "+819012345678"},
                                           Case{"JP", "03-1234-5678 内線 123", "+81312345678"},
                                           Case{"KR", "010-1234-5678", "+821012345678"},
                                           Case{"KR", "02-312-3456 내선 7", "+8223123456"},
                                           Case{"BR", "(11) 91234-5678", "+5511912345678"},
                                           Case{"BR", "+55 11 91234 5678", "+5511912345678"},
                                           Case{"AE", "+971 50 123 4567", "+971501234567"},
                                           Case{"AE", "٠٥٠١٢٣٤٥٦٧", "+971501234567"},
                                           Case{"EG", "٠١٠٠١٢٣٤٥٦٧", "+201001234567"}));

INSTANTIATE_TEST_SUITE_P(NotNumbers, PhoneKeyTest,
                         ::testing::Values(Case{"US", "hello", nullptr}, Case{"US", "---", nullptr},
                                           Case{"CN", "", nullptr}, Case{"CN", " \t ", nullptr},
                                           Case{"CN", "123", nullptr},
                                           Case{"CN", "+999 1234 5678", nullptr},
                                           Case{"US", "0000000000", nullptr},
                                           Case{"US", "+1 111 111 1111", nullptr},
                                           Case{"CN", "1391234567890123456789", nullptr},
                                           Case{"", "()-./+ ++ ,;|", nullptr}));

Result<std::string> KeyOf(const std::string& text, std::string_view region = "CN") {
  return PhoneKey(text, region);
}

void ExpectRefused(const Result<std::string>& key, std::string_view because) {
  ASSERT_FALSE(key) << "accepted as " << key.value();
  EXPECT_EQ(key.error().code, Errc::kRejected);
  EXPECT_NE(key.error().detail.find(because), std::string::npos) << key.error().detail;
}

// The metadata of 8.12 has no allocated range for +86 140 with 11 digits; a number of the right
// length there is kept, so a lead in a range newer than the metadata still matches.
TEST(PhoneKeyPolicy, KeepsPossibleNumberOutsideKnownRanges) {
  const auto& util = *i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber parsed;
  ASSERT_EQ(util.Parse("+8614012345678", "ZZ", &parsed),
            i18n::phonenumbers::PhoneNumberUtil::NO_PARSING_ERROR);
  ASSERT_TRUE(util.IsPossibleNumber(parsed));
  ASSERT_FALSE(util.IsValidNumber(parsed)) << "pick another unallocated range";
  const auto key = KeyOf("140 1234 5678");
  ASSERT_TRUE(key) << key.error().detail;
  EXPECT_EQ(key.value(), "+8614012345678");
}

TEST(PhoneKeyPolicy, RefusesNumberWithoutAreaCode) {
  ExpectRefused(KeyOf("555-0123", "US"), "area code");
}

// Found by fuzzing: the first key kept a zero that reading the key again strips.
TEST(PhoneKeyPolicy, KeyReadsBackAsItself) {
  ExpectRefused(KeyOf("0086   0086 13678", ""), "stray zeros");
}

TEST(PhoneKeyPolicy, RefusesPlaceholder) {
  ExpectRefused(KeyOf("000-000-0000", "US"), "placeholder");
}

TEST(PhoneKeyPolicy, NamesMissingCountry) { ExpectRefused(KeyOf("13912345678", ""), "country"); }

TEST(PhoneKeyPolicy, ReportsFirstNumberWhenNoneParses) {
  ExpectRefused(KeyOf("123, hello"), "too few digits");
}

TEST(PhoneKeyPolicy, RefusalNamesNoDigits) {
  const auto key = KeyOf("+86 139 1234 5678 999", "CN");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().detail.find("139"), std::string::npos) << key.error().detail;
}

TEST(PhoneKeyHostile, TenKilobytesOfDigits) {
  ExpectRefused(KeyOf(std::string(10 * 1024, '7')), "longer than");
}

TEST(PhoneKeyHostile, ManyDigitsUnderTheFieldLimit) {
  ExpectRefused(KeyOf("+" + std::string(500, '8')), "too many digits");
}

TEST(PhoneKeyHostile, ManySeparatorsUnderTheFieldLimit) {
  std::string field;
  for (int i = 0; i < 100; ++i) field += "1/,;|";
  ExpectRefused(KeyOf(field), "no phone number");
}

TEST(PhoneKeyHostile, NulByte) {
  ExpectRefused(KeyOf(std::string("139\0 1234 5678", 14)), "control characters");
}

TEST(PhoneKeyHostile, ControlBytes) {
  ExpectRefused(KeyOf("\x01\x02\x1b[31m13912345678"), "control characters");
  ExpectRefused(KeyOf("13912345678\x7f"), "control characters");
}

TEST(PhoneKeyHostile, InvalidUtf8) {
  ExpectRefused(KeyOf("\xff\xfe"
                      "13912345678"),
                "UTF-8");
  ExpectRefused(KeyOf("13912345678\xe8\xbd"), "UTF-8");  // truncated 转
  ExpectRefused(KeyOf("\xc0\xaf"
                      "13912345678"),
                "UTF-8");  // overlong '/'
  ExpectRefused(KeyOf("\xed\xa0\x80"
                      "13912345678"),
                "UTF-8");  // surrogate
  ExpectRefused(KeyOf("\xf4\x90\x80\x80"
                      "13912345678"),
                "UTF-8");  // above U+10FFFF
}

TEST(PhoneKeyHostile, OnlyPunctuation) {
  ExpectRefused(KeyOf("(( )) -- .. // ++ ## ~~"), "no phone number");
}

TEST(PhoneKeyConcurrency, SameKeysFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (std::size_t t = 0; t < wrong.size(); ++t) {
    threads.emplace_back([&wrong, t] {
      for (int i = 0; i < 200; ++i) {
        const auto key = PhoneKey("+86 139-1234-5678", "CN");
        if (!key || key.value() != "+8613912345678") ++wrong[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : wrong) EXPECT_EQ(count, 0);
}

TEST(PhoneCountryCode, OfKeys) {
  EXPECT_EQ(PhoneCountryCode("+8613912345678"), "+86");
  EXPECT_EQ(PhoneCountryCode("+12015550123"), "+1");
  EXPECT_EQ(PhoneCountryCode("+442079460958"), "+44");
  EXPECT_EQ(PhoneCountryCode("+971501234567"), "+971");
  EXPECT_EQ(PhoneCountryCode("+80012345678"), "+800");  // non-geographic, still a plan
}

TEST(PhoneCountryCode, OfNonKeys) {
  EXPECT_EQ(PhoneCountryCode(""), "");
  EXPECT_EQ(PhoneCountryCode("+"), "");
  EXPECT_EQ(PhoneCountryCode("8613912345678"), "");
  EXPECT_EQ(PhoneCountryCode("+0123456"), "");
  EXPECT_EQ(PhoneCountryCode("+999123456"), "");
  EXPECT_EQ(PhoneCountryCode("+8x"), "");
}

TEST(PhoneCountryCode, AgreesWithPhoneKey) {
  for (const char* text : {"+44 (0)20 7946 0958", "(201) 555-0123", "+971 50 123 4567"}) {
    const auto key = PhoneKey(text, "US");
    ASSERT_TRUE(key) << text;
    const std::string code = PhoneCountryCode(key.value());
    ASSERT_FALSE(code.empty()) << key.value();
    EXPECT_TRUE(key.value().starts_with(code)) << key.value();
  }
}

}  // namespace
}  // namespace leadd::dedupe
