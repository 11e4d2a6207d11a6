#include "cli/admin_client.h"

#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace leadd::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

AdminClient::AdminClient(const std::string& base, std::string token) : token_(std::move(token)) {
  std::string_view rest = base;
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const auto colon = rest.rfind(':');
  host_ = std::string(rest.substr(0, colon));
  port_ = colon == std::string_view::npos ? "80" : std::string(rest.substr(colon + 1));
  if (host_.size() > 2 && host_.front() == '[') host_ = host_.substr(1, host_.size() - 2);
}

Result<HttpAnswer> AdminClient::Get(std::string_view target) const {
  return Send("GET", target, {});
}

Result<HttpAnswer> AdminClient::Send(std::string_view method, std::string_view target,
                                     std::string_view body) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(host_, port_, ec);
  const std::string where = host_ + ":" + port_;
  if (ec) return Unavailable("cannot resolve " + where + ": " + ec.message());
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(endpoints, ec);
  if (ec) return Unavailable("cannot reach leadd at " + where + ": " + ec.message());

  http::request<http::string_body> request{
      http::string_to_verb(beast::string_view(method.data(), method.size())), std::string(target),
      11};
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = std::string(body);
  }
  request.prepare_payload();
  request.set(http::field::host, host_);
  request.set(http::field::authorization, "Bearer " + token_);
  request.set(http::field::user_agent, "leadctl");
  http::write(stream, request, ec);
  if (ec) return Unavailable("cannot send to leadd at " + where + ": " + ec.message());

  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, ec);
  if (ec) return Unavailable("no answer from leadd at " + where + ": " + ec.message());
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return HttpAnswer{static_cast<int>(response.result_int()), std::move(response.body())};
}

}  // namespace leadd::cli
