#include "queue/audit_log.h"

#include <simdjson.h>

#include <boost/asio/use_awaitable.hpp>
#include <charconv>

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using Args = std::vector<std::string>;

// The milliseconds part of a stream entry id ("1732000000000-3"); nullopt if it has none.
std::optional<std::int64_t> MillisOfId(std::string_view id) {
  std::int64_t millis = 0;
  const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), millis);
  if (error != std::errc() || end == id.data()) return std::nullopt;
  return millis;
}

// A text member, or empty when absent or not text: a Lua nil the Function meant as "none"
// arrives as false (HGET of a missing field), which is no reason to drop the event.
std::string TextOf(simdjson::dom::object object, std::string_view key) {
  std::string_view value;
  if (object[key].get(value)) return {};
  return std::string(value);
}

Result<router::AuditEvent> Parse(simdjson::dom::parser& parser, std::string_view lead,
                                 std::string_view rep, std::string_view json) {
  // An entry without the field has no text at all, not even an address to copy nothing from.
  if (json.empty()) return Rejected("event is empty");
  simdjson::dom::element root;
  if (const auto error = parser.parse(json.data(), json.size()).get(root)) {
    return Rejected(std::string("event is not JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get(object)) return Rejected("event is not a JSON object");
  router::AuditEvent event;
  event.event = TextOf(object, "event");
  if (event.event.empty()) return Rejected("event has no name");
  event.lead = std::string(lead);
  if (event.lead.empty()) event.lead = TextOf(object, "lead");
  event.rep = TextOf(object, "rep");
  if (event.rep.empty()) event.rep = std::string(rep);
  if (event.lead.empty() && event.rep.empty()) return Rejected("event names no lead and no rep");
  event.rule = TextOf(object, "rule");
  event.by = TextOf(object, "by");
  // cjson writes large numbers in exponent form beyond 14 digits; a time fits in 13 today.
  if (object["at"].get(event.at_ms)) {
    double at = 0;
    if (!object["at"].get(at)) event.at_ms = static_cast<std::int64_t>(at);
  }
  return event;
}

// The entry's id and its field -> value pairs, or nullopt when the reply is not an entry.
struct RawEntry {
  std::string_view id;
  std::string_view lead;
  std::string_view rep;
  std::string_view event;
};
std::optional<RawEntry> EntryOf(const RedisReply& entry) {
  if (!entry.IsArray() || entry.elements.size() != 2 || !entry.elements[0].IsString() ||
      !entry.elements[1].IsArray()) {
    return std::nullopt;
  }
  RawEntry raw{entry.elements[0].str, {}, {}, {}};
  const auto& fields = entry.elements[1].elements;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string_view name = fields[i].str;
    if (name == "lead") raw.lead = fields[i + 1].str;
    if (name == "rep") raw.rep = fields[i + 1].str;
    if (name == "event") raw.event = fields[i + 1].str;
  }
  return raw;
}

// The id of the stream's first entry when entries were removed from it (the cap trimmed them),
// from XINFO STREAM; nullopt when every entry ever added is still there. Redis before 7.0 does
// not count the entries added: then the first entry's id, as if trimmed.
std::optional<std::string_view> OldestIfTrimmed(const RedisReply& info) {
  std::optional<std::int64_t> added;
  std::int64_t length = 0;
  std::optional<std::string_view> first;
  const auto& fields = info.elements;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string_view name = fields[i].str;
    const RedisReply& value = fields[i + 1];
    if (name == "length") length = value.integer;
    if (name == "entries-added") added = value.integer;
    if (name == "first-entry") {
      if (const auto entry = EntryOf(value)) first = entry->id;
    }
  }
  if (added && *added <= length) return std::nullopt;
  return first;
}

}  // namespace

Result<router::AuditEvent> ParseAuditEntry(std::string_view lead, std::string_view rep,
                                           std::string_view json) {
  simdjson::dom::parser parser;
  return Parse(parser, lead, rep, json);
}

awaitable<Result<AuditWindow>> AuditLog::Read(WallTime since, WallTime until) {
  AuditWindow window;
  const std::int64_t since_ms = ToEpochMillis(since);
  Args length{"XLEN", stream_};
  auto entries_now = co_await redis_.AsyncCommand(std::move(length), use_awaitable);
  if (!entries_now) co_return entries_now.error();
  if (entries_now.value().integer == 0) co_return window;  // nothing recorded yet
  Args info{"XINFO", "STREAM", stream_};
  auto stream = co_await redis_.AsyncCommand(std::move(info), use_awaitable);
  if (!stream) co_return stream.error();
  if (const auto oldest = OldestIfTrimmed(stream.value())) {
    if (const auto millis = MillisOfId(*oldest); millis && *millis > since_ms) {
      window.reaches_back_to = WallTime{std::chrono::milliseconds(*millis)};
    }
  }

  simdjson::dom::parser parser;
  std::string start = std::to_string(since_ms) + "-0";
  const std::string end = std::to_string(ToEpochMillis(until));
  while (true) {
    Args page{"XRANGE", stream_, start, end, "COUNT", std::to_string(kPage)};
    auto read = co_await redis_.AsyncCommand(std::move(page), use_awaitable);
    if (!read) co_return read.error();
    const auto& entries = read.value().elements;
    for (const auto& reply : entries) {
      const auto entry = EntryOf(reply);
      if (!entry) co_return Transient("redis: unexpected XRANGE reply");
      auto event = Parse(parser, entry->lead, entry->rep, entry->event);
      if (event) {
        window.events.push_back(std::move(event).value());
        continue;
      }
      ++window.malformed;
      if (window.malformed_ids.size() < kMalformedIdsKept) {
        window.malformed_ids.emplace_back(entry->id);
      }
    }
    if (entries.size() < kPage) break;
    // Exclusive start (Redis 6.2+): the page after the last entry read.
    start = "(" + entries.back().elements[0].str;
  }
  co_return window;
}

awaitable<Result<std::map<std::string, std::string, std::less<>>>> AuditLog::SourcesOf(
    const std::vector<std::string>& leads) {
  std::map<std::string, std::string, std::less<>> sources;
  for (std::size_t from = 0; from < leads.size(); from += kLookupBatch) {
    const std::size_t to = std::min(leads.size(), from + kLookupBatch);
    std::vector<Args> lookups;
    lookups.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) {
      lookups.push_back(Args{"HGET", keys_.Lead(leads[i]), "source"});
    }
    auto replies = co_await redis_.AsyncCommands(std::move(lookups), use_awaitable);
    for (std::size_t i = 0; i < replies.size(); ++i) {
      if (!replies[i]) co_return replies[i].error();
      if (replies[i].value().IsString()) sources[leads[from + i]] = replies[i].value().str;
    }
  }
  co_return sources;
}

}  // namespace leadd::queue
