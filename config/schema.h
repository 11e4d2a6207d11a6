// The shape pass: leadd.yaml's schema, one reader per section, each filling a Draft.
// Each reports wrong types, unknown keys and missing keys. Internal to config/ (it exposes
// yaml-cpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string_view>

#include "config/draft.h"
#include "config/problem_log.h"
#include "config/yaml_reader.h"

namespace leadd::config {

// The whole document. `base_dir` resolves relative paths (state_dir, *_file).
void ReadDocument(const YAML::Node& root, const std::filesystem::path& base_dir, Draft& draft,
                  ProblemLog& log);

void ReadLogSection(const ValueRef& value, Draft& draft, ProblemLog& log);
void ReadRedisSection(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
                      ProblemLog& log);
void ReadHttpSection(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
                     ProblemLog& log);
void ReadRepsSection(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
                     ProblemLog& log);
void ReadRulesSection(const ValueRef& value, Draft& draft, ProblemLog& log);
void ReadPoolsSection(const ValueRef& value, Draft& draft, ProblemLog& log);
void ReadSlaSection(const ValueRef& value, Draft& draft, ProblemLog& log);

// Shared by the sections.

// A relative path is taken relative to `base_dir`, the config file's folder, not to the
// daemon's working directory (which is / under systemd).
std::filesystem::path ResolvePath(const std::filesystem::path& base_dir, std::string_view text);

// Reads an optional duration into `target` and records where it was written.
void ReadDurationInto(const std::optional<ValueRef>& value, std::chrono::milliseconds& target,
                      Draft& draft, ProblemLog& log);

// A secret given by either `<name>_file` or `<name>_credential`: reports both being present (and
// neither, when required) and records the one present for the meaning pass to read.
void ReadSecretKeys(MappingReader& mapping, std::string_view name, SecretSlot slot, bool required,
                    const std::filesystem::path& base_dir, Draft& draft, ProblemLog& log);

}  // namespace leadd::config
