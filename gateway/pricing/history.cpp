#include "gateway/pricing/history.hpp"

#include <nlohmann/json.hpp>

namespace rgw::pricing {
namespace {

const pg::Query insert_set{
    "rates_save",
    "INSERT INTO fx_rate_sets (source, base, as_of, fetched_at, business_days, rates)"
    " VALUES ($1, $2, to_timestamp($3::bigint), to_timestamp($4::bigint), $5::boolean, $6::jsonb)"
    " ON CONFLICT (source, as_of) DO UPDATE SET fetched_at = greatest(fx_rate_sets.fetched_at, EXCLUDED.fetched_at)"};

const pg::Query select_latest{
    "rates_latest",
    "SELECT source, base, extract(epoch FROM as_of)::bigint AS as_of, extract(epoch FROM fetched_at)::bigint AS fetched_at,"
    "       business_days, rates::text AS rates"
    " FROM fx_rate_sets ORDER BY as_of DESC, fetched_at DESC LIMIT 1"};

std::int64_t epoch(fx::sys_seconds t) { return t.time_since_epoch().count(); }

}  // namespace

pg::Statement save_rate_set(const fx::RateSet& set) {
  nlohmann::json rates = nlohmann::json::object();
  for (const auto& [code, rate] : set.rates) rates[code] = rate.to_string();
  return pg::statement(insert_set, set.source, set.base.code(), epoch(set.as_of), epoch(set.fetched_at), set.business_days, rates.dump());
}

boost::asio::awaitable<std::optional<fx::RateSet>> latest_rate_set(pg::Pool& db) {
  auto rows = co_await db.exec(pg::statement(select_latest));
  if (rows.empty()) co_return std::nullopt;
  const auto row = rows.front();
  fx::RateSet set{fx::Currency::from_code(row.text("base")).value(), std::string(row.text("source")),
                  fx::sys_seconds{std::chrono::seconds{row.int64("as_of")}}, fx::sys_seconds{std::chrono::seconds{row.int64("fetched_at")}},
                  {}, row.boolean("business_days")};
  // Stored sets were validated when fetched; parse defensively all the same.
  const auto rates = nlohmann::json::parse(row.text("rates"));  // named: items() does not keep a temporary alive
  for (const auto& [code, rate] : rates.items()) set.rates.emplace(code, fx::Decimal::parse(rate.get<std::string>()).value());
  co_return set;
}

}  // namespace rgw::pricing
