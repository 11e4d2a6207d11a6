#include "daemon/app.h"

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <memory>
#include <optional>

#include "api/customer_api.h"
#include "api/http_server.h"
#include "api/lead_api.h"
#include "api/link_actions.h"
#include "api/metric_api.h"
#include "api/reminder_api.h"
#include "api/rep_admin.h"
#include "api/report_api.h"
#include "core/asio_clock.h"
#include "daemon/logging.h"
#include "daemon/notice_dispatcher.h"
#include "daemon/pipeline.h"
#include "daemon/spawn_loop.h"
#include "daemon/systemd_notifier.h"
#include "daemon/timer_poller.h"
#include "lifecycle/timer_plan.h"
#include "notify/log_notifier.h"
#include "queue/customer_registry.h"
#include "queue/departures.h"
#include "queue/embedded_redis.h"
#include "queue/function_call.h"
#include "queue/lead_store.h"
#include "queue/lead_transitions.h"
#include "queue/owner_index_follower.h"
#include "queue/redis_client.h"
#include "router/router.h"

namespace leadd::daemon {
namespace {

namespace asio = boost::asio;

std::string DefaultInstanceName() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + "-" + std::to_string(getpid());
}

// Settings a reload cannot change in a running process: named so the operator knows to restart.
std::vector<std::string> RestartOnlyChanges(const config::DaemonSettings& running,
                                            const config::DaemonSettings& loaded) {
  std::vector<std::string> changed;
  if (running.state_dir != loaded.state_dir) changed.emplace_back("state_dir");
  if (running.instance_name != loaded.instance_name) changed.emplace_back("instance_name");
  if (running.http.listen != loaded.http.listen) changed.emplace_back("http.listen");
  if (running.http.max_body_bytes != loaded.http.max_body_bytes ||
      running.http.request_timeout != loaded.http.request_timeout) {
    changed.emplace_back("http limits");
  }
  const auto& a = running.redis;
  const auto& b = loaded.redis;
  const auto url = [](const config::RedisSettings& r) {
    const auto* external = std::get_if<config::ExternalRedis>(&r.server);
    return external ? external->url : std::string("embedded");
  };
  if (url(a) != url(b) || a.password != b.password || a.key_prefix != b.key_prefix ||
      a.connect_timeout != b.connect_timeout || a.request_timeout != b.request_timeout ||
      a.reconnect_max_backoff != b.reconnect_max_backoff) {
    changed.emplace_back("redis");
  }
  return changed;
}

// The router of the config's shadow rules, or null when it names none.
std::shared_ptr<const router::Router> ShadowRouterOf(const config::DaemonSettings& settings) {
  if (!settings.shadow) return nullptr;
  return std::make_shared<const router::Router>(*settings.shadow->settings);
}

// Everything the daemon runs, in construction order; destroyed in reverse.
class Daemon {
 public:
  Daemon(config::DaemonSettings settings, std::filesystem::path config_path,
         config::LoadEnvironment environment)
      : settings_(std::move(settings)),
        config_path_(std::move(config_path)),
        environment_(std::move(environment)),
        clock_(io_.get_executor()),
        systemd_(clock_),
        log_(ModuleLogger("daemon")),
        router_(std::make_shared<const router::Router>(settings_)),
        shadow_router_(ShadowRouterOf(settings_)),
        planner_(std::make_shared<const lifecycle::TimerPlanner>(settings_)),
        notifier_(ModuleLogger("notify")),
        signals_(io_, SIGINT, SIGTERM, SIGHUP) {}

  int Run() {
    if (settings_.instance_name.empty()) settings_.instance_name = DefaultInstanceName();
    auto endpoint = StartRedisServer();
    if (!endpoint) {
      log_->critical("startup.failed error=\"{}\"", endpoint.error().detail);
      return kExitUnavailable;
    }
    ConnectRedis(endpoint.value());

    api_.emplace(
        api::LeadApi::Deps{*store_, clock_, [this] { return redis_->IsReady(); },
                           ModuleLogger("api"), [this] { return owners_ && owners_->Ready(); }},
        settings_.http);
    transitions_.emplace(*redis_, store_->Keys());
    rep_actions_.emplace(api::RepActions::Deps{*store_, *transitions_, ModuleLogger("api"), clock_,
                                               [this] { return planner_; }},
                         settings_);
    api_->SetRepActions(&*rep_actions_);
    link_actions_.emplace(api::LinkActions::Deps{*transitions_, ModuleLogger("api"), clock_,
                                                 [this] { return planner_; }},
                          settings_);
    api_->SetLinkActions(&*link_actions_);
    departures_.emplace(*redis_, store_->Keys());
    rep_admin_.emplace(
        api::RepAdmin::Deps{*store_, *transitions_, *departures_, ModuleLogger("api"), clock_,
                            [this] { return planner_; }},
        settings_);
    api_->SetRepAdmin(&*rep_admin_);
    reminder_api_.emplace(api::ReminderApi::Deps{*redis_, *store_, *transitions_,
                                                 ModuleLogger("api"), [this] { return planner_; }},
                          settings_);
    api_->SetReminderApi(&*reminder_api_);
    report_api_.emplace(api::ReportApi::Deps{*redis_, store_->Keys(), clock_, ModuleLogger("api")},
                        settings_);
    api_->SetReportApi(&*report_api_);
    metric_store_.emplace(*redis_, store_->Keys());
    metric_api_.emplace(api::MetricApi::Deps{*metric_store_, clock_, ModuleLogger("api")},
                        settings_);
    api_->SetMetricApi(&*metric_api_);
    owners_.emplace(queue::OwnerIndexFollower::Deps{clock_, *owner_log_, ModuleLogger("dedupe")},
                    settings_.redis.request_timeout / 2);
    customer_api_.emplace(api::CustomerApi::Deps{*registry_, *owners_, clock_, ModuleLogger("api")},
                          settings_);
    api_->SetCustomerApi(&*customer_api_);
    http_.emplace(
        io_.get_executor(), *api_,
        api::HttpServer::Options{settings_.http.max_body_bytes, settings_.http.request_timeout},
        ModuleLogger("api"));
    auto listen = api::ListenEndpoint(settings_.http.listen);
    if (!listen) {
      log_->critical("startup.failed http.listen: {}", listen.error().detail);
      return kExitConfig;
    }
    if (auto bound = http_->Listen(listen.value()); !bound) {
      log_->critical("startup.failed error=\"{}\"", bound.error().detail);
      return kExitUnavailable;
    }
    const auto bound = http_->LocalEndpoint();
    log_->info("http.listening addr={}:{}", bound.address().to_string(), bound.port());

    // Half the request deadline, so a blocked read always answers before its own deadline.
    pipeline_.emplace(Pipeline::Deps{io_.get_executor(), clock_, *blocking_redis_, *store_,
                                     [this] { return router_; }, [this] { return planner_; },
                                     ModuleLogger("router"), [this] { return shadow_router_; },
                                     *owners_, *registry_, [this] { return settings_.dedupe; }},
                      settings_.instance_name, settings_.redis.request_timeout / 2);
    timer_poller_.emplace(TimerPoller::Deps{io_.get_executor(), clock_, *store_,
                                            [this] { return settings_.inactivity.pool; },
                                            ModuleLogger("queue")});
    directory_ = MakeNoticeDirectory(settings_);
    dispatcher_.emplace(
        NoticeDispatcher::Deps{io_.get_executor(), clock_, *notice_redis_, store_->Keys(),
                               notifier_, [this] { return directory_; }, ModuleLogger("notify")},
        settings_.instance_name, settings_.redis.request_timeout / 2);

    http_->Start();
    SpawnLoop(io_.get_executor(), owners_->Run(), log_, "owners");
    pipeline_->Start();
    timer_poller_->Start();
    dispatcher_->Start();
    WaitForSignal();
    systemd_.StartWatchdog();
    systemd_.Ready("serving");
    log_->info("daemon.ready instance={} config={}", settings_.instance_name,
               config_path_.string());
    io_.run();
    log_->info("daemon.stopped exit={}", exit_code_);
    return exit_code_;
  }

 private:
  Result<config::RedisEndpoint> StartRedisServer() {
    if (const auto* external = std::get_if<config::ExternalRedis>(&settings_.redis.server)) {
      return external->endpoint;
    }
    const auto& embedded = std::get<config::EmbeddedRedis>(settings_.redis.server);
    embedded_redis_.emplace(io_.get_executor(), clock_, settings_.state_dir / "redis",
                            embedded.server_binary);
    LEADD_TRYV(embedded_redis_->Start());
    return embedded_redis_->Endpoint();
  }

  void ConnectRedis(const config::RedisEndpoint& endpoint) {
    const auto& name = settings_.instance_name;
    redis_.emplace(io_.get_executor(), clock_,
                   queue::RedisClient::MakeOptions(settings_.redis, endpoint, name));
    blocking_redis_.emplace(
        io_.get_executor(), clock_,
        queue::RedisClient::MakeOptions(settings_.redis, endpoint, name + "/intake"));
    notice_redis_.emplace(
        io_.get_executor(), clock_,
        queue::RedisClient::MakeOptions(settings_.redis, endpoint, name + "/notify"));
    store_.emplace(*redis_, queue::RedisKeys(settings_.redis.key_prefix));
    // The owner index follows the registration log in XREAD BLOCK, on a connection of its own.
    owner_redis_.emplace(
        io_.get_executor(), clock_,
        queue::RedisClient::MakeOptions(settings_.redis, endpoint, name + "/owners"));
    registry_.emplace(*redis_, store_->Keys());
    owner_log_.emplace(*owner_redis_, store_->Keys());
    // Functions persist with the data, but a fresh or flushed Redis has none: load on every
    // connect, before the client reports ready.
    // Then deadlines an older version armed move into the timer set (nothing to do after once).
    redis_->SetOnConnect([this](std::function<void(Result<void>)> done) {
      redis_->Command(
          {"FUNCTION", "LOAD", "REPLACE", std::string(queue::LeadStore::FunctionsSource())},
          [this, done = std::move(done)](Result<queue::RedisReply> loaded) mutable {
            if (!loaded) return done(loaded.error());
            redis_->Command(
                queue::FunctionCall("leadd_migrate", {}, queue::FunctionClock::RedisTime(),
                                    {settings_.redis.key_prefix}),
                [this, done = std::move(done)](Result<queue::RedisReply> moved) {
                  if (!moved) return done(moved.error());
                  if (moved.value().integer > 0) {
                    log_->info("upgrade.migrated_deadlines count={}", moved.value().integer);
                  }
                  done(Ok());
                });
          });
    });
    redis_->SetOnReadyChange([this](bool ready) {
      systemd_.Status(ready ? "serving" : "waiting for Redis");
      if (ready) {
        log_->info("redis.ready");
      } else {
        log_->warn("redis.unavailable");
      }
    });
    redis_->Start();
    blocking_redis_->Start();
    notice_redis_->Start();
    owner_redis_->Start();
  }

  void WaitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        Reload();
      } else if (stopping_) {
        log_->warn("shutdown.forced signal={}", signal);
        io_.stop();
        return;
      } else {
        Shutdown(signal);
      }
      WaitForSignal();
    });
  }

  void Reload() {
    systemd_.Reloading();
    log_->info("config.reloading file={}", config_path_.string());
    auto outcome = config::LoadConfigFile(config_path_, environment_);
    if (!outcome.settings) {
      for (const auto& problem : outcome.problems) {
        log_->error("config.problem {}", config::FormatProblem(problem));
      }
      log_->error("config.reload_rejected problems={} keeping=previous", outcome.problems.size());
      systemd_.Ready("serving (reload rejected, previous config kept)");
      return;
    }
    auto& loaded = *outcome.settings;
    if (loaded.instance_name.empty()) loaded.instance_name = settings_.instance_name;
    for (const auto& key : RestartOnlyChanges(settings_, loaded)) {
      log_->warn("config.restart_required key={} (kept the running value)", key);
    }
    router_ = std::make_shared<const router::Router>(loaded);
    shadow_router_ = ShadowRouterOf(loaded);
    planner_ = std::make_shared<const lifecycle::TimerPlanner>(loaded);
    api_->UpdateSettings(loaded.http);
    rep_actions_->UpdateSettings(loaded);
    link_actions_->UpdateSettings(loaded);
    rep_admin_->UpdateSettings(loaded);
    reminder_api_->UpdateSettings(loaded);
    report_api_->UpdateSettings(loaded);
    metric_api_->UpdateSettings(loaded);
    customer_api_->UpdateSettings(loaded);
    ApplyLogLevels(loaded.log);
    settings_.reps = loaded.reps;
    settings_.rules = loaded.rules;
    settings_.pools = loaded.pools;
    settings_.sla = loaded.sla;
    settings_.grades = loaded.grades;
    settings_.inactivity = loaded.inactivity;
    settings_.stages = loaded.stages;
    settings_.dedupe = loaded.dedupe;
    settings_.log = loaded.log;
    settings_.http.intake_token = loaded.http.intake_token;
    settings_.http.admin_token = loaded.http.admin_token;
    settings_.http.public_url = loaded.http.public_url;
    settings_.http.link_secret = loaded.http.link_secret;
    settings_.http.link_ttl = loaded.http.link_ttl;
    directory_ = MakeNoticeDirectory(settings_);
    log_->info("config.reloaded rules={} reps={}", settings_.rules.size(), settings_.reps.size());
    if (loaded.shadow) {
      log_->info("config.shadow file={} rules={}", loaded.shadow->config.string(),
                 loaded.shadow->settings->rules.size());
    }
    systemd_.Ready("serving");
  }

  void Shutdown(int signal) {
    stopping_ = true;
    systemd_.Stopping();
    log_->info("shutdown.begin signal={} grace_ms={}", signal, settings_.shutdown_grace.count());
    grace_timer_ = clock_.MakeTimer();
    grace_timer_->ArmAfter(settings_.shutdown_grace, [this] {
      log_->warn("shutdown.grace_expired (unfinished work stays pending in Redis)");
      io_.stop();
    });
    api_->SetDraining();
    pending_stops_ = 5;
    http_->Drain([this] { OnStageStopped(); });
    owners_->Stop([this] { OnStageStopped(); });
    pipeline_->Stop([this] { OnStageStopped(); });
    timer_poller_->Stop([this] { OnStageStopped(); });
    dispatcher_->Stop([this] { OnStageStopped(); });
  }

  void OnStageStopped() {
    if (--pending_stops_ > 0) return;
    redis_->Stop();
    blocking_redis_->Stop();
    notice_redis_->Stop();
    owner_redis_->Stop();
    if (!embedded_redis_) {
      io_.stop();
      return;
    }
    embedded_redis_->Stop([this] { io_.stop(); });
  }

  config::DaemonSettings settings_;
  std::filesystem::path config_path_;
  config::LoadEnvironment environment_;
  asio::io_context io_;
  AsioClock clock_;
  SystemdNotifier systemd_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<const router::Router> router_;
  std::shared_ptr<const router::Router> shadow_router_;  // null: no `shadow:`
  std::shared_ptr<const lifecycle::TimerPlanner> planner_;
  std::shared_ptr<const NoticeDirectory> directory_;
  notify::LogNotifier notifier_;
  asio::signal_set signals_;
  std::optional<queue::EmbeddedRedis> embedded_redis_;
  std::optional<queue::RedisClient> redis_;
  std::optional<queue::RedisClient> blocking_redis_;
  std::optional<queue::RedisClient> notice_redis_;
  std::optional<queue::RedisClient> owner_redis_;
  std::optional<queue::LeadStore> store_;
  std::optional<queue::CustomerRegistry> registry_;
  std::optional<queue::CustomerRegistry> owner_log_;  // on owner_redis_, for owners_ only
  std::optional<queue::OwnerIndexFollower> owners_;
  std::optional<queue::LeadTransitions> transitions_;
  std::optional<api::RepActions> rep_actions_;
  std::optional<api::LinkActions> link_actions_;
  std::optional<queue::Departures> departures_;
  std::optional<api::RepAdmin> rep_admin_;
  std::optional<api::ReminderApi> reminder_api_;
  std::optional<api::ReportApi> report_api_;
  std::optional<queue::MetricStore> metric_store_;
  std::optional<api::MetricApi> metric_api_;
  std::optional<api::CustomerApi> customer_api_;
  std::optional<api::LeadApi> api_;
  std::optional<api::HttpServer> http_;
  std::optional<Pipeline> pipeline_;
  std::optional<TimerPoller> timer_poller_;
  std::optional<NoticeDispatcher> dispatcher_;
  std::unique_ptr<Timer> grace_timer_;
  bool stopping_ = false;
  int pending_stops_ = 0;
  int exit_code_ = kExitOk;
};

}  // namespace

int RunDaemon(config::DaemonSettings settings, const std::filesystem::path& config_path,
              const config::LoadEnvironment& environment) {
  Daemon daemon(std::move(settings), config_path, environment);
  return daemon.Run();
}

}  // namespace leadd::daemon
