// ParseStreamEntries: XREADGROUP / XAUTOCLAIM entries into StreamEntry values.
#include "daemon/stream_consumer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leadd::daemon {
namespace {

using queue::RedisReply;

RedisReply Entry(const std::string& id, std::vector<std::string> fields) {
  std::vector<RedisReply> payload;
  for (auto& field : fields) payload.push_back(RedisReply::String(std::move(field)));
  return RedisReply::Array({RedisReply::String(id), RedisReply::Array(std::move(payload))});
}

TEST(ParseStreamEntriesTest, KeepsIdsAndFieldsInOrder) {
  const auto entries = ParseStreamEntries(RedisReply::Array(
      {Entry("1-0", {"kind", "assigned", "lead", "L-1"}), Entry("2-0", {"lead", "L-2"})}));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, "1-0");
  EXPECT_EQ(entries[0].fields, (std::vector<std::pair<std::string, std::string>>{
                                   {"kind", "assigned"}, {"lead", "L-1"}}));
  EXPECT_EQ(entries[0].Field("lead"), "L-1");
  EXPECT_EQ(entries[0].Field("absent"), "");
  EXPECT_EQ(entries[1].id, "2-0");
  EXPECT_EQ(entries[1].Field("lead"), "L-2");
}

TEST(ParseStreamEntriesTest, DeletedEntryWithNilPayloadIsSkipped) {
  const auto entries = ParseStreamEntries(
      RedisReply::Array({Entry("1-0", {"lead", "L-1"}),
                         RedisReply::Array({RedisReply::String("2-0"), RedisReply::Nil()}),
                         Entry("3-0", {"lead", "L-3"})}));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, "1-0");
  EXPECT_EQ(entries[1].id, "3-0");
}

TEST(ParseStreamEntriesTest, NilOrEmptyReplyHasNoEntries) {
  EXPECT_TRUE(ParseStreamEntries(RedisReply::Nil()).empty());
  EXPECT_TRUE(ParseStreamEntries(RedisReply::Array({})).empty());
}

}  // namespace
}  // namespace leadd::daemon
