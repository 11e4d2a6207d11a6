#include "dedupe/email_key.h"

#include "dedupe/domain_key.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace leadd::dedupe {
namespace {

struct Case {
  const char* input;
  const char* key;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << '"' << c.input << "\" -> \"" << c.key << '"';
}

class EmailKeyTest : public ::testing::TestWithParam<Case> {};

TEST_P(EmailKeyTest, Normalises) { EXPECT_EQ(EmailKey(GetParam().input), GetParam().key); }

INSTANTIATE_TEST_SUITE_P(MessyAddresses, EmailKeyTest,
                         ::testing::Values(Case{"jane@acme.example", "jane@acme.example"},
                                           Case{"Jane.Roe@ACME.Example", "jane.roe@acme.example"},
                                           Case{"  jane@acme.example \r\n", "jane@acme.example"},
                                           Case{"mailto:jane@acme.example", "jane@acme.example"},
                                           Case{"MAILTO:Jane@Acme.example", "jane@acme.example"},
                                           Case{"\tjane@acme.example", "jane@acme.example"},
                                           Case{"", ""}, Case{"   ", ""}, Case{"jane", ""},
                                           Case{"@acme.example", ""}, Case{"jane@", ""},
                                           Case{"jane@@acme.example", ""},
                                           Case{"jane@a@acme.example", ""},
                                           Case{"jane roe@acme.example", ""}, Case{"mailto:", ""}));

// What sources really send: web forms, CSV exports, CRM fields, copied mail headers.
INSTANTIATE_TEST_SUITE_P(
    Unwrapping, EmailKeyTest,
    ::testing::Values(
        // Unicode spaces around: NBSP from a web page, the ideographic space of a Chinese or
        // Japanese input method, a zero-width space and a BOM from a spreadsheet.
        Case{"\u00A0jane@acme.com\u00A0", "jane@acme.com"},
        Case{"\u3000jane@acme.com\u3000", "jane@acme.com"},
        Case{"\u200Bjane@acme.com", "jane@acme.com"}, Case{"\uFEFFjane@acme.com", "jane@acme.com"},
        Case{"\u2003\u202F jane@acme.com \u2009", "jane@acme.com"},
        // Display names and angle brackets, as copied from a mail client.
        Case{"\"Jane Doe\" <jane@acme.com>", "jane@acme.com"},
        Case{"Jane Doe <Jane.Doe@Acme.com>", "jane.doe@acme.com"},
        Case{"\"Doe, Jane\" <jane@acme.com>", "jane@acme.com"},
        Case{"\"jane@old.example\" <jane@acme.com>", "jane@acme.com"},
        Case{"<jane@acme.com>", "jane@acme.com"}, Case{"  < jane@acme.com >  ", "jane@acme.com"},
        Case{"张伟 <zhang.wei@acme.cn>", "zhang.wei@acme.cn"},
        Case{"jane@acme.com (Jane Doe)", "jane@acme.com"},
        // mailto: links and their queries, from a website's contact link.
        Case{"mailto:jane@acme.com?subject=Quote%20request", "jane@acme.com"},
        Case{"MailTo:Jane@Acme.com?cc=bob@acme.com&body=hi", "jane@acme.com"},
        Case{"<mailto:jane@acme.com>", "jane@acme.com"},
        Case{"mailto: jane@acme.com", "jane@acme.com"},
        // A '?' in the local part is a valid character, not a query.
        Case{"what?now@acme.com", "what?now@acme.com"},
        // A pasted Outlook recipient list of one.
        Case{"jane@acme.com;", "jane@acme.com"}, Case{"jane@acme.com, ", "jane@acme.com"},
        // IDN domains, lower-cased as DNS sees them (punycode), and the punycode form itself.
        Case{"jane@BÜCHER.de", "jane@xn--bcher-kva.de"},
        Case{"jane@xn--bcher-kva.de", "jane@xn--bcher-kva.de"},
        Case{"info@例え.jp", "info@xn--r8jz45g.jp"},
        Case{"ivan@ПРИМЕР.рф", "ivan@xn--e1afmkfd.xn--p1ai"},
        // A Unicode local part is kept as written (no case folding beyond ASCII).
        Case{"José@Acme.com", "josé@acme.com"},
        Case{"用户@例子.中国", "用户@xn--fsqu00a.xn--fiqs8s"},
        // A company's own mail server decides what '+' and '.' mean: nothing is folded.
        Case{"jane+crm@acme.com", "jane+crm@acme.com"},
        Case{"j.a.n.e@acme.com", "j.a.n.e@acme.com"}));

// No NFKC for addresses: a full-width '＠' (U+FF20) or full-width letters in the local part
// are not folded to ASCII. Mail servers compare local parts as written, and an address typed
// with an input method's full-width characters does not deliver; folding it would make up an
// address the customer never gave. The domain alone is a DNS name and goes through IDNA,
// whose mapping does turn full-width letters and '。' into ASCII, as resolving it would.
INSTANTIATE_TEST_SUITE_P(NoNfkc, EmailKeyTest,
                         ::testing::Values(Case{"jane＠acme.com", ""},
                                           Case{"ｊａｎｅ@acme.com", "ｊａｎｅ@acme.com"},
                                           Case{"jane@ａｃｍｅ.com", "jane@acme.com"},
                                           Case{"jane@acme。com", "jane@acme.com"},
                                           Case{"ｊａｎｅ＠ｇｍａｉｌ．ｃｏｍ", ""}));

INSTANTIATE_TEST_SUITE_P(
    NotAnAddress, EmailKeyTest,
    ::testing::Values(
        Case{"jane@acme", ""}, Case{"jane@localhost", ""}, Case{"jane@.acme.com", ""},
        Case{"jane@acme.com.", ""}, Case{"jane@acme..com", ""}, Case{".jane@acme.com", ""},
        Case{"jane.@acme.com", ""}, Case{"ja..ne@acme.com", ""}, Case{"jane@127.0.0.1", ""},
        Case{"jane@[192.168.0.1]", ""}, Case{"jane\u00A0doe@acme.com", ""},
        Case{"jane\u3000doe@acme.com", ""}, Case{"jane@acme .com", ""},
        Case{"\"jane doe\"@acme.com", ""}, Case{"jane@acme.com <bob@acme.com", ""},
        Case{"jane@acme.com, bob@acme.com", ""}, Case{"jane@acme.com;bob@acme.com", ""},
        Case{"jane@acme_corp!.com", ""}, Case{"jane@-.com", ""}, Case{"n/a", ""}, Case{"none@", ""},
        Case{"jane\x01@acme.com", ""}, Case{"jane@acme.com\x7f", ""}, Case{"jane@xn--zz.com", ""},
        Case{"mailto:?to=jane@acme.com", ""}, Case{"+tag@gmail.com", ""}, Case{"...@gmail.com", ""},
        Case{"jane.+x@outlook.com", ""}, Case{"+x@icloud.com", ""}));

// Provider folding, only where the provider itself ignores the difference.
INSTANTIATE_TEST_SUITE_P(
    Providers, EmailKeyTest,
    ::testing::Values(
        // Gmail: dots and "+tag" ignored; googlemail.com is the same mailbox.
        Case{"Jane.Doe@gmail.com", "janedoe@gmail.com"},
        Case{"j.a.n.e.d.o.e+newsletter@Gmail.com", "janedoe@gmail.com"},
        Case{"jane.doe+a+b@googlemail.com", "janedoe@gmail.com"},
        Case{"\"Jane\" <JANE.DOE+CRM@GMAIL.COM>", "janedoe@gmail.com"},
        Case{"mailto:jane.doe+x@gmail.com?subject=Hi", "janedoe@gmail.com"},
        // Outlook.com, iCloud, Fastmail, Proton, Yandex, Zoho: "+tag" ignored, dots kept.
        Case{"jane.doe+shop@outlook.com", "jane.doe@outlook.com"},
        Case{"jane.doe+shop@hotmail.co.uk", "jane.doe@hotmail.co.uk"},
        Case{"Jane.Doe+x@Live.com", "jane.doe@live.com"},
        Case{"jane.doe+x@msn.com", "jane.doe@msn.com"},
        Case{"jane.doe+x@icloud.com", "jane.doe@icloud.com"},
        Case{"jane.doe@me.com", "jane.doe@icloud.com"},
        Case{"jane.doe+old@mac.com", "jane.doe@icloud.com"},
        Case{"jane.doe+x@fastmail.com", "jane.doe@fastmail.com"},
        Case{"jane.doe+x@proton.me", "jane.doe@proton.me"},
        Case{"jane.doe+x@pm.me", "jane.doe@pm.me"},
        Case{"jane.doe+x@protonmail.com", "jane.doe@protonmail.com"},
        Case{"ivan.petrov+x@yandex.ru", "ivan.petrov@yandex.ru"},
        Case{"ivan.petrov@ya.ru", "ivan.petrov@yandex.ru"},
        Case{"jane.doe+x@zohomail.com", "jane.doe@zohomail.com"},
        // Yahoo's "-" is an ordinary character of its names: not folded, nor its "+".
        Case{"jane-doe@yahoo.com", "jane-doe@yahoo.com"},
        Case{"jane.doe+x@yahoo.co.jp", "jane.doe+x@yahoo.co.jp"},
        // Providers that are not in the list fold nothing.
        Case{"li.wei+x@qq.com", "li.wei+x@qq.com"}, Case{"li.wei@163.com", "li.wei@163.com"},
        // A subdomain of a provider is not the provider.
        Case{"jane.doe+x@mail.gmail.com", "jane.doe+x@mail.gmail.com"},
        // A company's domain that merely starts with a provider's name folds nothing.
        Case{"jane.doe+x@gmail.acme.com", "jane.doe+x@gmail.acme.com"}));

TEST(EmailKeyTest, TheSameGmailCustomerHoweverWritten) {
  const std::set<std::string> keys = {EmailKey("janedoe@gmail.com"), EmailKey("Jane.Doe@Gmail.com"),
                                      EmailKey(" \"Jane Doe\" <jane.doe+leads@googlemail.com> "),
                                      EmailKey("mailto:JANE.DOE@GMAIL.COM?subject=demo"),
                                      EmailKey("\u3000j.anedoe+2@gmail.com;")};
  EXPECT_EQ(keys, std::set<std::string>{"janedoe@gmail.com"});
}

TEST(EmailKeyTest, HostileInputIsRefusedWithoutCrashing) {
  EXPECT_EQ(EmailKey(std::string(100000, 'a') + "@acme.com"), "");
  EXPECT_EQ(EmailKey("jane@" + std::string(300, 'a') + ".com"), "");
  EXPECT_EQ(EmailKey(std::string(65, 'a') + "@acme.com"), "");
  EXPECT_EQ(EmailKey(std::string(64, 'a') + "@acme.com"), std::string(64, 'a') + "@acme.com");
  EXPECT_EQ(EmailKey(std::string("jane\0@acme.com", 14)), "");
  EXPECT_EQ(EmailKey("jane@acme.com\xff"), "");
  EXPECT_EQ(EmailKey("\xc3\x28@acme.com"), "");
  EXPECT_EQ(EmailKey("jane@\xe4\xbe.com"), "");      // truncated UTF-8
  EXPECT_EQ(EmailKey("jane@\xed\xa0\x80.com"), "");  // a surrogate
  EXPECT_EQ(EmailKey("<<<>>>"), "");
  EXPECT_EQ(EmailKey("@"), "");
  EXPECT_EQ(EmailKey(".@."), "");
  EXPECT_EQ(EmailKey("mailto:mailto:jane@acme.com"), "");
}

TEST(EmailProvidersTest, EveryRuleIsWellFormedAndAFreeMailDomain) {
  const auto providers = EmailProviders();
  ASSERT_GE(providers.size(), 30u);
  std::set<std::string_view> domains;
  for (const EmailProvider& provider : providers) {
    SCOPED_TRACE(std::string(provider.domain));
    EXPECT_TRUE(domains.insert(provider.domain).second) << "listed twice";
    EXPECT_EQ(HostToAscii(provider.domain), provider.domain);
    EXPECT_EQ(HostToAscii(provider.canonical), provider.canonical);
    // A provider's addresses are consumer mailboxes: they never identify a company.
    EXPECT_TRUE(IsFreeMailDomain(provider.domain));
    EXPECT_TRUE(IsFreeMailDomain(provider.canonical));
    // The canonical domain maps to itself, with the same rules.
    bool canonical_found = false;
    for (const EmailProvider& other : providers) {
      if (other.domain != provider.canonical) continue;
      canonical_found = true;
      EXPECT_EQ(other.canonical, other.domain);
      EXPECT_EQ(other.ignores_dots, provider.ignores_dots);
      EXPECT_EQ(other.tag_separator, provider.tag_separator);
    }
    EXPECT_TRUE(canonical_found);
  }
  EXPECT_TRUE(domains.contains("gmail.com"));
  EXPECT_FALSE(domains.contains("yahoo.com"));
}

}  // namespace
}  // namespace leadd::dedupe
