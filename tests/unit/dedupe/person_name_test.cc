#include "dedupe/person_name.h"

#include <gtest/gtest.h>

#include <string>

namespace leadd::dedupe {
namespace {

struct Case {
  const char* input;
  const char* key;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.input; }

class PersonNameKeyTest : public ::testing::TestWithParam<Case> {};

TEST_P(PersonNameKeyTest, Normalises) {
  EXPECT_EQ(PersonNameKey(GetParam().input), GetParam().key);
}

INSTANTIATE_TEST_SUITE_P(
    MessyNames, PersonNameKeyTest,
    ::testing::Values(
        Case{"Wang Lei", "lei wang"}, Case{"WANG, Lei", "lei wang"}, Case{"Lei Wang", "lei wang"},
        Case{"Mr. Wang Lei", "lei wang"}, Case{"Ｗａｎｇ　Ｌｅｉ", "lei wang"},
        Case{"王磊", "王磊"}, Case{"王 磊", "王磊"}, Case{"王磊先生", "王磊"}, Case{"王先生", "王"},
        Case{"李女士", "李"}, Case{"張總經理", "张"}, Case{"陳小明", "陈小明"},
        Case{"Dr. Hans Müller", "hans muller"}, Case{"Herr Hans Muller", "hans muller"},
        Case{"Frau Dr. Anna Schmidt", "anna schmidt"}, Case{"Hans Mueller", "hans mueller"},
        Case{"François Lefèvre", "francois lefevre"}, Case{"Mme Zoë Ørsted", "orsted zoe"},
        Case{"Łukasz Żółć", "lukasz zolc"}, Case{"Nguyễn Văn An", "an nguyen van"},
        Case{"José María García-López", "garcia jose lopez maria"},
        Case{"Seán O'Brien", "obrien sean"}, Case{"Sean O’Brien", "obrien sean"},
        Case{"Jean-Pierre Dupont", "dupont jean pierre"},
        Case{"DUPONT Jean Pierre", "dupont jean pierre"}, Case{"Shri Ramesh Kumar", "kumar ramesh"},
        Case{"Smt. Priya Sharma", "priya sharma"},
        Case{"Martin Luther King Jr.", "jr king luther martin"}, Case{"田中太郎様", "田中太郎"},
        Case{"김민수님", "김민수"}, Case{"김 민수", "김민수"}, Case{"Ms", "ms"},
        Case{"先生", "先生"}, Case{"   ", ""}, Case{"", ""}));

TEST(PersonNameKeyTest, SamePersonSameKey) {
  const std::pair<const char*, const char*> pairs[] = {
      {"Wang Lei", "LEI, WANG"},      {"王磊", "王 磊"},
      {"王磊先生", "王磊"},           {"Müller", "MULLER"},
      {"Jean-Pierre", "Jean Pierre"}, {"O'Connor", "OConnor"},
      {"Dr. Lisa Ray", "Lisa Ray"},
  };
  for (const auto& [a, b] : pairs) {
    EXPECT_EQ(PersonNameKey(a), PersonNameKey(b)) << a << " vs " << b;
  }
}

TEST(PersonNameKeyTest, DifferentPeopleDifferentKeys) {
  const std::pair<const char*, const char*> pairs[] = {
      {"王磊", "王雷"},
      {"Wang Lei", "Wang Li"},
      {"Mueller", "Muller"},
      {"Jean-Pierre", "Jeanpierre"},
      {"John Smith Jr", "John Smith"},
      {"王磊", "wang lei"},
  };
  for (const auto& [a, b] : pairs) {
    EXPECT_NE(PersonNameKey(a), PersonNameKey(b)) << a << " vs " << b;
  }
}

TEST(PersonNameKeyTest, HostileInput) {
  EXPECT_EQ(PersonNameKey("!!!"), "");
  EXPECT_EQ(PersonNameKey("Wang\xFF"
                          "Lei"),
            "lei wang");
  EXPECT_EQ(PersonNameKey(std::string("Ann\0Lee", 7)), "ann lee");
  EXPECT_EQ(PersonNameKey("\x1B[31mAnn Lee\x1B[0m"), "0m 31mann lee");
  std::string huge;
  while (huge.size() < 100 * 1024) huge += "Zoë Ørsted 王磊先生 ";
  const std::string key = PersonNameKey(huge);
  EXPECT_FALSE(key.empty());
  EXPECT_LE(key.size(), 4096u);
}

}  // namespace
}  // namespace leadd::dedupe
