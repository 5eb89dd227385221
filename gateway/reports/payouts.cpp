#include "gateway/reports/payouts.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "gateway/core/format.hpp"
#include "gateway/reports/csv.hpp"

namespace rgw::reports {
namespace {

using nlohmann::json;

// Each source yields (at, provider, face_currency, face_amount, points, base_amount, cost_amount, charged_currency,
// spread) for the program $1 in the UTC range [$2, $3), of provider $4 when it is not null. The spread is what
// the program's FX markup earned on the order, exactly: (applied − mid rate) × face, in the base currency.
#define RGW_ORDER_COLUMNS(r) \
  r "face_currency, " r "face_amount, " r "base_amount, " r "cost_amount, coalesce(" r "cost_currency, '') AS charged_currency," \
  " (" r "applied_rate - " r "mid_rate) * " r "face_amount AS spread"
#define RGW_ISSUED_ORDERS                                                                                          \
  "SELECT issued_at AS at, coalesce(provider, '') AS provider, points, " RGW_ORDER_COLUMNS("")                     \
  " FROM redemptions WHERE program_id = $1 AND status = 'issued' AND issued_at >= $2 AND issued_at < $3"          \
  "   AND ($4::text IS NULL OR provider = $4)"
#define RGW_FAILED_ORDERS                                                                                          \
  "SELECT updated_at AS at, coalesce(provider, '') AS provider, points, " RGW_ORDER_COLUMNS("")                    \
  " FROM redemptions WHERE program_id = $1 AND status = 'failed' AND updated_at >= $2 AND updated_at < $3"        \
  "   AND ($4::text IS NULL OR provider = $4)"
#define RGW_REVERSALS                                                                                                 \
  "SELECT l.created_at AS at, coalesce(r.provider, '') AS provider, l.points, " RGW_ORDER_COLUMNS("r.")             \
  " FROM ledger_entries l JOIN redemptions r ON r.id = l.redemption_id"                                               \
  " WHERE l.program_id = $1 AND l.kind = 'reversal' AND l.created_at >= $2 AND l.created_at < $3"                    \
  "   AND ($4::text IS NULL OR r.provider = $4)"
// Rows per (day, provider, face currency, charged currency); the day is the bucket among the local day starts in
// $5; $6 is the base currency's minor units.
#define RGW_DAY_ROWS(source)                                                                                        \
  "SELECT width_bucket(at, $5::timestamptz[]) AS day, provider, face_currency, charged_currency, count(*) AS n,"   \
  "       sum(face_amount)::text AS face_total, sum(points) AS points_total, sum(base_amount)::text AS base_total," \
  "       sum(cost_amount)::text AS charged_total, rgw_round_half_even(sum(spread), $6)::text AS spread_income"     \
  " FROM (" source ") o GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
// Totals per face currency, then (grand = 1) over everything — that row comes even when there are no orders;
// $5 is the base currency's minor units.
#define RGW_TOTALS(source)                                                                                          \
  "SELECT face_currency, count(*) AS n, sum(face_amount)::text AS face_total, coalesce(sum(points), 0) AS points_total," \
  "       coalesce(sum(base_amount), 0)::text AS base_total, GROUPING(face_currency) AS grand,"                    \
  "       rgw_round_half_even(coalesce(sum(spread), 0), $5)::text AS spread_income"                                \
  " FROM (" source ") o GROUP BY GROUPING SETS ((face_currency), ()) ORDER BY grand, face_currency"

struct Queries {
  pg::Query rows, totals;
};
const Queries issued_queries{{"report_issued_rows", RGW_DAY_ROWS(RGW_ISSUED_ORDERS)}, {"report_issued_totals", RGW_TOTALS(RGW_ISSUED_ORDERS)}};
const Queries failed_queries{{"report_failed_rows", RGW_DAY_ROWS(RGW_FAILED_ORDERS)}, {"report_failed_totals", RGW_TOTALS(RGW_FAILED_ORDERS)}};
const Queries reversed_queries{{"report_reversed_rows", RGW_DAY_ROWS(RGW_REVERSALS)}, {"report_reversed_totals", RGW_TOTALS(RGW_REVERSALS)}};
#undef RGW_ISSUED_ORDERS
#undef RGW_FAILED_ORDERS
#undef RGW_REVERSALS
#undef RGW_ORDER_COLUMNS
#undef RGW_DAY_ROWS
#undef RGW_TOTALS

const Queries& queries_for(PayoutStatus s) {
  if (s == PayoutStatus::failed) return failed_queries;
  if (s == PayoutStatus::reversed) return reversed_queries;
  return issued_queries;
}


constexpr int days_per_window = 31;  // rows are read (and memory held) a month of days at a time
constexpr std::size_t flush_bytes = 16 * 1024;

std::string_view status_name(PayoutStatus s) {
  return s == PayoutStatus::failed ? "failed" : s == PayoutStatus::reversed ? "reversed" : "issued";
}

// A sum from the database in its currency's minor units (every summand already has at most that many).
fx::Money money(std::string_view amount, std::string_view currency) {
  auto m = fx::Money::parse(amount, currency);
  if (!m) throw std::runtime_error("report: the sum " + std::string(amount) + " " + std::string(currency) + " is not an amount of that currency");
  return *m;
}

// What one line of the report adds up: a day's row, a face currency's total, or (no face currency) the grand total.
struct Sums {
  std::string face_currency;  // empty for the grand total: face values cannot be added across currencies
  std::int64_t count = 0, points = 0;
  std::optional<fx::Money> face;
  fx::Money base;
  fx::Money spread;                  // the FX markup's income, in the base currency
  std::optional<fx::Money> charged;  // a day's row only: what the providers charged, when they said
};

Sums sums_of(const pg::Row& r, const std::string& base, bool per_face_currency) {
  Sums s{"", r.int64("n"), r.int64("points_total"), std::nullopt, money(r.text("base_total"), base), money(r.text("spread_income"), base), std::nullopt};
  if (per_face_currency) {
    s.face_currency = r.text("face_currency");
    s.face = money(r.text("face_total"), s.face_currency);
  }
  return s;
}

// A day's row: the sums, and what the providers charged in the row's charged currency (empty: not reported).
Sums row_sums(const pg::Row& r, const std::string& base) {
  auto s = sums_of(r, base, true);
  if (const std::string currency(r.text("charged_currency")); !currency.empty()) s.charged = money(r.text("charged_total"), currency);
  return s;
}

// The pieces of one report format.
struct Writer {
  Format format;
  std::string base;  // base currency code

  std::string head(const programs::Program& p, const PayoutRequest& r) const {
    if (format == Format::csv)
      return csv_line({"date", "provider", "face_currency", "count", "face_total", "points_total", "base_total", "base_currency", "spread_income",
                       "charged_total", "charged_currency"});
    const json meta = {{"program_id", p.id},         {"timezone", p.timezone},          {"from", date::format("%F", r.from)},
                       {"to", date::format("%F", r.to)}, {"status", status_name(r.status)}, {"provider", r.provider ? json(*r.provider) : json(nullptr)},
                       {"base_currency", base}};
    auto text = meta.dump();
    text.pop_back();  // the object stays open for "items" and "totals"
    return text + ",\"items\":[";
  }
  std::string row(const std::string& day, const pg::Row& r, bool first) const {
    const auto sums = row_sums(r, base);
    const std::string provider(r.text("provider"));
    if (format == Format::csv) return csv(day, provider, sums);
    auto item = to_json(sums);
    item["date"] = day;
    item["provider"] = provider;
    item["charged_total"] = sums.charged ? money_json(*sums.charged) : json(nullptr);
    return (first ? "" : ",") + item.dump();
  }
  // The totals: per face currency, then the grand total.
  std::string tail(const pg::Result& totals) const {
    std::string out;
    json per_currency = json::array();
    json grand;
    for (int i = 0; i < totals.size(); ++i) {
      const bool is_grand = totals[i].int64("grand") == 1;
      const auto sums = sums_of(totals[i], base, !is_grand);
      if (format == Format::csv) out += csv("total", "", sums);
      if (is_grand) grand = to_json(sums);
      else per_currency.push_back(to_json(sums));
    }
    if (format == Format::csv) return out;
    grand["by_face_currency"] = per_currency;
    return "],\"totals\":" + grand.dump() + "}";
  }

 private:
  std::string csv(const std::string& day, const std::string& provider, const Sums& s) const {
    return csv_line({day, provider, s.face_currency, std::to_string(s.count), s.face ? s.face->amount_string() : "", std::to_string(s.points),
                     s.base.amount_string(), base, s.spread.amount_string(), s.charged ? s.charged->amount_string() : "",
                     s.charged ? std::string(s.charged->currency().code()) : ""});
  }
  static json to_json(const Sums& s) {
    json j = {{"count", s.count}, {"points_total", s.points}, {"base_total", money_json(s.base)}, {"spread_income", money_json(s.spread)}};
    if (s.face) {
      j["face_currency"] = s.face_currency;
      j["face_total"] = money_json(*s.face);
    }
    return j;
  }
};

}  // namespace

std::optional<PayoutStatus> parse_payout_status(std::string_view name) {
  if (name == "issued") return PayoutStatus::issued;
  if (name == "failed") return PayoutStatus::failed;
  if (name == "reversed") return PayoutStatus::reversed;
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "json") return Format::json;
  if (name == "csv") return Format::csv;
  return std::nullopt;
}

boost::asio::awaitable<void> write_payouts(pg::Pool& db, programs::Program program, PayoutRequest request, http::BodySink& out) {
  const Writer writer{request.format, std::string(program.base_currency.code())};
  const auto& queries = queries_for(request.status);
  const auto starts = day_starts(program.timezone, request.from, request.to);
  const auto minor_units = static_cast<std::int64_t>(program.base_currency.minor_units());
  std::string buffer = writer.head(program, request);
  auto tx = co_await pg::Transaction::begin(db);
  bool first_query = true, first_row = true;
  for (std::size_t window = 0; window + 1 < starts.size(); window += days_per_window) {
    const auto last = std::min(window + days_per_window, starts.size() - 1);
    std::vector<std::string> bounds;
    for (auto i = window; i <= last; ++i) bounds.push_back(rfc3339(starts[i]));
    std::vector<pg::Statement> statements;
    if (first_query) statements.push_back(pg::snapshot_statement());  // rows and totals of one snapshot
    statements.push_back(pg::statement(queries.rows, program.id, rfc3339(starts[window]), rfc3339(starts[last]), request.provider, bounds, minor_units));
    const auto results = co_await tx.pipeline(std::move(statements));
    first_query = false;
    const auto& rows = results.back();
    for (int i = 0; i < rows.size(); ++i) {
      const auto day = request.from + date::days(static_cast<int>(window) + static_cast<int>(rows[i].int64("day")) - 1);
      buffer += writer.row(date::format("%F", day), rows[i], first_row);
      first_row = false;
      if (buffer.size() >= flush_bytes) {
        if (!co_await out.write(buffer)) co_return;
        buffer.clear();
      }
    }
  }
  // The loop ran at least once (from <= to), so the snapshot is set.
  std::vector<pg::Statement> last_statements;
  last_statements.push_back(pg::statement(queries.totals, program.id, rfc3339(starts.front()), rfc3339(starts.back()), request.provider, minor_units));
  const auto totals = co_await tx.commit(std::move(last_statements));
  buffer += writer.tail(totals.back());
  co_await out.write(buffer);
}

std::string content_type(Format format) { return format == Format::csv ? "text/csv; charset=utf-8" : "application/json"; }

std::string file_name(const PayoutRequest& r) {
  return "payouts-" + std::string(status_name(r.status)) + "-" + date::format("%F", r.from) + "-to-" + date::format("%F", r.to) +
         (r.format == Format::csv ? ".csv" : ".json");
}

}  // namespace rgw::reports
