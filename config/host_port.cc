#include "config/host_port.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

namespace leadd::config {
namespace {

constexpr std::size_t kMaxHostLength = 253;  // a DNS name's limit

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

Result<std::uint16_t> ParsePort(std::string_view text, std::uint16_t min_port) {
  const bool digits_only =
      !text.empty() && text.size() <= 5 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  const unsigned long value = digits_only ? std::stoul(std::string(text)) : 0;
  if (!digits_only || value < min_port || value > 65535) {
    return Rejected("the port must be a number from " + std::to_string(min_port) + " to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<HostPort> ParseHostPort(std::string_view text, std::optional<std::uint16_t> default_port,
                               std::uint16_t min_port) {
  HostPort result;
  std::string_view port_text;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return Rejected("an IPv6 address needs its closing ']'");
    result.host = std::string(text.substr(1, close - 1));
    in6_addr address{};
    if (inet_pton(AF_INET6, result.host.c_str(), &address) != 1) {
      return Rejected("the address in brackets is not an IPv6 address");
    }
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Rejected("expected ':' and a port after ']'");
      port_text = rest.substr(1);
      has_port = true;
    }
  } else {
    const auto colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) != std::string_view::npos) {
      return Rejected("an IPv6 address needs brackets, as in [::1]:8080");
    }
    result.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = text.substr(colon + 1);
      has_port = true;
    }
    if (result.host.empty()) return Rejected("the host is missing");
    if (result.host.size() > kMaxHostLength ||
        !std::all_of(result.host.begin(), result.host.end(), IsHostNameChar)) {
      return Rejected("the host must be a name or an IP address (letters, digits, '-', '.', '_')");
    }
  }
  if (has_port) {
    LEADD_TRY(port, ParsePort(port_text, min_port));
    result.port = port;
  } else if (default_port) {
    result.port = *default_port;
  } else {
    return Rejected("expected host:port, as in 127.0.0.1:8080");
  }
  return result;
}

Result<HostPort> ParseListenAddress(std::string_view text) {
  LEADD_TRY(address, ParseHostPort(text, std::nullopt, 0));
  if (address.host == "localhost") address.host = "127.0.0.1";
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, address.host.c_str(), &v4) != 1 &&
      inet_pton(AF_INET6, address.host.c_str(), &v6) != 1) {
    return Rejected("the host to listen on must be an IP address or localhost");
  }
  return address;
}

}  // namespace leadd::config
