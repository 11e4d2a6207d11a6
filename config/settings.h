// DaemonSettings: the typed form of leadd.yaml; defaults live here, the loader fills the rest.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace leadd::config {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kCritical, kOff };

struct LogSettings {
  LogLevel level = LogLevel::kInfo;
  std::map<std::string, LogLevel> modules;  // per-module override: "queue" -> kDebug
};

// leadd starts and supervises its own redis-server child: a unix socket, data and AOF in
// `<state_dir>/redis`, stopped with leadd.
struct EmbeddedRedis {
  std::string server_binary = "redis-server";
};

// Where a Redis server listens: a TCP host and port, or a unix socket path.
struct RedisEndpoint {
  std::string host;  // empty when unix_path is set
  std::uint16_t port = 6379;
  std::string unix_path;
  int db = 0;
  std::string username;  // ACL user; empty means the default user
};

// An external Redis: redis://[user@]host[:port][/db] or unix:///path/to.sock[?db=N].
struct ExternalRedis {
  std::string url;  // as written, for messages (it never holds a password)
  RedisEndpoint endpoint;
};

struct RedisSettings {
  std::variant<EmbeddedRedis, ExternalRedis> server = EmbeddedRedis{};
  std::optional<std::string> password;  // from password_file or password_credential
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{2000};
  std::chrono::milliseconds reconnect_max_backoff{5000};
  std::string key_prefix = "leadd";
};

struct HttpSettings {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string intake_token;               // bearer token for POST /v1/leads
  std::string admin_token;                // bearer token for admin reads and leadctl
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds request_timeout{10000};
};

struct Rep {
  std::string id;
  std::string name;
  std::string email;
  std::vector<std::string> teams;
  // Bearer token for the rep's own actions over HTTP (accept, reject, claim, ...); a rep
  // without one can still be routed to, but cannot act through the API.
  std::optional<std::string> token;
};

// What a rep may take from one pool by claiming; see queue::ClaimLimits.
struct PoolSettings {
  std::uint32_t claim_per_day = 20;
  std::uint32_t max_held = 200;
  std::chrono::milliseconds cooldown{std::chrono::days(7)};
};

// One routing rule; evaluated top to bottom, the first whose strategy yields a rep wins.
struct OwnerStrategy {};  // the rep who owns the customer (exact-email match)
struct RoundRobinStrategy {
  std::vector<std::string> reps;  // resolved: a `team:` is expanded to its members at load
};
using Strategy = std::variant<OwnerStrategy, RoundRobinStrategy>;

struct Rule {
  std::string name;
  Strategy assign;
};

// How long an assigned lead may wait for its rep's accept before it bounces to `public`.
struct SlaSettings {
  std::optional<std::chrono::milliseconds> accept_within;  // absent: no SLA
  // A lead bounced this many times stays in `public` (escalated) instead of being routed again.
  std::uint32_t escalate_after_bounces = 2;
};

struct DaemonSettings {
  std::filesystem::path source_path;  // the file this was loaded from
  std::filesystem::path state_dir = "/var/lib/leadd";
  std::string instance_name;  // consumer name in Redis; default: hostname-pid
  std::chrono::milliseconds shutdown_grace{10000};
  LogSettings log;
  RedisSettings redis;
  HttpSettings http;
  std::vector<Rep> reps;
  std::vector<Rule> rules;
  // By pool name. The pools leadd itself returns leads to always exist: `nurture` (a rep's
  // reject) and `public` (an SLA bounce).
  std::map<std::string, PoolSettings> pools = {{"nurture", {}}, {"public", {}}};
  SlaSettings sla;
};

}  // namespace leadd::config
