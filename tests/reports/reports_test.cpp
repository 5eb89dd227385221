// Finance building blocks: local business days from the tz database (DST included), RFC 4180 CSV both ways,
// and reading provider statements with bad rows reported by line.
#include <gtest/gtest.h>

#include "gateway/reports/csv.hpp"
#include "gateway/reports/payouts.hpp"
#include "gateway/reports/reconciliation.hpp"

namespace rgw::reports {
namespace {

using namespace date::literals;

std::string utc(std::chrono::sys_seconds t) { return date::format("%FT%TZ", t); }

TEST(DayStarts, MoscowDaysBeginAtNineInTheEveningUtc) {
  const auto starts = day_starts("Europe/Moscow", date::local_days(2026_y / 11 / 1), date::local_days(2026_y / 11 / 2));
  ASSERT_EQ(starts.size(), 3u);
  EXPECT_EQ(utc(starts[0]), "2026-10-31T21:00:00Z");
  EXPECT_EQ(utc(starts[1]), "2026-11-01T21:00:00Z");
  EXPECT_EQ(utc(starts[2]), "2026-11-02T21:00:00Z");
}

TEST(DayStarts, BerlinDaysFollowDaylightSavingTime) {
  // Summer time ends on Sunday 2026-10-25 (03:00 CEST -> 02:00 CET): that day has 25 hours.
  const auto autumn = day_starts("Europe/Berlin", date::local_days(2026_y / 10 / 24), date::local_days(2026_y / 10 / 25));
  EXPECT_EQ(utc(autumn[0]), "2026-10-23T22:00:00Z");
  EXPECT_EQ(utc(autumn[1]), "2026-10-24T22:00:00Z");
  EXPECT_EQ(utc(autumn[2]), "2026-10-25T23:00:00Z");
  EXPECT_EQ(autumn[2] - autumn[1], std::chrono::hours(25));
  // It begins on Sunday 2026-03-29: 23 hours.
  const auto spring = day_starts("Europe/Berlin", date::local_days(2026_y / 3 / 29), date::local_days(2026_y / 3 / 29));
  EXPECT_EQ(spring[1] - spring[0], std::chrono::hours(23));
}

TEST(DayStarts, ADayStartingInsideAGapStartsWhenTheGapEnds) {
  // Havana moves its clocks at midnight: 2026-03-08 00:00 does not exist there, the day starts at 01:00 CDT.
  const auto starts = day_starts("America/Havana", date::local_days(2026_y / 3 / 8), date::local_days(2026_y / 3 / 8));
  EXPECT_EQ(utc(starts[0]), "2026-03-08T05:00:00Z");
  EXPECT_EQ(starts[1] - starts[0], std::chrono::hours(23));
}

TEST(DayStarts, AnInstantBelongsToItsLocalDay) {
  const auto late_evening = std::chrono::sys_seconds(date::sys_days(2026_y / 10 / 25) + std::chrono::hours(22) + std::chrono::minutes(30));
  EXPECT_EQ(local_day("Europe/Berlin", late_evening), date::local_days(2026_y / 10 / 25)) << "23:30 CET";
  EXPECT_EQ(local_day("Europe/Moscow", late_evening), date::local_days(2026_y / 10 / 26)) << "01:30 MSK";
  EXPECT_THROW(day_starts("Mars/Olympus", date::local_days(2026_y / 1 / 1), date::local_days(2026_y / 1 / 1)), std::runtime_error);
}

TEST(Csv, FieldsAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(csv_line({"2026-11-01", "tango", "10.00"}), "2026-11-01,tango,10.00\r\n");
  EXPECT_EQ(csv_line({"a,b", "say \"hi\"", "two\nlines", ""}), "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
}

TEST(Csv, ReadsQuotedFieldsAndKnowsTheLineEachRecordStartsOn) {
  const auto records = parse_csv("a,b\r\n\"x,1\",\"he said \"\"no\"\"\"\n\"multi\nline\",2\n\nlast,3");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"x,1", "he said \"no\""}));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"multi\nline", "2"}));
  EXPECT_EQ(records[3].line, 6) << "the blank line 5 is skipped";
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"last", "3"}));
}

TEST(Csv, AStrayQuoteSpoilsOnlyItsOwnRecord) {
  const auto records = parse_csv("a,b\nbro\"ken,1\n\"closed\"tail,2\nok,3\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_FALSE(records[1].error.empty());
  EXPECT_FALSE(records[2].error.empty());
  EXPECT_EQ(records[2].line, 3);
  EXPECT_TRUE(records[3].error.empty());
  EXPECT_EQ(records[3].line, 4);
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"ok", "3"}));
}

// Found by fuzzing: bare CR line ends (old Mac exports) made rows vanish, which would be false "missing_there".
TEST(Csv, ALoneCrEndsALineLikeCrlfAndLf) {
  const auto records = parse_csv("h\rx\"y\rc,1\rd,2\r");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].fields, std::vector<std::string>{"h"});
  EXPECT_FALSE(records[1].error.empty());
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"c", "1"}));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"d", "2"}));
  EXPECT_EQ(records[3].line, 4);
  const auto quoted = parse_csv("\"a\rb\",1\rnext,2");
  ASSERT_EQ(quoted.size(), 2u);
  EXPECT_EQ(quoted[0].fields[0], "a\rb");
  EXPECT_EQ(quoted[1].line, 3) << "a CR inside quotes is a line too";
}

TEST(Csv, BytesThatAreNotUtf8SpoilOnlyTheirRecord) {
  const auto records = parse_csv("a,b\nRA-\xff,1\nok,2\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].error, "not UTF-8 text");
  EXPECT_TRUE(records[2].error.empty());
}

TEST(Statement, ReadsLinesAndReportsBadRowsByLineNumber) {
  const auto statement = parse_statement(
      "\xEF\xBB\xBFprovider_ref,order_id,amount,currency,issued_at\r\n"
      "RA-1,red_1,10.00,EUR,2026-11-02T09:00:00Z\r\n"
      ",rgw-key-2,5000,JPY,2026-11-02T12:00:00+03:00\r\n"
      "RA-3,red_3,10.001,EUR,2026-11-02T09:00:00Z\r\n"
      "RA-4,red_4,10.00,XXX,2026-11-02T09:00:00Z\r\n"
      "RA-5,red_5,10.00,EUR,yesterday\r\n"
      ",,10.00,EUR,2026-11-02T09:00:00Z\r\n"
      "RA-7,red_7,10.00\r\n").value();
  ASSERT_EQ(statement.lines.size(), 2u);
  EXPECT_EQ(statement.lines[1].line, 3);
  EXPECT_EQ(statement.lines[1].order_id, "rgw-key-2");
  EXPECT_EQ(statement.lines[1].amount.amount_string(), "5000");
  EXPECT_EQ(date::format("%FT%TZ", statement.lines[1].issued_at), "2026-11-02T09:00:00Z");
  std::vector<int> bad;
  for (const auto& b : statement.bad_rows) bad.push_back(b.line);
  EXPECT_EQ(bad, (std::vector<int>{4, 5, 6, 7, 8}));
  EXPECT_NE(statement.bad_rows.back().error.find("5 fields"), std::string::npos) << statement.bad_rows.back().error;
}

TEST(Statement, AWrongHeaderIsRefusedWhole) {
  EXPECT_FALSE(parse_statement("ref,amount\nRA-1,10.00\n"));
  EXPECT_FALSE(parse_statement(""));
}

TEST(Statement, ThePeriodIsTheWholeLocalDaysItsLinesFallOn) {
  const auto statement = parse_statement(
      "provider_ref,order_id,amount,currency,issued_at\n"
      "RA-1,,10.00,EUR,2026-11-01T22:30:00Z\n"   // 01:30 on 2 November in Moscow
      "RA-2,,10.00,EUR,2026-11-03T20:59:59Z\n").value();  // 23:59:59 on 3 November
  const auto period = statement_period(statement, "Europe/Moscow");
  ASSERT_TRUE(period);
  EXPECT_EQ(utc(period->from), "2026-11-01T21:00:00Z");
  EXPECT_EQ(utc(period->to), "2026-11-03T21:00:00Z");
  EXPECT_FALSE(statement_period(parse_statement("provider_ref,order_id,amount,currency,issued_at\n").value(), "Europe/Moscow"));
  // Found by fuzzing: lines of year 1 and year 9999 made 3.65 million day starts; the period is two.
  const auto vast = statement_period(parse_statement("provider_ref,order_id,amount,currency,issued_at\n"
                                                     "RA-1,,10.00,EUR,0001-01-02T00:00:00Z\n"
                                                     "RA-2,,10.00,EUR,9999-12-30T00:00:00Z\n")
                                         .value(),
                                     "UTC");
  ASSERT_TRUE(vast);
  EXPECT_EQ(utc(vast->from), "0001-01-02T00:00:00Z");
  EXPECT_EQ(utc(vast->to), "9999-12-31T00:00:00Z");
}

}  // namespace
}  // namespace rgw::reports
