#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

#include "config/nearest_name.h"
#include "config/schema.h"

namespace leadd::config {
namespace {

constexpr KeySpec kRepKeys[] = {
    {"id", true}, {"name"},          {"email"},      {"teams"},
    {"manager"},  {"working_hours"}, {"token_file"}, {"token_credential"}};
constexpr KeySpec kPoolKeys[] = {{"claim_per_day"}, {"max_held"}, {"cooldown"}};
constexpr KeySpec kSlaKeys[] = {
    {"accept_within"}, {"remind_before"}, {"escalate_after_bounces"}, {"clock"}, {"default_grade"}};
constexpr KeySpec kRuleKeys[] = {{"name", true}, {"when"}, {"assign", true}};
constexpr KeySpec kStrategyKeys[] = {{"round_robin"}};
constexpr KeySpec kRoundRobinKeys[] = {{"reps"}, {"team"}};

constexpr std::string_view kScalarStrategies[] = {"owner"};

// In SlaClock's order.
constexpr std::string_view kClockNames[] = {"wall", "working_hours"};

// [a-z0-9][a-z0-9._-]*: rep ids go into Redis keys, log lines and URLs unescaped.
bool IsRepId(std::string_view id) {
  const auto lower_or_digit = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  return !id.empty() && lower_or_digit(id.front()) &&
         std::all_of(id.begin(), id.end(),
                     [&](char c) { return lower_or_digit(c) || c == '.' || c == '_' || c == '-'; });
}

bool IsEmailAddress(std::string_view text) {
  const auto at = text.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < text.size() &&
         text.find('@', at + 1) == std::string_view::npos &&
         std::none_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// False when a value could not be read.
bool ReadTeams(const ValueRef& value, Rep& rep, ProblemLog& log) {
  const auto items = ReadList(value, log);
  if (!items) return false;
  bool complete = true;
  for (const ValueRef& item : *items) {
    if (const auto team = ReadText(item, log)) {
      rep.teams.push_back(*team);
    } else {
      complete = false;
    }
  }
  return complete;
}

// [a-z0-9][a-z0-9_-]*: pool names go into Redis keys and request bodies.
bool IsPoolName(std::string_view name) {
  const auto lower_or_digit = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  return !name.empty() && lower_or_digit(name.front()) &&
         std::all_of(name.begin(), name.end(),
                     [&](char c) { return lower_or_digit(c) || c == '_' || c == '-'; });
}

Rep ReadRep(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
            ProblemLog& log) {
  Rep rep;
  MappingReader fields(value, kRepKeys, log);
  bool complete = fields.IsMapping();
  if (const auto id = fields.Find("id")) {
    if (const auto text = ReadText(*id, log)) {
      if (IsRepId(*text)) {
        rep.id = *text;
        draft.positions[id->path] = id->at;
      } else {
        log.Add(id->at, id->path,
                "expected lower-case letters, digits, '.', '_' and '-', starting with a letter or "
                "digit, got " +
                    QuoteForMessage(*text));
      }
    }
  }
  if (rep.id.empty()) complete = false;
  if (const auto name = fields.Find("name")) {
    if (const auto text = ReadText(*name, log)) rep.name = *text;
  }
  if (const auto email = fields.Find("email")) {
    if (const auto text = ReadText(*email, log)) {
      if (IsEmailAddress(*text)) {
        rep.email = *text;
      } else {
        log.Add(
            email->at, email->path,
            "expected an email address such as alice@example.com, got " + QuoteForMessage(*text));
      }
    }
  }
  if (const auto teams = fields.Find("teams")) {
    if (!ReadTeams(*teams, rep, log)) complete = false;
  }
  // Whether the manager is a rep is the meaning pass's to say, once every id is known.
  if (const auto manager = fields.Find("manager")) {
    if (const auto text = ReadText(*manager, log)) {
      rep.manager = *text;
      draft.positions[manager->path] = manager->at;
    }
  }
  if (const auto hours = fields.Find("working_hours")) {
    rep.working_hours = ReadWorkingHours(*hours, log);
  }
  if (fields.IsMapping()) {
    const std::size_t secrets_before = draft.secrets.size();
    ReadSecretKeys(fields, "token", SecretSlot::kRepToken, false, base_dir, draft, log);
    if (draft.secrets.size() > secrets_before) {
      draft.secrets.back().rep_index = draft.settings.reps.size();
    }
  }
  if (!complete) draft.reps_complete = false;
  return rep;
}

void ReadRoundRobin(const ValueRef& value, DraftRule& rule, ProblemLog& log) {
  MappingReader fields(value, kRoundRobinKeys, log);
  if (!fields.RequireExactlyOne("reps", "team")) return;
  if (const auto reps = fields.Find("reps")) {
    const auto items = ReadList(*reps, log);
    if (!items) return;
    if (items->empty()) log.Add(reps->at, reps->path, "must name at least one rep");
    for (const ValueRef& item : *items) {
      if (const auto id = ReadText(item, log)) rule.reps.push_back({*id, item.path, item.at});
    }
  } else if (const auto team = fields.Find("team")) {
    if (const auto name = ReadText(*team, log)) rule.team = NameRef{*name, team->path, team->at};
  }
}

Strategy ReadAssign(const ValueRef& value, DraftRule& rule, ProblemLog& log) {
  if (value.node.IsMap()) {
    if (value.node.size() == 0) {
      log.Add(value.at, value.path,
              "names no strategy; expected 'owner' or a mapping such as "
              "{round_robin: {team: sales}}");
    }
    // Not a required key: after an unknown strategy, "missing round_robin" would only be noise.
    const MappingReader strategies(value, kStrategyKeys, log, "strategy");
    if (const auto round_robin = strategies.Find("round_robin")) {
      ReadRoundRobin(*round_robin, rule, log);
    }
    return RoundRobinStrategy{};
  }
  if (value.node.IsScalar()) {
    const auto text = ReadText(value, log);
    if (!text || *text == "owner") return OwnerStrategy{};
    if (*text == "round_robin") {
      log.Add(value.at, value.path,
              "round_robin needs its reps: write {round_robin: {reps: [alice, bob]}} or "
              "{round_robin: {team: sales}}");
    } else if (const auto nearest = NearestName(*text, kScalarStrategies)) {
      log.Add(value.at, value.path,
              "unknown strategy " + QuoteForMessage(*text) + ", did you mean '" + *nearest + "'?");
    } else {
      log.Add(value.at, value.path,
              "unknown strategy " + QuoteForMessage(*text) +
                  "; expected 'owner' or a mapping such as {round_robin: {team: sales}}");
    }
    return OwnerStrategy{};
  }
  log.Add(value.at, value.path,
          "expected 'owner' or a mapping such as {round_robin: {team: sales}}, got " +
              Describe(value.node));
  return OwnerStrategy{};
}

PoolSettings ReadPool(const ValueRef& value, ProblemLog& log) {
  PoolSettings pool;
  const MappingReader fields(value, kPoolKeys, log);
  if (const auto per_day = fields.Find("claim_per_day")) {
    if (const auto count = ReadCount(*per_day, log)) pool.claim_per_day = *count;
  }
  if (const auto held = fields.Find("max_held")) {
    if (const auto count = ReadCount(*held, log)) pool.max_held = *count;
  }
  // Zero is allowed: no cooldown at all.
  if (const auto cooldown = fields.Find("cooldown")) {
    if (const auto duration = ReadDuration(*cooldown, log)) pool.cooldown = *duration;
  }
  return pool;
}

}  // namespace

std::optional<std::uint32_t> ReadCount(const ValueRef& value, ProblemLog& log) {
  const auto number = ReadWholeNumber(value, log);
  if (!number) return std::nullopt;
  if (*number > UINT32_MAX) {
    log.Add(value.at, value.path, "must be at most " + std::to_string(UINT32_MAX));
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(*number);
}

void ReadRepsSection(const ValueRef& value, const std::filesystem::path& base_dir, Draft& draft,
                     ProblemLog& log) {
  const auto items = ReadList(value, log);
  if (!items) {
    draft.reps_complete = false;
    return;
  }
  if (items->empty()) log.Add(value.at, value.path, "must list at least one rep");
  for (const ValueRef& item : *items) {
    draft.settings.reps.push_back(ReadRep(item, base_dir, draft, log));
  }
}

void ReadRulesSection(const ValueRef& value, Draft& draft, ProblemLog& log) {
  const auto items = ReadList(value, log);
  if (!items) return;
  if (items->empty()) log.Add(value.at, value.path, "must list at least one rule");
  for (const ValueRef& item : *items) {
    Rule rule;
    DraftRule draft_rule;
    const MappingReader fields(item, kRuleKeys, log);
    if (const auto name = fields.Find("name")) {
      if (const auto text = ReadText(*name, log)) {
        rule.name = *text;
        draft.positions[name->path] = name->at;
      }
    }
    if (const auto when = fields.Find("when")) {
      if (auto condition = ReadCondition(*when, log)) rule.when = std::move(*condition);
    }
    if (const auto assign = fields.Find("assign")) {
      rule.assign = ReadAssign(*assign, draft_rule, log);
    }
    draft.settings.rules.push_back(std::move(rule));
    draft.rules.push_back(std::move(draft_rule));
  }
}

void ReadPoolsSection(const ValueRef& value, Draft& draft, ProblemLog& log) {
  draft.pools_complete = ReadNamedEntries(
      value, "pool", IsPoolName,
      "lower-case letters, digits, '_' and '-', starting with a letter or digit", log,
      [&](const std::string& name, const ValueRef& pool) {
        // `vip:` alone takes every default.
        draft.settings.pools[name] = pool.node.IsNull() ? PoolSettings{} : ReadPool(pool, log);
      });
}

bool ReadNamedEntries(
    const ValueRef& value, std::string_view what, bool (*is_name)(std::string_view),
    std::string_view form, ProblemLog& log,
    const std::function<void(const std::string& name, const ValueRef& entry)>& read) {
  const std::string kind(what);
  if (!value.node.IsMap()) {
    log.Add(value.at, value.path,
            "expected a mapping of " + kind + " names, got " + Describe(value.node));
    return false;
  }
  bool complete = true;
  std::map<std::string, int, std::less<>> first_line;
  for (auto it = value.node.begin(); it != value.node.end(); ++it) {
    // Copies: `it->` hands out a temporary pair.
    const YAML::Node key = it->first;
    const YAML::Node node = it->second;
    const SourcePosition key_at = PositionOf(key.Mark());
    if (!key.IsScalar()) {
      log.Add(key_at, value.path, "expected a " + kind + " name, got " + Describe(key));
      complete = false;
      continue;
    }
    const std::string& name = key.Scalar();
    if (const auto [seen, inserted] = first_line.emplace(name, key_at.line); !inserted) {
      log.Add(key_at, value.path,
              "duplicate " + kind + " " + QuoteForMessage(name) + " (first at line " +
                  std::to_string(seen->second) + ")");
      continue;
    }
    if (!is_name(name)) {
      log.Add(key_at, value.path,
              "expected a " + kind + " name of " + std::string(form) + ", got " +
                  QuoteForMessage(name));
      complete = false;
      continue;
    }
    const SourcePosition at = node.IsNull() ? key_at : PositionOf(node.Mark());
    read(name, ValueRef{node, ChildPath(value.path, name), at, key_at});
  }
  return complete;
}

void ReadSlaSection(const ValueRef& value, Draft& draft, ProblemLog& log) {
  const MappingReader fields(value, kSlaKeys, log);
  if (!fields.IsMapping()) {
    draft.sla_timers_complete = false;
    return;
  }
  SlaSettings& sla = draft.settings.sla;
  if (const auto within = fields.Find("accept_within")) {
    if (const auto duration = ReadDuration(*within, log)) {
      // A zero deadline would bounce every lead the moment it is assigned.
      if (duration->count() <= 0) {
        log.Add(within->at, within->path,
                "must be longer than 0s; leave accept_within out for no SLA");
        draft.sla_timers_complete = false;
      } else {
        sla.accept_within = *duration;
        draft.positions[within->path] = within->at;
      }
    } else {
      draft.sla_timers_complete = false;
    }
  }
  if (const auto before = fields.Find("remind_before")) {
    if (const auto duration = ReadDuration(*before, log)) {
      // A reminder at the deadline itself would arrive with the bounce.
      if (duration->count() <= 0) {
        log.Add(before->at, before->path,
                "must be longer than 0s; leave remind_before out for no reminder");
        draft.sla_timers_complete = false;
      } else {
        sla.remind_before = *duration;
        draft.positions[before->path] = before->at;
      }
    } else {
      draft.sla_timers_complete = false;
    }
  }
  if (const auto after = fields.Find("escalate_after_bounces")) {
    if (const auto count = ReadCount(*after, log)) {
      // Every bounce counts at least one, so 0 would mean the same as 1.
      if (*count == 0) {
        log.Add(after->at, after->path, "must be at least 1");
      } else {
        sla.escalate_after_bounces = *count;
      }
    }
  }
  if (const auto clock = fields.Find("clock")) {
    if (const auto index = ReadChoice(*clock, kClockNames, "clock", log)) {
      sla.clock = static_cast<SlaClock>(*index);
    }
  }
  if (const auto grade = fields.Find("default_grade")) {
    if (const auto text = ReadText(*grade, log)) {
      sla.default_grade = *text;
      draft.positions[grade->path] = grade->at;
    }
  }
}

}  // namespace leadd::config
