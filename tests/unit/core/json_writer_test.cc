#include "core/json_writer.h"

#include <gtest/gtest.h>

namespace leadd {
namespace {

TEST(JsonWriterTest, SeparatesMembersAndNestsScopes) {
  JsonWriter json;
  json.BeginObject().Member("a", "x").Key("n").Int(-3).Key("list").BeginArray();
  json.Bool(true).Null().BeginObject().EndObject().EndArray().EndObject();
  EXPECT_EQ(json.Text(), R"({"a":"x","n":-3,"list":[true,null,{}]})");
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  JsonWriter json;
  json.String(std::string("a\"b\\c\nd\te\x01", 10));
  EXPECT_EQ(json.Text(), R"("a\"b\\c\nd\te\u0001")");
}

TEST(JsonWriterTest, KeepsUtf8AsIs) {
  JsonWriter json;
  json.String("上海有限公司");
  EXPECT_EQ(json.Text(), "\"上海有限公司\"");
}

TEST(JsonWriterTest, RawJsonIsInsertedAsAValue) {
  JsonWriter json;
  json.BeginArray().RawJson(R"({"k":1})").RawJson("[]").EndArray();
  EXPECT_EQ(json.Text(), R"([{"k":1},[]])");
}

}  // namespace
}  // namespace leadd
