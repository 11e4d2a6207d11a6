#include "config/meaning_pass.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config/host_port.h"
#include "config/nearest_name.h"
#include "config/redis_url.h"
#include "config/secrets.h"
#include "core/ascii.h"

namespace leadd::config {
namespace {

// Expanding a `team:`, or a strategy over every rep, copies those reps into the rule; the cap
// keeps a file of thousands of rules over one large team from turning into gigabytes.
constexpr std::size_t kMaxRosterEntries = 1'000'000;

std::optional<SourcePosition> Find(const Draft& draft, std::string_view path) {
  const auto found = draft.positions.find(path);
  if (found == draft.positions.end()) return std::nullopt;
  return found->second;
}

// Reports the second and later occurrences of a name, pointing back at the first.
void CheckUnique(const Draft& draft, std::string_view list, std::string_view field,
                 std::string_view what, const std::vector<std::string>& names, ProblemLog& log) {
  std::map<std::string_view, int> first_line;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) continue;  // unreadable, already reported
    const std::string path =
        std::string(list) + "[" + std::to_string(i) + "]." + std::string(field);
    const auto at = Find(draft, path);
    if (!at) continue;
    const auto [seen, inserted] = first_line.emplace(names[i], at->line);
    if (!inserted) {
      log.Add(*at, path,
              "duplicate " + std::string(what) + " " + QuoteForMessage(names[i]) +
                  " (first at line " + std::to_string(seen->second) + ")");
    }
  }
}

void CheckPositive(const Draft& draft, std::string_view path, std::chrono::milliseconds value,
                   ProblemLog& log) {
  if (value.count() > 0) return;
  if (const auto at = Find(draft, path)) log.Add(*at, path, "must be longer than zero");
}

std::string UnknownName(std::string_view what, const NameRef& ref,
                        const std::vector<std::string_view>& known, std::string_view otherwise) {
  std::string message = "unknown " + std::string(what) + " " + QuoteForMessage(ref.name);
  if (const auto nearest = NearestName(ref.name, known)) {
    return message + ", did you mean '" + *nearest + "'?";
  }
  return message + std::string(otherwise);
}

// The reps a strategy chooses among, or null for one that names its rep another way.
std::vector<std::string>* RosterOf(Strategy& strategy) {
  return std::visit(
      [](auto& chosen) -> std::vector<std::string>* {
        if constexpr (requires { chosen.reps; }) {
          return &chosen.reps;
        } else {
          return nullptr;
        }
      },
      strategy);
}

// The reps and teams rules can name, and the marketplaces reps have accounts on.
struct RoutingNames {
  std::set<std::string_view> rep_ids;
  std::vector<std::string> all_reps;  // file order
  std::vector<std::string_view> rep_id_list;
  std::map<std::string_view, std::vector<std::string>> team_members;  // reps in file order
  std::vector<std::string_view> team_list;
  std::vector<std::string_view> marketplaces;
};

RoutingNames CollectRoutingNames(const DaemonSettings& settings) {
  RoutingNames names;
  std::set<std::string_view> marketplaces;
  for (const Rep& rep : settings.reps) {
    for (const auto& [marketplace, account] : rep.accounts) marketplaces.insert(marketplace);
    if (!names.rep_ids.insert(rep.id).second) continue;
    names.all_reps.push_back(rep.id);
    names.rep_id_list.push_back(rep.id);
    for (const std::string& team : rep.teams) {
      auto& members = names.team_members[team];
      if (members.empty() || members.back() != rep.id) members.push_back(rep.id);
    }
  }
  for (const auto& [team, members] : names.team_members) names.team_list.push_back(team);
  names.marketplaces.assign(marketplaces.begin(), marketplaces.end());
  return names;
}

// Fills in a roster's reps: the listed ones, a team's members or every rep. `entries` counts
// the reps of every roster so far, against kMaxRosterEntries.
void ResolveRoster(const DraftRule& rule, const RoutingNames& names,
                   std::vector<std::string>& roster, std::size_t& entries, ProblemLog& log) {
  for (const NameRef& ref : rule.reps) {
    if (!names.rep_ids.contains(ref.name)) {
      log.Add(ref.at, ref.path, UnknownName("rep", ref, names.rep_id_list, ""));
    }
    roster.push_back(ref.name);
  }
  const std::vector<std::string>* expansion = nullptr;
  const NameRef* written = nullptr;
  if (rule.team) {
    written = &*rule.team;
    const auto members = names.team_members.find(rule.team->name);
    if (members == names.team_members.end()) {
      log.Add(rule.team->at, rule.team->path,
              UnknownName("team", *rule.team, names.team_list, "; no rep lists it in its teams"));
    } else {
      expansion = &members->second;
    }
  } else if (rule.every_rep) {
    written = &*rule.every_rep;
    expansion = &names.all_reps;
  }
  if (expansion != nullptr) {
    if (entries + expansion->size() > kMaxRosterEntries) {
      log.Add(written->at, written->path,
              "the rules' teams and rep lists would hold more than " +
                  std::to_string(kMaxRosterEntries) +
                  " reps in all; use fewer rules over large teams or over every rep");
    } else {
      roster = *expansion;
    }
  }
  entries += roster.size();
}

void CheckMarketplace(const NameRef& marketplace, const RoutingNames& names, ProblemLog& log) {
  if (std::binary_search(names.marketplaces.begin(), names.marketplaces.end(),
                         std::string_view(marketplace.name))) {
    return;
  }
  std::string message = "no rep lists an account on " + QuoteForMessage(marketplace.name);
  if (const auto nearest = NearestName(marketplace.name, names.marketplaces)) {
    message += ", did you mean '" + *nearest + "'?";
  }
  log.Add(marketplace.at, marketplace.path, message);
}

// A `top` rule ranks by a metric the `metrics:` section defines.
void CheckMetric(const NameRef& metric, const DaemonSettings& settings, ProblemLog& log) {
  if (settings.metrics.contains(metric.name)) return;
  std::vector<std::string_view> known;
  for (const auto& [name, definition] : settings.metrics) known.push_back(name);
  log.Add(metric.at, metric.path,
          UnknownName("metric", metric, known, "; define it under `metrics:`"));
}

void ResolveRules(Draft& draft, ProblemLog& log) {
  const RoutingNames names = CollectRoutingNames(draft.settings);
  std::size_t entries = 0;
  for (std::size_t i = 0; i < draft.rules.size(); ++i) {
    const DraftRule& rule = draft.rules[i];
    Strategy& strategy = draft.settings.rules[i].assign;
    if (auto* roster = RosterOf(strategy)) ResolveRoster(rule, names, *roster, entries, log);
    if (rule.marketplace && draft.accounts_complete) {
      CheckMarketplace(*rule.marketplace, names, log);
    }
    if (rule.metric && draft.metrics_complete) CheckMetric(*rule.metric, draft.settings, log);
  }
}

// One account on a marketplace belongs to one rep: account_owner could not choose otherwise.
// Reported at the later rep's account, naming the first's line.
void CheckAccountsUnique(const Draft& draft, ProblemLog& log) {
  const std::vector<Rep>& reps = draft.settings.reps;
  // (marketplace, account) -> where first, and whose. Accounts compare as the router matches
  // them, without ASCII case.
  std::map<std::pair<std::string_view, std::string>, std::pair<int, std::string_view>> first;
  for (std::size_t i = 0; i < reps.size(); ++i) {
    for (const auto& [marketplace, account] : reps[i].accounts) {
      const std::string path = "reps[" + std::to_string(i) + "].accounts." + marketplace;
      const auto at = Find(draft, path);
      if (!at) continue;
      const auto [seen, inserted] =
          first.try_emplace({marketplace, AsciiLowered(account)}, at->line, reps[i].id);
      if (!inserted) {
        log.Add(*at, path,
                "duplicate account " + QuoteForMessage(account) + " on '" + marketplace +
                    "' (first at line " + std::to_string(seen->second.first) + ", rep " +
                    QuoteForMessage(seen->second.second) + ")");
      }
    }
  }
}

std::vector<std::string_view> KnownRepIds(const DaemonSettings& settings) {
  std::vector<std::string_view> ids;
  std::set<std::string_view> seen;
  for (const Rep& rep : settings.reps) {
    if (!rep.id.empty() && seen.insert(rep.id).second) ids.push_back(rep.id);
  }
  return ids;
}

// "; expected one of A, B", or only how many there are when the list would flood the message.
std::string ExpectedOneOf(const std::vector<std::string_view>& names, std::string_view noun) {
  constexpr std::size_t kMaxListBytes = 200;
  std::string joined;
  for (const std::string_view name : names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
    if (joined.size() > kMaxListBytes) {
      return "; it is none of the " + std::to_string(names.size()) + " " + std::string(noun) +
             "s defined";
    }
  }
  return "; expected one of " + joined;
}

// Escalations and key-account news go to the manager, and key accounts to the backup, so each
// must be a rep who can be told.
void CheckManagersAndBackups(const Draft& draft, ProblemLog& log) {
  const DaemonSettings& settings = draft.settings;
  const std::vector<std::string_view> known = KnownRepIds(settings);
  for (std::size_t i = 0; i < settings.reps.size(); ++i) {
    const Rep& rep = settings.reps[i];
    const std::pair<std::string_view, const std::string*> roles[] = {{"manager", &rep.manager},
                                                                     {"backup", &rep.backup}};
    for (const auto& [role, named] : roles) {
      if (named->empty()) continue;
      const std::string path = "reps[" + std::to_string(i) + "]." + std::string(role);
      const auto at = Find(draft, path);
      if (!at) continue;
      if (*named == rep.id) {
        log.Add(*at, path, "a rep cannot be their own " + std::string(role));
      } else if (draft.reps_complete &&
                 std::find(known.begin(), known.end(), *named) == known.end()) {
        log.Add(*at, path, UnknownName("rep", {*named, path, *at}, known, ""));
      }
    }
  }
}

// "1h30m": the duration syntax of the file, so a message shows values as the admin wrote them.
std::string FormatDuration(std::chrono::milliseconds duration) {
  constexpr std::pair<std::int64_t, std::string_view> kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}, {1, "ms"}};
  std::string text;
  std::int64_t rest = duration.count();
  for (const auto& [size, unit] : kUnits) {
    if (rest >= size) {
      text += std::to_string(rest / size) + std::string(unit);
      rest %= size;
    }
  }
  return text.empty() ? "0s" : text;
}

// A reminder is due before the deadline it warns of, so it needs one and must be shorter. Each
// grade is checked with what it falls back to; a grade that sets neither timer has sla's pair,
// already checked.
void CheckReminders(const Draft& draft, ProblemLog& log) {
  if (!draft.sla_timers_complete) return;
  const SlaSettings& sla = draft.settings.sla;
  if (sla.remind_before) {
    if (const auto at = Find(draft, "sla.remind_before")) {
      if (!sla.accept_within) {
        log.Add(*at, "sla.remind_before",
                "there is no sla.accept_within to remind before; set it, or leave remind_before "
                "out");
      } else if (*sla.remind_before >= *sla.accept_within) {
        log.Add(*at, "sla.remind_before",
                "must be shorter than accept_within (" + FormatDuration(*sla.accept_within) +
                    "), got " + FormatDuration(*sla.remind_before));
      }
    }
  }
  for (const auto& [name, grade] : draft.settings.grades) {
    if (!grade.accept_within && !grade.remind_before) continue;
    const std::string path = "grades." + name;
    const auto at = Find(draft, path);
    if (!at) continue;
    const auto remind = grade.remind_before ? grade.remind_before : sla.remind_before;
    const auto within = grade.accept_within ? grade.accept_within : sla.accept_within;
    if (!remind) continue;
    const std::string remind_text =
        "remind_before " + FormatDuration(*remind) + (grade.remind_before ? "" : " (from sla)");
    if (!within) {
      log.Add(
          *at, path,
          remind_text + " has no accept_within to come before; set accept_within here or in sla");
    } else if (*remind >= *within) {
      log.Add(*at, path,
              remind_text + " must be shorter than accept_within " + FormatDuration(*within) +
                  (grade.accept_within ? "" : " (from sla)"));
    }
  }
}

void CheckDefaultGrade(const Draft& draft, ProblemLog& log) {
  const std::string& name = draft.settings.sla.default_grade;
  if (name.empty() || !draft.grades_complete) return;
  if (draft.settings.grades.contains(name)) return;
  const auto at = Find(draft, "sla.default_grade");
  if (!at) return;
  std::vector<std::string_view> known;
  for (const auto& [grade, settings] : draft.settings.grades) known.push_back(grade);
  const std::string otherwise =
      known.empty() ? "; the grades section defines none" : ExpectedOneOf(known, "grade");
  log.Add(*at, "sla.default_grade",
          UnknownName("grade", {name, "sla.default_grade", *at}, known, otherwise));
}

// A pool named where leads are sent (inactivity returns, offer rules) must be defined.
void CheckPoolNamed(const Draft& draft, const std::string& name, const std::string& path,
                    ProblemLog& log) {
  if (!draft.pools_complete || draft.settings.pools.contains(name)) return;
  const auto at = Find(draft, path);
  if (!at) return;
  std::vector<std::string_view> known;
  for (const auto& [pool, settings] : draft.settings.pools) known.push_back(pool);
  log.Add(*at, path, UnknownName("pool", {name, path, *at}, known, ExpectedOneOf(known, "pool")));
}

void CheckPools(const Draft& draft, ProblemLog& log) {
  CheckPoolNamed(draft, draft.settings.inactivity.pool, "inactivity.pool", log);
  for (std::size_t i = 0; i < draft.settings.rules.size(); ++i) {
    CheckPoolNamed(draft, draft.settings.rules[i].offer.pool,
                   "rules[" + std::to_string(i) + "].offer.pool", log);
  }
}

void ResolveSecret(const SecretSource& source, const LoadEnvironment& environment,
                   DaemonSettings& settings, ProblemLog& log) {
  std::filesystem::path file = source.value;
  if (source.is_credential) {
    if (!environment.credentials_directory) {
      log.Add(source.key_at, source.path,
              "needs $CREDENTIALS_DIRECTORY, which systemd sets for a unit with LoadCredential=; "
              "outside systemd, use " +
                  source.file_key);
      return;
    }
    auto path = CredentialPath(*environment.credentials_directory, source.value);
    if (!path) {
      log.Add(source.key_at, source.path, path.error().detail);
      return;
    }
    file = std::move(path).value();
  }
  auto secret = ReadSecretFile(file);
  if (!secret) {
    log.Add(source.key_at, source.path, secret.error().detail);
    return;
  }
  switch (source.slot) {
    case SecretSlot::kRedisPassword:
      settings.redis.password = std::move(secret).value();
      break;
    case SecretSlot::kIntakeToken:
      settings.http.intake_token = std::move(secret).value();
      break;
    case SecretSlot::kAdminToken:
      settings.http.admin_token = std::move(secret).value();
      break;
    case SecretSlot::kRepToken:
      settings.reps[source.rep_index].token = std::move(secret).value();
      break;
    case SecretSlot::kLinkSecret:
      // An HMAC-SHA256 key shorter than its digest weakens every link signed with it.
      if (secret.value().size() < kMinLinkSecretBytes) {
        log.Add(source.key_at, source.path,
                "the secret is " + std::to_string(secret.value().size()) +
                    " bytes; links need at least " + std::to_string(kMinLinkSecretBytes) +
                    " (e.g. head -c 48 /dev/urandom | base64)");
        return;
      }
      settings.http.link_secret = std::move(secret).value();
      break;
  }
}

// A bearer token names who acts, so no two holders may share one: a rep's token equal to
// another rep's, or to the admin or intake token, would make the API act as the wrong one.
// Reported at the later key, naming the earlier one; never the token itself.
void CheckTokensDistinct(const Draft& draft, ProblemLog& log) {
  const DaemonSettings& settings = draft.settings;
  std::map<std::string_view, std::string_view> first_path;  // token -> where it was read
  for (const SecretSource& source : draft.secrets) {
    const std::string* token = nullptr;
    switch (source.slot) {
      case SecretSlot::kRedisPassword:
      case SecretSlot::kLinkSecret:  // signs links; never presented as a bearer token
        break;
      case SecretSlot::kIntakeToken:
        token = &settings.http.intake_token;
        break;
      case SecretSlot::kAdminToken:
        token = &settings.http.admin_token;
        break;
      case SecretSlot::kRepToken: {
        const auto& rep_token = settings.reps[source.rep_index].token;
        if (rep_token) token = &*rep_token;
        break;
      }
    }
    if (token == nullptr || token->empty()) continue;  // unread, already reported
    const auto [seen, inserted] = first_path.emplace(*token, source.path);
    // The http section's tokens are read first; only a rep's token is checked against them.
    if (!inserted && source.slot == SecretSlot::kRepToken) {
      log.Add(source.key_at, source.path,
              "holds the same token as " + std::string(seen->second) +
                  "; every rep needs a token of its own");
    }
  }
}

}  // namespace

void RunMeaningPass(Draft& draft, const LoadEnvironment& environment, ProblemLog& log) {
  DaemonSettings& settings = draft.settings;

  std::vector<std::string> rep_ids;
  for (const Rep& rep : settings.reps) rep_ids.push_back(rep.id);
  CheckUnique(draft, "reps", "id", "rep id", rep_ids, log);
  std::vector<std::string> rule_names;
  for (const Rule& rule : settings.rules) rule_names.push_back(rule.name);
  CheckUnique(draft, "rules", "name", "rule name", rule_names, log);
  // With a rep unreadable, a name it might have had would be reported as unknown.
  if (draft.reps_complete) ResolveRules(draft, log);
  CheckAccountsUnique(draft, log);
  CheckManagersAndBackups(draft, log);
  CheckReminders(draft, log);
  CheckDefaultGrade(draft, log);
  CheckPools(draft, log);

  CheckPositive(draft, "shutdown_grace", settings.shutdown_grace, log);
  CheckPositive(draft, "redis.connect_timeout", settings.redis.connect_timeout, log);
  CheckPositive(draft, "redis.request_timeout", settings.redis.request_timeout, log);
  CheckPositive(draft, "redis.reconnect_max_backoff", settings.redis.reconnect_max_backoff, log);
  CheckPositive(draft, "http.request_timeout", settings.http.request_timeout, log);
  if (const auto at = Find(draft, "http.max_body_bytes"); at && settings.http.max_body_bytes == 0) {
    log.Add(*at, "http.max_body_bytes", "must be at least 1");
  }
  if (const auto at = Find(draft, "http.listen")) {
    const auto listen = ParseListenAddress(settings.http.listen);
    if (!listen) {
      log.Add(*at, "http.listen",
              listen.error().detail + ", got " + QuoteForMessage(settings.http.listen));
    }
  }
  if (auto* external = std::get_if<ExternalRedis>(&settings.redis.server)) {
    if (const auto at = Find(draft, "redis.url")) {
      auto endpoint = ParseRedisUrl(external->url);
      if (endpoint) {
        external->endpoint = std::move(endpoint).value();
      } else {
        log.Add(*at, "redis.url", endpoint.error().detail);
      }
    }
  }
  for (const SecretSource& source : draft.secrets) {
    ResolveSecret(source, environment, settings, log);
  }
  CheckTokensDistinct(draft, log);
}

}  // namespace leadd::config
