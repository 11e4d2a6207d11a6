// Fuzz target: bytes as they come in on the HTTP port, read with the server's limits and
// answered by the lead API (health, readiness, intake, lead reads) with Redis away, so that
// every answer is decided by the request alone. Any request must get an answer, never a throw,
// and never a server error other than 503.
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>

#include "api/http_server.h"
#include "api/lead_api.h"
#include "core/asio_clock.h"
#include "queue/lead_store.h"
#include "queue/redis_client.h"

namespace {

namespace http = boost::beast::http;
using leadd::api::Request;
using leadd::api::Response;

leadd::config::HttpSettings Settings() {
  leadd::config::HttpSettings settings;
  settings.intake_token = "fuzz-intake-token";
  settings.admin_token = "fuzz-admin-token";
  return settings;
}

// One API for every input. The Redis client is never started: each command fails at once as
// "not connected", as when Redis is down.
struct LeadApiWithoutRedis {
  boost::asio::io_context io;
  leadd::AsioClock clock{io.get_executor()};
  leadd::queue::RedisClient redis{io.get_executor(), clock, {}};
  leadd::queue::LeadStore store{redis, leadd::queue::RedisKeys("fuzz")};
  leadd::api::LeadApi api{
      {store, clock, [] { return true; },
       std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>())},
      Settings()};
};

// The request in `bytes`, read as HttpServer reads one; nullopt when the server would answer
// 400, 413 or 431 without asking the API.
std::optional<Request> ReadRequest(std::string_view bytes) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(leadd::api::kMaxHeaderBytes);
  parser.body_limit(leadd::config::HttpSettings{}.max_body_bytes);
  parser.eager(true);
  boost::system::error_code error;
  while (!bytes.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), error);
    if (error == http::error::need_more) break;
    if (error) return std::nullopt;
    bytes.remove_prefix(used);
  }
  if (!parser.is_done()) {
    parser.put_eof(error);
    if (error || !parser.is_done()) return std::nullopt;
  }
  return parser.release();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto* const server = new LeadApiWithoutRedis;
  auto request = ReadRequest({reinterpret_cast<const char*>(data), size});
  if (!request) return 0;
  std::optional<Response> answer;
  boost::asio::co_spawn(server->io, server->api.Handle(std::move(*request)),
                        [&answer](std::exception_ptr thrown, Response response) {
                          if (thrown) __builtin_trap();
                          answer = std::move(response);
                        });
  server->io.run();
  server->io.restart();
  if (!answer) __builtin_trap();
  const unsigned status = answer->result_int();
  if (status < 200 || status > 599 || (status >= 500 && status != 503)) __builtin_trap();
  return 0;
}
