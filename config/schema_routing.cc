#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/nearest_name.h"
#include "config/schema.h"

namespace leadd::config {
namespace {

constexpr KeySpec kRepKeys[] = {
    {"id", true}, {"name"},          {"email"},      {"teams"},
    {"manager"},  {"working_hours"}, {"token_file"}, {"token_credential"},
    {"regions"},  {"accounts"},      {"capacity"},   {"backup"}};
constexpr KeySpec kPoolKeys[] = {{"claim_per_day"}, {"max_held"}, {"cooldown"}};
constexpr KeySpec kSlaKeys[] = {
    {"accept_within"}, {"remind_before"}, {"escalate_after_bounces"}, {"clock"}, {"default_grade"}};
constexpr KeySpec kRuleKeys[] = {
    {"name", true}, {"when"}, {"assign", true}, {"on_duty_only"}, {"offer"}};
constexpr KeySpec kOfferKeys[] = {{"mode", true}, {"window"}, {"to"}, {"pool"}};
// In OfferMode's order.
constexpr std::string_view kOfferModes[] = {"direct", "offer", "race", "pool_only"};
constexpr KeySpec kStrategyKeys[] = {{"round_robin"},   {"territory"}, {"random"},
                                     {"least_loaded"},  {"weighted"},  {"field"},
                                     {"account_owner"}, {"top"}};
constexpr KeySpec kRosterKeys[] = {{"reps"}, {"team"}};
constexpr KeySpec kTopKeys[] = {{"metric", true}, {"reps"}, {"team"}, {"among"}};

// Written alone, the roster strategies choose among every rep.
constexpr std::string_view kScalarStrategies[] = {"owner", "territory", "random", "least_loaded"};

// What the other strategies need, for an admin who wrote one of them alone.
constexpr std::pair<std::string_view, std::string_view> kStrategyNeeds[] = {
    {"round_robin",
     "round_robin needs its reps: write {round_robin: {reps: [alice, bob]}} or "
     "{round_robin: {team: sales}}"},
    {"weighted", "weighted needs its reps and weights: write {weighted: {alice: 2, bob: 1}}"},
    {"field", "field needs the lead field that names the rep: write {field: received_by}"},
    {"account_owner", "account_owner needs a marketplace: write {account_owner: alibaba}"},
    {"top", "top needs the metric that ranks the reps: write {top: {metric: weekly_score}}"},
};

// The tail of every message about an assign that is not one.
constexpr std::string_view kExpectedStrategy =
    "expected owner, territory, random, least_loaded, or a mapping naming one of round_robin, "
    "territory, random, least_loaded, weighted, field, account_owner, top";

// Weighted picks by a hash of the lead id modulo the total; this keeps the sum small and sane.
constexpr std::uint64_t kMaxTotalWeight = 1'000'000;

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

// A marketplace an account is on: the alphabet of lead sources, which name them.
bool IsMarketplaceName(std::string_view name) { return IsRepId(name); }
constexpr std::string_view kLowerNameForm =
    "lower-case letters, digits, '.', '_' and '-', starting with a letter or digit";

// A list of texts (teams, regions); false when a value could not be read.
bool ReadTexts(const ValueRef& value, std::vector<std::string>& texts, ProblemLog& log) {
  const auto items = ReadList(value, log);
  if (!items) return false;
  bool complete = true;
  for (const ValueRef& item : *items) {
    if (const auto text = ReadText(item, log)) {
      texts.push_back(*text);
    } else {
      complete = false;
    }
  }
  return complete;
}

// marketplace -> account id; each value's position is kept for the check that no two reps
// claim one account. False when a marketplace could not be read.
bool ReadAccounts(const ValueRef& value, Rep& rep, Draft& draft, ProblemLog& log) {
  return ReadNamedEntries(value, "marketplace", IsMarketplaceName, kLowerNameForm, log,
                          [&](const std::string& marketplace, const ValueRef& account) {
                            if (const auto text = ReadText(account, log)) {
                              rep.accounts[marketplace] = *text;
                              draft.positions[account.path] = account.at;
                            }
                          });
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
                "expected " + std::string(kLowerNameForm) + ", got " + QuoteForMessage(*text));
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
    if (!ReadTexts(*teams, rep.teams, log)) complete = false;
  }
  if (const auto regions = fields.Find("regions")) ReadTexts(*regions, rep.regions, log);
  if (const auto accounts = fields.Find("accounts")) {
    if (!ReadAccounts(*accounts, rep, draft, log)) draft.accounts_complete = false;
  }
  if (const auto capacity = fields.Find("capacity")) {
    if (const auto count = ReadCount(*capacity, log)) {
      // 0 would take the rep out of routing; that is what removing them from `reps` is for.
      if (*count == 0) {
        log.Add(capacity->at, capacity->path,
                "must be at least 1 (the most open leads the rep may hold); leave capacity out "
                "for no limit");
      } else {
        rep.capacity = *count;
      }
    }
  }
  // Whether the manager and the backup are reps is the meaning pass's to say, once every id is
  // known.
  const std::pair<std::string_view, std::string*> named_reps[] = {{"manager", &rep.manager},
                                                                  {"backup", &rep.backup}};
  for (const auto& [key, target] : named_reps) {
    if (const auto named = fields.Find(key)) {
      if (const auto text = ReadText(*named, log)) {
        *target = *text;
        draft.positions[named->path] = named->at;
      }
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

// The `reps:` or `team:` of a roster, already read as a mapping.
void ReadRosterKeys(MappingReader& fields, DraftRule& rule, ProblemLog& log) {
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

// `{reps: [a, b]}` or `{team: t}`: the reps a roster strategy chooses among.
void ReadRoster(const ValueRef& value, DraftRule& rule, ProblemLog& log) {
  MappingReader fields(value, kRosterKeys, log);
  if (fields.RequireExactlyOne("reps", "team")) ReadRosterKeys(fields, rule, log);
}

// `{metric: weekly_score, team: sales, among: 2}`: the reps (every rep when neither `reps:`
// nor `team:` is given) ranked by a metric; the meaning pass checks the metric exists.
TopStrategy ReadTop(const ValueRef& value, DraftRule& rule, ProblemLog& log) {
  TopStrategy top;
  MappingReader fields(value, kTopKeys, log);
  if (!fields.IsMapping()) return top;
  if (const auto metric = fields.Find("metric")) {
    if (const auto name = ReadText(*metric, log)) {
      top.metric = *name;
      rule.metric = NameRef{*name, metric->path, metric->at};
    }
  }
  if (!fields.RequireAtMostOne("reps", "team")) return top;
  if (fields.Find("reps") || fields.Find("team")) {
    ReadRosterKeys(fields, rule, log);
  } else {
    rule.every_rep = NameRef{"top", value.path, value.at};
  }
  if (const auto among = fields.Find("among")) {
    if (const auto count = ReadCount(*among, log)) {
      if (*count == 0) {
        log.Add(among->at, among->path, "must be at least 1: the best rep is always among them");
      } else {
        top.among = *count;
      }
    }
  }
  return top;
}

// The strategy a roster name stands for; its reps are filled in by the meaning pass.
Strategy RosterStrategy(std::string_view name) {
  if (name == "territory") return TerritoryStrategy{};
  if (name == "random") return RandomStrategy{};
  if (name == "least_loaded") return LeastLoadedStrategy{};
  return RoundRobinStrategy{};
}

// `{alice: 2, bob: 1}`: the reps (checked by the meaning pass) and their weights.
WeightedStrategy ReadWeighted(const ValueRef& value, DraftRule& rule, ProblemLog& log) {
  WeightedStrategy weighted;
  std::uint64_t total = 0;
  // Any text is taken as a rep's name here: the meaning pass says which rep was meant.
  const bool readable = ReadNamedEntries(
      value, "rep", [](std::string_view) { return true; }, "", log,
      [&](const std::string& rep, const ValueRef& entry) {
        const auto weight = ReadCount(entry, log);
        if (!weight) return;
        if (*weight == 0) {
          log.Add(entry.at, entry.path, "must be at least 1; leave the rep out to give them none");
          return;
        }
        rule.reps.push_back({rep, entry.path, entry.key_at});
        weighted.weights.push_back(*weight);
        total += *weight;
      });
  if (readable && value.node.size() == 0) {
    log.Add(value.at, value.path, "must name at least one rep");
  }
  if (total > kMaxTotalWeight) {
    log.Add(value.at, value.path,
            "the weights add up to " + std::to_string(total) + "; at most " +
                std::to_string(kMaxTotalWeight) + " in all");
  }
  return weighted;
}

// `received_by`: a text field of the lead, which holds a rep's id, email or name.
FieldStrategy ReadField(const ValueRef& value, ProblemLog& log) {
  static const std::vector<FieldInfo> text_fields = [] {
    std::vector<FieldInfo> fields;
    for (const FieldInfo& info : kConditionFields) {
      if (!info.numeric) fields.push_back(info);
    }
    return fields;
  }();
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> all;
    for (const FieldInfo& info : text_fields) all.push_back(info.name);
    return all;
  }();
  if (value.node.IsScalar()) {
    const auto numeric = std::find_if(
        std::begin(kConditionFields), std::end(kConditionFields),
        [&](const FieldInfo& info) { return info.numeric && info.name == value.node.Scalar(); });
    if (numeric != std::end(kConditionFields)) {
      log.Add(value.at, value.path,
              std::string(numeric->name) +
                  " is a number, and a number cannot name a rep; name a text field such as "
                  "received_by");
      return {};
    }
  }
  if (const auto index = ReadChoice(value, names, "field", log)) {
    return FieldStrategy{text_fields[*index].field};
  }
  return {};
}

AccountOwnerStrategy ReadAccountOwner(const ValueRef& value, DraftRule& rule, ProblemLog& log) {
  const auto name = ReadText(value, log);
  if (!name) return {};
  if (!IsMarketplaceName(*name)) {
    log.Add(value.at, value.path,
            "expected a marketplace name of " + std::string(kLowerNameForm) + ", got " +
                QuoteForMessage(*name));
    return {};
  }
  rule.marketplace = NameRef{*name, value.path, value.at};
  return AccountOwnerStrategy{*name};
}

Strategy ReadStrategy(std::string_view name, const ValueRef& value, DraftRule& rule,
                      ProblemLog& log) {
  if (name == "weighted") return ReadWeighted(value, rule, log);
  if (name == "field") return ReadField(value, log);
  if (name == "account_owner") return ReadAccountOwner(value, rule, log);
  if (name == "top") return ReadTop(value, rule, log);
  ReadRoster(value, rule, log);
  return RosterStrategy(name);
}

// `assign: territory`: a strategy by name alone.
Strategy ReadScalarAssign(const ValueRef& value, DraftRule& rule, ProblemLog& log) {
  const auto text = ReadText(value, log);
  if (!text || *text == "owner") return OwnerStrategy{};
  if (std::find(std::begin(kScalarStrategies), std::end(kScalarStrategies), *text) !=
      std::end(kScalarStrategies)) {
    rule.every_rep = NameRef{*text, value.path, value.at};
    return RosterStrategy(*text);
  }
  const auto needs = std::find_if(std::begin(kStrategyNeeds), std::end(kStrategyNeeds),
                                  [&](const auto& need) { return need.first == *text; });
  if (needs != std::end(kStrategyNeeds)) {
    log.Add(value.at, value.path, needs->second);
    return OwnerStrategy{};
  }
  std::vector<std::string_view> known;
  for (const KeySpec& key : kStrategyKeys) known.push_back(key.name);
  known.insert(known.begin(), "owner");
  if (const auto nearest = NearestName(*text, known)) {
    log.Add(value.at, value.path,
            "unknown strategy " + QuoteForMessage(*text) + ", did you mean '" + *nearest + "'?");
  } else {
    log.Add(value.at, value.path,
            "unknown strategy " + QuoteForMessage(*text) + "; " + std::string(kExpectedStrategy));
  }
  return OwnerStrategy{};
}

Strategy ReadAssign(const ValueRef& value, DraftRule& rule, ProblemLog& log) {
  if (value.node.IsMap()) {
    if (value.node.size() == 0) {
      log.Add(value.at, value.path, "names no strategy; " + std::string(kExpectedStrategy));
    }
    // Not a required key: after an unknown strategy, "missing round_robin" would only be noise.
    const MappingReader strategies(value, kStrategyKeys, log, "strategy");
    const auto entries = strategies.Entries();
    if (entries.empty()) return OwnerStrategy{};
    if (entries.size() > 1) {
      std::string names;
      for (const auto& [name, entry] : entries) names += (names.empty() ? "'" : ", '") + name + "'";
      log.Add(entries[1].second.key_at, value.path,
              "names more than one strategy (" + names + "); a rule assigns by one, keep one");
    }
    return ReadStrategy(entries.front().first, entries.front().second, rule, log);
  }
  if (value.node.IsScalar()) return ReadScalarAssign(value, rule, log);
  log.Add(value.at, value.path, std::string(kExpectedStrategy) + ", got " + Describe(value.node));
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

// `offer: race` alone, or `offer: {mode: race, to: 3, window: 10m, pool: public}`. Each setting
// is refused where its mode has no use for it, so that a setting never silently does nothing.
OfferSettings ReadOffer(const ValueRef& value, Draft& draft, ProblemLog& log) {
  OfferSettings offer;
  if (!value.node.IsMap()) {
    if (const auto mode = ReadChoice(value, kOfferModes, "offer mode", log)) {
      offer.mode = static_cast<OfferMode>(*mode);
    }
    return offer;
  }
  const MappingReader fields(value, kOfferKeys, log);
  // Without a readable mode, what the other keys are for cannot be told.
  const auto mode = fields.Find("mode");
  const auto choice = mode ? ReadChoice(*mode, kOfferModes, "offer mode", log) : std::nullopt;
  if (!choice) return offer;
  offer.mode = static_cast<OfferMode>(*choice);
  const auto refuse_unless = [&](std::string_view key, bool used, std::string_view where) {
    const auto found = fields.Find(key);
    if (found && !used) {
      log.Add(found->at, found->path,
              "is only for " + std::string(where) + ", not for mode " +
                  std::string(kOfferModes[static_cast<std::size_t>(offer.mode)]));
    }
    return used ? found : std::nullopt;
  };
  const bool offered = offer.mode == OfferMode::kOffer || offer.mode == OfferMode::kRace;
  if (const auto window = refuse_unless("window", offered, "offer and race")) {
    if (const auto duration = ReadDuration(*window, log)) {
      if (duration->count() <= 0) {
        log.Add(window->at, window->path, "must be longer than 0s");
      } else {
        offer.window = *duration;
      }
    }
  }
  if (const auto to = refuse_unless("to", offer.mode == OfferMode::kRace, "race")) {
    if (const auto count = ReadCount(*to, log)) {
      if (*count < 2) {
        log.Add(to->at, to->path,
                "a race needs at least 2 reps; for one at a time write mode: offer");
      } else {
        offer.race_to = *count;
      }
    }
  }
  if (const auto pool =
          refuse_unless("pool", offer.mode != OfferMode::kDirect, "offer, race and pool_only")) {
    if (const auto text = ReadText(*pool, log)) {
      offer.pool = *text;
      draft.positions[pool->path] = pool->at;
    }
  }
  return offer;
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
    if (const auto on_duty = fields.Find("on_duty_only")) {
      constexpr std::string_view kBooleans[] = {"false", "true"};
      if (const auto choice = ReadChoice(*on_duty, kBooleans, "value", log)) {
        rule.on_duty_only = *choice == 1;
      }
    }
    if (const auto offer = fields.Find("offer")) rule.offer = ReadOffer(*offer, draft, log);
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
