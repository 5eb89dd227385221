#include "gateway/pricing/quotes.hpp"

#include "gateway/core/ids.hpp"

namespace rgw::pricing {
namespace {

const pg::Query insert_quote{
    "quotes_insert",
    "INSERT INTO quotes (id, program_id, account_id, sku, face_amount, face_currency, points, base_amount, base_currency,"
    "                    mid_rate, applied_rate, markup_bps, tier_discount_bps, rates_source, rates_as_of, expires_at)"
    " VALUES ($1, $2, $3, $4, $5::numeric, $6, $7::bigint, $8::numeric, $9, $10::numeric, $11::numeric, $12::int, $13::int, $14,"
    "         $15::timestamptz, now() + make_interval(secs => $16::int))"
    " RETURNING rgw_ts(expires_at) AS expires_at, rgw_ts(created_at) AS created_at"};

const pg::Query select_quote{
    "quotes_select",
    "SELECT id, account_id, sku, face_amount::text AS face_amount, face_currency, points, base_amount::text AS base_amount,"
    "       base_currency, mid_rate::text AS mid_rate, applied_rate::text AS applied_rate, markup_bps, tier_discount_bps,"
    "       rates_source, rgw_ts(rates_as_of) AS rates_as_of, rgw_ts(expires_at) AS expires_at,"
    "       rgw_ts(created_at) AS created_at, expires_at <= now() AS expired"
    " FROM quotes WHERE id = $1 AND program_id = $2"};

}  // namespace

boost::asio::awaitable<Quote> create_quote(pg::Pool& db, const std::string& program_id, const Terms& t, int ttl_s) {
  Quote q{new_id("quo"), t, "", "", false};  // the database's clock sets the times
  auto rows = co_await db.exec(pg::statement(insert_quote, q.id, program_id, t.account_id, t.sku, t.face.amount_string(), t.face.currency().code(),
                                             t.price.points, t.price.base_value.amount_string(), t.price.base_value.currency().code(),
                                             t.price.mid_rate.to_string(), t.price.applied_rate.to_string(), t.price.markup_bps,
                                             t.tier_discount_bps, t.rates_source, t.rates_as_of, ttl_s));
  q.expires_at = rows.front().text("expires_at");
  q.created_at = rows.front().text("created_at");
  co_return q;
}

boost::asio::awaitable<std::optional<Quote>> find_quote(pg::Pool& db, const std::string& program_id, const std::string& id) {
  auto rows = co_await db.exec(pg::statement(select_quote, id, program_id));
  if (rows.empty()) co_return std::nullopt;
  const auto r = rows.front();
  auto money = [](std::string_view amount, std::string_view currency) { return fx::Money::parse(amount, currency).value(); };
  Quote q{std::string(r.text("id")),
          Terms{std::string(r.text("account_id")), std::string(r.text("sku")), money(r.text("face_amount"), r.text("face_currency")),
                catalog::Price{r.int64("points"), money(r.text("base_amount"), r.text("base_currency")),
                               fx::Decimal::parse(r.text("mid_rate")).value(), fx::Decimal::parse(r.text("applied_rate")).value(),
                               static_cast<int>(r.int64("markup_bps"))},
                static_cast<int>(r.int64("tier_discount_bps")), std::string(r.text("rates_source")),
                std::string(r.text("rates_as_of"))},
          std::string(r.text("expires_at")),
          std::string(r.text("created_at")),
          r.boolean("expired")};
  co_return q;
}

}  // namespace rgw::pricing
