// A program's expiry rule: ISO 8601 durations on the local calendar, rounded up to the end of the local month or
// quarter — the program's time zone decides which quarter a moment belongs to.
#include "gateway/accounts/validity.hpp"

#include <gtest/gtest.h>

#include "gateway/core/format.hpp"

namespace rgw::programs {
namespace {

std::chrono::sys_seconds at(std::string_view text) { return std::chrono::floor<std::chrono::seconds>(parse_rfc3339(text).value()); }

std::string lapses(std::string_view credited, std::string_view validity, ExpiryRounding rounding, const std::string& zone) {
  return rfc3339(lot_expiry(at(credited), parse_validity(validity).value(), rounding, zone));
}

TEST(Validity, ReadsIso8601DurationsAndRefusesTheRest) {
  const auto p = parse_validity("P1Y6M2W3DT4H5M6S").value();
  EXPECT_EQ(p.years, 1);
  EXPECT_EQ(p.months, 6);
  EXPECT_EQ(p.days, 17);
  EXPECT_EQ(p.time.count(), 4 * 3600 + 5 * 60 + 6);
  EXPECT_EQ(parse_validity("P12M").value().months, 12);
  for (const char* bad : {"", "P", "PT", "P0D", "12M", "P1M2Y", "P1.5M", "P-1M", "P1MT", "p1m", "P1M ", "P200Y", "PT1H2H"})
    EXPECT_FALSE(parse_validity(bad)) << bad;
}

TEST(Validity, EndOfQuarterIsTheLocalQuarterEndInMoscowAndKualaLumpur) {
  // 2027-11-15 13:00 in Moscow, 18:00 in Kuala Lumpur: Q4 in both; spendable until the local new year.
  EXPECT_EQ(lapses("2026-11-15T10:00:00Z", "P12M", ExpiryRounding::end_of_quarter, "Europe/Moscow"), "2027-12-31T21:00:00Z");
  EXPECT_EQ(lapses("2026-11-15T10:00:00Z", "P12M", ExpiryRounding::end_of_quarter, "Asia/Kuala_Lumpur"), "2027-12-31T16:00:00Z");
  // One instant, two quarters: 20:30 on 31 December in Moscow (Q4), 01:30 on 1 January in Kuala Lumpur (Q1).
  EXPECT_EQ(lapses("2026-12-31T16:30:00Z", "PT1H", ExpiryRounding::end_of_quarter, "Europe/Moscow"), "2026-12-31T21:00:00Z");
  EXPECT_EQ(lapses("2026-12-31T16:30:00Z", "PT1H", ExpiryRounding::end_of_quarter, "Asia/Kuala_Lumpur"), "2027-03-31T16:00:00Z");
}

TEST(Validity, EndOfMonthAndNone) {
  EXPECT_EQ(lapses("2026-11-15T10:00:00Z", "P1M", ExpiryRounding::end_of_month, "Europe/Moscow"), "2026-12-31T21:00:00Z");
  EXPECT_EQ(lapses("2026-11-15T10:00:00Z", "P30D", ExpiryRounding::none, "Europe/Moscow"), "2026-12-15T10:00:00Z");
  // The 31st plus a month is the last day of the next month, on the local calendar.
  EXPECT_EQ(lapses("2027-01-31T09:00:00Z", "P1M", ExpiryRounding::none, "Asia/Kuala_Lumpur"), "2027-02-28T09:00:00Z");
  // A lot lapsing exactly at a month's first instant is not pushed a month further.
  EXPECT_EQ(lapses("2026-11-30T21:00:00Z", "P1M", ExpiryRounding::end_of_month, "Europe/Moscow"), "2026-12-31T21:00:00Z");
}

TEST(Validity, CalendarStepsKeepTheLocalTimeAcrossDaylightSaving) {
  // 09:00 in Berlin in winter (UTC+1) plus six months is 09:00 in summer (UTC+2).
  EXPECT_EQ(lapses("2026-01-10T08:00:00Z", "P6M", ExpiryRounding::none, "Europe/Berlin"), "2026-07-10T07:00:00Z");
}

}  // namespace
}  // namespace rgw::programs
