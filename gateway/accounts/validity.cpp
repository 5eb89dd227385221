#include "gateway/accounts/validity.hpp"

#include <date/tz.h>

#include <charconv>

namespace rgw::programs {

std::optional<Validity> parse_validity(std::string_view text) {
  if (text.size() < 3 || text.front() != 'P') return std::nullopt;
  Validity v;
  bool in_time = false, any = false;
  std::string_view order = "YMWD";  // designators still allowed, in order; after 'T': "HMS"
  for (std::size_t i = 1; i < text.size();) {
    if (text[i] == 'T') {
      if (in_time || i + 1 == text.size()) return std::nullopt;
      in_time = true;
      order = "HMS";
      ++i;
      continue;
    }
    int n = 0;
    const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc{} || end == text.data() + i || end == text.data() + text.size() || n > 100'000) return std::nullopt;
    const char unit = *end;
    const auto at = order.find(unit);
    if (at == std::string_view::npos) return std::nullopt;
    order.remove_prefix(at + 1);
    i = static_cast<std::size_t>(end - text.data()) + 1;
    any = any || n > 0;
    if (!in_time) {
      if (unit == 'Y') v.years = n;
      else if (unit == 'M') v.months = n;
      else if (unit == 'W') v.days += 7 * n;
      else v.days += n;
    } else {
      v.time += std::chrono::seconds(unit == 'H' ? n * 3600LL : unit == 'M' ? n * 60LL : n);
    }
  }
  const std::int64_t total_days = 365LL * v.years + 31LL * v.months + v.days + v.time.count() / 86'400;
  if (!any || total_days > 100 * 366) return std::nullopt;
  return v;
}

std::optional<ExpiryRounding> parse_rounding(std::string_view text) {
  if (text == "none") return ExpiryRounding::none;
  if (text == "end_of_month") return ExpiryRounding::end_of_month;
  if (text == "end_of_quarter") return ExpiryRounding::end_of_quarter;
  return std::nullopt;
}

std::string_view rounding_name(ExpiryRounding rounding) {
  switch (rounding) {
    case ExpiryRounding::none: return "none";
    case ExpiryRounding::end_of_month: return "end_of_month";
    case ExpiryRounding::end_of_quarter: return "end_of_quarter";
  }
  return "none";
}

std::chrono::sys_seconds lot_expiry(std::chrono::sys_seconds credited, const Validity& validity, ExpiryRounding rounding,
                                    const std::string& timezone) {
  using namespace date;
  const auto* zone = locate_zone(timezone);
  const auto local = zone->to_local(credited);
  const auto day = floor<days>(local);
  const auto time_of_day = local - day;
  const year_month_day credited_on{day};
  const auto target_month = credited_on.year() / credited_on.month() + years(validity.years) + months(validity.months);
  const auto month_end = (target_month / last).day();  // the 31st plus a month is that month's last day
  const auto lapse_day = target_month / (credited_on.day() > month_end ? month_end : credited_on.day());
  auto lapses = local_seconds(local_days(lapse_day) + days(validity.days)) + time_of_day + validity.time;
  if (rounding != ExpiryRounding::none) {
    const bool quarter = rounding == ExpiryRounding::end_of_quarter;
    const year_month_day at{floor<days>(lapses)};
    auto period = at.year() / at.month();
    if (quarter) period = at.year() / date::month((static_cast<unsigned>(at.month()) - 1) / 3 * 3 + 1);  // its first month
    const auto next_period = period + months(quarter ? 3 : 1);
    // Spendable up to the period's end: the lot lapses at the next period's first local instant (a lot lapsing
    // exactly at a period's start is left as it is).
    if (lapses != local_seconds(local_days(period / 1))) lapses = local_seconds(local_days(next_period / 1));
  }
  // A local time skipped or repeated by a DST change maps to its earliest instant.
  return zone->to_sys(lapses, choose::earliest);
}

}  // namespace rgw::programs
