// UTF-8 checks shared by every parser of outside text, and the lenient decoding of names.
#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace leadd {
namespace {

TEST(Utf8Test, WellFormedSequencesOfEachLength) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1U);
  EXPECT_EQ(Utf8SequenceLength("é", 0), 2U);
  EXPECT_EQ(Utf8SequenceLength("华", 0), 3U);
  EXPECT_EQ(Utf8SequenceLength("😀", 0), 4U);
  EXPECT_TRUE(IsValidUtf8("深圳 Müller 😀"));
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Utf8Test, MalformedSequencesAreRefused) {
  for (const std::string bad : {"\x80", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                                "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80", "\xE5\x8D", "a\xFF"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << "overlong, surrogate, beyond U+10FFFF, cut short or stray";
  }
}

TEST(Utf8Test, CodePointAtDecodesAndTakesStrayBytesOneByOne) {
  std::size_t length = 0;
  EXPECT_EQ(CodePointAt("华", 0, length), U'华');
  EXPECT_EQ(length, 3U);
  EXPECT_EQ(CodePointAt("é", 0, length), U'é');
  EXPECT_EQ(length, 2U);
  const std::string cut = "\xE5\x8D";
  EXPECT_EQ(CodePointAt(cut, 0, length), char32_t{0xE5});
  EXPECT_EQ(length, 1U);
  EXPECT_EQ(CodePointAt(cut, 1, length), char32_t{0x8D});
  EXPECT_EQ(length, 1U);
}

}  // namespace
}  // namespace leadd
