// HttpServer: Beast HTTP/1.1 on one executor, bounded reads, keep-alive, graceful drain.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string_view>

#include "core/result.h"

namespace spdlog {
class logger;
}

namespace leadd::api {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Answers one request. Runs on the server's executor; must not throw.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual boost::asio::awaitable<Response> Handle(Request request) = 0;
};

// The most a request's start line and headers may take; more is answered 431.
inline constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

// http.listen ("127.0.0.1:8080", "[::1]:0", "localhost:8080") as an endpoint; no DNS lookups.
Result<boost::asio::ip::tcp::endpoint> ListenEndpoint(std::string_view text);

class HttpServer {
 public:
  struct Options {
    std::size_t max_body_bytes = 1 << 20;
    std::chrono::milliseconds request_timeout{10000};
  };

  HttpServer(boost::asio::any_io_executor executor, RequestHandler& handler, Options options,
             std::shared_ptr<spdlog::logger> log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; errors name the address (in use, not local, ...).
  Result<void> Listen(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint LocalEndpoint() const;
  void Start();
  // Stops accepting, closes idle connections, lets requests in progress answer (with
  // "Connection: close"), then calls `done`.
  void Drain(std::function<void()> done);

 private:
  struct Connection;
  boost::asio::awaitable<void> Accept();
  boost::asio::awaitable<void> Serve(std::shared_ptr<Connection> connection);
  void Forget(const std::shared_ptr<Connection>& connection);

  boost::asio::any_io_executor executor_;
  RequestHandler& handler_;
  Options options_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::set<std::shared_ptr<Connection>> connections_;
  bool draining_ = false;
  std::function<void()> on_drained_;
};

}  // namespace leadd::api
