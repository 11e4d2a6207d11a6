// ParseRedisUrl: the redis.url forms leadd connects to (redis:// over TCP, unix:// sockets).
#pragma once

#include <string_view>

#include "config/settings.h"
#include "core/result.h"

namespace leadd::config {

// redis://[user@]host[:port][/db] (port 6379 and db 0 by default; [v6] hosts in brackets) or
// unix:///absolute/path.sock[?db=N]. A password in the URL is rejected: it belongs in
// password_file or password_credential, where it stays out of `ps`, logs and messages.
// Rejected(detail) explains in a sentence; the detail never repeats any part of the URL.
Result<RedisEndpoint> ParseRedisUrl(std::string_view url);

}  // namespace leadd::config
