#include "config/meaning_pass.h"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/host_port.h"
#include "config/nearest_name.h"
#include "config/redis_url.h"
#include "config/secrets.h"

namespace leadd::config {
namespace {

// Expanding `team:` copies the team's reps into every rule naming it; the cap keeps a file of
// thousands of rules over one large team from turning into gigabytes.
constexpr std::size_t kMaxRoundRobinEntries = 1'000'000;

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

void ResolveRules(Draft& draft, ProblemLog& log) {
  const DaemonSettings& settings = draft.settings;
  std::set<std::string_view> rep_ids;
  std::vector<std::string_view> rep_id_list;
  std::map<std::string_view, std::vector<std::string>> team_members;  // reps in file order
  for (const Rep& rep : settings.reps) {
    if (!rep_ids.insert(rep.id).second) continue;
    rep_id_list.push_back(rep.id);
    for (const std::string& team : rep.teams) {
      auto& members = team_members[team];
      if (members.empty() || members.back() != rep.id) members.push_back(rep.id);
    }
  }
  std::vector<std::string_view> team_list;
  team_list.reserve(team_members.size());
  for (const auto& [team, members] : team_members) team_list.push_back(team);

  std::size_t entries = 0;
  for (std::size_t i = 0; i < draft.rules.size(); ++i) {
    const DraftRule& rule = draft.rules[i];
    auto* round_robin = std::get_if<RoundRobinStrategy>(&draft.settings.rules[i].assign);
    if (round_robin == nullptr) continue;
    for (const NameRef& ref : rule.reps) {
      if (!rep_ids.contains(ref.name)) {
        log.Add(ref.at, ref.path, UnknownName("rep", ref, rep_id_list, ""));
      }
      round_robin->reps.push_back(ref.name);
    }
    if (rule.team) {
      const auto members = team_members.find(rule.team->name);
      if (members == team_members.end()) {
        log.Add(rule.team->at, rule.team->path,
                UnknownName("team", *rule.team, team_list, "; no rep lists it in its teams"));
      } else if (entries + members->second.size() > kMaxRoundRobinEntries) {
        log.Add(rule.team->at, rule.team->path,
                "round-robin lists would hold more than " + std::to_string(kMaxRoundRobinEntries) +
                    " reps in all; use fewer rules over large teams");
      } else {
        round_robin->reps = members->second;
      }
    }
    entries += round_robin->reps.size();
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
