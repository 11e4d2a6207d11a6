// http.public_url, http.link_secret_file / _credential and http.link_ttl: the settings of the
// signed action links in rep notifications.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::TempDir;

class HttpLinksTest : public testing::ConfigTest {
 protected:
  // A file with the http section's extra lines after the two required tokens.
  static std::string WithHttp(std::string_view extra) {
    return "version: 1\n"
           "http:\n"
           "  intake_token_file: intake.token\n"
           "  admin_token_file: admin.token\n" +
           std::string(extra) +
           "reps: [{id: alice}]\n"
           "rules: [{name: all, assign: owner}]\n";
  }
};

TEST_F(HttpLinksTest, LinksAreOffUnlessASecretIsConfigured) {
  const auto outcome = Load(WithHttp("  listen: 10.0.0.5:8080\n"));
  ASSERT_THAT(outcome.problems, IsEmpty()) << ::testing::PrintToString(testing::Formatted(outcome));
  const HttpSettings& http = outcome.settings->http;
  EXPECT_EQ(http.link_secret, std::nullopt);
  EXPECT_EQ(http.public_url, "");  // the links then start at http://<listen>
  EXPECT_EQ(http.link_ttl, std::chrono::hours(72));
}

TEST_F(HttpLinksTest, SecretUrlAndTtlAreRead) {
  const std::string secret(40, 'k');
  dir_.Write("link.secret", secret + "\n");
  const auto outcome =
      Load(WithHttp("  public_url: https://leads.example.com/crm/\n"
                    "  link_secret_file: link.secret\n"
                    "  link_ttl: 1d12h\n"));
  ASSERT_THAT(outcome.problems, IsEmpty()) << ::testing::PrintToString(testing::Formatted(outcome));
  const HttpSettings& http = outcome.settings->http;
  EXPECT_EQ(http.link_secret, secret);
  EXPECT_EQ(http.public_url, "https://leads.example.com/crm");
  EXPECT_EQ(http.link_ttl, std::chrono::hours(36));
}

TEST_F(HttpLinksTest, ShortSecretIsAnErrorAtItsKey) {
  dir_.Write("short.secret", std::string(31, 'k') + "\n");
  EXPECT_THAT(Problems(WithHttp("  link_secret_file: short.secret\n")),
              ElementsAre("leadd.yaml:5:3: http.link_secret_file: the secret is 31 bytes; links "
                          "need at least 32 (e.g. head -c 48 /dev/urandom | base64)"));
  dir_.Write("exact.secret", std::string(32, 'k'));
  EXPECT_THAT(Problems(WithHttp("  link_secret_file: exact.secret\n")), IsEmpty());
}

TEST_F(HttpLinksTest, SecretFileProblemsNameThePathNotTheContent) {
  dir_.Write("empty.secret", "\n");
  EXPECT_THAT(
      Problems(WithHttp("  link_secret_file: missing.secret\n")),
      ElementsAre("leadd.yaml:5:3: http.link_secret_file: cannot read '" +
                  (dir_.Path() / "missing.secret").string() + "': No such file or directory"));
  EXPECT_THAT(Problems(WithHttp("  link_secret_file: empty.secret\n")),
              ElementsAre("leadd.yaml:5:3: http.link_secret_file: '" +
                          (dir_.Path() / "empty.secret").string() + "' is empty"));
}

TEST_F(HttpLinksTest, CredentialIsReadFromTheCredentialsDirectoryWithTheSameRules) {
  const TempDir credentials;
  credentials.Write("leadd-links", std::string(40, 'c') + "\n");
  credentials.Write("short-links", "too short");
  LoadEnvironment env;
  env.credentials_directory = credentials.Path();
  const auto outcome = Load(WithHttp("  link_secret_credential: leadd-links\n"), env);
  ASSERT_THAT(outcome.problems, IsEmpty()) << ::testing::PrintToString(testing::Formatted(outcome));
  EXPECT_EQ(outcome.settings->http.link_secret, std::string(40, 'c'));
  EXPECT_THAT(Problems(WithHttp("  link_secret_credential: short-links\n"), env),
              ElementsAre("leadd.yaml:5:3: http.link_secret_credential: the secret is 9 bytes; "
                          "links need at least 32 (e.g. head -c 48 /dev/urandom | base64)"));
  EXPECT_THAT(Problems(WithHttp("  link_secret_credential: leadd-links\n")),
              ElementsAre(HasSubstr("http.link_secret_credential: needs $CREDENTIALS_DIRECTORY")));
  EXPECT_THAT(Problems(WithHttp("  link_secret_credential: ../escape\n"), env),
              ElementsAre(HasSubstr("leadd.yaml:5:3: http.link_secret_credential: ")));
}

TEST_F(HttpLinksTest, FileAndCredentialTogetherAreRefused) {
  dir_.Write("link.secret", std::string(40, 'k'));
  const auto problems =
      Problems(WithHttp("  link_secret_file: link.secret\n"
                        "  link_secret_credential: leadd-links\n"));
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0], HasSubstr("link_secret_file"));
  EXPECT_THAT(problems[0], HasSubstr("link_secret_credential"));
}

TEST_F(HttpLinksTest, TtlMustBeLongerThanZero) {
  EXPECT_THAT(Problems(WithHttp("  link_ttl: 0s\n")),
              ElementsAre("leadd.yaml:5:13: http.link_ttl: must be longer than zero"));
  EXPECT_THAT(Problems(WithHttp("  link_ttl: 72\n")), SizeIs(1));
}

TEST_F(HttpLinksTest, PublicUrlMustBeAPlainHttpBase) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"ftp://leads.example.com", "must start with http:// or https://"},
      {"leads.example.com", "must start with http:// or https://"},
      {"https://", "needs a host after the scheme"},
      {"https:///path", "needs a host after the scheme"},
      {"https://leads.example.com/?x=1", "must not hold a query or fragment"},
      {"https://leads.example.com/#top", "must not hold a query or fragment"},
      {"'https://leads.example.com/a\"b'", "must not hold spaces"},
  };
  for (const auto& [url, message] : cases) {
    const auto problems = Problems(WithHttp("  public_url: " + std::string(url) + "\n"));
    ASSERT_THAT(problems, SizeIs(1)) << url;
    EXPECT_THAT(problems[0], HasSubstr("leadd.yaml:5:15: http.public_url: " + std::string(message)))
        << url;
  }
  const auto outcome = Load(WithHttp("  public_url: http://10.0.0.5:8080\n"));
  ASSERT_THAT(outcome.problems, IsEmpty());
  EXPECT_EQ(outcome.settings->http.public_url, "http://10.0.0.5:8080");
}

}  // namespace
}  // namespace leadd::config
