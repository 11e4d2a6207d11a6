// DaemonSettings: the typed form of leadd.yaml; defaults live here, the loader fills the rest.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/condition.h"
#include "core/calendar_window.h"
#include "core/working_hours.h"

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

// HMAC-SHA256 keys shorter than its digest weaken it.
inline constexpr std::size_t kMinLinkSecretBytes = 32;

struct HttpSettings {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string intake_token;               // bearer token for POST /v1/leads
  std::string admin_token;                // bearer token for admin reads and leadctl
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds request_timeout{10000};
  // Where reps reach this daemon from outside, as links in notifications start; no trailing
  // "/". Empty: "http://" + listen, which only suits a daemon reps reach directly.
  std::string public_url;
  // Signs the accept/reject links sent to reps (link_secret_file or link_secret_credential, at
  // least kMinLinkSecretBytes). Absent: links are off and /v1/links/ answers 404.
  std::optional<std::string> link_secret;
  std::chrono::milliseconds link_ttl{std::chrono::hours(72)};
};

struct Rep {
  std::string id;
  std::string name;
  std::string email;
  std::vector<std::string> teams;
  // Bearer token for the rep's own actions over HTTP (accept, reject, claim, ...); a rep
  // without one can still be routed to, but cannot act through the API.
  std::optional<std::string> token;
  // The rep told when a lead of theirs escalates, or a key account of theirs is assigned; a
  // rep id.
  std::string manager;
  // Who stands in on the rep's key accounts (grades with `team: {backup: true}`); a rep id.
  // Without one, the next of the rule's candidates is the backup.
  std::string backup;
  // With `sla.clock: working_hours`, the rep's deadlines count only this time (a rep without
  // it counts wall time). Checked at load (MakeWorkingHours).
  std::optional<WorkingHours> working_hours;
  // Where the rep sells, for `territory`: ISO 3166-1 country codes ("DE"), ISO 3166-2
  // subdivision codes ("CN-GD") or free-text region names ("Bavaria"), compared without ASCII
  // case against the lead's region, then its country.
  std::vector<std::string> regions;
  // The rep's own account on each marketplace ("alibaba" -> "alice_sub1"), for
  // `account_owner`.
  std::map<std::string, std::string, std::less<>> accounts;
  // Open leads (assigned or accepted, not closed) the rep may hold at most; none: no limit.
  std::optional<std::uint32_t> capacity;
};

// What a rep may take from one pool by claiming; see queue::ClaimLimits.
struct PoolSettings {
  std::uint32_t claim_per_day = 20;
  std::uint32_t max_held = 200;
  std::chrono::milliseconds cooldown{std::chrono::days(7)};
};

// One routing rule; evaluated top to bottom, the first whose strategy yields a rep wins.
// Strategies that choose among reps hold them resolved at load: the listed `reps:`, a `team:`'s
// members in file order, or every rep when the rule names neither.
struct OwnerStrategy {};  // the rep who owns the customer (exact-email match)
struct RoundRobinStrategy {
  std::vector<std::string> reps;  // in turn, one rotation shared by every daemon
};
struct FieldStrategy {
  LeadField field = LeadField::kReceivedBy;  // names the rep: its id, email or name
};
struct AccountOwnerStrategy {
  std::string marketplace;  // the rep whose `accounts[marketplace]` is the lead's account
};
struct TerritoryStrategy {
  std::vector<std::string> reps;  // those whose `regions` cover the lead's region, else country
};
struct WeightedStrategy {
  std::vector<std::string> reps;
  std::vector<std::uint32_t> weights;  // parallel to reps, each at least 1
};
struct RandomStrategy {
  std::vector<std::string> reps;
};
struct LeastLoadedStrategy {
  std::vector<std::string> reps;  // the one with the fewest open leads
};
struct TopStrategy {
  std::string metric;             // a name under `metrics:`; its current window ranks the reps
  std::vector<std::string> reps;  // ranked by the metric, highest first
  std::uint32_t among = 1;        // rotate among this many of the best eligible (and their ties)
};
using Strategy = std::variant<OwnerStrategy, RoundRobinStrategy, FieldStrategy,
                              AccountOwnerStrategy, TerritoryStrategy, WeightedStrategy,
                              RandomStrategy, LeastLoadedStrategy, TopStrategy>;

// How a rule hands its lead to the reps its strategy yields.
enum class OfferMode {
  kDirect,    // assigned to the first at once; the grade's SLA starts
  kOffer,     // offered to one rep at a time, each with `window` to accept or decline
  kRace,      // offered to the first `race_to` at once; the first to accept takes it
  kPoolOnly,  // published to `pool`, for the candidates (or anyone) to claim
};

struct OfferSettings {
  OfferMode mode = OfferMode::kDirect;
  std::chrono::milliseconds window{std::chrono::minutes(15)};
  std::uint32_t race_to = 3;
  // Where pool_only publishes, and where an offer or race nobody took waits to be claimed.
  std::string pool = "public";
};

struct Rule {
  std::string name;
  Strategy assign;
  Condition when = Always();  // the rule is tried only for leads that meet it
  // Offer the lead only to reps inside their working hours; a rep without working_hours is
  // always on duty.
  bool on_duty_only = false;
  OfferSettings offer = {};
};

// How sure dedupe must be that a lead is an existing customer's: at `auto_match` or above the
// owner rule applies; from `review` the lead is routed as usual and the possible owner flagged.
struct DedupeSettings {
  double auto_match = 0.92;
  double review = 0.80;
  // The country (ISO 3166-1 alpha-2, upper case) of a phone number written without a country
  // code when the lead or customer names no country; empty: such numbers give no key.
  std::string default_region;
};

// A per-rep figure over a calendar window ("marketplace inquiries this month", "score of the
// week") that `top` rules rank reps by. Values live in Redis, one hash per window.
struct MetricSettings {
  CalendarWindow window = CalendarWindow::kMonth;
  std::string time_zone = "UTC";  // IANA name: where the window's days begin
  // When set, leadd adds 1 to the assignee's value for every lead the router assigns that
  // meets it; otherwise values are pushed in through the API or `leadctl metric set`.
  std::optional<Condition> count;
};

// Whether SLA durations count all time or only the acting rep's working hours.
enum class SlaClock { kWall, kWorkingHours };

// How long an assigned lead may wait for its rep's accept before it bounces to `public`. These
// are the defaults; a grade overrides any of them.
struct SlaSettings {
  std::optional<std::chrono::milliseconds> accept_within;  // absent: no SLA
  // The acting rep is reminded this long before the deadline; absent: no reminder.
  std::optional<std::chrono::milliseconds> remind_before;
  // A lead bounced this many times stays in `public` (escalated) instead of being routed again;
  // the manager of its last holder is told.
  std::uint32_t escalate_after_bounces = 2;
  SlaClock clock = SlaClock::kWall;
  // The grade of a lead that arrives without one; empty: such leads use the defaults above.
  std::string default_grade;
};

// One grade's timers (A/B/C by value); an absent field falls back to `sla`.
struct GradeSettings {
  // A lead that arrives without a grade gets the first grade, in file order, whose `when:` it
  // meets; a grade without `when:` is only ever given by the source.
  std::optional<Condition> when;
  std::optional<std::chrono::milliseconds> accept_within;
  std::optional<std::chrono::milliseconds> remind_before;
  std::optional<std::uint32_t> escalate_after_bounces;
  // Contact cadence: a cadence reminder created for a lead of this grade without its own period
  // repeats this often (key accounts: every 14 days).
  std::optional<std::chrono::milliseconds> follow_up_every;
  // Key accounts are never single-threaded (`team:`): the assignee gets a backup, and their
  // manager is told of each assignment.
  bool backup = false;
  bool inform_manager = false;
};

// When an accepted lead with no follow-up (or no deal) goes back to a pool. Absent periods:
// that return never happens.
struct InactivitySettings {
  std::optional<std::chrono::days> return_after;   // no activity recorded for this long
  std::optional<std::chrono::days> no_deal_after;  // not won or lost this long after accept
  std::chrono::days remind_before{3};              // the holder is reminded this much earlier
  std::string pool = "public";
  // Leads a rep may lock against these returns (key customers).
  std::uint32_t lock_cap = 5;
};

// A sales stage by name, and how far along the sale it is: a departure picks the hand-over
// task (direct, phone, in person) by the percent.
struct StageSettings {
  std::string name;
  std::uint32_t percent = 0;  // 0..100
};

// Both vocabularies reps use: the funnel's percentages and the lifecycle's names.
inline std::vector<StageSettings> DefaultStages() {
  return {{"0%", 0},     {"25%", 25},         {"50%", 50},       {"75%", 75},
          {"100%", 100}, {"unidentified", 0}, {"potential", 25}, {"opportunity", 50},
          {"order", 75}, {"user", 100}};
}

struct DaemonSettings;

// A second config run beside this one (`shadow:`): the pipeline records what its rules would
// decide for each lead and acts on none of it. Only its routing parts count: reps, rules,
// grades and metrics.
struct ShadowSettings {
  std::filesystem::path config;  // as resolved against the main config's folder
  // Loaded and checked with the main config; shared, so copying the main settings stays cheap.
  std::shared_ptr<const DaemonSettings> settings;
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
  std::map<std::string, GradeSettings, std::less<>> grades;  // by grade name
  std::vector<std::string> grade_order;                      // the grades in file order
  InactivitySettings inactivity;
  std::vector<StageSettings> stages = DefaultStages();         // the names `stage` accepts
  std::map<std::string, MetricSettings, std::less<>> metrics;  // by metric name
  std::optional<ShadowSettings> shadow;
  DedupeSettings dedupe;
};

}  // namespace leadd::config
