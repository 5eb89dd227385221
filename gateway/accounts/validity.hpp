#pragma once
// A program's rule for when points lapse: an ISO 8601 duration from the credit ("P12M"), rounded up to the end of
// the month or quarter in the program's time zone (docs/points.md).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rgw::programs {

// PnYnMnWnDTnHnMnS, whole numbers only; years and months are calendar steps in the program's time zone.
struct Validity {
  int years = 0, months = 0, days = 0;
  std::chrono::seconds time{0};
};
// nullopt unless `text` is such a duration and is longer than zero (and under 100 years).
std::optional<Validity> parse_validity(std::string_view text);

enum class ExpiryRounding { none, end_of_month, end_of_quarter };
std::optional<ExpiryRounding> parse_rounding(std::string_view text);
std::string_view rounding_name(ExpiryRounding rounding);

// The instant a lot credited at `credited` lapses: `validity` later on the local calendar of `timezone` (the
// 31st plus P1M is the month's last day), then rounded up to the start of the next local month or quarter (spendable
// until then, not after). `timezone` is an IANA name the tz database knows.
std::chrono::sys_seconds lot_expiry(std::chrono::sys_seconds credited, const Validity& validity, ExpiryRounding rounding,
                                    const std::string& timezone);

}  // namespace rgw::programs
