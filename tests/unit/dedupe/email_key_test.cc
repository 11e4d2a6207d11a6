#include "dedupe/email_key.h"

#include <gtest/gtest.h>

namespace leadd::dedupe {
namespace {

struct Case {
  const char* input;
  const char* key;
};

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

}  // namespace
}  // namespace leadd::dedupe
