// The `shadow` key: a second full config loaded and checked with the main one, its problems
// reported in its own file, line and column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using testing::ConfigTest;
using ::testing::ElementsAre;

// Lines 1 to 4; each test's own text starts on line 5.
std::string Doc(std::string_view rest) { return testing::AfterMinimalConfig(rest); }

// A shadow file that routes round robin between two reps of its own; its rules start on line 5.
std::string ShadowDoc(std::string_view rules) {
  return std::string(testing::kVersionAndTokens) +
         "reps: [{id: alice}, {id: bob}, {id: carol}]\n"
         "# the rules\n" +
         std::string(rules);
}

using ShadowConfigTest = ConfigTest;

TEST_F(ShadowConfigTest, NoKeyMeansNoShadow) {
  const auto outcome = Load(Doc(""));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  EXPECT_FALSE(outcome.settings->shadow);
}

TEST_F(ShadowConfigTest, GoodFileIsLoadedRelativeToTheMainConfig) {
  dir_.Write("trials/shadow.yaml",
             ShadowDoc("rules: [{name: web-rr, assign: {round_robin: {reps: [bob, carol]}}}]\n"));
  // The shadow's token files are its own folder's: the loader reads them there.
  dir_.Write("trials/intake.token", "t1\n");
  dir_.Write("trials/admin.token", "t2\n");
  const auto outcome = Load(Doc("shadow:\n  config: trials/shadow.yaml\n"));
  ASSERT_TRUE(outcome.settings) << testing::Formatted(outcome).front();
  ASSERT_TRUE(outcome.settings->shadow);
  EXPECT_EQ(outcome.settings->shadow->config, dir_.Path() / "trials/shadow.yaml");
  const auto& shadow = outcome.settings->shadow->settings;
  ASSERT_NE(shadow, nullptr);
  ASSERT_EQ(shadow->rules.size(), 1u);
  EXPECT_EQ(shadow->rules[0].name, "web-rr");
  const auto* rotation = std::get_if<RoundRobinStrategy>(&shadow->rules[0].assign);
  ASSERT_NE(rotation, nullptr);
  EXPECT_THAT(rotation->reps, ElementsAre("bob", "carol"));
  EXPECT_FALSE(shadow->shadow);
  // The live rules are the main file's.
  ASSERT_EQ(outcome.settings->rules.size(), 1u);
  EXPECT_EQ(outcome.settings->rules[0].name, "all");
}

TEST_F(ShadowConfigTest, MissingFileIsAProblemOfTheMainFilesKey) {
  EXPECT_THAT(
      Problems(Doc("shadow:\n  config: missing.yaml\n")),
      ElementsAre("leadd.yaml:6:11: shadow.config: cannot read '" +
                  (dir_.Path() / "missing.yaml").string() + "': No such file or directory"));
}

TEST_F(ShadowConfigTest, BrokenShadowFileIsReportedInItsOwnFileLineAndColumn) {
  dir_.Write("shadow.yaml",
             ShadowDoc("rules: [{name: web-rr, assign: {round_robin: {reps: [bob, zed]}}}]\n"));
  const auto outcome = Load(Doc("shadow: {config: shadow.yaml}\nstages: 7\n"));
  EXPECT_FALSE(outcome.settings);
  // The main file's own problems first, then the shadow file's.
  EXPECT_THAT(testing::Formatted(outcome),
              ElementsAre("leadd.yaml:6:9: stages: expected a list, got '7'",
                          (dir_.Path() / "shadow.yaml").string() +
                              ":5:59: rules[0].assign.round_robin.reps[1]: unknown rep 'zed'"));
}

TEST_F(ShadowConfigTest, ShadowOfAShadowIsRefused) {
  dir_.Write("shadow.yaml", ShadowDoc("rules: [{name: all, assign: owner}]\n"
                                      "shadow: {config: other.yaml}\n"));
  dir_.Write("other.yaml", ShadowDoc("rules: [{name: all, assign: owner}]\n"));
  EXPECT_THAT(Problems(Doc("shadow: {config: shadow.yaml}\n")),
              ElementsAre((dir_.Path() / "shadow.yaml").string() +
                          ":6:1: shadow: a shadow config cannot have a shadow of its own; "
                          "remove this key"));
}

TEST_F(ShadowConfigTest, SectionNeedsItsConfigKey) {
  EXPECT_THAT(Problems(Doc("shadow: {file: x.yaml}\n")),
              ElementsAre("leadd.yaml:5:9: shadow: missing required key 'config'",
                          "leadd.yaml:5:10: shadow: unknown key 'file'; expected one of config"));
}

}  // namespace
}  // namespace leadd::config
