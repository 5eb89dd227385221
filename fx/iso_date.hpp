#pragma once
// Dates as ISO 8601 writes them, YYYY-MM-DD, read exactly: feeds, report ranges and RFC 3339 timestamps share it.
#include <chrono>
#include <optional>
#include <string_view>

namespace rgw::fx {

// Four digits of year (no sign), two of month and two of day, and a real date (no 2026-02-30); nullopt else.
std::optional<std::chrono::sys_days> parse_iso_date(std::string_view text);

}  // namespace rgw::fx
