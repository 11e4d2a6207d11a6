#include "daemon/stream_consumer.h"

#include <boost/asio/use_awaitable.hpp>

namespace leadd::daemon {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
// Arguments are built in a statement of their own: g++ 12 miscompiles a braced list holding a
// string literal inside a co_await expression ("array used as initializer").
using Args = std::vector<std::string>;

std::string_view StreamEntry::Field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

std::vector<StreamEntry> ParseStreamEntries(const queue::RedisReply& entries) {
  // Each entry: [id, [field, value, ...]]; the payload is nil when the entry was deleted.
  std::vector<StreamEntry> parsed;
  for (const auto& entry : entries.elements) {
    if (entry.elements.size() != 2 || entry.elements[1].elements.empty()) continue;
    StreamEntry item{entry.elements[0].str, {}};
    const auto& payload = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < payload.size(); i += 2) {
      item.fields.emplace_back(payload[i].str, payload[i + 1].str);
    }
    parsed.push_back(std::move(item));
  }
  return parsed;
}

awaitable<Result<void>> StreamConsumer::EnsureGroup() {
  if (group_ready_) co_return Ok();
  Args create{"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"};
  auto reply = co_await redis_.AsyncCommand(std::move(create), use_awaitable);
  if (!reply && !reply.error().detail.starts_with("BUSYGROUP")) co_return reply.error();
  group_ready_ = true;
  co_return Ok();
}

awaitable<Result<std::vector<StreamEntry>>> StreamConsumer::Next() {
  LEADD_CO_TRYV(co_await EnsureGroup());
  const std::string batch = std::to_string(options_.batch);
  const auto now = clock_.SteadyNow();
  if (now >= next_claim_) {
    // Entries a dead (or restarted) consumer read but never finished. The scan resumes at
    // its cursor on the next batch until it wraps to 0-0, then rests a quarter of claim_idle:
    // an entry is taken over at most 1.25 x claim_idle after its consumer died.
    Args claim{"XAUTOCLAIM",
               options_.stream,
               options_.group,
               options_.consumer,
               std::to_string(options_.claim_idle.count()),
               claim_cursor_,
               "COUNT",
               batch};
    auto claimed = co_await redis_.AsyncCommand(std::move(claim), use_awaitable);
    if (!claimed) co_return claimed.error();
    const auto& parts = claimed.value().elements;
    if (parts.size() < 2) co_return Transient("redis: unexpected XAUTOCLAIM reply");
    claim_cursor_ = parts[0].str;
    if (claim_cursor_ == "0-0") next_claim_ = now + options_.claim_idle / 4;
    auto entries = ParseStreamEntries(parts[1]);
    if (!entries.empty()) co_return entries;
  }
  // After a start or a failure, our own pending entries come first ("0"); they are returned
  // at once, so no BLOCK.
  const bool own_pending = reread_own_pending_;
  Args read{"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT", batch};
  if (!own_pending && options_.block) {
    read.insert(read.end(), {"BLOCK", std::to_string(options_.block->count())});
  }
  read.emplace_back("STREAMS");
  read.push_back(options_.stream);
  read.emplace_back(own_pending ? "0" : ">");
  auto reply = co_await redis_.AsyncCommand(std::move(read), use_awaitable);
  if (!reply) {
    if (reply.error().detail.starts_with("NOGROUP")) group_ready_ = false;
    co_return reply.error();
  }
  if (own_pending) reread_own_pending_ = false;
  ever_read_ = true;
  // Reply: [[stream, [entries...]]], or nil when BLOCK timed out.
  if (reply.value().elements.empty()) co_return std::vector<StreamEntry>{};
  const auto& stream = reply.value().elements.front();
  if (stream.elements.size() < 2) co_return std::vector<StreamEntry>{};
  co_return ParseStreamEntries(stream.elements[1]);
}

awaitable<Result<void>> StreamConsumer::Finish(const std::vector<std::string>& entry_ids) {
  if (entry_ids.empty()) co_return Ok();
  Args ack{"XACK", options_.stream, options_.group};
  ack.insert(ack.end(), entry_ids.begin(), entry_ids.end());
  Args del{"XDEL", options_.stream};
  del.insert(del.end(), entry_ids.begin(), entry_ids.end());
  std::vector<Args> both{std::move(ack), std::move(del)};
  auto replies = co_await redis_.AsyncCommands(std::move(both), use_awaitable);
  for (auto& reply : replies) {
    if (!reply) co_return reply.error();
  }
  co_return Ok();
}

}  // namespace leadd::daemon
