// POST /v1/programs, POST /v1/programs/{id}/api-keys, DELETE /v1/api-keys/{id}.
#include <date/tz.h>

#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/accounts/programs.hpp"
#include "gateway/net/url.hpp"

namespace rgw::api {
namespace {

using auth::Role;

bool known_zone(const std::string& name) {
  try {
    date::locate_zone(name);  // the tz library's only answer to "no such zone" is an exception
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

nlohmann::json to_json(const programs::Program& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"base_currency", p.base_currency.code()},
          {"point_value", {{"amount", p.point_value.to_string()}, {"currency", p.base_currency.code()}}},
          {"timezone", p.timezone},
          {"fx_markup_bps", p.fx_markup_bps},
          {"fx_max_age_s", p.fx_max_age_s},
          {"quote_ttl_s", p.quote_ttl_s},
          {"tier_discounts", p.tier_discounts},
          {"default_locale", p.default_locale},
          {"webhook_url", or_null(p.webhook_url)},
          {"created_at", p.created_at}};
}

// A webhook target: strictly parsed and normalised; an address literal that the sender would refuse is refused
// now (a name is checked when the sender resolves it).
std::string webhook_url(const std::string& text, const http::DestinationPolicy& destinations, Input& in) {
  const auto url = http::Url::parse(text);
  if (!url) {
    in.refuse(errc::invalid_request, "'webhook_url' must be an http:// or https:// URL without spaces, user info or fragment");
    return "";
  }
  boost::system::error_code not_an_address;
  const auto address = boost::asio::ip::make_address(url->host, not_an_address);
  if (!not_an_address)
    if (auto why = destinations.refusal(address)) in.refuse(errc::invalid_request, "'webhook_url' may not point inside a private network: " + *why);
  return url->text();
}

programs::Program program_from(const nlohmann::json& body, const Settings& settings, Input& in) {
  in.only_fields(body, {"name", "base_currency", "point_value", "timezone", "fx_markup_bps", "default_locale", "fx_max_age_s",
                     "quote_ttl_s", "tier_discounts", "webhook_url"});
  programs::Program p;
  p.name = in.required_string(body, "name");
  auto base = fx::Currency::from_code(in.required_string(body, "base_currency", 3));
  if (!base) {
    in.refuse(errc::invalid_request, "'base_currency' must be an ISO 4217 code");
    return p;
  }
  p.base_currency = *base;
  // The point value may be finer than minor units ("0.0125"), so it is read as a plain decimal, not as Money.
  const auto pv = body.find("point_value");
  if (pv == body.end() || !pv->is_object() || !pv->contains("amount") || !(*pv)["amount"].is_string() ||
      !pv->contains("currency") || pv->size() != 2) {
    in.refuse(errc::invalid_request, "'point_value' must be {\"amount\": \"0.01\", \"currency\": base_currency}");
    return p;
  }
  if ((*pv)["currency"] != base->code()) in.refuse(errc::invalid_request, "'point_value' must be in the base currency");
  auto value = fx::Decimal::parse((*pv)["amount"].get<std::string>());
  if (!value || value->is_negative() || value->is_zero()) in.refuse(errc::invalid_request, "'point_value.amount' must be a positive decimal string");
  else p.point_value = *value;
  p.timezone = in.required_string(body, "timezone", 64);
  if (!in.refused() && !known_zone(p.timezone)) in.refuse(errc::invalid_request, "'timezone' must be an IANA time zone such as Europe/Moscow");
  p.fx_markup_bps = static_cast<int>(in.optional_integer(body, "fx_markup_bps", 0, 10'000).value_or(0));
  p.default_locale = in.optional_string(body, "default_locale", 16).value_or("en");
  p.fx_max_age_s = in.optional_integer(body, "fx_max_age_s", 1, 30 * 86'400).value_or(p.fx_max_age_s);
  p.quote_ttl_s = static_cast<int>(in.optional_integer(body, "quote_ttl_s", 5, 3600).value_or(p.quote_ttl_s));
  if (auto tiers = body.find("tier_discounts"); tiers != body.end()) {
    if (!tiers->is_object() || tiers->size() > 50) {
      in.refuse(errc::invalid_request, "'tier_discounts' must map tiers to basis points, e.g. {\"gold\": 500}");
      return p;
    }
    for (const auto& [tier, bps] : tiers->items())
      p.tier_discounts[tier] = static_cast<int>(in.required_integer(*tiers, tier, 0, 10'000));
  }
  if (auto url = in.optional_string(body, "webhook_url", 2000)) p.webhook_url = webhook_url(*url, settings.webhook_destinations, in);
  return p;
}

boost::asio::awaitable<http::Reply> create_program(Call& call) {
  Input in(call.request);
  auto program = program_from(in.body(call.settings.json_depth), call.settings, in);
  if (in.refused()) co_return in.refusal();
  auto created = co_await programs::create(call.db, std::move(program), *call.services.sealer);
  auto body = to_json(created.program);
  if (created.webhook_secret) body["webhook_secret"] = *created.webhook_secret;  // the only time it is shown
  auto response = json_response(http::Status::created, body);
  if (created.webhook_secret) response.set(http::beast::http::field::cache_control, "no-store");  // no copy of a secret in any cache
  co_return response;
}

boost::asio::awaitable<http::Reply> create_api_key(Call& call) {
  const std::string& program_id = call.params[0];
  // Another program's admin learns nothing, not even that the program exists.
  if (!call.principal.bootstrap && call.principal.program_id != program_id) co_return refusal(errc::not_found, "no such program");
  Input in(call.request);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"role"});
  const auto role = auth::parse_role(in.required_string(body, "role", 16));
  if (!role) in.refuse(errc::invalid_request, "'role' must be one of cabinet, finance, ops, admin");
  if (in.refused()) co_return in.refusal();
  if (!co_await programs::exists(call.db, program_id)) co_return refusal(errc::not_found, "no such program");
  const auto key = co_await call.services.keys->create(call.db, program_id, *role);
  auto response = json_response(http::Status::created, {{"id", key.id}, {"role", auth::role_name(key.role)}, {"key", key.secret}});
  response.set(http::beast::http::field::cache_control, "no-store");  // no copy of a secret in any cache
  co_return response;
}

boost::asio::awaitable<http::Reply> revoke_api_key(Call& call) {
  std::optional<std::string> scope;
  if (!call.principal.bootstrap) scope = call.program();
  if (!co_await call.services.keys->revoke(call.db, call.params[0], scope)) co_return refusal(errc::not_found, "no such API key");
  http::Response res{http::Status::no_content, 11};
  co_return res;
}

}  // namespace

void add_program_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::post, "/v1/programs", {create_program, Access::keys(true, {})});
  routes.add(verb::post, "/v1/programs/{program_id}/api-keys", {create_api_key, Access::keys(true, {Role::admin})});
  routes.add(verb::delete_, "/v1/api-keys/{key_id}", {revoke_api_key, Access::keys(true, {Role::admin})});
}

}  // namespace rgw::api
