#include "dedupe/company_key.h"

#include <gtest/gtest.h>

#include <string>

namespace leadd::dedupe {
namespace {

struct Case {
  const char* input;
  const char* key;
  const char* removed;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.input; }

class CompanyKeyTest : public ::testing::TestWithParam<Case> {};

TEST_P(CompanyKeyTest, RemovesLegalForms) {
  const CompanyName name = CompanyKey(GetParam().input);
  EXPECT_EQ(name.key, GetParam().key);
  EXPECT_EQ(name.removed, GetParam().removed);
}

INSTANTIATE_TEST_SUITE_P(
    MessyNames, CompanyKeyTest,
    ::testing::Values(
        // Chinese
        Case{"深圳市华为技术有限公司", "华为技术", "有限公司"},
        Case{"深圳市華為技術有限公司", "华为技术", "有限公司"},
        Case{"阿里巴巴（中国）网络技术有限公司", "阿里巴巴中国网络技术", "有限公司"},
        Case{"华为技术(深圳)有限公司", "华为技术", "(深圳) 有限公司"},
        Case{"中國石油化工股份有限公司", "中国石油化工", "股份有限公司"},
        Case{"北京字节跳动科技有限责任公司", "字节跳动科技", "有限责任公司"},
        Case{"海尔集团公司", "海尔集团", "公司"},
        Case{"东莞市长安镇华兴塑胶厂", "长安镇华兴塑胶", "厂"},
        Case{"义乌市小商品商行", "义乌市小商品", "商行"}, Case{"有限公司", "有限公司", ""},
        // English and Indian
        Case{"ABC Trading Co., Ltd.", "abc trading", "co ltd"},
        Case{"ＡＢＣ　Ｔｒａｄｉｎｇ　Ｃｏ．，Ｌｔｄ．", "abc trading", "co ltd"},
        Case{"ABC Trading (Shenzhen) Co., Ltd.", "abc trading", "(shenzhen) co ltd"},
        Case{"ABC Trading Co., Limited (Hong Kong)", "abc trading", "co limited (hong kong)"},
        Case{"Apple Inc.", "apple", "inc"},
        Case{"Microsoft Corporation", "microsoft", "corporation"},
        Case{"Cobalt Mining", "cobalt mining", ""},
        Case{"Incorp Solutions", "incorp solutions", ""},
        Case{"The Coca-Cola Company", "the coca cola", "company"},
        Case{"BHP Group PLC", "bhp group", "plc"}, Case{"Acme Pty. Ltd.", "acme", "pty ltd"},
        Case{"Tata Consultancy Services Pvt. Ltd.", "tata consultancy services", "pvt ltd"},
        Case{"INFOSYS PRIVATE LIMITED", "infosys", "private limited"},
        Case{"Shree Ganesh Exports (OPC) Private Limited", "shree ganesh exports",
             "(opc) private limited"},
        Case{"Company", "company", ""}, Case{"Co., Ltd.", "co ltd", ""},
        // German
        Case{"Siemens AG", "siemens", "ag"},
        Case{"SIEMENS Aktiengesellschaft", "siemens", "aktiengesellschaft"},
        Case{"Müller Maschinenbau GmbH & Co. KG", "müller maschinenbau", "gmbh co kg"},
        Case{"Schmidt Logistik UG (haftungsbeschränkt)", "schmidt logistik",
             "ug (haftungsbeschränkt)"},
        Case{"Bäckerei Huber e.K.", "bäckerei huber", "e k"},
        // French, Spanish, Italian, Dutch
        Case{"Renault S.A.S.", "renault", "s a s"},
        Case{"Boulangerie Dupont SARL", "boulangerie dupont", "sarl"},
        Case{"Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo", "s a b de c v"},
        Case{"Cemex S.A. de C.V.", "cemex", "s a de c v"},
        Case{"Cemex SA de CV", "cemex", "sa de cv"}, Case{"Ferrari S.p.A.", "ferrari", "s p a"},
        Case{"FERRARI SPA", "ferrari", "spa"}, Case{"Pasta Rossi S.r.l.", "pasta rossi", "s r l"},
        Case{"Philips N.V.", "philips", "n v"},
        Case{"Janssen Techniek BV", "janssen techniek", "bv"},
        // Japanese and Korean
        Case{"トヨタ自動車株式会社", "トヨタ自动车", "株式会社"},
        Case{"株式会社ソニー", "ソニー", "株式会社"}, Case{"㈱ニトリ", "ニトリ", "(株)"},
        Case{"Toyota Motor Kabushiki Kaisha", "toyota motor", "kabushiki kaisha"},
        Case{"삼성전자 주식회사", "삼성전자", "주식회사"},
        Case{"주식회사 카카오", "카카오", "주식회사"}, Case{"(주)엘지", "엘지", "(주)"},
        Case{"엘지(주)", "엘지", "(주)"}, Case{"㈜엘지", "엘지", "(주)"},
        Case{"Samsung Electronics Co., Ltd.", "samsung electronics", "co ltd"}));

// The same company, however the lead source spelled it.
TEST(CompanyKeyTest, SameCompanySameKey) {
  const std::pair<const char*, const char*> pairs[] = {
      {"深圳市華為技術有限公司", "深圳市华为技术有限公司"},
      {"深圳市 华为技术 有限公司", "深圳市华为技术有限公司"},
      {"ＡＢＣ　Ｔｒａｄｉｎｇ　Ｃｏ．，Ｌｔｄ．", "ABC Trading Limited"},
      {"ABC Trading (Shenzhen) Co., Ltd.", "abc trading co ltd"},
      {"Siemens AG", "SIEMENS Aktiengesellschaft"},
      {"Ferrari S.p.A.", "Ferrari SpA"},
      {"Cemex S.A. de C.V.", "CEMEX, S.A. DE C.V."},
      {"Tata Consultancy Services Pvt. Ltd.", "TATA CONSULTANCY SERVICES PRIVATE LIMITED"},
      {"(주)엘지", "엘지 주식회사"},
      {"㈱ソニー", "ｿﾆｰ株式会社"},
      {"McDonald's Corporation", "McDonalds Corp."},
  };
  for (const auto& [a, b] : pairs) {
    EXPECT_EQ(CompanyKey(a).key, CompanyKey(b).key) << a << " vs " << b;
  }
}

// Different companies must stay apart: a legal form is never found inside a word.
TEST(CompanyKeyTest, DifferentCompaniesDifferentKeys) {
  const std::pair<const char*, const char*> pairs[] = {
      {"Cobalt Ltd", "Co Ltd"},     {"Incorp Solutions", "Solutions Inc"},
      {"海尔集团公司", "海尔公司"}, {"Agfa NV", "Gfa"},
      {"Spar AG", "S.p.A."},        {"Huawei Technologies Co., Ltd.", "Huawei Device Co., Ltd."},
  };
  for (const auto& [a, b] : pairs) {
    EXPECT_NE(CompanyKey(a).key, CompanyKey(b).key) << a << " vs " << b;
  }
}

TEST(CompanyKeyTest, WordsForTheMatcher) {
  const CompanyName latin = CompanyKey("ABC Global Trading Co., Ltd.");
  EXPECT_EQ(latin.words, (std::vector<std::string>{"abc", "global", "trading"}));
  const CompanyName cjk = CompanyKey("ABC贸易(深圳)有限公司");
  EXPECT_EQ(cjk.words, (std::vector<std::string>{"abc", "贸易"}));
  EXPECT_TRUE(CompanyKey("").words.empty());
}

TEST(CompanyKeyTest, HostileInput) {
  EXPECT_EQ(CompanyKey("").key, "");
  EXPECT_EQ(CompanyKey("!!! ... ---").key, "");
  EXPECT_EQ(CompanyKey("()()((").key, "");
  EXPECT_EQ(CompanyKey(")))Foo(((Ltd").key, "foo");  // unclosed: brackets were punctuation
  EXPECT_EQ(CompanyKey("Acme\xFF\xFE Ltd").key, "acme");
  EXPECT_EQ(CompanyKey(std::string("Acme\0\x01 GmbH", 11)).key, "acme");
  EXPECT_EQ(CompanyKey("(주)").key, "주");
  EXPECT_EQ(CompanyKey("Ltd Ltd Ltd").key, "ltd ltd ltd");
  std::string huge;
  while (huge.size() < 100 * 1024) huge += "Foo (Bar) Co., Ltd. 有限公司 ";
  const CompanyName name = CompanyKey(huge);
  EXPECT_FALSE(name.key.empty());
  EXPECT_LE(name.key.size(), 4096u);
  std::string brackets(100 * 1024, '(');
  EXPECT_EQ(CompanyKey(brackets).key, "");
}

// A place the name starts with, or a bracketed one, leaves the key for `location`: the name with
// and without its city meets, and the city is still there to tell two firms apart.
TEST(CompanyKeyTest, PlacesGoToTheLocation) {
  const std::pair<const char*, const char*> same[] = {
      {"深圳市华为技术有限公司", "华为技术有限公司"},
      {"廣東省深圳市華為技術有限公司", "华为技术（深圳）有限公司"},
      {"宁波市华鑫塑胶制品有限公司", "华鑫塑胶制品（宁波）有限公司"},
      {"台北華碩電腦股份有限公司", "华硕电脑股份有限公司"},
      {"深圳市 精工电器 有限公司", "精工电器有限公司"},
      {"深圳 ABC Trading Co., Ltd.", "ABC Trading Limited"},
  };
  for (const auto& [a, b] : same) {
    EXPECT_EQ(CompanyKey(a).key, CompanyKey(b).key) << a << " vs " << b;
  }
  EXPECT_EQ(CompanyKey("廣東省深圳市華為技術有限公司").location, "广东 深圳");
  EXPECT_EQ(CompanyKey("华为技术（深圳）有限公司").location, "深圳");
  EXPECT_EQ(CompanyKey("台北華碩電腦股份有限公司").location, "台北");
  EXPECT_EQ(CompanyKey("中山市宏發五金製品").key, "宏发五金制品");
  EXPECT_EQ(CompanyKey("中山市宏發五金製品").location, "中山");
  EXPECT_EQ(CompanyKey("华为技术有限公司").location, "");
  EXPECT_EQ(CompanyKey("ABC Trading (Shenzhen) Co., Ltd.").location, "");
}

// What is left must still be a name: a place alone, or one character after it, stays the key;
// a place that needs its suffix to be one is a trade name without it.
TEST(CompanyKeyTest, APlaceIsNotTheWholeName) {
  EXPECT_EQ(CompanyKey("深圳市有限公司").key, "深圳市");
  EXPECT_EQ(CompanyKey("深圳市有限公司").location, "");
  EXPECT_EQ(CompanyKey("北京银行").key, "银行");
  EXPECT_EQ(CompanyKey("上海天有限公司").key, "上海天");
  EXPECT_EQ(CompanyKey("中山大學").key, "中山大学");
  EXPECT_EQ(CompanyKey("中山大學").location, "");
  EXPECT_EQ(CompanyKey("义乌市小商品商行").key, "义乌市小商品");  // not a listed place
}

}  // namespace
}  // namespace leadd::dedupe
