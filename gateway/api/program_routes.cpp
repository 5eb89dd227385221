// POST /v1/programs, GET and PATCH /v1/programs/{id}, POST /v1/programs/{id}/webhook-secret,
// POST /v1/programs/{id}/api-keys, DELETE /v1/api-keys/{id}.
#include <date/tz.h>

#include <array>

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
  auto tiers = nlohmann::json::array();
  for (const auto& t : p.tiers) tiers.push_back({{"name", t.name}, {"min_points_12m", t.min_points_12m}});
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
          {"points_validity", or_null(p.points_validity)},
          {"expiry_rounding", programs::rounding_name(p.expiry_rounding)},
          {"expiry_notice_days", p.expiry_notice_days},
          {"tiers", tiers},
          {"cors_origins", p.cors_origins},
          {"personal_data_retention_days", or_null(p.personal_data_retention_days)},
          {"erasure_keeps_rewards", p.erasure_keeps_rewards},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
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

// The settings a program may change after creation, read onto `p` where the body has them (null clears the
// nullable ones).
void read_settings(const nlohmann::json& body, const Settings& settings, programs::Program& p, Input& in) {
  if (auto name = in.optional_string(body, "name")) p.name = *name;
  if (auto v = in.optional_integer(body, "fx_markup_bps", 0, 10'000)) p.fx_markup_bps = static_cast<int>(*v);
  if (auto v = in.optional_string(body, "default_locale", 16)) p.default_locale = *v;
  if (auto v = in.optional_integer(body, "fx_max_age_s", 1, 30 * 86'400)) p.fx_max_age_s = *v;
  if (auto v = in.optional_integer(body, "quote_ttl_s", 5, 3600)) p.quote_ttl_s = static_cast<int>(*v);
  if (auto tiers = body.find("tier_discounts"); tiers != body.end()) {
    if (!tiers->is_object() || tiers->size() > 50) {
      in.refuse(errc::invalid_request, "'tier_discounts' must map tiers to basis points, e.g. {\"gold\": 500}");
      return;
    }
    p.tier_discounts.clear();
    for (const auto& [tier, bps] : tiers->items())
      p.tier_discounts[tier] = static_cast<int>(in.required_integer(*tiers, tier, 0, 10'000));
  }
  if (auto tiers = body.find("tiers"); tiers != body.end()) {
    if (!tiers->is_array() || tiers->size() > 50) {
      in.refuse(errc::invalid_request, "'tiers' must be a list of {\"name\", \"min_points_12m\"}");
      return;
    }
    p.tiers.clear();
    for (const auto& t : *tiers) {
      if (!t.is_object()) {
        in.refuse(errc::invalid_request, "'tiers' must be a list of {\"name\", \"min_points_12m\"}");
        return;
      }
      in.only_fields(t, {"name", "min_points_12m"});
      p.tiers.push_back({in.required_string(t, "name", 50), in.required_integer(t, "min_points_12m", 0, 1'000'000'000'000)});
    }
  }
  if (body.contains("webhook_url")) {
    p.webhook_url.reset();
    if (auto url = in.optional_string(body, "webhook_url", 2000)) p.webhook_url = webhook_url(*url, settings.webhook_destinations, in);
  }
  if (body.contains("points_validity")) {
    p.points_validity = in.optional_string(body, "points_validity", 32);
    if (p.points_validity && !programs::parse_validity(*p.points_validity))
      in.refuse(errc::invalid_request, "'points_validity' must be an ISO 8601 duration such as \"P12M\" or \"P1Y6M\", or null");
  }
  if (auto v = in.optional_string(body, "expiry_rounding", 16)) {
    if (auto rounding = programs::parse_rounding(*v)) p.expiry_rounding = *rounding;
    else in.refuse(errc::invalid_request, "'expiry_rounding' must be none, end_of_month or end_of_quarter");
  }
  if (auto v = in.optional_integer(body, "expiry_notice_days", 0, 365)) p.expiry_notice_days = static_cast<int>(*v);
  if (body.contains("personal_data_retention_days")) {
    const auto days = in.optional_integer(body, "personal_data_retention_days", 1, 36'500);  // null: kept while the account is
    p.personal_data_retention_days = days ? std::optional<int>(static_cast<int>(*days)) : std::nullopt;
  }
  if (auto v = in.optional_boolean(body, "erasure_keeps_rewards")) p.erasure_keeps_rewards = *v;
  if (auto origins = body.find("cors_origins"); origins != body.end()) {
    if (!origins->is_array() || origins->size() > 20) {
      in.refuse(errc::invalid_request, "'cors_origins' must be a list of origins such as \"https://cabinet.example.com\"");
      return;
    }
    p.cors_origins.clear();
    for (const auto& o : *origins) {
      // An origin is what a browser sends in Origin: scheme://host[:port], exactly, without a path.
      const auto url = o.is_string() ? http::Url::parse(o.get<std::string>()) : std::nullopt;
      if (!url || url->target != "/" || o.get<std::string>() != (url->tls ? "https://" : "http://") + url->authority()) {
        in.refuse(errc::invalid_request, "'cors_origins' items must be origins: scheme, host and port only (\"https://cabinet.example.com\")");
        return;
      }
      p.cors_origins.push_back(o.get<std::string>());
    }
  }
}

constexpr std::array<std::string_view, 3> fixed_fields{"base_currency", "point_value", "timezone"};
// What a program's body may hold, at creation and in a PATCH (where the fixed fields may only repeat their value).
const std::initializer_list<std::string_view> program_fields{
    "name",           "base_currency", "point_value",     "timezone",        "fx_markup_bps",      "default_locale", "fx_max_age_s", "quote_ttl_s",
    "tier_discounts", "webhook_url",   "points_validity", "expiry_rounding", "expiry_notice_days", "tiers",          "cors_origins",
    "personal_data_retention_days", "erasure_keeps_rewards"};

programs::Program program_from(const nlohmann::json& body, const Settings& settings, Input& in) {
  in.only_fields(body, program_fields);
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
  p.default_locale = "en";
  read_settings(body, settings, p, in);
  return p;
}

// The program a key may manage: its own (admin), or any (bootstrap key); another program's admin gets 404.
bool may_manage(const Call& call, const std::string& program_id) { return call.principal.bootstrap || call.principal.program_id == program_id; }

nlohmann::json with_new_secret(const programs::Created& created) {
  auto body = to_json(created.program);
  if (created.webhook_secret) body["webhook_secret"] = *created.webhook_secret;  // the only time it is shown
  return body;
}

http::Response program_response(http::Status status, const programs::Created& created) {
  auto response = json_response(status, with_new_secret(created));
  if (created.webhook_secret) response.set(http::beast::http::field::cache_control, "no-store");  // no copy of a secret in any cache
  return response;
}

// The program of the path, if the caller may manage it. (No co_await inside a conditional expression: GCC 12
// destroys its temporaries twice.)
boost::asio::awaitable<std::optional<programs::Program>> managed_program(const Call& call) {
  if (!may_manage(call, call.params[0])) co_return std::nullopt;
  co_return co_await programs::find_optional(call.db, call.params[0]);
}

boost::asio::awaitable<http::Reply> get_program(Call& call) {
  const auto program = co_await managed_program(call);
  if (!program) co_return refusal(errc::not_found, "no such program");
  co_return json_response(http::Status::ok, to_json(*program));
}

boost::asio::awaitable<http::Reply> update_program(Call& call) {
  auto program = co_await managed_program(call);
  if (!program) co_return refusal(errc::not_found, "no such program");
  Input in(call.request);
  const auto body = in.body(call.settings.json_depth);
  const auto current = to_json(*program);
  for (const auto field : fixed_fields)
    if (body.contains(field) && body[field] != current[field])
      co_return refusal(errc::immutable_field, "'" + std::string(field) + "' is fixed when the program is created");
  in.only_fields(body, program_fields);
  read_settings(body, call.settings, *program, in);
  if (in.refused()) co_return in.refusal();
  auto entry = audit_entry(call, "program.update", program->id, std::nullopt, body);
  entry.program_id = program->id;  // the program's admin sees it, whoever changed it
  const auto updated = co_await programs::update(call.db, *program, *call.services.sealer, call.services.catalog->instance(), entry);
  if (!updated) co_return refusal(errc::not_found, "no such program");
  call.services.catalog->forget(program->id);  // this process serves the change at once; the others on NOTIFY
  co_return program_response(http::Status::ok, *updated);
}

boost::asio::awaitable<http::Reply> rotate_webhook_secret(Call& call) {
  const auto& program_id = call.params[0];
  if (!may_manage(call, program_id)) co_return refusal(errc::not_found, "no such program");
  auto entry = audit_entry(call, "program.webhook_secret_rotate", program_id, std::nullopt);
  entry.program_id = program_id;
  const auto secret = co_await programs::rotate_webhook_secret(call.db, program_id, *call.services.sealer, std::chrono::hours(24), entry);
  if (!secret) co_return refusal(errc::not_found, "no such program");
  auto response = json_response(http::Status::created, {{"webhook_secret", *secret}});
  response.set(http::beast::http::field::cache_control, "no-store");
  co_return response;
}

boost::asio::awaitable<http::Reply> create_program(Call& call) {
  Input in(call.request);
  auto program = program_from(in.body(call.settings.json_depth), call.settings, in);
  if (in.refused()) co_return in.refusal();
  const auto created = co_await programs::create(call.db, std::move(program), *call.services.sealer);
  co_return program_response(http::Status::created, created);
}

boost::asio::awaitable<http::Reply> create_api_key(Call& call) {
  const std::string& program_id = call.params[0];
  // Another program's admin learns nothing, not even that the program exists.
  if (!may_manage(call, program_id)) co_return refusal(errc::not_found, "no such program");
  Input in(call.request);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"role"});
  const auto role = auth::parse_role(in.required_string(body, "role", 16));
  if (!role) in.refuse(errc::invalid_request, "'role' must be one of cabinet, finance, ops, admin");
  if (in.refused()) co_return in.refusal();
  if (!co_await programs::exists(call.db, program_id)) co_return refusal(errc::not_found, "no such program");
  const nlohmann::json detail = {{"role", auth::role_name(*role)}};  // named: no braced temporaries in a co_await (GCC 12)
  auto entry = audit_entry(call, "key.create", "", std::nullopt, detail);
  entry.program_id = program_id;
  const auto key = co_await call.services.keys->create(call.db, program_id, *role, entry);
  auto response = json_response(http::Status::created, {{"id", key.id}, {"role", auth::role_name(key.role)}, {"key", key.secret}});
  response.set(http::beast::http::field::cache_control, "no-store");  // no copy of a secret in any cache
  co_return response;
}

boost::asio::awaitable<http::Reply> revoke_api_key(Call& call) {
  std::optional<std::string> scope;
  if (!call.principal.bootstrap) scope = call.program();
  const auto entry = audit_entry(call, "key.revoke", call.params[0], std::nullopt);
  if (!co_await call.services.keys->revoke(call.db, call.params[0], scope, entry)) co_return refusal(errc::not_found, "no such API key");
  http::Response res{http::Status::no_content, 11};
  co_return res;
}

}  // namespace

void add_program_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::post, "/v1/programs", {create_program, Access::keys(true, {})});
  routes.add(verb::get, "/v1/programs/{program_id}", {get_program, Access::keys(true, {Role::admin})});
  routes.add(verb::patch, "/v1/programs/{program_id}", {update_program, Access::keys(true, {Role::admin})});
  routes.add(verb::post, "/v1/programs/{program_id}/webhook-secret", {rotate_webhook_secret, Access::keys(true, {Role::admin})});
  routes.add(verb::post, "/v1/programs/{program_id}/api-keys", {create_api_key, Access::keys(true, {Role::admin})});
  routes.add(verb::delete_, "/v1/api-keys/{key_id}", {revoke_api_key, Access::keys(true, {Role::admin})});
}

}  // namespace rgw::api
