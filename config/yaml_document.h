// ParseDocument: yaml-cpp's parse of a config file, plus the syntax traps yaml-cpp lets through.
// Internal to config/ (it exposes yaml-cpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string_view>

#include "config/problem_log.h"

namespace leadd::config {

// `text` is UTF-8 without a byte order mark (see raw_text.h), so yaml-cpp's marks are byte
// offsets into it. Returns the root of the first document, or nullopt when the file cannot be
// trusted to mean what it looks like: a syntax error, a quote left open, an alias, or no
// document at all. Each reason is reported; a second document is reported too, but the first
// is still returned so its own problems can be found.
std::optional<YAML::Node> ParseDocument(std::string_view text, ProblemLog& log);

}  // namespace leadd::config
