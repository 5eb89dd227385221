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

#include "gateway/net/message.hpp"
#include "gateway/reports/days.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/accounts/programs.hpp"

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

// Writes the report into `out`; stops early (without error) once `out` says the reader is gone.
boost::asio::awaitable<void> write_payouts(pg::Pool& db, programs::Program program, PayoutRequest request, http::BodySink& out);

// MIME type and a download file name for a report in `format`.
std::string content_type(Format format);
std::string file_name(const PayoutRequest& request);

}  // namespace rgw::reports
