#include "dedupe/domain_key.h"

#include <gtest/gtest.h>

#include <string>

namespace leadd::dedupe {
namespace {

struct Case {
  std::string input;
  std::string want;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << '"' << c.input.substr(0, 80) << (c.input.size() > 80 ? "...\"" : "\"") << " -> \""
      << c.want << '"';
}

class RegistrableDomainTest : public ::testing::TestWithParam<Case> {};

TEST_P(RegistrableDomainTest, ByThePublicSuffixList) {
  EXPECT_EQ(RegistrableDomain(GetParam().input), GetParam().want);
}

// Websites as lead forms, CRMs and enrichment services send them.
INSTANTIATE_TEST_SUITE_P(
    HostsAndUrls, RegistrableDomainTest,
    ::testing::Values(
        Case{"example.com", "example.com"}, Case{"www.example.com", "example.com"},
        Case{"WWW.Example.COM", "example.com"},
        Case{"https://www.Example.co.uk/path?x", "example.co.uk"},
        Case{"http://shop.example.co.uk:8080/", "example.co.uk"},
        Case{"HTTPS://EXAMPLE.COM:443", "example.com"},
        Case{"https://user:secret@sub.example.com/login", "example.com"},
        Case{"example.com.", "example.com"}, Case{"https://www.example.com./", "example.com"},
        Case{"  https://example.com\t", "example.com"},
        Case{"\u00A0www.example.com\u3000", "example.com"},
        Case{"example.com/contact-us", "example.com"}, Case{"example.com:8080", "example.com"},
        Case{"//cdn.example.com/app.js", "example.com"},
        Case{"ftp://files.example.org/pub", "example.org"},
        Case{"https://example.com#pricing", "example.com"},
        Case{"https://example.com?utm_source=linkedin&utm_medium=ad", "example.com"},
        Case{"https:\\\\example.com\\path", "example.com"},
        Case{"a.b.c.example.com.au", "example.com.au"}, Case{"news.bbc.co.uk", "bbc.co.uk"},
        Case{"www.alibaba.com.cn", "alibaba.com.cn"}, Case{"detail.1688.com", "1688.com"},
        Case{"shop.example.co.jp", "example.co.jp"}, Case{"www.example.com.br", "example.com.br"},
        Case{"my_host.example.com", "example.com"},
        Case{"https://r3---sn-abc.googlevideo.com/videoplayback", "googlevideo.com"},
        // The list's wildcard and exception rules: *.kawasaki.jp and !city.kawasaki.jp.
        Case{"www.city.kawasaki.jp", "city.kawasaki.jp"},
        Case{"foo.bar.kawasaki.jp", "foo.bar.kawasaki.jp"},
        // Its private section: a tenant of a platform is its own registrable domain.
        Case{"acme.github.io", "acme.github.io"},
        Case{"https://acme.herokuapp.com/app", "acme.herokuapp.com"},
        Case{"bucket.s3.amazonaws.com", "bucket.s3.amazonaws.com"},
        // IDN: Unicode to punycode by IDNA (UTS #46), and punycode as it is.
        Case{"www.Müller.de", "xn--mller-kva.de"},
        Case{"https://www.bücher.de/", "xn--bcher-kva.de"},
        Case{"xn--bcher-kva.de", "xn--bcher-kva.de"}, Case{"www.例え.jp", "xn--r8jz45g.jp"},
        Case{"shop.пример.рф", "xn--e1afmkfd.xn--p1ai"},
        Case{"ＷＷＷ．ＥＸＡＭＰＬＥ．ＣＯＭ", "example.com"},
        Case{"www.example.com。", "example.com"}, Case{"faß.de", "xn--fa-hia.de"}));

INSTANTIATE_TEST_SUITE_P(
    NoRegistrableDomain, RegistrableDomainTest,
    ::testing::Values(
        // IP addresses.
        Case{"192.168.0.1", ""}, Case{"http://127.0.0.1:8080/", ""}, Case{"3232235521", ""},
        Case{"0x7f.0.0.1", ""}, Case{"[::1]", ""}, Case{"http://[2001:db8::1]:80/", ""},
        // Bare public suffixes.
        Case{"co.uk", ""}, Case{"com", ""}, Case{"www.co.uk.", "www.co.uk"}, Case{"github.io", ""},
        Case{"s3.amazonaws.com", ""}, Case{"https://co.uk/", ""}, Case{"kawasaki.jp", ""},
        // Top-level domains the list does not know, names that are no internet host.
        Case{"localhost", ""}, Case{"printer.local", ""}, Case{"acme.con", ""},
        Case{"acme.example", ""},
        // Garbage.
        Case{"", ""}, Case{"   ", ""}, Case{"n/a", ""}, Case{"http://", ""},
        Case{"https:///path", ""}, Case{"exa mple.com", ""}, Case{"example..com", ""},
        Case{".example.com", ""}, Case{"-example.com", ""}, Case{"example-.com", ""},
        Case{"example.com:abc", ""}, Case{"ht tp://example.com", ""}, Case{"exa*mple.com", ""},
        Case{"example.com!", ""}, Case{"xn--zz.com", ""}));

INSTANTIATE_TEST_SUITE_P(
    HostileInput, RegistrableDomainTest,
    ::testing::Values(Case{std::string(1 << 20, 'a'), ""}, Case{std::string(5000, '.'), ""},
                      Case{"https://example.com/" + std::string(10000, 'x'), "example.com"},
                      Case{"https://" + std::string(70000, 'a') + ".com", ""},
                      Case{std::string(64, 'a') + ".com", ""},
                      Case{std::string(63, 'a') + ".com", std::string(63, 'a') + ".com"},
                      Case{[] {
                             std::string many;
                             for (int i = 0; i < 130; ++i) many += "a.";
                             return many + "com";
                           }(),
                           ""},
                      Case{".", ""}, Case{"..", ""}, Case{"...", ""}, Case{"..com", ""},
                      Case{"com..", ""}, Case{". . .", ""}, Case{"\u3002\u3002", ""},
                      Case{"exam\x01ple.com", ""}, Case{std::string("exa\0mple.com", 12), ""},
                      Case{"example.com\x7f", ""}, Case{"\xff\xfe", ""},
                      Case{"ex\xc3"
                           "ample.com",
                           ""},
                      Case{"\xed\xa0\x80.com", ""}, Case{"\xc0\xae\xc0\xae", ""}, Case{"://", ""},
                      Case{"https://:80", ""}, Case{"@", ""}, Case{"user@", ""}, Case{"[", ""},
                      Case{"[::1", ""}, Case{"%65xample.com", ""}, Case{"\u202Eexample.com", ""}));

class CompanyDomainTest : public ::testing::TestWithParam<Case> {};

TEST_P(CompanyDomainTest, OfAnEmailOrAWebsite) {
  EXPECT_EQ(CompanyDomainOf(GetParam().input), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Companies, CompanyDomainTest,
    ::testing::Values(
        Case{"jane@acme.com", "acme.com"},
        Case{"Jane Doe <jane.doe@sales.acme.co.uk>", "acme.co.uk"},
        Case{"mailto:JANE@ACME.COM?subject=Quote", "acme.com"},
        Case{"jane+leads@acme.com", "acme.com"}, Case{"\u3000jane@acme.io\u3000", "acme.io"},
        Case{"jane@mail.acme.com.au", "acme.com.au"}, Case{"info@bücher.de", "xn--bcher-kva.de"},
        Case{"sales@alibaba-inc.com", "alibaba-inc.com"},
        Case{"zhang.wei@huawei.com", "huawei.com"}, Case{"li@acme.com.cn", "acme.com.cn"},
        Case{"raj@infosys.co.in", "infosys.co.in"}, Case{"kim@samsung.co.kr", "samsung.co.kr"},
        Case{"jane@google.com", "google.com"}, Case{"jane@amazon.com", "amazon.com"},
        Case{"jane@acme.github.io", "acme.github.io"},
        Case{"https://www.acme.com/contact", "acme.com"}, Case{"www.acme.de", "acme.de"},
        Case{"acme.com.cn", "acme.com.cn"}, Case{"HTTP://WWW.ACME.CO.JP:8443/ja/", "acme.co.jp"},
        Case{"https://user@shop.acme.fr/", "acme.fr"},
        Case{"https://www.müller.de", "xn--mller-kva.de"}));

INSTANTIATE_TEST_SUITE_P(
    FreeMailAndConsumerMailboxes, CompanyDomainTest,
    ::testing::Values(
        Case{"jane@gmail.com", ""}, Case{"Jane.Doe+x@googlemail.com", ""}, Case{"li@qq.com", ""},
        Case{"li@vip.qq.com", ""}, Case{"li@163.com", ""}, Case{"li@vip.163.com", ""},
        Case{"li@126.com", ""}, Case{"li@yeah.net", ""}, Case{"li@sina.com", ""},
        Case{"li@sohu.com", ""}, Case{"li@139.com", ""}, Case{"li@aliyun.com", ""},
        Case{"li@foxmail.com", ""}, Case{"li@263.net", ""}, Case{"raj@rediffmail.com", ""},
        Case{"kim@naver.com", ""}, Case{"kim@daum.net", ""}, Case{"kim@hanmail.net", ""},
        Case{"ivan@yandex.ru", ""}, Case{"ivan@ya.ru", ""}, Case{"ivan@mail.ru", ""},
        Case{"ivan@bk.ru", ""}, Case{"jane@outlook.com", ""}, Case{"jane@hotmail.co.uk", ""},
        Case{"jane@live.fr", ""}, Case{"jane@yahoo.com", ""}, Case{"jane@yahoo.co.jp", ""},
        Case{"hans@gmx.de", ""}, Case{"hans@gmx.net", ""}, Case{"hans@web.de", ""},
        Case{"jane@icloud.com", ""}, Case{"jane@me.com", ""}, Case{"jane@proton.me", ""},
        Case{"jane@aol.com", ""}, Case{"JANE@GMAIL.COM", ""}, Case{"https://mail.163.com/", ""},
        Case{"www.gmail.com", ""}, Case{"https://docs.google.com/forms/x", ""}));

INSTANTIATE_TEST_SUITE_P(
    NoCompany, CompanyDomainTest,
    ::testing::Values(Case{"", ""}, Case{"   ", ""}, Case{"not an email", ""}, Case{"jane@", ""},
                      Case{"jane@acme", ""}, Case{"jane@127.0.0.1", ""}, Case{"jane@co.uk", ""},
                      Case{"jane@acme.example", ""}, Case{"http://10.0.0.1/", ""},
                      Case{"co.uk", ""}, Case{"jane＠acme.com", ""},
                      Case{"jane@acme.com, bob@acme.com", ""}, Case{std::string(1 << 20, '@'), ""},
                      Case{std::string(5000, '.'), ""}, Case{"jane@\xff.com", ""},
                      Case{"\xc3@\xc3", ""}, Case{"jane@acme.com\x01", ""}, Case{"..@..", ""}));

TEST(FreeMailDomainTest, ListedProvidersAndTheirSubdomains) {
  for (const char* domain :
       {"gmail.com",   "GMAIL.COM",  "gmail.com.",  "qq.com",         "163.com",
        "vip.163.com", "126.com",    "yeah.net",    "sina.com",       "sohu.com",
        "139.com",     "aliyun.com", "foxmail.com", "rediffmail.com", "naver.com",
        "daum.net",    "yandex.ru",  "mail.ru",     "outlook.com",    "hotmail.fr",
        "yahoo.co.uk", "gmx.at",     "web.de",      "docs.google.com"}) {
    EXPECT_TRUE(IsFreeMailDomain(domain)) << domain;
  }
}

TEST(FreeMailDomainTest, CompaniesAndGarbageAreNot) {
  for (const char* domain : {"acme.com", "google.com", "amazon.com", "163.com.example", "my163.com",
                             "gmail.com.acme.io", "", ".", "..", "co.uk", "com", "\xff"}) {
    EXPECT_FALSE(IsFreeMailDomain(domain)) << domain;
  }
}

TEST(HostToAsciiTest, LowerCaseAsciiOrEmpty) {
  EXPECT_EQ(HostToAscii("WWW.Example.COM"), "www.example.com");
  EXPECT_EQ(HostToAscii("example.com."), "example.com.");
  EXPECT_EQ(HostToAscii("Bücher.DE"), "xn--bcher-kva.de");
  EXPECT_EQ(HostToAscii("XN--BCHER-KVA.de"), "xn--bcher-kva.de");
  EXPECT_EQ(HostToAscii("a_b.example"), "a_b.example");
  EXPECT_EQ(HostToAscii("a b.example"), "");
  EXPECT_EQ(HostToAscii("a/b.example"), "");
  EXPECT_EQ(HostToAscii(""), "");
  EXPECT_EQ(HostToAscii("."), "");
}

}  // namespace
}  // namespace leadd::dedupe
