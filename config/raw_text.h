// Checks on a config file's raw bytes, made before yaml-cpp reads them and beside its reading.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "config/problem_log.h"

namespace leadd::config {

// A config file is a few kilobytes; the cap keeps a wrong path (a log, a disk image) from
// costing seconds of parsing and memory before it is rejected.
inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;

// yaml-cpp skips a UTF-8 byte order mark without counting it in Mark::pos; without it, marks
// are plain byte offsets into the text.
std::string_view WithoutByteOrderMark(std::string_view text);

// Reports a text above kMaxConfigBytes, a NUL byte, or bytes that are not UTF-8 (yaml-cpp would
// quietly replace them and shift every later position). Returns false when it reported.
bool CheckRawText(std::string_view text, ProblemLog& log);

// The byte offset and 1-based position of `offset` in `text`.
SourcePosition PositionAt(std::string_view text, std::size_t offset);

// `scalar_offset` is where yaml-cpp marks a scalar that is not plain (after any anchor or tag).
// When that scalar opens with a quote that is not closed on the same line, the quote's offset;
// otherwise nullopt.
std::optional<std::size_t> UnclosedQuoteAt(std::string_view text, std::size_t scalar_offset);

}  // namespace leadd::config
