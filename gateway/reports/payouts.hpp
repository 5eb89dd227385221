#pragma once
// The payout report: per business day in the program's time zone (date/tz, DST included), provider and face
// currency — how many orders, their face total, points total and base-currency total at each order's locked
// rate. Streamed as JSON or CSV while it is read, a month of days at a time, all in one database snapshot, so
// the totals always equal the rows. Used by GET /v1/reports/payouts and `rewardgw report payouts`.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <date/date.h>
#include <optional>
#include <string>
#include <vector>

#include "gateway/http/message.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/programs/programs.hpp"

namespace rgw::reports {

// Which orders, and the moment that puts each on a day: issued (issued_at), failed (when it failed), reversed
// (the reversal's ledger entry: the points returned).
enum class PayoutStatus { issued, failed, reversed };
enum class Format { json, csv };

std::optional<PayoutStatus> parse_payout_status(std::string_view name);
std::optional<Format> parse_format(std::string_view name);

struct PayoutRequest {
  date::local_days from, to;  // inclusive business days of the program's time zone
  PayoutStatus status = PayoutStatus::issued;
  std::optional<std::string> provider;  // only this provider's orders
  Format format = Format::json;
};

// The longest range one report may cover (ten years of days).
constexpr int max_report_days = 3660;

// A date written YYYY-MM-DD exactly; nullopt for anything else (2026-02-30 included).
std::optional<date::local_days> parse_date(std::string_view text);
// Why from..to cannot be a report's range (to before from, over max_report_days), or nullopt.
std::optional<std::string> range_problem(date::local_days from, date::local_days to);

// The UTC instants at which the local days from..to+1 begin in `timezone`: one more than there are days. A day
// that starts inside a DST gap starts at the end of the gap. Throws std::runtime_error for an unknown zone.
std::vector<std::chrono::sys_seconds> day_starts(const std::string& timezone, date::local_days from, date::local_days to);

// The local calendar day of an instant in `timezone`.
date::local_days local_day(const std::string& timezone, std::chrono::sys_seconds at);

// Writes the report into `out`; stops early (without error) once `out` says the reader is gone.
boost::asio::awaitable<void> write_payouts(pg::Pool& db, programs::Program program, PayoutRequest request, http::BodySink& out);

// MIME type and a download file name for a report in `format`.
std::string content_type(Format format);
std::string file_name(const PayoutRequest& request);

}  // namespace rgw::reports
