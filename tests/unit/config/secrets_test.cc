#include "config/secrets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "config_test_support.h"

namespace leadd::config {
namespace {

using testing::ConfigTest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::TempDir;

TEST(ReadSecretFileTest, StripsExactlyOneTrailingNewline) {
  const TempDir dir;
  EXPECT_EQ(ReadSecretFile(dir.Write("lf", "token\n")).value(), "token");
  EXPECT_EQ(ReadSecretFile(dir.Write("crlf", "token\r\n")).value(), "token");
  EXPECT_EQ(ReadSecretFile(dir.Write("none", "token")).value(), "token");
  EXPECT_EQ(ReadSecretFile(dir.Write("two", "token\n\n")).value(), "token\n");
  EXPECT_EQ(ReadSecretFile(dir.Write("inner", " to\nken \n")).value(), " to\nken ");
}

TEST(ReadSecretFileTest, EmptyFileIsRejected) {
  const TempDir dir;
  for (const std::string_view content : {"", "\n", "\r\n"}) {
    const auto file = dir.Write("empty", content);
    const auto read = ReadSecretFile(file);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().detail, "'" + file.string() + "' is empty");
  }
}

TEST(ReadSecretFileTest, MissingFileIsRejectedNamingThePath) {
  const TempDir dir;
  const auto file = dir.Path() / "absent";
  const auto read = ReadSecretFile(file);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().detail, "cannot read '" + file.string() + "': No such file or directory");
}

TEST(ReadSecretFileTest, DirectoryAndFifoAreRejectedWithoutBlocking) {
  const TempDir dir;
  const auto folder = dir.Path() / "folder";
  std::filesystem::create_directory(folder);
  EXPECT_EQ(ReadSecretFile(folder).error().detail,
            "'" + folder.string() + "' is not a regular file");
  const auto fifo = dir.Path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ReadSecretFile(fifo).error().detail, "'" + fifo.string() + "' is not a regular file");
}

TEST(ReadSecretFileTest, OversizedFileIsRejected) {
  const TempDir dir;
  const auto file = dir.Write("big", std::string(kMaxSecretBytes + 1, 'x'));
  EXPECT_EQ(ReadSecretFile(file).error().detail,
            "'" + file.string() + "' is larger than 65536 bytes");
  const auto at_limit = dir.Write("limit", std::string(kMaxSecretBytes, 'x'));
  EXPECT_TRUE(ReadSecretFile(at_limit));
}

TEST(ReadSecretFileTest, UnreadableFileIsRejectedWithTheReason) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  const TempDir dir;
  const auto file = dir.Write("locked", "token\n");
  std::filesystem::permissions(file, std::filesystem::perms::none);
  EXPECT_EQ(ReadSecretFile(file).error().detail,
            "cannot read '" + file.string() + "': Permission denied");
}

TEST(CredentialPathTest, OnlyPlainNamesStayInsideTheDirectory) {
  EXPECT_EQ(CredentialPath("/run/credentials/leadd.service", "admin-token").value(),
            "/run/credentials/leadd.service/admin-token");
  for (const std::string_view name : {"", ".", "..", "../etc/shadow", "a/b", "/etc/shadow"}) {
    const auto path = CredentialPath("/run/credentials/leadd.service", name);
    ASSERT_FALSE(path) << name;
    EXPECT_EQ(path.error().detail,
              "a credential is named by a plain file name, as in LoadCredential=NAME:PATH");
  }
}

using SecretsInConfigTest = ConfigTest;

TEST_F(SecretsInConfigTest, TokensAreReadFromFilesRelativeToTheConfig) {
  const auto outcome = Load(
      "version: 1\n"
      "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n"
      "reps: [{id: alice}]\n"
      "rules: [{name: all, assign: owner}]\n");
  ASSERT_THAT(outcome.problems, IsEmpty()) << ::testing::PrintToString(testing::Formatted(outcome));
  EXPECT_EQ(outcome.settings->http.intake_token, kIntakeToken);
  EXPECT_EQ(outcome.settings->http.admin_token, kAdminToken);
  EXPECT_EQ(outcome.settings->redis.password, std::nullopt);
}

TEST_F(SecretsInConfigTest, CredentialsAreReadFromTheCredentialsDirectory) {
  const TempDir credentials;
  credentials.Write("intake", "from-credential-1\n");
  credentials.Write("admin", "from-credential-2");
  credentials.Write("redis-password", "from-credential-3\r\n");
  LoadEnvironment env;
  env.credentials_directory = credentials.Path();
  const auto outcome = Load(
      "version: 1\n"
      "redis: {url: 'redis://leadd@db:6379/0', password_credential: redis-password}\n"
      "http: {intake_token_credential: intake, admin_token_credential: admin}\n"
      "reps: [{id: alice}]\n"
      "rules: [{name: all, assign: owner}]\n",
      env);
  ASSERT_THAT(outcome.problems, IsEmpty()) << ::testing::PrintToString(testing::Formatted(outcome));
  EXPECT_EQ(outcome.settings->http.intake_token, "from-credential-1");
  EXPECT_EQ(outcome.settings->http.admin_token, "from-credential-2");
  EXPECT_EQ(outcome.settings->redis.password, "from-credential-3");
}

TEST_F(SecretsInConfigTest, CredentialWithoutCredentialsDirectoryNamesSystemd) {
  EXPECT_THAT(Problems("version: 1\n"
                       "http:\n"
                       "  intake_token_credential: intake\n"
                       "  admin_token_file: admin.token\n"
                       "reps: [{id: alice}]\n"
                       "rules: [{name: all, assign: owner}]\n"),
              ElementsAre("leadd.yaml:3:3: http.intake_token_credential: needs "
                          "$CREDENTIALS_DIRECTORY, which systemd sets for a unit with "
                          "LoadCredential=; outside systemd, use intake_token_file"));
}

TEST_F(SecretsInConfigTest, SecretProblemsPointAtTheKeyAndNameThePath) {
  dir_.Write("empty.token", "\n");
  const TempDir credentials;
  LoadEnvironment env;
  env.credentials_directory = credentials.Path();
  EXPECT_THAT(
      Problems("version: 1\n"
               "redis:\n"
               "  embedded: {}\n"
               "  password_credential: ../escape\n"
               "http:\n"
               "  intake_token_file:   missing.token\n"
               "  admin_token_file: empty.token\n"
               "reps: [{id: alice}]\n"
               "rules: [{name: all, assign: owner}]\n",
               env),
      ElementsAre("leadd.yaml:4:3: redis.password_credential: a credential is named by a plain "
                  "file name, as in LoadCredential=NAME:PATH",
                  "leadd.yaml:6:3: http.intake_token_file: cannot read '" +
                      (dir_.Path() / "missing.token").string() + "': No such file or directory",
                  "leadd.yaml:7:3: http.admin_token_file: '" +
                      (dir_.Path() / "empty.token").string() + "' is empty"));
}

TEST_F(SecretsInConfigTest, MissingCredentialFileNamesItsPath) {
  const TempDir credentials;
  LoadEnvironment env;
  env.credentials_directory = credentials.Path();
  EXPECT_THAT(
      Problems("version: 1\n"
               "http: {intake_token_credential: intake, admin_token_file: admin.token}\n"
               "reps: [{id: alice}]\n"
               "rules: [{name: all, assign: owner}]\n",
               env),
      ElementsAre("leadd.yaml:2:8: http.intake_token_credential: cannot read '" +
                  (credentials.Path() / "intake").string() + "': No such file or directory"));
}

TEST_F(SecretsInConfigTest, AbsoluteSecretPathsAreUsedAsWritten) {
  const TempDir elsewhere;
  const auto token = elsewhere.Write("intake", "absolute-token\n");
  const auto outcome = Load(
      "version: 1\n"
      "http: {intake_token_file: " +
      token.string() +
      ", admin_token_file: admin.token}\n"
      "reps: [{id: alice}]\n"
      "rules: [{name: all, assign: owner}]\n");
  ASSERT_THAT(outcome.problems, IsEmpty());
  EXPECT_EQ(outcome.settings->http.intake_token, "absolute-token");
}

TEST_F(SecretsInConfigTest, SecretValuesNeverAppearInProblems) {
  // Problems all around the secrets: neither the values read from files nor a password written
  // into the Redis URL may show up in a message.
  dir_.Write("redis.password", "redis-secret-3\n");
  const auto outcome = Load(
      "version: 1\n"
      "redis:\n"
      "  url: redis://leadd:url-secret-4@db:6379/0\n"
      "  password_file: redis.password\n"
      "  key_prefix: not a prefix\n"
      "http:\n"
      "  intake_token_file: intake.token\n"
      "  admin_token_file: admin.token\n"
      "  max_body_bytes: lots\n"
      "reps: [{id: alice}]\n"
      "rules: [{name: all, assign: owner}]\n");
  ASSERT_EQ(outcome.problems.size(), 3u) << ::testing::PrintToString(testing::Formatted(outcome));
  for (const std::string& line : testing::Formatted(outcome)) {
    for (const std::string_view secret :
         {"intake-secret-1", "admin-secret-2", "redis-secret-3", "url-secret-4"}) {
      EXPECT_THAT(line, ::testing::Not(HasSubstr(std::string(secret)))) << line;
    }
  }
}

}  // namespace
}  // namespace leadd::config
