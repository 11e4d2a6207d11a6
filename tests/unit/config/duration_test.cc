#include "config/duration.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace leadd::config {
namespace {

using std::chrono::milliseconds;

struct DurationCase {
  std::string_view text;
  std::optional<milliseconds> expected;
};

void PrintTo(const DurationCase& c, std::ostream* out) { *out << "'" << c.text << "'"; }

class ParseDurationTest : public ::testing::TestWithParam<DurationCase> {};

TEST_P(ParseDurationTest, ParsesOrRejects) {
  EXPECT_EQ(ParseDuration(GetParam().text), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, ParseDurationTest,
    ::testing::Values(
        DurationCase{"500ms", milliseconds(500)}, DurationCase{"30s", milliseconds(30'000)},
        DurationCase{"30m", milliseconds(1'800'000)}, DurationCase{"2h", milliseconds(7'200'000)},
        DurationCase{"7d", milliseconds(604'800'000)},
        DurationCase{"1h30m", milliseconds(5'400'000)}, DurationCase{"1m30s", milliseconds(90'000)},
        DurationCase{"2s500ms", milliseconds(2'500)},
        DurationCase{"1d2h3m4s5ms", milliseconds(93'784'005)}, DurationCase{"0s", milliseconds(0)},
        DurationCase{"0050s", milliseconds(50'000)},
        DurationCase{"106751991167d", milliseconds(9'223'372'036'828'800'000)}));

INSTANTIATE_TEST_SUITE_P(
    Rejected, ParseDurationTest,
    ::testing::Values(DurationCase{"", std::nullopt},               // empty
                      DurationCase{"30", std::nullopt},             // bare number
                      DurationCase{"-5s", std::nullopt},            // negative
                      DurationCase{"+5s", std::nullopt},            // sign
                      DurationCase{"5w", std::nullopt},             // unknown unit
                      DurationCase{"5sec", std::nullopt},           // unknown unit
                      DurationCase{"5S", std::nullopt},             // units are lower case
                      DurationCase{"1.5h", std::nullopt},           // fraction
                      DurationCase{"s", std::nullopt},              // unit without a number
                      DurationCase{"1m30", std::nullopt},           // trailing bare number
                      DurationCase{"30m1h", std::nullopt},          // smaller unit first
                      DurationCase{"1h1h", std::nullopt},           // unit twice
                      DurationCase{"5 s", std::nullopt},            // space inside
                      DurationCase{" 5s", std::nullopt},            // space around
                      DurationCase{"106751991168d", std::nullopt},  // beyond int64 milliseconds
                      DurationCase{"99999999999999999999s", std::nullopt},  // count overflows
                      DurationCase{"9223372036854775807s", std::nullopt},   // product overflows
                      DurationCase{"106751991167d23h", std::nullopt}));     // sum overflows

}  // namespace
}  // namespace leadd::config
