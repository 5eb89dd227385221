#include "gateway/reports/liability.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "gateway/core/format.hpp"
#include "gateway/reports/csv.hpp"
#include "gateway/reports/days.hpp"

namespace rgw::reports {
namespace {

// A lot belongs to the local month of its last spendable instant (one that lapses at 00:00 on 1 January is
// December's).
#define RGW_LAPSE_MONTH(column) "to_char((" column " - interval '1 microsecond') AT TIME ZONE $3, 'YYYY-MM')"

// Points outstanding at $2 by lapse month: each lot of program $1 credited before $2 and not lapsed by then, less
// what debits and negative adjustments took from it before $2, plus what reversals gave back before $2.
const pg::Query outstanding_by_month{
    "report_liability_outstanding",
    "WITH lots AS (SELECT l.id, l.points, l.expires_at FROM point_lots l JOIN ledger_entries c ON c.seq = l.entry_seq"
    "              WHERE c.program_id = $1 AND c.created_at < $2 AND (l.expires_at IS NULL OR l.expires_at > $2)),"
    " moves AS (SELECT rl.lot_id, -rl.points AS points FROM redemption_lots rl"
    "             JOIN ledger_entries d ON d.redemption_id = rl.redemption_id AND d.kind = 'debit' WHERE d.program_id = $1 AND d.created_at < $2"
    "           UNION ALL SELECT rl.lot_id, rl.points FROM redemption_lots rl"
    "             JOIN ledger_entries r ON r.redemption_id = rl.redemption_id AND r.kind = 'reversal' WHERE r.program_id = $1 AND r.created_at < $2"
    "           UNION ALL SELECT al.lot_id, -al.points FROM adjustment_lots al"
    "             JOIN ledger_entries e ON e.seq = al.entry_seq WHERE e.program_id = $1 AND e.created_at < $2),"
    " moved AS (SELECT lot_id, sum(points) AS points FROM moves GROUP BY lot_id),"
    " held AS (SELECT lots.expires_at, lots.points + coalesce(moved.points, 0) AS points FROM lots LEFT JOIN moved ON moved.lot_id = lots.id)"
    " SELECT CASE WHEN expires_at IS NULL THEN NULL ELSE " RGW_LAPSE_MONTH("expires_at") " END AS month, sum(points)::bigint AS points"
    " FROM held WHERE points > 0 GROUP BY 1 ORDER BY 1 NULLS LAST"};

// Points that lapsed in ($4, $2], by lapse month: the expiry entries (dated when they lapsed, whenever written) and
// lapsed lots whose entry the job has not written yet.
const pg::Query expired_by_month{
    "report_liability_expired",
    "SELECT month, sum(points)::bigint AS points FROM ("
    "  SELECT " RGW_LAPSE_MONTH("effective_at") " AS month, -points AS points FROM ledger_entries"
    "   WHERE program_id = $1 AND kind = 'expiry' AND effective_at > $4 AND effective_at <= $2"
    "  UNION ALL SELECT " RGW_LAPSE_MONTH("l.expires_at") ", l.remaining FROM point_lots l JOIN accounts a ON a.id = l.account_id"
    "   WHERE a.program_id = $1 AND l.unspent AND l.expires_at > $4 AND l.expires_at <= $2) lapsed"
    " GROUP BY month ORDER BY month"};
#undef RGW_LAPSE_MONTH


fx::Money value_of(std::int64_t points, const programs::Program& program) {
  const auto exact = fx::multiply(fx::Decimal::from_units(points, 0).value(), program.point_value, program.base_currency.minor_units(),
                                  fx::rounding::half_even);
  return fx::Money::round(exact.value(), program.base_currency).value();
}

MonthPoints row(std::optional<std::string> month, std::int64_t points, const programs::Program& program) {
  return MonthPoints{std::move(month), points, value_of(points, program)};
}

MonthPoints total_of(const std::vector<MonthPoints>& rows, const programs::Program& program) {
  MonthPoints total = row(std::nullopt, 0, program);
  for (const auto& r : rows) {
    total.points += r.points;
    total.value = fx::Money::round(fx::add(total.value.amount(), r.value.amount()).value(), program.base_currency).value();
  }
  return total;
}

std::string month_name(date::year_month ym) { return date::format("%Y-%m", date::local_days(ym / 1)); }

nlohmann::json rows_json(const std::vector<MonthPoints>& rows) {
  auto out = nlohmann::json::array();
  for (const auto& r : rows)
    out.push_back({{"month", r.month ? nlohmann::json(*r.month) : nlohmann::json("never")}, {"points", r.points}, {"value", money_json(r.value)}});
  return out;
}

}  // namespace

boost::asio::awaitable<Liability> liability(pg::Pool& db, const programs::Program& program, date::local_days as_of) {
  const auto& zone = *date::locate_zone(program.timezone);
  const auto at = day_start(zone, as_of + date::days(1));
  const date::year_month_day day{as_of};
  const auto first_month = day.year() / day.month() - date::months(11);
  const auto window_start = day_start(zone, date::local_days(first_month / 1));
  auto tx = co_await pg::Transaction::begin(db);
  std::vector<pg::Statement> reads;  // one snapshot: outstanding and expired agree
  reads.push_back(pg::snapshot_statement());
  reads.push_back(pg::statement(outstanding_by_month, program.id, rfc3339(at), program.timezone));
  reads.push_back(pg::statement(expired_by_month, program.id, rfc3339(at), program.timezone, rfc3339(window_start)));
  const auto results = co_await tx.commit(std::move(reads));
  const auto& outstanding = results[1];
  const auto& expired = results[2];

  std::vector<MonthPoints> outstanding_rows, expired_rows;
  for (int i = 0; i < outstanding.size(); ++i)
    outstanding_rows.push_back(row(outstanding[i].optional_string("month"), outstanding[i].int64("points"), program));
  std::map<std::string, std::int64_t> lapsed;
  for (int i = 0; i < expired.size(); ++i) lapsed[std::string(expired[i].text("month"))] = expired[i].int64("points");
  for (auto month = first_month; month <= day.year() / day.month(); month += date::months(1)) {
    const auto name = month_name(month);
    expired_rows.push_back(row(name, lapsed.contains(name) ? lapsed[name] : 0, program));
  }
  auto outstanding_total = total_of(outstanding_rows, program);
  auto expired_total = total_of(expired_rows, program);
  co_return Liability{as_of, rfc3339(at), std::move(outstanding_rows), std::move(expired_rows), std::move(outstanding_total), std::move(expired_total)};
}

nlohmann::json to_json(const Liability& r) {
  return {{"as_of", date::format("%F", r.as_of)},
          {"at", r.at},
          {"outstanding", rows_json(r.outstanding)},
          {"outstanding_total", {{"points", r.outstanding_total.points}, {"value", money_json(r.outstanding_total.value)}}},
          {"expired", rows_json(r.expired)},
          {"expired_total", {{"points", r.expired_total.points}, {"value", money_json(r.expired_total.value)}}}};
}

std::string to_csv(const Liability& r) {
  std::string out = csv_line({"section", "month", "points", "value", "currency"});
  auto line = [&out](const char* section, const MonthPoints& m, const char* month_if_none) {
    out += csv_line({section, m.month.value_or(month_if_none), std::to_string(m.points), m.value.amount_string(), std::string(m.value.currency().code())});
  };
  for (const auto& m : r.outstanding) line("outstanding", m, "never");
  line("outstanding_total", r.outstanding_total, "");
  for (const auto& m : r.expired) line("expired", m, "");
  line("expired_total", r.expired_total, "");
  return out;
}

}  // namespace rgw::reports
