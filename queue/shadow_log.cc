#include "queue/shadow_log.h"

#include <boost/asio/use_awaitable.hpp>

#include "queue/function_call.h"

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using Args = std::vector<std::string>;

// One XRANGE entry: [id, [field, value, ...]]; nullopt when the reply is not shaped so.
std::optional<router::ShadowEntry> EntryOf(const RedisReply& entry) {
  if (!entry.IsArray() || entry.elements.size() != 2 || !entry.elements[1].IsArray()) {
    return std::nullopt;
  }
  router::ShadowEntry read;
  const auto& fields = entry.elements[1].elements;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string_view name = fields[i].str;
    const std::string& value = fields[i + 1].str;
    if (name == "lead") read.lead = value;
    if (name == "live_rep") read.live_rep = value;
    if (name == "live_rule") read.live_rule = value;
    if (name == "shadow_rep") read.shadow_rep = value;
    if (name == "shadow_rule") read.shadow_rule = value;
    if (name == "shadow_strategy") read.shadow_strategy = value;
  }
  return read;
}

}  // namespace

awaitable<std::vector<Result<std::string>>> ShadowLog::Record(
    const std::vector<ShadowRecord>& records) {
  std::vector<Args> calls;
  calls.reserve(records.size());
  for (const ShadowRecord& record : records) {
    const router::Decision& shadow = *record.shadow;
    Args keys{keys_.Shadow()};
    if (!shadow.round_robin_cursor.empty()) {
      keys.push_back(keys_.ShadowCursor(shadow.round_robin_cursor));
    }
    Args args{record.lead, record.live_rep, record.live_rule, shadow.rule, shadow.strategy};
    args.insert(args.end(), shadow.candidates.begin(), shadow.candidates.end());
    // The entry's time is its stream id, which Redis gives: the Function reads no clock.
    calls.push_back(FunctionCall("leadd_shadow_record", std::move(keys), FunctionClock::RedisTime(),
                                 std::move(args)));
  }
  auto replies = co_await redis_.AsyncCommands(std::move(calls), use_awaitable);
  std::vector<Result<std::string>> picked;
  picked.reserve(replies.size());
  for (auto& reply : replies) {
    if (!reply) {
      picked.emplace_back(reply.error());
    } else {
      picked.emplace_back(std::move(reply.value().str));
    }
  }
  co_return picked;
}

awaitable<Result<std::vector<router::ShadowEntry>>> ShadowLog::Read(WallTime since,
                                                                    WallTime until) {
  std::vector<router::ShadowEntry> entries;
  std::string start = std::to_string(ToEpochMillis(since)) + "-0";
  const std::string end = std::to_string(ToEpochMillis(until));
  while (true) {
    Args page{"XRANGE", keys_.Shadow(), start, end, "COUNT", std::to_string(kPage)};
    auto read = co_await redis_.AsyncCommand(std::move(page), use_awaitable);
    if (!read) co_return read.error();
    const auto& replies = read.value().elements;
    for (const auto& reply : replies) {
      auto entry = EntryOf(reply);
      if (!entry) co_return Transient("redis: unexpected XRANGE reply");
      entries.push_back(std::move(*entry));
    }
    if (replies.size() < kPage) break;
    // Exclusive start (Redis 6.2+): the page after the last entry read.
    start = "(" + replies.back().elements[0].str;
  }
  co_return entries;
}

}  // namespace leadd::queue
