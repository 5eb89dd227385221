// POST /v1/quotes and GET /v1/quotes/{id}.
#include "gateway/api/input.hpp"
#include "gateway/api/pricing_inputs.hpp"
#include "gateway/api/route.hpp"
#include "gateway/ledger/ledger.hpp"
#include "gateway/quotes/quotes.hpp"

namespace rgw::api {
namespace {

using auth::Role;

nlohmann::json to_json(const quotes::Quote& q) {
  return {{"id", q.id},
          {"account_id", q.account_id},
          {"sku", q.sku},
          {"face_value", money_json(q.face)},
          {"points", q.price.points},
          {"base_value", money_json(q.price.base_value)},
          {"fx",
           {{"rate", q.price.applied_rate.to_string()},
            {"mid_rate", q.price.mid_rate.to_string()},
            {"markup_bps", q.markup_bps},
            {"as_of", q.rates_as_of},
            {"source", q.rates_source}}},
          {"tier_discount_bps", q.tier_discount_bps},
          {"expires_at", q.expires_at},
          {"created_at", q.created_at}};
}

boost::asio::awaitable<http::Response> create_quote(Call& call) {
  const auto body = call.body();
  only_fields(body, {"account_id", "sku", "face_value"});
  const auto account_id = required_string(body, "account_id");
  const auto sku = required_string(body, "sku", 64);
  const auto face = required_money(body, "face_value", errc::denomination_invalid);

  const auto account = co_await ledger::find_account(call.db, call.program(), account_id);
  if (!account) throw Failure(errc::not_found, "no such account");
  const auto snapshot = co_await call.catalog.get(call.db, call.program());
  const auto* product = snapshot->find(sku);
  if (!product) throw Failure(errc::not_found, "no such product");
  if (!product->active || product->routes.empty()) throw Failure(errc::product_unavailable, "the product is not available");
  if (!catalog::offers(*product, face)) throw Failure(errc::denomination_invalid, "the product does not offer this face value");

  const auto& program = snapshot->program();
  const auto rates = current_rates(call);
  require_fresh(rates->set(), program);
  int discount = 0;
  if (account->tier) {
    if (auto it = program.tier_discounts.find(*account->tier); it != program.tier_discounts.end()) discount = it->second;
  }
  auto price = catalog::price(face, *rates, {program.base_currency, program.point_value, program.fx_markup_bps, discount});
  if (!price) throw Failure(errc::fx_unavailable, "the rate source quotes no rate for " + std::string(face.currency().code()));
  quotes::Quote draft{"", account_id, sku, face, *price, face.currency() == program.base_currency ? 0 : program.fx_markup_bps, discount,
                      rates->set().source, rfc3339(rates->set().as_of)};
  const auto quote = co_await quotes::create(call.db, call.program(), std::move(draft), program.quote_ttl_s);
  co_return json_response(http::Status::created, to_json(quote));
}

boost::asio::awaitable<http::Response> get_quote(Call& call) {
  const auto quote = co_await quotes::find(call.db, call.program(), call.params[0]);
  if (!quote) throw Failure(errc::not_found, "no such quote");
  if (quote->expired) throw Failure(errc::quote_expired, "the quote expired at " + quote->expires_at);
  co_return json_response(http::Status::ok, to_json(*quote));
}

}  // namespace

void add_quote_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::post, "/v1/quotes", {create_quote, Access::keys(false, {Role::cabinet, Role::admin})});
  routes.add(verb::get, "/v1/quotes/{quote_id}", {get_quote, Access::keys(false, {Role::cabinet, Role::admin})});
}

}  // namespace rgw::api
