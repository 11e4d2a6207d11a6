// ReadSmallFile: reads a config or secret file whole, refusing what cannot be one.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "core/result.h"

namespace leadd::config {

// Rejected when the path is missing or unreadable, is not a regular file (a FIFO would block the
// daemon's start, a directory or device is a wrong path) or holds more than `max_bytes`. The
// detail names the path and the reason, never the content.
Result<std::string> ReadSmallFile(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace leadd::config
