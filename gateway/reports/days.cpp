#include "gateway/reports/days.hpp"

#include "fx/iso_date.hpp"

namespace rgw::reports {

std::optional<date::local_days> parse_date(std::string_view text) {
  const auto day = fx::parse_iso_date(text);
  if (!day) return std::nullopt;
  return date::local_days{day->time_since_epoch()};
}

std::optional<std::string> range_problem(date::local_days from, date::local_days to) {
  if (to < from) return "'to' is before 'from'";
  if ((to - from).count() >= max_report_days) return "a report covers at most " + std::to_string(max_report_days) + " days";
  return std::nullopt;
}

std::chrono::sys_seconds day_start(const date::time_zone& zone, date::local_days day) {
  return zone.to_sys(date::local_seconds(day), date::choose::earliest);
}

std::vector<std::chrono::sys_seconds> day_starts(const std::string& timezone, date::local_days from, date::local_days to) {
  const auto* zone = date::locate_zone(timezone);
  std::vector<std::chrono::sys_seconds> starts;
  for (auto day = from; day <= to + date::days(1); day += date::days(1)) starts.push_back(day_start(*zone, day));
  return starts;
}

date::local_days local_day(const std::string& timezone, std::chrono::sys_seconds at) {
  return date::floor<date::days>(date::locate_zone(timezone)->to_local(at));
}

}  // namespace rgw::reports
