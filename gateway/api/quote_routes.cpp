// POST /v1/quotes and GET /v1/quotes/{id}.
#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/views.hpp"
#include "gateway/pricing/offer.hpp"

namespace rgw::api {
namespace {

using auth::Role;

nlohmann::json to_json(const pricing::Quote& q) {
  const auto& t = q.terms;
  return {{"id", q.id},
          {"account_id", t.account_id},
          {"sku", t.sku},
          {"face_value", money_json(t.face)},
          {"points", t.price.points},
          {"base_value", money_json(t.price.base_value)},
          {"fx", fx_json(t)},
          {"tier_discount_bps", t.tier_discount_bps},
          {"expires_at", q.expires_at},
          {"created_at", q.created_at}};
}

boost::asio::awaitable<http::Reply> create_quote(Call& call) {
  Input in(call.request);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"account_id", "sku", "face_value"});
  const auto account_id = in.required_string(body, "account_id");
  const auto sku = in.required_string(body, "sku", 64);
  const auto face = in.required_money(body, "face_value", errc::denomination_invalid);
  if (in.refused()) co_return in.refusal();
  if (!call.sees(account_id)) co_return refusal(errc::not_found, "no such account");

  const auto offer = co_await pricing::price_offer(call.pricing(), call.program_id(), AccountId(account_id), sku, *face);
  if (!offer) co_return refusal(offer.error());
  if (auto unavailable = co_await unavailable_refusal(call, sku, *face)) co_return std::move(*unavailable);
  const auto quote = co_await pricing::create_quote(call.db, call.program(), offer->terms, offer->catalog->program().quote_ttl_s);
  auto answer = to_json(quote);
  answer["affordable"] = offer->spendable >= quote.terms.price.points;  // by unexpired points, now; the redemption checks again
  co_return json_response(http::Status::created, answer);
}

boost::asio::awaitable<http::Reply> get_quote(Call& call) {
  const auto quote = co_await pricing::find_quote(call.db, call.program(), call.params[0]);
  if (!quote || !call.sees(quote->terms.account_id)) co_return refusal(errc::not_found, "no such quote");
  if (quote->expired) co_return refusal(errc::quote_expired, "the quote expired at " + quote->expires_at);
  co_return json_response(http::Status::ok, to_json(*quote));
}

}  // namespace

void add_quote_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::post, "/v1/quotes", {create_quote, Access::keys(false, {Role::cabinet, Role::admin, Role::member})});
  routes.add(verb::get, "/v1/quotes/{quote_id}", {get_quote, Access::keys(false, {Role::cabinet, Role::admin, Role::member})});
}

}  // namespace rgw::api
