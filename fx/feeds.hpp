#pragma once
// Parsers for the rate feeds rewardgw reads. Each is strict: a document that is malformed, truncated or carries
// an invalid rate (zero, negative, not a plain decimal, duplicated) is refused whole with errc::malformed_feed
// or the number's own error, so the last good set stays in force. A rate outside 1e-9..1e9 is
// errc::implausible_rates. Currencies outside the ISO 4217 table with
// minor units (e.g. the SDR, XDR) are skipped.
#include <chrono>
#include <string_view>
#include <vector>

#include "fx/rates.hpp"

namespace rgw::fx {

// When an ECB reference date's rates are out, after its midnight UTC: their as_of (rates are set at 14:10 CET and
// published by 16:00 CET).
inline constexpr std::chrono::hours ecb_published_after{14};
// ECB reference rates, daily or historical (EUR base). One set per day, newest first. as_of is the reference
// date at 14:00 UTC (ecb_published_after).
result<std::vector<RateSet>> parse_ecb(std::string_view xml, sys_seconds fetched_at);
// Bank of Russia daily rates (RUB base, windows-1251, comma decimals): each quote kept as published, Nominal
// units for Value roubles. as_of is the Date at 00:00 Moscow time.
result<RateSet> parse_cbr(std::string_view xml, sys_seconds fetched_at);
// {"base": "USD", "timestamp": <unix seconds>, "rates": {"EUR": "0.91", "JPY": 151.2}}; numbers are read from
// their text, never through a double.
result<RateSet> parse_json_feed(std::string_view json, sys_seconds fetched_at);

// Recognises the format by its content and parses it; newest set first. Also refuses, with
// errc::implausible_rates, sets dated before 1999 or more than 7 days after `fetched_at`, and sets whose cross
// rates do not fit (see RateTable::build) — what this returns can be stored and installed.
result<std::vector<RateSet>> parse_feed(std::string_view document, sys_seconds fetched_at);

}  // namespace rgw::fx
