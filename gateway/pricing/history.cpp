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

// A per-base quote is stored as its text ("1.0565"), as every set was before quotes were kept as published; a
// Nominal-for-Value quote as {"units": "100", "base_units": "52.3110"}.
nlohmann::json quote_json(const fx::Quote& quote) {
  if (quote.base_units == fx::Decimal::from_units(1, 0).value()) return quote.units.to_string();
  return {{"units", quote.units.to_string()}, {"base_units", quote.base_units.to_string()}};
}

fx::Quote quote_from(const nlohmann::json& stored) {
  if (stored.is_string()) return {fx::Decimal::parse(stored.get<std::string>()).value(), fx::Decimal::from_units(1, 0).value()};
  return {fx::Decimal::parse(stored.at("units").get<std::string>()).value(), fx::Decimal::parse(stored.at("base_units").get<std::string>()).value()};
}

}  // namespace

pg::Statement save_rate_set(const fx::RateSet& set) {
  nlohmann::json rates = nlohmann::json::object();
  for (const auto& [code, quote] : set.rates) rates[code] = quote_json(quote);
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
  for (const auto& [code, quote] : rates.items()) set.rates.emplace(code, quote_from(quote));
  co_return set;
}

}  // namespace rgw::pricing
