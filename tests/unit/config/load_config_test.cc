#include "config/load_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using std::chrono::milliseconds;
using testing::ConfigTest;
using ::testing::ElementsAre;
using testing::Formatted;
using ::testing::IsEmpty;
using testing::TempDir;

// Valid http, reps and rules, for tests about the lines above them.
constexpr std::string_view kValidTail =
    "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
    "reps: [{id: alice, teams: [sales]}, {id: bob, teams: [sales]}]\n"
    "rules: [{name: all, assign: owner}]\n";

std::string WithTail(std::string_view head) { return std::string(head) + std::string(kValidTail); }

using LoadConfigTest = ConfigTest;

TEST_F(LoadConfigTest, TypoWrongTypeAndUnknownRepAreExactlyThreeLocatedProblems) {
  const auto outcome = Load(
      "version: 1\n"
      "http:\n"
      "  lisen: 127.0.0.1:8080\n"
      "  intake_token_file: intake.token\n"
      "  admin_token_file: admin.token\n"
      "  max_body_bytes: lots\n"
      "reps:\n"
      "  - {id: alice}\n"
      "  - {id: bob}\n"
      "rules:\n"
      "  - name: existing-owner\n"
      "    assign: owner\n"
      "  - name: everyone\n"
      "    assign: {round_robin: {reps: [alice, bob, zed]}}\n");
  EXPECT_FALSE(outcome.settings.has_value());
  EXPECT_THAT(
      Formatted(outcome),
      ElementsAre("leadd.yaml:3:3: http: unknown key 'lisen', did you mean 'listen'?",
                  "leadd.yaml:6:19: http.max_body_bytes: expected a whole number, got 'lots'",
                  "leadd.yaml:14:47: rules[1].assign.round_robin.reps[2]: unknown rep 'zed'"));
  ASSERT_EQ(outcome.problems.size(), 3u);
  EXPECT_EQ(outcome.problems[2].file, "leadd.yaml");
  EXPECT_EQ(outcome.problems[2].line, 14);
  EXPECT_EQ(outcome.problems[2].column, 47);
  EXPECT_EQ(outcome.problems[2].message, "rules[1].assign.round_robin.reps[2]: unknown rep 'zed'");
}

TEST_F(LoadConfigTest, FullConfigFillsEverySetting) {
  dir_.Write("redis.password", "redis-pw\n");
  const auto outcome = Load(
      "version: 1\n"
      "state_dir: data/leadd\n"
      "instance_name: web-1\n"
      "shutdown_grace: 20s\n"
      "log:\n"
      "  level: warn\n"
      "  modules: {queue: debug, api: 'off'}\n"
      "redis:\n"
      "  url: redis://leadd@10.1.2.3:6380/4\n"
      "  password_file: redis.password\n"
      "  connect_timeout: 1500ms\n"
      "  request_timeout: 3s\n"
      "  reconnect_max_backoff: 1m\n"
      "  key_prefix: leadd.eu-1\n"
      "http:\n"
      "  listen: '[::1]:9090'\n"
      "  intake_token_file: intake.token\n"
      "  admin_token_file: admin.token\n"
      "  max_body_bytes: 65536\n"
      "  request_timeout: 1m30s\n"
      "reps:\n"
      "  - id: alice\n"
      "    name: Alice Wang\n"
      "    email: alice@example.com\n"
      "    teams: [export-eu, sales]\n"
      "  - id: bob\n"
      "    name: Bob\n"
      "    teams: [sales]\n"
      "  - id: carol.d\n"
      "    teams: [export-eu]\n"
      "rules:\n"
      "  - name: existing-owner\n"
      "    assign: owner\n"
      "  - name: export\n"
      "    assign: {round_robin: {team: export-eu}}\n"
      "  - name: named\n"
      "    assign: {round_robin: {reps: [bob, alice]}}\n");
  ASSERT_THAT(outcome.problems, IsEmpty()) << ::testing::PrintToString(Formatted(outcome));
  const DaemonSettings& s = *outcome.settings;

  EXPECT_EQ(s.source_path, dir_.Path() / "leadd.yaml");
  EXPECT_EQ(s.state_dir, dir_.Path() / "data/leadd");
  EXPECT_EQ(s.instance_name, "web-1");
  EXPECT_EQ(s.shutdown_grace, milliseconds(20'000));

  EXPECT_EQ(s.log.level, LogLevel::kWarn);
  EXPECT_EQ(s.log.modules, (std::map<std::string, LogLevel>{{"api", LogLevel::kOff},
                                                            {"queue", LogLevel::kDebug}}));

  const auto* external = std::get_if<ExternalRedis>(&s.redis.server);
  ASSERT_NE(external, nullptr);
  EXPECT_EQ(external->url, "redis://leadd@10.1.2.3:6380/4");
  EXPECT_EQ(external->endpoint.host, "10.1.2.3");
  EXPECT_EQ(external->endpoint.port, 6380);
  EXPECT_EQ(external->endpoint.db, 4);
  EXPECT_EQ(external->endpoint.username, "leadd");
  EXPECT_EQ(external->endpoint.unix_path, "");
  EXPECT_EQ(s.redis.password, "redis-pw");
  EXPECT_EQ(s.redis.connect_timeout, milliseconds(1'500));
  EXPECT_EQ(s.redis.request_timeout, milliseconds(3'000));
  EXPECT_EQ(s.redis.reconnect_max_backoff, milliseconds(60'000));
  EXPECT_EQ(s.redis.key_prefix, "leadd.eu-1");

  EXPECT_EQ(s.http.listen, "[::1]:9090");
  EXPECT_EQ(s.http.intake_token, kIntakeToken);
  EXPECT_EQ(s.http.admin_token, kAdminToken);
  EXPECT_EQ(s.http.max_body_bytes, 65536u);
  EXPECT_EQ(s.http.request_timeout, milliseconds(90'000));

  ASSERT_EQ(s.reps.size(), 3u);
  EXPECT_EQ(s.reps[0].id, "alice");
  EXPECT_EQ(s.reps[0].name, "Alice Wang");
  EXPECT_EQ(s.reps[0].email, "alice@example.com");
  EXPECT_THAT(s.reps[0].teams, ElementsAre("export-eu", "sales"));
  EXPECT_EQ(s.reps[1].id, "bob");
  EXPECT_EQ(s.reps[1].email, "");
  EXPECT_EQ(s.reps[2].id, "carol.d");
  EXPECT_EQ(s.reps[2].name, "");

  ASSERT_EQ(s.rules.size(), 3u);
  EXPECT_EQ(s.rules[0].name, "existing-owner");
  EXPECT_TRUE(std::holds_alternative<OwnerStrategy>(s.rules[0].assign));
  EXPECT_EQ(s.rules[1].name, "export");
  ASSERT_TRUE(std::holds_alternative<RoundRobinStrategy>(s.rules[1].assign));
  // A team becomes its reps, in the order the file lists the reps.
  EXPECT_THAT(std::get<RoundRobinStrategy>(s.rules[1].assign).reps,
              ElementsAre("alice", "carol.d"));
  ASSERT_TRUE(std::holds_alternative<RoundRobinStrategy>(s.rules[2].assign));
  EXPECT_THAT(std::get<RoundRobinStrategy>(s.rules[2].assign).reps, ElementsAre("bob", "alice"));
}

TEST_F(LoadConfigTest, LeftOutKeysKeepTheirDefaults) {
  const auto outcome = Load(WithTail("version: 1\n"));
  ASSERT_THAT(outcome.problems, IsEmpty()) << ::testing::PrintToString(Formatted(outcome));
  const DaemonSettings& s = *outcome.settings;
  const DaemonSettings defaults;
  EXPECT_EQ(s.state_dir, "/var/lib/leadd");
  EXPECT_EQ(s.instance_name, "");
  EXPECT_EQ(s.shutdown_grace, defaults.shutdown_grace);
  EXPECT_EQ(s.log.level, LogLevel::kInfo);
  EXPECT_THAT(s.log.modules, IsEmpty());
  const auto* embedded = std::get_if<EmbeddedRedis>(&s.redis.server);
  ASSERT_NE(embedded, nullptr);
  EXPECT_EQ(embedded->server_binary, "redis-server");
  EXPECT_EQ(s.redis.password, std::nullopt);
  EXPECT_EQ(s.redis.connect_timeout, defaults.redis.connect_timeout);
  EXPECT_EQ(s.redis.key_prefix, "leadd");
  EXPECT_EQ(s.http.listen, "127.0.0.1:8080");
  EXPECT_EQ(s.http.max_body_bytes, defaults.http.max_body_bytes);
  EXPECT_EQ(s.http.request_timeout, defaults.http.request_timeout);
}

TEST_F(LoadConfigTest, EmbeddedRedisAndUnixSocketUrlAreRead) {
  const auto embedded =
      Load(WithTail("version: 1\nredis: {embedded: {server_binary: /opt/redis}}\n"));
  ASSERT_THAT(embedded.problems, IsEmpty());
  EXPECT_EQ(std::get<EmbeddedRedis>(embedded.settings->redis.server).server_binary, "/opt/redis");

  const auto socket =
      Load(WithTail("version: 1\nredis: {url: 'unix:///run/redis/redis.sock?db=2'}\n"));
  ASSERT_THAT(socket.problems, IsEmpty());
  const auto& endpoint = std::get<ExternalRedis>(socket.settings->redis.server).endpoint;
  EXPECT_EQ(endpoint.unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(endpoint.db, 2);
}

TEST_F(LoadConfigTest, RelativePathsAreResolvedAgainstTheConfigFolder) {
  dir_.Write("secrets/intake", "nested-token\n");
  const auto relative = Load(
      "version: 1\n"
      "state_dir: ../state/./leadd\n"
      "http: {intake_token_file: secrets/intake, admin_token_file: ./admin.token}\n"
      "reps: [{id: alice}]\n"
      "rules: [{name: all, assign: owner}]\n");
  ASSERT_THAT(relative.problems, IsEmpty()) << ::testing::PrintToString(Formatted(relative));
  EXPECT_EQ(relative.settings->state_dir, dir_.Path().parent_path() / "state/leadd");
  EXPECT_EQ(relative.settings->http.intake_token, "nested-token");
  EXPECT_EQ(relative.settings->http.admin_token, kAdminToken);

  const auto absolute = Load(WithTail("version: 1\nstate_dir: /srv/leadd\n"));
  ASSERT_THAT(absolute.problems, IsEmpty());
  EXPECT_EQ(absolute.settings->state_dir, "/srv/leadd");
}

TEST_F(LoadConfigTest, UnknownKeyWithoutNearMatchListsTheKnownKeys) {
  EXPECT_THAT(
      Problems(WithTail("version: 1\ncolour: blue\n")),
      ElementsAre(
          "leadd.yaml:2:1: unknown key 'colour'; expected one of version, "
          "state_dir, instance_name, shutdown_grace, log, redis, http, reps, rules, pools, sla, "
          "grades, inactivity, stages, metrics, shadow, dedupe"));
}

TEST_F(LoadConfigTest, MissingRequiredKeysAreReportedAtTheParentMapping) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                       "reps:\n"
                       "  - name: Alice\n"
                       "    email: alice@example.com\n"),
              ElementsAre("leadd.yaml:1:1: missing required key 'rules'",
                          "leadd.yaml:4:5: reps[0]: missing required key 'id'"));
}

TEST_F(LoadConfigTest, MisspeltRequiredKeyIsNotAlsoReportedMissing) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_fil: intake.token, admin_token_file: admin.token}\n"
                       "reps:\n"
                       "  - ib: alice\n"
                       "rules: [{name: all, assign: owner}]\n"),
              ElementsAre("leadd.yaml:2:8: http: unknown key 'intake_token_fil', did you mean "
                          "'intake_token_file'?",
                          "leadd.yaml:4:5: reps[0]: unknown key 'ib', did you mean 'id'?"));
}

TEST_F(LoadConfigTest, WrongKindsOfValueAreNamed) {
  EXPECT_THAT(Problems("version: 1\n"
                       "state_dir: [a, b]\n"
                       "log: debug\n"
                       "http:\n"
                       "  intake_token_file: intake.token\n"
                       "  admin_token_file: admin.token\n"
                       "  listen: {host: x}\n"
                       "reps: {id: alice}\n"
                       "rules:\n"
                       "  - name: all\n"
                       "    assign: [owner]\n"),
              ElementsAre("leadd.yaml:2:12: state_dir: expected text, got a list",
                          "leadd.yaml:3:6: log: expected a mapping, got 'debug'",
                          "leadd.yaml:7:11: http.listen: expected text, got a mapping",
                          "leadd.yaml:8:7: reps: expected a list, got a mapping",
                          "leadd.yaml:11:13: rules[0].assign: expected owner, territory, random, "
                          "least_loaded, or a mapping naming one of round_robin, territory, "
                          "random, least_loaded, weighted, field, account_owner, top, got a list"));
}

TEST_F(LoadConfigTest, EmptyValueIsReportedAtItsKey) {
  // yaml-cpp marks an empty value at the next token, here the start of line 3.
  EXPECT_THAT(Problems(WithTail("version: 1\nlog:\ninstance_name: ''\n")),
              ElementsAre("leadd.yaml:2:1: log: expected a mapping, got nothing",
                          "leadd.yaml:3:16: instance_name: must not be empty"));
}

TEST_F(LoadConfigTest, EmptyListItemIsReportedAtItsList) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                       "reps:\n"
                       "  - id: alice\n"
                       "  -\n"
                       "rules: [{name: all, assign: owner}]\n"),
              ElementsAre("leadd.yaml:4:3: reps[1]: expected a mapping, got nothing"));
}

TEST_F(LoadConfigTest, UnsupportedVersionIsRejected) {
  EXPECT_THAT(Problems(WithTail("version: 2\n")),
              ElementsAre("leadd.yaml:1:10: version: unsupported version 2; this leadd reads "
                          "version 1"));
}

TEST_F(LoadConfigTest, DurationsMustParseAndBePositive) {
  EXPECT_THAT(
      Problems("version: 1\n"
               "shutdown_grace: 0s\n"
               "redis:\n"
               "  embedded: {}\n"
               "  connect_timeout: 30\n"
               "  request_timeout: soon\n"
               "  reconnect_max_backoff: -1s\n"
               "http:\n"
               "  intake_token_file: intake.token\n"
               "  admin_token_file: admin.token\n"
               "  request_timeout: 0ms\n"
               "reps: [{id: alice}]\n"
               "rules: [{name: all, assign: owner}]\n"),
      ElementsAre("leadd.yaml:2:17: shutdown_grace: must be longer than zero",
                  "leadd.yaml:5:20: redis.connect_timeout: expected a duration such as 500ms, "
                  "30s, 5m, 2h, 7d or 1h30m, got '30' (add a unit, as in 30s)",
                  "leadd.yaml:6:20: redis.request_timeout: expected a duration such as 500ms, "
                  "30s, 5m, 2h, 7d or 1h30m, got 'soon'",
                  "leadd.yaml:7:26: redis.reconnect_max_backoff: expected a duration such as "
                  "500ms, 30s, 5m, 2h, 7d or 1h30m, got '-1s'",
                  "leadd.yaml:11:20: http.request_timeout: must be longer than zero"));
}

TEST_F(LoadConfigTest, LogLevelsAndModulesAreChecked) {
  EXPECT_THAT(Problems(WithTail("version: 1\n"
                                "log:\n"
                                "  level: loud\n"
                                "  modules:\n"
                                "    queue: debug\n"
                                "    queu: info\n"
                                "    api: wran\n"
                                "    router: [debug]\n")),
              ElementsAre("leadd.yaml:3:10: log.level: unknown level 'loud'; expected one of "
                          "trace, debug, info, warn, error, critical, off",
                          "leadd.yaml:6:5: log.modules: unknown module 'queu', did you mean "
                          "'queue'?",
                          "leadd.yaml:7:10: log.modules.api: unknown level 'wran', did you mean "
                          "'warn'?",
                          "leadd.yaml:8:13: log.modules.router: expected text, got a list"));
}

TEST_F(LoadConfigTest, RedisNeedsExactlyOneServer) {
  EXPECT_THAT(Problems(WithTail("version: 1\n"
                                "redis:\n"
                                "  embedded: {}\n"
                                "  url: redis://127.0.0.1:6379/0\n")),
              ElementsAre("leadd.yaml:4:3: redis: 'embedded' and 'url' exclude each other; keep "
                          "one"));
  EXPECT_THAT(Problems(WithTail("version: 1\n"
                                "redis:\n"
                                "  key_prefix: x\n")),
              ElementsAre("leadd.yaml:3:3: redis: missing required key 'embedded' or 'url'"));
}

TEST_F(LoadConfigTest, RedisSettingsAreChecked) {
  EXPECT_THAT(
      Problems(WithTail("version: 1\n"
                        "redis:\n"
                        "  url: redis://db:99999\n"
                        "  password_credential: pw\n"
                        "  password_file: pw.txt\n"
                        "  key_prefix: \"lead d\"\n")),
      ElementsAre("leadd.yaml:3:8: redis.url: the port must be a number from 1 to 65535",
                  "leadd.yaml:5:3: redis: 'password_file' and 'password_credential' exclude each "
                  "other; keep one",
                  "leadd.yaml:6:15: redis.key_prefix: may hold only letters, digits, '_', '.' and "
                  "'-', got 'lead d'"));
  EXPECT_THAT(Problems(WithTail("version: 1\nredis: {url: 'memcached://db:11211'}\n")),
              ElementsAre("leadd.yaml:2:14: redis.url: expected a URL starting redis:// or "
                          "unix://, as in redis://127.0.0.1:6379/0"));
}

TEST_F(LoadConfigTest, PasswordInRedisUrlIsRejectedAndNotRepeated) {
  EXPECT_THAT(Problems(WithTail("version: 1\nredis:\n  url: redis://leadd:hunter2@db:6379/0\n")),
              ElementsAre("leadd.yaml:3:8: redis.url: a password in the URL is not accepted; "
                          "remove it and put it in a file named by password_file (or use "
                          "password_credential)"));
}

TEST_F(LoadConfigTest, HttpSettingsAreChecked) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http:\n"
                       "  listen: 127.0.0.1:65536\n"
                       "  admin_token_file: admin.token\n"
                       "  max_body_bytes: 0\n"
                       "reps: [{id: alice}]\n"
                       "rules: [{name: all, assign: owner}]\n"),
              ElementsAre("leadd.yaml:3:3: http: missing required key 'intake_token_file' or "
                          "'intake_token_credential'",
                          "leadd.yaml:3:11: http.listen: the port must be a number from 0 to "
                          "65535, got '127.0.0.1:65536'",
                          "leadd.yaml:5:19: http.max_body_bytes: must be at least 1"));
  EXPECT_THAT(Problems("version: 1\n"
                       "http:\n"
                       "  listen: \"::1:8080\"\n"
                       "  intake_token_file: intake.token\n"
                       "  intake_token_credential: intake\n"
                       "  admin_token_file: admin.token\n"
                       "reps: [{id: alice}]\n"
                       "rules: [{name: all, assign: owner}]\n"),
              ElementsAre("leadd.yaml:3:11: http.listen: an IPv6 address needs brackets, as in "
                          "[::1]:8080, got '::1:8080'",
                          "leadd.yaml:5:3: http: 'intake_token_file' and 'intake_token_credential' "
                          "exclude each other; keep one"));
}

TEST_F(LoadConfigTest, ListenHostMustBeAnAddressNotAName) {
  const auto with_listen = [](std::string_view listen) {
    return "version: 1\n"
           "http: {intake_token_file: intake.token, admin_token_file: admin.token, listen: " +
           std::string(listen) + "}\nreps: [{id: alice}]\nrules: [{name: all, assign: owner}]\n";
  };
  EXPECT_THAT(Problems(with_listen("example.com:80")),
              ElementsAre("leadd.yaml:2:80: http.listen: the host to listen on must be an IP "
                          "address or localhost, got 'example.com:80'"));
  EXPECT_THAT(Problems(with_listen("localhost:0")), IsEmpty());
  EXPECT_THAT(Problems(with_listen("'[::]:8080'")), IsEmpty());
  EXPECT_THAT(Problems(with_listen("0.0.0.0:8080")), IsEmpty());
}

TEST_F(LoadConfigTest, RepsAreChecked) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                       "reps:\n"
                       "  - id: alice\n"
                       "    email: alice.example.com\n"
                       "  - id: Bob\n"
                       "  - id: alice\n"
                       "    teams: sales\n"
                       "rules: [{name: all, assign: owner}]\n"),
              ElementsAre("leadd.yaml:5:12: reps[0].email: expected an email address such as "
                          "alice@example.com, got 'alice.example.com'",
                          "leadd.yaml:6:9: reps[1].id: expected lower-case letters, digits, '.', "
                          "'_' and '-', starting with a letter or digit, got 'Bob'",
                          "leadd.yaml:7:9: reps[2].id: duplicate rep id 'alice' (first at line 4)",
                          "leadd.yaml:8:12: reps[2].teams: expected a list, got 'sales'"));
}

TEST_F(LoadConfigTest, RepsAndRulesMustNotBeEmpty) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                       "reps: []\n"
                       "rules: []\n"),
              ElementsAre("leadd.yaml:3:7: reps: must list at least one rep",
                          "leadd.yaml:4:8: rules: must list at least one rule"));
}

TEST_F(LoadConfigTest, RulesAreChecked) {
  EXPECT_THAT(
      Problems("version: 1\n"
               "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
               "reps:\n"
               "  - {id: alice, teams: [sales]}\n"
               "  - {id: bob, teams: [sales]}\n"
               "rules:\n"
               "  - name: first\n"
               "    assign: ownr\n"
               "  - name: first\n"
               "    assign: round_robin\n"
               "  - name: third\n"
               "    assign: {round_robin: {reps: [alice], team: sales}}\n"
               "  - name: fourth\n"
               "    assign: {round_robin: {team: sale}}\n"
               "  - name: fifth\n"
               "    assign: {round_robin: {reps: []}}\n"
               "  - name: sixth\n"
               "    assign: {least_busy: {}}\n"
               "  - name: seventh\n"
               "    assign: {round_robin: {team: marketing}}\n"
               "  - name: eighth\n"
               "    assign: {round_robin: {reps: [alcie]}}\n"
               "  - assign: owner\n"
               "  - name: tenth\n"
               "    assign: {}\n"),
      ElementsAre(
          "leadd.yaml:8:13: rules[0].assign: unknown strategy 'ownr', did you mean 'owner'?",
          "leadd.yaml:9:11: rules[1].name: duplicate rule name 'first' (first at line 7)",
          "leadd.yaml:10:13: rules[1].assign: round_robin needs its reps: write {round_robin: "
          "{reps: [alice, bob]}} or {round_robin: {team: sales}}",
          "leadd.yaml:12:43: rules[2].assign.round_robin: 'reps' and 'team' exclude each other; "
          "keep one",
          "leadd.yaml:14:34: rules[3].assign.round_robin.team: unknown team 'sale', did you mean "
          "'sales'?",
          "leadd.yaml:16:34: rules[4].assign.round_robin.reps: must name at least one rep",
          "leadd.yaml:18:14: rules[5].assign: unknown strategy 'least_busy'; expected one of "
          "round_robin, territory, random, least_loaded, weighted, field, account_owner, top",
          "leadd.yaml:20:34: rules[6].assign.round_robin.team: unknown team 'marketing'; no rep "
          "lists it in its teams",
          "leadd.yaml:22:35: rules[7].assign.round_robin.reps[0]: unknown rep 'alcie', did you "
          "mean 'alice'?",
          "leadd.yaml:23:5: rules[8]: missing required key 'name'",
          "leadd.yaml:25:13: rules[9].assign: names no strategy; expected owner, territory, "
          "random, least_loaded, or a mapping naming one of round_robin, territory, random, "
          "least_loaded, weighted, field, account_owner, top"));
}

TEST_F(LoadConfigTest, UnreadableRepDoesNotMakeRulesNamingItFail) {
  // bob's id cannot be read, so "unknown rep 'bob'" would be a false second problem.
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                       "reps:\n"
                       "  - {id: alice}\n"
                       "  - {id: [bob]}\n"
                       "rules:\n"
                       "  - name: all\n"
                       "    assign: {round_robin: {reps: [alice, bob]}}\n"),
              ElementsAre("leadd.yaml:5:10: reps[1].id: expected text, got a list"));
}

TEST_F(LoadConfigTest, ProblemsFromBothPassesComeSortedByPosition) {
  const auto outcome = Load(
      "version: 1\n"
      "shutdown_grace: 0s\n"
      "instance_name: [x]\n"
      "http: {intake_token_file: intake.token, admin_token_file: admin.token, listen: nowhere}\n"
      "reps: [{id: alice}, {id: alice}]\n"
      "rules: [{name: all, assign: {round_robin: {reps: [zed]}}}, {name: all, assign: owner}]\n"
      "log: {level: chatty}\n");
  std::vector<std::pair<int, int>> positions;
  for (const ConfigProblem& problem : outcome.problems) {
    positions.emplace_back(problem.line, problem.column);
  }
  EXPECT_THAT(positions,
              ElementsAre(std::pair(2, 17), std::pair(3, 16), std::pair(4, 80), std::pair(5, 26),
                          std::pair(6, 51), std::pair(6, 67), std::pair(7, 14)))
      << ::testing::PrintToString(Formatted(outcome));
}

TEST_F(LoadConfigTest, RepTokensAndPoolsAreRead) {
  dir_.Write("alice.token", "alice-secret\n");
  const auto outcome = Load(
      "version: 1\n"
      "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
      "reps:\n"
      "  - {id: alice, token_file: alice.token}\n"
      "  - {id: bob}\n"
      "rules: [{name: all, assign: owner}]\n"
      "pools:\n"
      "  public: {max_held: 3}\n"
      "  vip-2: {claim_per_day: 5, max_held: 10, cooldown: 1d}\n"
      "  spare:\n");
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  const DaemonSettings& s = *outcome.settings;
  EXPECT_EQ(s.reps[0].token, "alice-secret");
  EXPECT_EQ(s.reps[1].token, std::nullopt);
  ASSERT_EQ(s.pools.size(), 4u);
  EXPECT_EQ(s.pools.at("public").max_held, 3u);
  EXPECT_EQ(s.pools.at("public").claim_per_day, 20u);
  EXPECT_EQ(s.pools.at("public").cooldown, std::chrono::days(7));
  EXPECT_EQ(s.pools.at("nurture").claim_per_day, 20u);
  EXPECT_EQ(s.pools.at("nurture").max_held, 200u);
  EXPECT_EQ(s.pools.at("vip-2").claim_per_day, 5u);
  EXPECT_EQ(s.pools.at("vip-2").max_held, 10u);
  EXPECT_EQ(s.pools.at("vip-2").cooldown, std::chrono::days(1));
  EXPECT_EQ(s.pools.at("spare").max_held, 200u);
}

TEST_F(LoadConfigTest, PublicAndNurturePoolsExistWithoutAPoolsSection) {
  const auto outcome = Load(WithTail("version: 1\n"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  const auto& pools = outcome.settings->pools;
  ASSERT_EQ(pools.size(), 2u);
  EXPECT_EQ(pools.at("public").claim_per_day, 20u);
  EXPECT_EQ(pools.at("public").max_held, 200u);
  EXPECT_EQ(pools.at("public").cooldown, std::chrono::days(7));
  EXPECT_TRUE(pools.contains("nurture"));
}

TEST_F(LoadConfigTest, PoolsAreChecked) {
  EXPECT_THAT(
      Problems(WithTail("version: 1\n"
                        "pools:\n"
                        "  public: {claim_per_dya: 5}\n"
                        "  Big: {}\n"
                        "  vip: {max_held: -1, cooldown: soon, colour: red}\n"
                        "  public: {}\n"
                        "  nurture: 7\n")),
      ElementsAre(
          "leadd.yaml:3:12: pools.public: unknown key 'claim_per_dya', did you "
          "mean 'claim_per_day'?",
          "leadd.yaml:4:3: pools: expected a pool name of lower-case letters, "
          "digits, '_' and '-', starting with a letter or digit, got 'Big'",
          "leadd.yaml:5:19: pools.vip.max_held: expected a whole number, got '-1'",
          "leadd.yaml:5:33: pools.vip.cooldown: expected a duration such as 500ms, 30s, 5m, 2h, "
          "7d or 1h30m, got 'soon'",
          "leadd.yaml:5:39: pools.vip: unknown key 'colour'; expected one of "
          "claim_per_day, max_held, cooldown",
          "leadd.yaml:6:3: pools: duplicate pool 'public' (first at line 3)",
          "leadd.yaml:7:12: pools.nurture: expected a mapping, got '7'"));
  EXPECT_THAT(Problems(WithTail("version: 1\npools: [public]\n")),
              ElementsAre("leadd.yaml:2:8: pools: expected a mapping of pool names, got a list"));
}

TEST_F(LoadConfigTest, SlaIsOffByDefault) {
  const auto outcome = Load(WithTail("version: 1\n"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  EXPECT_EQ(outcome.settings->sla.accept_within, std::nullopt);
  EXPECT_EQ(outcome.settings->sla.escalate_after_bounces, 2u);
}

TEST_F(LoadConfigTest, SlaIsRead) {
  const auto outcome =
      Load(WithTail("version: 1\nsla: {accept_within: 30m, escalate_after_bounces: 3}\n"));
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  EXPECT_EQ(outcome.settings->sla.accept_within, std::chrono::minutes(30));
  EXPECT_EQ(outcome.settings->sla.escalate_after_bounces, 3u);

  const auto only_within = Load(WithTail("version: 1\nsla: {accept_within: 1s}\n"));
  ASSERT_THAT(Formatted(only_within), IsEmpty());
  EXPECT_EQ(only_within.settings->sla.accept_within, std::chrono::seconds(1));
  EXPECT_EQ(only_within.settings->sla.escalate_after_bounces, 2u);
}

TEST_F(LoadConfigTest, SlaIsChecked) {
  EXPECT_THAT(
      Problems(WithTail("version: 1\n"
                        "sla: {accept_within: soon, escalate_after_bounces: -1, acept: 1}\n")),
      ElementsAre("leadd.yaml:2:22: sla.accept_within: expected a duration such as 500ms, 30s, "
                  "5m, 2h, 7d or 1h30m, got 'soon'",
                  "leadd.yaml:2:52: sla.escalate_after_bounces: expected a whole number, got '-1'",
                  "leadd.yaml:2:56: sla: unknown key 'acept'; expected one of accept_within, "
                  "remind_before, escalate_after_bounces, clock, default_grade"));
  EXPECT_THAT(
      Problems(WithTail("version: 1\nsla: {accept_within: 0s, escalate_after_bounces: 0}\n")),
      ElementsAre("leadd.yaml:2:22: sla.accept_within: must be longer than 0s; leave "
                  "accept_within out for no SLA",
                  "leadd.yaml:2:50: sla.escalate_after_bounces: must be at least 1"));
  EXPECT_THAT(Problems(WithTail("version: 1\nsla: 30m\n")),
              ElementsAre("leadd.yaml:2:6: sla: expected a mapping, got '30m'"));
}

TEST_F(LoadConfigTest, RepTokensAreChecked) {
  dir_.Write("alice.token", "shared\n");
  dir_.Write("bob.token", "shared\n");
  dir_.Write("carol.token", std::string(kAdminToken) + "\n");
  EXPECT_THAT(Problems("version: 1\n"
                       "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                       "reps:\n"
                       "  - {id: alice, token_file: alice.token}\n"
                       "  - {id: bob, token_file: bob.token}\n"
                       "  - {id: carol, token_file: carol.token}\n"
                       "  - {id: dave, token_file: dave.token, token_credential: dave}\n"
                       "  - {id: erin, token_fil: erin.token}\n"
                       "rules: [{name: all, assign: owner}]\n"),
              ElementsAre("leadd.yaml:5:15: reps[1].token_file: holds the same token as "
                          "reps[0].token_file; every rep needs a token of its own",
                          "leadd.yaml:6:17: reps[2].token_file: holds the same token as "
                          "http.admin_token_file; every rep needs a token of its own",
                          "leadd.yaml:7:40: reps[3]: 'token_file' and 'token_credential' exclude "
                          "each other; keep one",
                          "leadd.yaml:8:16: reps[4]: unknown key 'token_fil', did you mean "
                          "'token_file'?"));
}

TEST(LoadConfigFileTest, ReadsTheFileAndResolvesPathsAgainstItsFolder) {
  const TempDir dir;
  dir.Write("etc/intake.token", "file-intake\n");
  dir.Write("etc/admin.token", "file-admin\n");
  const auto path =
      dir.Write("etc/leadd.yaml",
                "version: 1\n"
                "state_dir: ../var/lib/leadd\n"
                "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
                "reps: [{id: alice}]\n"
                "rules: [{name: all, assign: owner}]\n");
  const auto outcome = LoadConfigFile(path, {});
  ASSERT_THAT(outcome.problems, IsEmpty()) << ::testing::PrintToString(Formatted(outcome));
  EXPECT_EQ(outcome.settings->source_path, path);
  EXPECT_EQ(outcome.settings->state_dir, dir.Path() / "var/lib/leadd");
  EXPECT_EQ(outcome.settings->http.intake_token, "file-intake");
}

TEST(LoadConfigFileTest, ProblemsNameTheFileAsGiven) {
  const TempDir dir;
  const auto path = dir.Write("leadd.yaml", "version: 1\n");
  const auto outcome = LoadConfigFile(path, {});
  EXPECT_THAT(Formatted(outcome),
              ElementsAre(path.string() + ":1:1: missing required key 'http'",
                          path.string() + ":1:1: missing required key 'reps'",
                          path.string() + ":1:1: missing required key 'rules'"));
}

TEST(LoadConfigFileTest, MissingFileIsOneProblemWithoutPosition) {
  const TempDir dir;
  const auto path = dir.Path() / "absent.yaml";
  const auto outcome = LoadConfigFile(path, {});
  EXPECT_FALSE(outcome.settings.has_value());
  ASSERT_EQ(outcome.problems.size(), 1u);
  EXPECT_EQ(outcome.problems[0].line, 0);
  EXPECT_EQ(FormatProblem(outcome.problems[0]),
            path.string() + ": cannot read '" + path.string() + "': No such file or directory");
}

TEST(LoadConfigFileTest, DirectoryIsRejected) {
  const TempDir dir;
  EXPECT_THAT(
      Formatted(LoadConfigFile(dir.Path(), {})),
      ElementsAre(dir.Path().string() + ": '" + dir.Path().string() + "' is not a regular file"));
}

TEST(FormatProblemTest, FileLineColumnMessage) {
  EXPECT_EQ(FormatProblem({"leadd.yaml", 3, 7, "http: oops"}), "leadd.yaml:3:7: http: oops");
  EXPECT_EQ(FormatProblem({"leadd.yaml", 0, 0, "cannot read"}), "leadd.yaml: cannot read");
}

TEST(QuickstartTest, ExampleConfigLoadsWithoutProblems) {
  const std::filesystem::path source_dir = LEADD_SOURCE_DIR;
  const auto outcome = LoadConfigFile(source_dir / "examples/quickstart.yaml", {});
  ASSERT_THAT(Formatted(outcome), IsEmpty());
  const DaemonSettings& s = *outcome.settings;
  EXPECT_EQ(s.state_dir, (source_dir / "var/quickstart").lexically_normal());
  EXPECT_TRUE(std::holds_alternative<EmbeddedRedis>(s.redis.server));
  EXPECT_EQ(s.http.listen, "127.0.0.1:8080");
  EXPECT_EQ(s.http.intake_token, "quickstart-intake-token");
  EXPECT_EQ(s.http.admin_token, "quickstart-admin-token");
  EXPECT_EQ(s.log.level, LogLevel::kInfo);
  ASSERT_EQ(s.reps.size(), 3u);
  EXPECT_EQ(s.reps[0].id, "alice");
  EXPECT_EQ(s.reps[1].id, "bob");
  EXPECT_EQ(s.reps[2].id, "carol");
  ASSERT_EQ(s.rules.size(), 2u);
  EXPECT_EQ(s.rules[0].name, "existing-owner");
  EXPECT_TRUE(std::holds_alternative<OwnerStrategy>(s.rules[0].assign));
  EXPECT_EQ(s.rules[1].name, "everyone");
  ASSERT_TRUE(std::holds_alternative<RoundRobinStrategy>(s.rules[1].assign));
  EXPECT_THAT(std::get<RoundRobinStrategy>(s.rules[1].assign).reps,
              ElementsAre("alice", "bob", "carol"));
}

// Every config shipped in examples/ must load: an example that does not is a broken promise.
TEST(ExamplesTest, EveryShippedExampleLoadsWithoutProblems) {
  const std::filesystem::path examples = std::filesystem::path(LEADD_SOURCE_DIR) / "examples";
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(examples)) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_THAT(Formatted(LoadConfigFile(entry.path(), {})), IsEmpty()) << entry.path();
    ++loaded;
  }
  EXPECT_GE(loaded, 2) << "quickstart.yaml and distribution-rules.yaml at least";
}

}  // namespace
}  // namespace leadd::config
