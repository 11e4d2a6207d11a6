// Reading secrets from files and systemd credentials; a secret's value never reaches a message.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace leadd::config {

// A token or password is short; a bigger file is the wrong one.
inline constexpr std::size_t kMaxSecretBytes = 64 * 1024;

// The file's content without one trailing "\n" or "\r\n" (what `echo` and editors add). Rejected
// as ReadSmallFile rejects, or when nothing is left after the strip; the detail names the path
// and the reason, never the content.
Result<std::string> ReadSecretFile(const std::filesystem::path& path);

// $CREDENTIALS_DIRECTORY/name for a systemd credential (LoadCredential=name:...). Rejected when
// the name is not a plain file name, so a credential cannot point outside the directory.
Result<std::filesystem::path> CredentialPath(const std::filesystem::path& credentials_directory,
                                             std::string_view name);

}  // namespace leadd::config
