// Jaro-Winkler over code points and token Dice: known values, symmetry and hostile input.
#include "dedupe/similarity.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace leadd::dedupe {
namespace {

TEST(JaroWinklerTest, KnownValues) {
  // The textbook pairs: MARTHA/MARHTA 0.961, DIXON/DICKSONX 0.813, DWAYNE/DUANE 0.840.
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.840, 0.001);
  EXPECT_DOUBLE_EQ(JaroWinkler("acme", "acme"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("acme", ""), 0.0);
}

TEST(JaroWinklerTest, ComparesCharactersNotBytes) {
  // Two three-byte characters differ in their last byte only: byte-wise they would look alike.
  EXPECT_DOUBLE_EQ(JaroWinkler("华为", "华为"), 1.0);
  EXPECT_LT(JaroWinkler("华为技术", "华硕电脑"), 0.7);
  EXPECT_GT(JaroWinkler("深圳市华为技术", "深圳华为技术"), 0.9);
}

TEST(JaroWinklerTest, IsSymmetricAndBounded) {
  const std::vector<std::string> names = {"acme tools", "acme tool", "tools acme", "ac me",
                                          "华为技术",   "hua wei",   "",           "a"};
  for (const auto& a : names) {
    for (const auto& b : names) {
      const double ab = JaroWinkler(a, b);
      EXPECT_DOUBLE_EQ(ab, JaroWinkler(b, a)) << a << " / " << b;
      EXPECT_GE(ab, 0.0);
      EXPECT_LE(ab, 1.0);
    }
  }
}

TEST(JaroWinklerTest, HostileInputNeitherCrashesNorReadsPastTheEnd) {
  const std::string broken = "\xE5\x8D";  // a three-byte sequence cut short
  EXPECT_GE(JaroWinkler(broken, "\xE5\x8D\x8E"), 0.0);
  const std::string stray = "\xFF\xFE\x80 acme";
  EXPECT_GT(JaroWinkler(stray, stray), 0.99);
  const std::string long_a(100000, 'a');
  const std::string long_b = std::string(100000, 'a') + "b";
  EXPECT_DOUBLE_EQ(JaroWinkler(long_a, long_b), 1.0) << "compared on the first 128 characters";
}

TEST(TokenDiceTest, CountsSharedTokensInAnyOrder) {
  using Tokens = std::vector<std::string_view>;
  EXPECT_DOUBLE_EQ(TokenDice(Tokens{"lei", "wang"}, Tokens{"wang", "lei"}), 1.0);
  EXPECT_DOUBLE_EQ(TokenDice(Tokens{"acme", "tools"}, Tokens{"acme", "trading"}), 0.5);
  EXPECT_DOUBLE_EQ(TokenDice(Tokens{"acme", "acme"}, Tokens{"acme"}), 1.0) << "each token once";
  EXPECT_DOUBLE_EQ(TokenDice(Tokens{}, Tokens{}), 1.0);
  EXPECT_DOUBLE_EQ(TokenDice(Tokens{"acme"}, Tokens{}), 0.0);
}

TEST(SoftTokenDiceTest, APluralOrATypoCostsLittleAndEachTokenPairsOnce) {
  using Tokens = std::vector<std::string_view>;
  const double plural =
      SoftTokenDice(Tokens{"acme", "precision", "tool"}, Tokens{"acme", "precision", "tools"});
  EXPECT_GT(plural, 0.95);
  EXPECT_LT(plural, 1.0);
  EXPECT_DOUBLE_EQ(SoftTokenDice(Tokens{"acme", "foods"}, Tokens{"acme", "tools"}), 0.5);
  // "tool" pairs with "tool", leaving "tools" nothing to pair with.
  EXPECT_NEAR(SoftTokenDice(Tokens{"tool"}, Tokens{"tool", "tools"}), 2.0 / 3.0, 1e-9);
  EXPECT_DOUBLE_EQ(SoftTokenDice(Tokens{}, Tokens{"a"}), 0.0);
}

TEST(PairedWordSimilarityTest, NamesInAnyOrderWithTyposAndMissingParts) {
  const std::vector<std::string_view> isla_hall = {"isla", "hall"};
  const std::vector<std::string_view> hall_isla = {"hall", "isla"};
  EXPECT_DOUBLE_EQ(PairedWordSimilarity(isla_hall, hall_isla), 1.0);
  // A typo in each part costs little; each word pairs once, however alike another is.
  const std::vector<std::string_view> typos = {"mia", "wnite"};
  const std::vector<std::string_view> mia_white = {"mia", "white"};
  EXPECT_GT(PairedWordSimilarity(typos, mia_white), 0.9);
  const std::vector<std::string_view> mia_mia = {"mia", "mia"};
  EXPECT_LT(PairedWordSimilarity(mia_mia, mia_white), 0.8);
  // A part only one side gives is not counted here; a replaced one is.
  const std::vector<std::string_view> white = {"white"};
  const std::vector<std::string_view> mitchell_white = {"mitchell", "white"};
  EXPECT_DOUBLE_EQ(PairedWordSimilarity(white, mitchell_white), 1.0);
  const std::vector<std::string_view> isabella_ryan = {"isabella", "ryan"};
  const std::vector<std::string_view> isabella_jessup = {"isabella", "jessup"};
  EXPECT_LT(PairedWordSimilarity(isabella_ryan, isabella_jessup), 0.8);
  EXPECT_DOUBLE_EQ(PairedWordSimilarity({}, white), 0.0);
  EXPECT_DOUBLE_EQ(PairedWordSimilarity({}, {}), 1.0);
}

}  // namespace
}  // namespace leadd::dedupe
