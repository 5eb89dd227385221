// GET /v1/fx/rates and GET /v1/fx/convert.
#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/pricing/offer.hpp"

namespace rgw::api {
namespace {

using auth::Role;

std::optional<fx::Currency> required_currency(Input& in, std::string_view name) {
  auto currency = in.currency(name);
  if (!currency) in.refuse(errc::invalid_request, "'" + std::string(name) + "' is required");
  return currency;
}

boost::asio::awaitable<http::Reply> get_rates(Call& call) {
  const auto table = pricing::loaded_rates(*call.services.rates);
  if (!table) co_return refusal(table.error());
  const auto program = co_await programs::find(call.db, call.program());
  const auto& set = (*table)->set();
  nlohmann::json rates = nlohmann::json::object(), published = nlohmann::json::object();
  for (const auto& [code, quote] : set.rates) {
    rates[code] = quote.per_base().value().to_string();  // the set was built into the table: per_base() fits
    published[code] = {{"units", quote.units.to_string()}, {"base_units", quote.base_units.to_string()}};
  }
  co_return json_response(http::Status::ok, {{"base", set.base.code()},
                                             {"source", set.source},
                                             {"as_of", rfc3339(set.as_of)},
                                             {"fetched_at", rfc3339(set.fetched_at)},
                                             {"stale", pricing::is_stale(set, program)},
                                             {"rates", rates},
                                             {"published", published}});
}

boost::asio::awaitable<http::Reply> convert(Call& call) {
  Input in(call.request);
  const auto from_currency = required_currency(in, "from");
  const auto to_currency = required_currency(in, "to");
  const auto amount_text = in.query("amount");
  if (!amount_text) in.refuse(errc::invalid_request, "'amount' is required");
  if (in.refused()) co_return in.refusal();
  const auto& from = *from_currency;
  const auto& to = *to_currency;
  auto amount = fx::Money::parse(*amount_text, from.code());
  if (!amount || amount->amount().is_negative())
    co_return refusal(errc::invalid_request, "'amount' must be a non-negative decimal with at most " + std::to_string(from.minor_units()) +
                                                 " decimals for " + std::string(from.code()));
  const auto table = pricing::fresh_rates(*call.services.rates, co_await programs::find(call.db, call.program()));
  if (!table) co_return refusal(table.error());
  auto converted = (*table)->convert(*amount, to);
  // Here the currencies are the client's choice: a missing rate is a bad request, not an outage.
  if (!converted && converted.error() == fx::errc::no_rate)
    co_return refusal(errc::invalid_request, "the rate source quotes no rate for " + std::string(from.code()) + " or " + std::string(to.code()));
  if (!converted) co_return refusal(pricing::conversion_error(converted.error()));
  co_return json_response(http::Status::ok, {{"from", money_json(*amount)},
                                             {"to", money_json(converted->to)},
                                             {"rate", converted->mid_rate.to_string()},
                                             {"as_of", rfc3339((*table)->set().as_of)},
                                             {"source", (*table)->set().source}});
}

}  // namespace

void add_fx_routes(Routes& routes) {
  using http::beast::http::verb;
  const auto everyone = Access::keys(false, {Role::cabinet, Role::finance, Role::ops, Role::admin});
  routes.add(verb::get, "/v1/fx/rates", {get_rates, everyone});
  routes.add(verb::get, "/v1/fx/convert", {convert, Access::keys(false, {Role::cabinet, Role::finance, Role::ops, Role::admin, Role::member})});
}

}  // namespace rgw::api
