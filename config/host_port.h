// ParseHostPort: "host:port" and "[v6]:port", as written in http.listen and redis:// URLs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace leadd::config {

struct HostPort {
  std::string host;  // a name, an IPv4 address, or an IPv6 address without its brackets
  std::uint16_t port = 0;
};

// Without a port in the text, `default_port` is used, or the text is rejected when there is
// none. Ports below `min_port` are rejected (0 means "pick a free one" when listening, but is
// not a port to connect to). Rejected(detail) explains in a sentence; the detail never repeats
// the text, which may be part of a URL that holds a secret.
Result<HostPort> ParseHostPort(std::string_view text, std::optional<std::uint16_t> default_port,
                               std::uint16_t min_port);

// An address to listen on: host:port where the host is an IPv4 or IPv6 address, or
// "localhost" (taken as 127.0.0.1); names are refused, since binding must not depend on DNS.
// Port 0 asks the kernel for a free port.
Result<HostPort> ParseListenAddress(std::string_view text);

}  // namespace leadd::config
