#include "daemon/app.h"

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <memory>
#include <optional>

#include "api/http_server.h"
#include "api/lead_api.h"
#include "core/asio_clock.h"
#include "daemon/logging.h"
#include "daemon/pipeline.h"
#include "daemon/sla_poller.h"
#include "daemon/systemd_notifier.h"
#include "notify/log_notifier.h"
#include "queue/embedded_redis.h"
#include "queue/lead_store.h"
#include "queue/lead_transitions.h"
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
        router_(std::make_shared<const router::Router>(settings_.rules, settings_.reps)),
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

    api_.emplace(api::LeadApi::Deps{*store_, clock_, [this] { return redis_->IsReady(); },
                                    ModuleLogger("api")},
                 settings_.http);
    transitions_.emplace(*redis_, store_->Keys());
    rep_actions_.emplace(api::RepActions::Deps{*store_, *transitions_, ModuleLogger("api")},
                         settings_);
    api_->SetRepActions(&*rep_actions_);
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
    pipeline_.emplace(
        Pipeline::Deps{
            io_.get_executor(), clock_, *blocking_redis_, *store_, notifier_,
            [this] { return router_; }, ModuleLogger("router"),
            [this] { return settings_.sla.accept_within.value_or(std::chrono::milliseconds{0}); }},
        settings_.instance_name, settings_.redis.request_timeout / 2);
    sla_poller_.emplace(SlaPoller::Deps{io_.get_executor(), clock_, *store_,
                                        [this] { return settings_.sla.escalate_after_bounces; },
                                        ModuleLogger("queue")});

    http_->Start();
    pipeline_->Start();
    sla_poller_->Start();
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
    store_.emplace(*redis_, queue::RedisKeys(settings_.redis.key_prefix));
    // Functions persist with the data, but a fresh or flushed Redis has none: load on every
    // connect, before the client reports ready.
    redis_->SetOnConnect([this](std::function<void(Result<void>)> done) {
      redis_->Command(
          {"FUNCTION", "LOAD", "REPLACE", std::string(queue::LeadStore::FunctionsSource())},
          [done = std::move(done)](Result<queue::RedisReply> reply) {
            if (!reply) {
              done(reply.error());
            } else {
              done(Ok());
            }
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
    router_ = std::make_shared<const router::Router>(loaded.rules, loaded.reps);
    api_->UpdateSettings(loaded.http);
    rep_actions_->UpdateSettings(loaded);
    ApplyLogLevels(loaded.log);
    settings_.reps = loaded.reps;
    settings_.rules = loaded.rules;
    settings_.pools = loaded.pools;
    settings_.sla = loaded.sla;
    settings_.log = loaded.log;
    settings_.http.intake_token = loaded.http.intake_token;
    settings_.http.admin_token = loaded.http.admin_token;
    log_->info("config.reloaded rules={} reps={}", settings_.rules.size(), settings_.reps.size());
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
    pending_stops_ = 3;
    http_->Drain([this] { OnStageStopped(); });
    pipeline_->Stop([this] { OnStageStopped(); });
    sla_poller_->Stop([this] { OnStageStopped(); });
  }

  void OnStageStopped() {
    if (--pending_stops_ > 0) return;
    redis_->Stop();
    blocking_redis_->Stop();
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
  notify::LogNotifier notifier_;
  asio::signal_set signals_;
  std::optional<queue::EmbeddedRedis> embedded_redis_;
  std::optional<queue::RedisClient> redis_;
  std::optional<queue::RedisClient> blocking_redis_;
  std::optional<queue::LeadStore> store_;
  std::optional<queue::LeadTransitions> transitions_;
  std::optional<api::RepActions> rep_actions_;
  std::optional<api::LeadApi> api_;
  std::optional<api::HttpServer> http_;
  std::optional<Pipeline> pipeline_;
  std::optional<SlaPoller> sla_poller_;
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
