// The shape pass: leadd.yaml's schema, one reader per section, each filling a Draft.
// Each reports wrong types, unknown keys and missing keys. Internal to config/ (it exposes
// yaml-cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/condition.h"
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
void ReadGradesSection(const ValueRef& value, Draft& draft, ProblemLog& log);
void ReadInactivitySection(const ValueRef& value, Draft& draft, ProblemLog& log);
void ReadStagesSection(const ValueRef& value, Draft& draft, ProblemLog& log);
void ReadMetricsSection(const ValueRef& value, Draft& draft, ProblemLog& log);
void ReadDedupeSection(const ValueRef& value, Draft& draft, ProblemLog& log);
void ReadShadowSection(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
                       ProblemLog& log);

// Shared by the sections.

// A relative path is taken relative to `base_dir`, the config file's folder, not to the
// daemon's working directory (which is / under systemd).
std::filesystem::path ResolvePath(const std::filesystem::path& base_dir, std::string_view text);

// A rep's working_hours, checked by MakeWorkingHours; nullopt after reporting what is wrong.
std::optional<WorkingHours> ReadWorkingHours(const ValueRef& value, ProblemLog& log);

// A rule's `when:` (config/condition.h); nullopt after reporting every problem in it.
std::optional<Condition> ReadCondition(const ValueRef& value, ProblemLog& log);

// An IANA time zone name the system's tzdata knows (working hours, metrics).
std::optional<std::string> ReadTimeZone(const ValueRef& value, ProblemLog& log);

// A finite number, written plainly (100000, 2.5).
std::optional<double> ReadNumber(const ValueRef& value, ProblemLog& log);

// A whole number that fits a 32-bit setting.
std::optional<std::uint32_t> ReadCount(const ValueRef& value, ProblemLog& log);

// Reads an optional duration into `target` and records where it was written.
void ReadDurationInto(const std::optional<ValueRef>& value, std::chrono::milliseconds& target,
                      Draft& draft, ProblemLog& log);

// A secret given by either `<name>_file` or `<name>_credential`: reports both being present (and
// neither, when required) and records the one present for the meaning pass to read.
void ReadSecretKeys(MappingReader& mapping, std::string_view name, SecretSlot slot, bool required,
                    const std::filesystem::path& base_dir, Draft& draft, ProblemLog& log);

// A mapping keyed by names (pools, grades): reports a value that is no mapping, a key that is
// not a scalar, a repeated name, and a name `is_name` refuses (`what` is "pool", "grade";
// `form` tells what a name may be), then calls `read(name, entry)` for each good one; an empty
// entry (`vip:` alone) is null with its key's position. Returns false when some name could not
// be read, so later checks that need every name can stand down.
bool ReadNamedEntries(
    const ValueRef& value, std::string_view what, bool (*is_name)(std::string_view),
    std::string_view form, ProblemLog& log,
    const std::function<void(const std::string& name, const ValueRef& entry)>& read);

}  // namespace leadd::config
