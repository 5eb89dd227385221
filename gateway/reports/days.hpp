#pragma once
// Calendar days of a program's time zone (date/tz, DST included): what reports and statement periods are cut by.
#include <chrono>
#include <date/date.h>
#include <date/tz.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rgw::reports {

// The longest range one report may cover (ten years of days).
constexpr int max_report_days = 3660;

// A date written YYYY-MM-DD exactly (four digits of year, no sign); nullopt for anything else (2026-02-30 too).
std::optional<date::local_days> parse_date(std::string_view text);
// Why from..to cannot be a report's range (to before from, over max_report_days), or nullopt.
std::optional<std::string> range_problem(date::local_days from, date::local_days to);

// The UTC instants at which the local days from..to+1 begin in `timezone`: one more than there are days. A day
// that starts inside a DST gap starts at the end of the gap. Throws std::runtime_error for an unknown zone.
std::vector<std::chrono::sys_seconds> day_starts(const std::string& timezone, date::local_days from, date::local_days to);
// When local day `day` begins in `zone` (a midnight in a DST gap: when the gap ends).
std::chrono::sys_seconds day_start(const date::time_zone& zone, date::local_days day);

// The local calendar day of an instant in `timezone`.
date::local_days local_day(const std::string& timezone, std::chrono::sys_seconds at);

}  // namespace rgw::reports
