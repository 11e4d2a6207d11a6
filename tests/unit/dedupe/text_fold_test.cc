#include "dedupe/text_fold.h"

#include <gtest/gtest.h>

#include <string>

namespace leadd::dedupe {
namespace {

struct Case {
  const char* input;
  const char* folded;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.input; }

class FoldTextTest : public ::testing::TestWithParam<Case> {};

TEST_P(FoldTextTest, Folds) { EXPECT_EQ(FoldText(GetParam().input), GetParam().folded); }

INSTANTIATE_TEST_SUITE_P(
    MessyText, FoldTextTest,
    ::testing::Values(
        Case{"ABC Trading", "abc trading"},
        Case{"ＡＢＣ　Ｔｒａｄｉｎｇ　Ｃｏ．，Ｌｔｄ．", "abc trading co ltd"},
        Case{"  Foo\t\r\n  Bar  ", "foo bar"},
        Case{"深圳市華為技術有限公司", "深圳市华为技术有限公司"},
        Case{"深圳市华为技术有限公司", "深圳市华为技术有限公司"}, Case{"王 磊", "王磊"},
        Case{"ABC贸易有限公司", "abc 贸易有限公司"}, Case{"3M中国", "3m 中国"},
        Case{"STRASSE", "strasse"}, Case{"Straße", "strasse"}, Case{"ﬁnance", "finance"},
        Case{"Ⅻ Corp", "xii corp"}, Case{"O'Brien", "obrien"}, Case{"O’Brien", "obrien"},
        Case{"McDonald's", "mcdonalds"}, Case{"Jean-Pierre", "jean pierre"}, Case{"AT&T", "at t"},
        Case{"a\xE2\x80\x8B"
             "b",
             "ab"},  // zero-width space is ignorable
        Case{"soft\xC2\xAD"
             "hyphen",
             "softhyphen"},  // so is a soft hyphen
        Case{"Foo\x01\x02\x7F"
             "Bar",
             "foo bar"},                                                    // controls separate
        Case{"トヨタ・モーター", "トヨタモーター"}, Case{"ｿﾆｰ", "ソニー"},  // half-width katakana
        Case{"삼성 전자", "삼성전자"}, Case{"Ａ１２３", "a123"}, Case{"!!!---...", ""},
        Case{"", ""}, Case{"★ Best ★ Supplier ™", "best supplier tm"}, Case{"ΣΊΣΥΦΟΣ", "σίσυφοσ"}));

TEST(FoldTextTest, RepairsInvalidUtf8AsSeparators) {
  EXPECT_EQ(FoldText("abc\xFF"
                     "def"),
            "abc def");
  EXPECT_EQ(FoldText("\xC3"), "");                         // truncated sequence
  EXPECT_EQ(FoldText("caf\xC3\xA9\xED\xA0\x80"), "café");  // encoded surrogate
  EXPECT_EQ(FoldText("\xC0\xAF"
                     "x"),
            "x");  // overlong "/"
}

TEST(FoldTextTest, EmbeddedNulSeparates) {
  EXPECT_EQ(FoldText(std::string("ab\0cd", 5)), "ab cd");
  EXPECT_EQ(FoldText(std::string("華\0為", 7)), "华为");
}

TEST(FoldTextTest, LongInputIsCutNotRejected) {
  std::string input;
  while (input.size() < 100 * 1024) input += "華為 Ｔｅｃｈ ";
  const std::string folded = FoldText(input);
  EXPECT_FALSE(folded.empty());
  EXPECT_LE(folded.size(), kMaxFoldInputBytes);
  EXPECT_EQ(folded.substr(0, 15), "华为 tech 华");
}

TEST(FoldTextTest, KeepsBracketsWhenAsked) {
  EXPECT_EQ(FoldText("ABC (Shenzhen) Co.", Brackets::kKeep), "abc ( shenzhen ) co");
  EXPECT_EQ(FoldText("華為（深圳）有限公司", Brackets::kKeep), "华为 ( 深圳 ) 有限公司");
  EXPECT_EQ(FoldText("㈜엘지", Brackets::kKeep), "( 주 ) 엘지");
  EXPECT_EQ(FoldText("㈜엘지"), "주엘지");
}

TEST(FoldTextTest, SplitsAndJoinsWords) {
  const auto words = SplitWords("abc 贸易 co");
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[1], "贸易");
  EXPECT_TRUE(SplitWords("").empty());
  std::string text;
  AppendWord(text, "华为");
  AppendWord(text, "技术");
  AppendWord(text, "abc");
  EXPECT_EQ(text, "华为技术 abc");
  EXPECT_TRUE(StartsWithCjk("华x"));
  EXPECT_FALSE(StartsWithCjk("x华"));
  EXPECT_TRUE(EndsWithCjk("x주"));
  EXPECT_FALSE(EndsWithCjk(""));
}

TEST(FoldTextTest, DependenciesLoad) { EXPECT_TRUE(TextFoldReady()); }

// Found by the fuzzer: a bracket between a Hangul syllable and a lone trailing consonant
// (U+11B2) is dropped, and the two, now side by side, compose into one syllable.
TEST(FoldTextTest, FoldingAKeyGivesTheKey) {
  const std::string input =
      "(\xEC\xA3\x88\x88\xBC)]\x97\x98\xEC\xA7\x80 \xE3\x84\xBC)]\x97\x98\xEC\xA7\x80 "
      "\xE3\x84\x88\xB1\x8B\x88\xB1\x8B\xE3\x83\xBC";
  const std::string once = FoldText(input);
  EXPECT_EQ(FoldText(once), once);
  const std::string jamo = "\xEC\xA7\x80(\xE1\x86\xB2)";  // 지 (ᆲ)
  EXPECT_EQ(FoldText(jamo), "\xEC\xA7\x8B");              // 짋
}

}  // namespace
}  // namespace leadd::dedupe
