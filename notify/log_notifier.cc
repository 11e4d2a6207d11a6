#include "notify/log_notifier.h"

#include <spdlog/spdlog.h>

namespace leadd::notify {

std::string FormatNotice(const Notice& notice) {
  std::string line =
      "notify." + notice.kind + " lead=" + notice.lead_id + " to=" + notice.recipient;
  for (const auto& [name, value] : notice.details) {
    if (value.empty()) continue;
    line += ' ';
    line += name;
    line += '=';
    if (value.find(' ') == std::string::npos) {
      line += value;
    } else {
      line += '"';
      line += value;
      line += '"';
    }
  }
  if (notice.actions) line += " links=yes";
  return line;
}

boost::asio::awaitable<Result<void>> LogNotifier::Deliver(const Notice& notice) {
  log_->info("{}", FormatNotice(notice));
  co_return Ok();
}

}  // namespace leadd::notify
