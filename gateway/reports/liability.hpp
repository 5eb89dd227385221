#pragma once
// The points liability (docs/finance.md): the points outstanding at the end of a local day, by the local month in
// which they lapse ("never" last), each valued at the program's point value in its base currency; and breakage,
// the points that lapsed in each local month of the twelve up to that day. Built lot by lot from the ledger, so a
// past day's report is what the books said then. Used by GET /v1/reports/liability and `rewardgw report liability`.
#include <boost/asio/awaitable.hpp>
#include <date/date.h>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fx/money.hpp"
#include "gateway/accounts/programs.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::reports {

struct MonthPoints {
  std::optional<std::string> month;  // "2027-12", local; nullopt: points that never lapse
  std::int64_t points = 0;
  fx::Money value;  // points × point value, rounded half-even to the base currency's minor units
};

struct Liability {
  date::local_days as_of;
  std::string at;  // the instant: the start of the local day after as_of (RFC 3339)
  std::vector<MonthPoints> outstanding;  // by lapse month, "never" last
  std::vector<MonthPoints> expired;      // each of the twelve local months up to as_of's, oldest first
  MonthPoints outstanding_total, expired_total;  // sums of the rows above (of their rounded values)
};

boost::asio::awaitable<Liability> liability(pg::Pool& db, const programs::Program& program, date::local_days as_of);

nlohmann::json to_json(const Liability& report);
// section,month,points,value,currency — the rows, then each section's total.
std::string to_csv(const Liability& report);

}  // namespace rgw::reports
