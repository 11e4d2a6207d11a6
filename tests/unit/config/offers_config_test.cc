// A rule's `offer:` (direct, offer, race, pool_only), a rep's `backup:` and a grade's `team:`:
// what the loader builds, and every mistake reported at file:line:column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using testing::ConfigTest;
using ::testing::ElementsAre;

using OfferConfigTest = ConfigTest;

// Lines 1 to 7; the rule under test is line 8, its offer value at column 38.
std::string WithOffer(std::string_view offer) {
  return std::string(testing::kVersionAndTokens) +
         "reps:\n"
         "  - {id: alice}\n"
         "  - {id: bob}\n"
         "pools: {public: {}, vip: {}}\n"
         "rules:\n"
         "  - {name: r, assign: random, offer: " +
         std::string(offer) + "}\n";
}

OfferSettings LoadedOffer(const LoadOutcome& outcome) {
  if (!outcome.settings) {
    ADD_FAILURE() << ::testing::PrintToString(testing::Formatted(outcome));
    return {};
  }
  return outcome.settings->rules.front().offer;
}

TEST_F(OfferConfigTest, DirectIsTheDefaultAndEachModeLoadsWithItsDefaults) {
  const auto plain = Load(std::string(testing::kVersionAndTokens) +
                          "reps: [{id: alice}]\nrules: [{name: r, assign: random}]\n");
  EXPECT_EQ(LoadedOffer(plain).mode, OfferMode::kDirect);

  const auto offer = LoadedOffer(Load(WithOffer("offer")));
  EXPECT_EQ(offer.mode, OfferMode::kOffer);
  EXPECT_EQ(offer.window, std::chrono::minutes(15));
  EXPECT_EQ(offer.pool, "public");

  const auto race = LoadedOffer(Load(WithOffer("{mode: race, to: 2, window: 5m, pool: vip}")));
  EXPECT_EQ(race.mode, OfferMode::kRace);
  EXPECT_EQ(race.race_to, 2u);
  EXPECT_EQ(race.window, std::chrono::minutes(5));
  EXPECT_EQ(race.pool, "vip");

  const auto pool_only = LoadedOffer(Load(WithOffer("{mode: pool_only, pool: vip}")));
  EXPECT_EQ(pool_only.mode, OfferMode::kPoolOnly);
  EXPECT_EQ(pool_only.pool, "vip");
}

TEST_F(OfferConfigTest, AnUnknownModeIsNamedWithTheNearestOne) {
  EXPECT_THAT(Problems(WithOffer("rase")),
              ElementsAre("leadd.yaml:8:38: rules[0].offer: unknown offer mode 'rase', did you "
                          "mean 'race'?"));
  EXPECT_THAT(Problems(WithOffer("{window: 5m}")),
              ElementsAre("leadd.yaml:8:38: rules[0].offer: missing required key 'mode'"));
}

TEST_F(OfferConfigTest, ASettingItsModeWouldIgnoreIsRefused) {
  EXPECT_THAT(Problems(WithOffer("{mode: direct, window: 5m}")),
              ElementsAre("leadd.yaml:8:61: rules[0].offer.window: is only for offer and race, "
                          "not for mode direct"));
  EXPECT_THAT(Problems(WithOffer("{mode: offer, to: 3}")),
              ElementsAre("leadd.yaml:8:56: rules[0].offer.to: is only for race, not for mode "
                          "offer"));
  EXPECT_THAT(Problems(WithOffer("{mode: direct, pool: vip}")),
              ElementsAre("leadd.yaml:8:59: rules[0].offer.pool: is only for offer, race and "
                          "pool_only, not for mode direct"));
}

TEST_F(OfferConfigTest, ARaceOfOneAZeroWindowAndAnUnknownPoolAreRefused) {
  EXPECT_THAT(Problems(WithOffer("{mode: race, to: 1}")),
              ElementsAre("leadd.yaml:8:55: rules[0].offer.to: a race needs at least 2 reps; for "
                          "one at a time write mode: offer"));
  EXPECT_THAT(Problems(WithOffer("{mode: offer, window: 0s}")),
              ElementsAre("leadd.yaml:8:60: rules[0].offer.window: must be longer than 0s"));
  EXPECT_THAT(Problems(WithOffer("{mode: pool_only, pool: vp}")),
              ElementsAre("leadd.yaml:8:62: rules[0].offer.pool: unknown pool 'vp', did you mean "
                          "'vip'?"));
}

// Lines 1 and 2 are version and tokens; the reps are lines 4 and 5.
std::string WithBackup(std::string_view backup) {
  return std::string(testing::kVersionAndTokens) +
         "reps:\n  - {id: alice, backup: " + std::string(backup) +
         "}\n"
         "  - {id: bob, manager: alice}\n"
         "rules: [{name: r, assign: random}]\n";
}

TEST_F(OfferConfigTest, ABackupIsAnotherRep) {
  const auto loaded = Load(WithBackup("bob"));
  ASSERT_TRUE(loaded.settings) << ::testing::PrintToString(testing::Formatted(loaded));
  EXPECT_EQ(loaded.settings->reps.front().backup, "bob");
  EXPECT_THAT(Problems(WithBackup("alice")),
              ElementsAre("leadd.yaml:4:25: reps[0].backup: a rep cannot be their own backup"));
  EXPECT_THAT(Problems(WithBackup("bobb")),
              ElementsAre("leadd.yaml:4:25: reps[0].backup: unknown rep 'bobb', did you mean "
                          "'bob'?"));
}

std::string WithTeam(std::string_view team) {
  return std::string(testing::kVersionAndTokens) +
         "reps: [{id: alice}]\n"
         "rules: [{name: r, assign: random}]\n"
         "grades:\n"
         "  A: {team: " +
         std::string(team) + "}\n  B: {}\n";
}

TEST_F(OfferConfigTest, AKeyAccountGradeNamesItsTeam) {
  const auto loaded = Load(WithTeam("{backup: true, inform_manager: true}"));
  ASSERT_TRUE(loaded.settings) << ::testing::PrintToString(testing::Formatted(loaded));
  EXPECT_TRUE(loaded.settings->grades.at("A").backup);
  EXPECT_TRUE(loaded.settings->grades.at("A").inform_manager);
  EXPECT_FALSE(loaded.settings->grades.at("B").backup);
  EXPECT_FALSE(loaded.settings->grades.at("B").inform_manager);
  EXPECT_THAT(Problems(WithTeam("{backup: yes}")),
              ElementsAre("leadd.yaml:6:22: grades.A.team.backup: unknown value 'yes'; expected "
                          "one of false, true"));
  EXPECT_THAT(Problems(WithTeam("{backups: true}")),
              ElementsAre("leadd.yaml:6:14: grades.A.team: unknown key 'backups', did you mean "
                          "'backup'?"));
}

}  // namespace
}  // namespace leadd::config
