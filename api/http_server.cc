#include "api/http_server.h"

#include "config/host_port.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace leadd::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;

namespace {

Response PlainError(http::status status, std::string_view message) {
  Response response{status, 11};
  response.set(http::field::content_type, "application/json");
  response.body() = R"({"error":")" + std::string(message) + R"("})";
  response.keep_alive(false);
  response.prepare_payload();
  return response;
}

}  // namespace

struct HttpServer::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // a request is being handled; drain waits for its answer
};

Result<tcp::endpoint> ListenEndpoint(std::string_view text) {
  LEADD_TRY(address, config::ParseListenAddress(text));
  boost::system::error_code error;
  const auto ip = asio::ip::make_address(address.host, error);
  if (error) return Rejected("the host to listen on must be an IP address or localhost");
  return tcp::endpoint{ip, address.port};
}

HttpServer::HttpServer(asio::any_io_executor executor, RequestHandler& handler, Options options,
                       std::shared_ptr<spdlog::logger> log)
    : executor_(std::move(executor)),
      handler_(handler),
      options_(options),
      log_(std::move(log)),
      acceptor_(executor_) {}

HttpServer::~HttpServer() = default;

Result<void> HttpServer::Listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("http: cannot listen on " + endpoint.address().to_string() + ":" +
                       std::to_string(endpoint.port()) + ": " + ec.message());
  }
  return Ok();
}

tcp::endpoint HttpServer::LocalEndpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpServer::Start() { asio::co_spawn(executor_, Accept(), asio::detached); }

awaitable<void> HttpServer::Accept() {
  while (acceptor_.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      // Out of descriptors and the like: log and keep serving the connections we have.
      log_->warn("http.accept_failed error=\"{}\"", ec.message());
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    connections_.insert(connection);
    asio::co_spawn(executor_, Serve(connection), [this, connection](const std::exception_ptr& e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log_->error("http.connection_failed error=\"{}\"", ex.what());
        }
      }
      Forget(connection);
    });
  }
}

awaitable<void> HttpServer::Serve(std::shared_ptr<Connection> connection) {
  auto& stream = connection->stream;
  beast::flat_buffer buffer;
  while (!draining_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(options_.max_body_bytes);
    stream.expires_after(options_.request_timeout);
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      break;
    }
    Response response;
    bool keep_alive = false;
    if (ec == http::error::body_limit) {
      response = PlainError(http::status::payload_too_large, "body too large");
    } else if (ec == http::error::header_limit) {
      response = PlainError(http::status::request_header_fields_too_large, "headers too large");
    } else if (ec) {
      response = PlainError(http::status::bad_request, "malformed HTTP request");
    } else {
      Request request = parser.release();
      keep_alive = request.keep_alive();
      connection->busy = true;
      response = co_await handler_.Handle(std::move(request));
      connection->busy = false;
    }
    response.keep_alive(keep_alive && !draining_);
    response.prepare_payload();
    stream.expires_after(options_.request_timeout);
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !response.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void HttpServer::Forget(const std::shared_ptr<Connection>& connection) {
  connections_.erase(connection);
  if (draining_ && connections_.empty() && on_drained_) {
    auto done = std::move(on_drained_);
    on_drained_ = nullptr;
    done();
  }
}

void HttpServer::Drain(std::function<void()> done) {
  draining_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (const auto& connection : connections_) {
    // Idle keep-alive connections wait in a read: cancel it. Busy ones finish their answer.
    if (!connection->busy) connection->stream.cancel();
  }
  if (connections_.empty()) {
    done();
    return;
  }
  on_drained_ = std::move(done);
}

}  // namespace leadd::api
