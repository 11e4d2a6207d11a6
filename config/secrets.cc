#include "config/secrets.h"

#include "config/problem_log.h"
#include "config/small_file.h"

namespace leadd::config {
namespace {

constexpr std::size_t kMaxQuotedPath = 256;

}  // namespace

Result<std::string> ReadSecretFile(const std::filesystem::path& path) {
  LEADD_TRY(content, ReadSmallFile(path, kMaxSecretBytes));
  if (content.ends_with("\r\n")) {
    content.resize(content.size() - 2);
  } else if (content.ends_with('\n')) {
    content.pop_back();
  }
  if (content.empty()) {
    return Rejected(QuoteForMessage(path.native(), kMaxQuotedPath) + " is empty");
  }
  return content;
}

Result<std::filesystem::path> CredentialPath(const std::filesystem::path& credentials_directory,
                                             std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos) {
    return Rejected("a credential is named by a plain file name, as in LoadCredential=NAME:PATH");
  }
  return credentials_directory / name;
}

}  // namespace leadd::config
