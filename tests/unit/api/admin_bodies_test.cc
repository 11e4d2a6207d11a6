// The people and reminder bodies against hostile input: every malformed value is a 400 with a
// sentence, never a crash or a silently wrong instant.
#include "api/admin_bodies.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace leadd::api {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;

WallTime Utc(int y, unsigned m, unsigned d, int h = 0, int min = 0, int s = 0) {
  return WallTime{date::sys_days{date::year{y} / m / d}} + hours(h) + std::chrono::minutes(min) +
         std::chrono::seconds(s);
}

std::string Rejection(const Result<WallTime>& parsed) {
  EXPECT_FALSE(parsed);
  return parsed ? std::string() : parsed.error().detail;
}

TEST(ParseInstantTest, ReadsRfc3339InUtcAndWithOffsets) {
  EXPECT_EQ(ParseInstant("2026-12-01T09:30:00Z", DateEdge::kStartOfDay, "", "from").value(),
            Utc(2026, 12, 1, 9, 30));
  EXPECT_EQ(ParseInstant("2026-12-01T09:30:00+02:00", DateEdge::kStartOfDay, "", "from").value(),
            Utc(2026, 12, 1, 7, 30));
  EXPECT_EQ(ParseInstant("2026-12-01t09:30:00-05:30", DateEdge::kStartOfDay, "", "from").value(),
            Utc(2026, 12, 1, 15, 0));
  EXPECT_EQ(ParseInstant("2026-12-01T09:30:00.250Z", DateEdge::kStartOfDay, "", "from").value(),
            Utc(2026, 12, 1, 9, 30) + milliseconds(250));
}

TEST(ParseInstantTest, DateIsStartOrEndOfTheDay) {
  EXPECT_EQ(ParseInstant("2026-12-24", DateEdge::kStartOfDay, "", "from").value(),
            Utc(2026, 12, 24));
  EXPECT_EQ(ParseInstant("2026-12-24", DateEdge::kEndOfDay, "", "to").value(), Utc(2026, 12, 25));
  // The last day of a leap February ends on the first of March.
  EXPECT_EQ(ParseInstant("2028-02-29", DateEdge::kEndOfDay, "", "to").value(), Utc(2028, 3, 1));
}

TEST(ParseInstantTest, DateInTheRepsTimeZone) {
  // Berlin is UTC+1 in winter, UTC+2 in summer.
  EXPECT_EQ(ParseInstant("2026-12-24", DateEdge::kStartOfDay, "Europe/Berlin", "from").value(),
            Utc(2026, 12, 23, 23));
  EXPECT_EQ(ParseInstant("2026-07-01", DateEdge::kEndOfDay, "Europe/Berlin", "to").value(),
            Utc(2026, 7, 1, 22));
  // A full RFC 3339 time carries its own offset: the zone does not apply.
  EXPECT_EQ(
      ParseInstant("2026-07-01T00:00:00Z", DateEdge::kStartOfDay, "Europe/Berlin", "from").value(),
      Utc(2026, 7, 1));
}

TEST(ParseInstantTest, MidnightSkippedByDaylightSavingIsTheJump) {
  // Santiago moved its clocks from 00:00 to 01:00 on 2026-09-06.
  const auto start = ParseInstant("2026-09-06", DateEdge::kStartOfDay, "America/Santiago", "from");
  ASSERT_TRUE(start) << start.error().detail;
  EXPECT_EQ(start.value(), Utc(2026, 9, 6, 4));
}

TEST(ParseInstantTest, RefusesMalformedText) {
  for (const char* text :
       {"", "2026", "2026-13-01", "2026-02-30", "2026-2-01", "2026-12-01 09:30:00Z",
        "2026-12-01T25:00:00Z", "2026-12-01T09:60:00Z", "2026-12-01T09:30:60Z",
        "2026-12-01T09:30:00", "2026-12-01T09:30:00+2:00", "2026-12-01T09:30:00+24:00",
        "2026-12-01T09:30:00.Z", "2026-12-01T09:30:00.1234567890Z", "2026-12-01T09:30Z",
        "1969-12-31",
        // Past the years a WallTime holds (it ends in 2262).
        "2201-01-01", "4052-11-24", "9999-12-31T23:59:59Z", "-2026-12-01", "2026-12-01Z",
        "2026-12-01T09:30:00ZZ", "today", "2026-12-01\n", "２０２６-12-01"}) {
    const auto message = Rejection(ParseInstant(text, DateEdge::kStartOfDay, "", "from"));
    EXPECT_NE(message.find("from must be a date"), std::string::npos) << text << ": " << message;
  }
}

TEST(ParseInstantTest, RefusesHugeTextWithoutEchoingIt) {
  const std::string huge(100'000, '9');
  const auto message = Rejection(ParseInstant(huge, DateEdge::kStartOfDay, "", "to"));
  EXPECT_LT(message.size(), 200u);
}

TEST(ParseInstantTest, ControlBytesAreNotEchoed) {
  const auto message = Rejection(ParseInstant("\x1b[31m2026", DateEdge::kStartOfDay, "", "from"));
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
}

TEST(ParseInstantTest, UnknownZoneIsRefused) {
  const auto message =
      Rejection(ParseInstant("2026-12-01", DateEdge::kStartOfDay, "Mars/Olympus", "from"));
  EXPECT_NE(message.find("unknown time zone"), std::string::npos);
}

TEST(FormatTest, InstantsAndDurationsReadBack) {
  EXPECT_EQ(FormatInstant(Utc(2026, 12, 1, 9, 30)), "2026-12-01T09:30:00Z");
  EXPECT_EQ(FormatInstant(Utc(2026, 12, 1) + milliseconds(5)), "2026-12-01T00:00:00.005Z");
  EXPECT_EQ(FormatDuration(days(30)), "30d");
  EXPECT_EQ(FormatDuration(hours(1) + std::chrono::minutes(30)), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
}

TEST(AwayBodyTest, ReadsDatesAndDelegate) {
  const auto away =
      ParseAwayBody(R"({"from":"2026-12-24","to":"2026-12-26","delegate":"bob"})", "");
  ASSERT_TRUE(away) << away.error().detail;
  EXPECT_EQ(away.value().from, Utc(2026, 12, 24));
  EXPECT_EQ(away.value().to, Utc(2026, 12, 27));
  EXPECT_EQ(away.value().delegate, "bob");
}

TEST(AwayBodyTest, OneDayAbsenceIsThatWholeDay) {
  const auto away = ParseAwayBody(R"({"from":"2026-12-24","to":"2026-12-24","delegate":"b"})", "");
  ASSERT_TRUE(away) << away.error().detail;
  EXPECT_EQ(away.value().to - away.value().from, days(1));
}

TEST(AwayBodyTest, RefusesBadBodies) {
  const struct {
    const char* body;
    const char* says;
  } cases[] = {
      {"", "JSON object"},
      {"   ", "JSON object"},
      {"[]", ""},
      {"{", ""},
      {R"({"from":"2026-12-24","to":"2026-12-26"})", "delegate is required"},
      {R"({"from":"2026-12-24","delegate":"bob"})", "to is required"},
      {R"({"from":"","to":"2026-12-26","delegate":"bob"})", "from is required"},
      {R"({"from":"2026-12-26T10:00:00Z","to":"2026-12-26T09:00:00Z","delegate":"bob"})",
       "after from"},
      {R"({"from":"2026-12-24","to":"2026-12-26","delegate":"bob","colour":"red"})", "colour"},
      {R"({"from":"2026-12-24","from":"2026-12-25","to":"2026-12-26","delegate":"bob"})", ""},
      {R"({"from":20261224,"to":"2026-12-26","delegate":"bob"})", ""},
      {R"({"from":"2026-12-24","to":"2026-12-26","delegate":"bob"} {})", ""},
      {"{\"from\":\"2026-12-24\",\"to\":\"2026-12-26\",\"delegate\":\"\xff\"}", ""},
  };
  for (const auto& c : cases) {
    const auto away = ParseAwayBody(c.body, "");
    ASSERT_FALSE(away) << c.body;
    EXPECT_NE(away.error().detail.find(c.says), std::string::npos)
        << c.body << ": " << away.error().detail;
  }
}

TEST(OffboardBodyTest, ExactlyOneOfToAndRoute) {
  EXPECT_EQ(ParseOffboardBody(R"({"to":"bob"})").value().to, "bob");
  EXPECT_TRUE(ParseOffboardBody(R"({"route":"true"})").value().route);
  for (const char* body : {R"({})", R"({"to":"bob","route":"true"})", R"({"route":"yes"})",
                           R"({"route":true})", R"({"to":""})", "null", R"({"who":"bob"})"}) {
    EXPECT_FALSE(ParseOffboardBody(body)) << body;
  }
}

TEST(ReminderBodyTest, ReadsAReorderReminder) {
  const auto reminder = ParseReminderBody(
      R"({"kind":"reorder","product":"toner","every":"30d","ahead":"3d","first":"2026-12-01"})");
  ASSERT_TRUE(reminder) << reminder.error().detail;
  EXPECT_EQ(reminder.value().kind, "reorder");
  EXPECT_EQ(reminder.value().product, "toner");
  EXPECT_EQ(reminder.value().every, days(30));
  EXPECT_EQ(reminder.value().ahead, days(3));
  EXPECT_EQ(reminder.value().first, Utc(2026, 12, 1));
}

TEST(ReminderBodyTest, CadenceMayLeaveEveryToTheGrade) {
  const auto reminder =
      ParseReminderBody(R"({"kind":"cadence","ahead":"1d","first":"2026-12-01T08:00:00Z"})");
  ASSERT_TRUE(reminder) << reminder.error().detail;
  EXPECT_FALSE(reminder.value().every.has_value());
}

TEST(ReminderBodyTest, RefusesBadBodies) {
  const struct {
    const char* body;
    const char* says;
  } cases[] = {
      {R"({"kind":"weekly","every":"7d","ahead":"1d","first":"2026-12-01"})", "kind must be"},
      {R"({"kind":"reorder","every":"30d","ahead":"3d","first":"2026-12-01"})",
       "product is required"},
      {R"({"kind":"reorder","product":"t","ahead":"3d","first":"2026-12-01"})",
       "every is required"},
      {R"({"kind":"reorder","product":"t","every":"30","ahead":"3d","first":"2026-12-01"})",
       "every must be a duration"},
      {R"({"kind":"reorder","product":"t","every":"-30d","ahead":"3d","first":"2026-12-01"})",
       "every must be a duration"},
      {R"({"kind":"reorder","product":"t","every":"0s","ahead":"0s","first":"2026-12-01"})",
       "longer than 0"},
      {R"({"kind":"reorder","product":"t","every":"99999d","ahead":"3d","first":"2026-12-01"})",
       "at most"},
      {R"({"kind":"reorder","product":"t","every":"3d","ahead":"3d","first":"2026-12-01"})",
       "ahead must be shorter"},
      {R"({"kind":"reorder","product":"t","every":"30d","first":"2026-12-01"})",
       "ahead is required"},
      {R"({"kind":"reorder","product":"t","every":"30d","ahead":"3d"})", "first is required"},
      {R"({"kind":"reorder","product":"t","every":"30d","ahead":"3d","first":"soon"})",
       "first must be a date"},
      {R"({"kind":"cadence","ahead":"1d","first":"2026-12-01","extra":"1"})", "extra"},
      {R"({"kind":"cadence","ahead":"1d","first":"2026-12-01","every":"1d1d"})",
       "every must be a duration"},
      {R"({"kind":"cadence","ahead":"1d","first":"2026-12-01","every":"18446744073709551616ms"})",
       "every"},
  };
  for (const auto& c : cases) {
    const auto reminder = ParseReminderBody(c.body);
    ASSERT_FALSE(reminder) << c.body;
    EXPECT_NE(reminder.error().detail.find(c.says), std::string::npos)
        << c.body << ": " << reminder.error().detail;
  }
}

TEST(ReminderBodyTest, RefusesAnOverlongProduct) {
  const std::string body = R"({"kind":"reorder","product":")" + std::string(5000, 'x') +
                           R"(","every":"30d","ahead":"3d","first":"2026-12-01"})";
  EXPECT_FALSE(ParseReminderBody(body));
}

TEST(RepIdTest, KeepsPathsToRepIds) {
  EXPECT_TRUE(IsRepId("alice"));
  EXPECT_TRUE(IsRepId("a.b-c_d"));
  for (const char* id : {"", "a:b", "a/b", "a b", "*", "alice\n", "a?b"}) {
    EXPECT_FALSE(IsRepId(id)) << id;
  }
  EXPECT_FALSE(IsRepId(std::string(65, 'a')));
}

}  // namespace
}  // namespace leadd::api
