// Helpers for the config tests: a temporary folder for secret files, and loading text with the
// problems rendered as the admin sees them.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "config/load_config.h"

namespace leadd::config::testing {

// A folder of its own under $TMPDIR, removed with everything in it at destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "leadd-config-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& Path() const { return path_; }

  std::filesystem::path Write(const std::filesystem::path& name, std::string_view content) const {
    const std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return file;
  }

 private:
  std::filesystem::path path_;
};

// Lines 1 and 2 of a test config: the version and the two tokens ConfigTest provides.
inline constexpr std::string_view kVersionAndTokens =
    "version: 1\n"
    "http: {intake_token_file: intake.token, admin_token_file: admin.token}\n";

// A whole config of four lines, one rep and one rule, for the tests of another section: `rest`
// starts on line 5.
inline std::string AfterMinimalConfig(std::string_view rest) {
  return std::string(kVersionAndTokens) +
         "reps: [{id: alice}]\n"
         "rules: [{name: all, assign: owner}]\n" +
         std::string(rest);
}

inline std::vector<std::string> Formatted(const LoadOutcome& outcome) {
  std::vector<std::string> lines;
  for (const ConfigProblem& problem : outcome.problems) lines.push_back(FormatProblem(problem));
  return lines;
}

// A folder holding intake.token and admin.token, which the test configs name, and the loader
// pointed at it as the config's folder.
class ConfigTest : public ::testing::Test {
 protected:
  static constexpr std::string_view kIntakeToken = "intake-secret-1";
  static constexpr std::string_view kAdminToken = "admin-secret-2";

  ConfigTest() {
    dir_.Write("intake.token", std::string(kIntakeToken) + "\n");
    dir_.Write("admin.token", std::string(kAdminToken) + "\n");
  }

  LoadOutcome Load(std::string_view text, const LoadEnvironment& env = {}) const {
    return LoadConfigText(text, "leadd.yaml", dir_.Path(), env);
  }

  std::vector<std::string> Problems(std::string_view text, const LoadEnvironment& env = {}) const {
    return Formatted(Load(text, env));
  }

  TempDir dir_;
};

}  // namespace leadd::config::testing
