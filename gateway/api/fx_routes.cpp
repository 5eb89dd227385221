// GET /v1/fx/rates and GET /v1/fx/convert.
#include <date/date.h>

#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/programs/programs.hpp"

namespace rgw::api {
namespace {

using auth::Role;

std::string rfc3339(fx::sys_seconds t) { return date::format("%FT%TZ", t); }
fx::sys_seconds now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::shared_ptr<const fx::RateTable> rates_or_fail(const Call& call) {
  auto table = call.rates.current();
  if (!table) throw Failure(errc::fx_unavailable, "no exchange rates have been loaded yet");
  return table;
}

// Pricing fails closed: rates past the program's limit are not used for money.
void require_fresh(const fx::RateSet& set, const programs::Program& program) {
  const auto age = fx::age(set, now());
  if (age.count() > program.fx_max_age_s)
    throw Failure(errc::fx_unavailable, "exchange rates as of " + rfc3339(set.as_of) + " are older than the program allows (" +
                                            std::to_string(program.fx_max_age_s) + " s)");
}

fx::Currency currency_param(std::string_view target, std::string_view name) {
  auto code = query_param(target, name);
  if (!code) throw Failure(errc::invalid_request, "'" + std::string(name) + "' is required");
  auto currency = fx::Currency::from_code(*code);
  if (!currency) throw Failure(errc::invalid_request, "'" + std::string(name) + "' must be an ISO 4217 currency code");
  return *currency;
}

nlohmann::json money_json(const fx::Money& m) { return {{"amount", m.amount_string()}, {"currency", m.currency().code()}}; }

boost::asio::awaitable<http::Response> get_rates(Call& call) {
  const auto table = rates_or_fail(call);
  const auto program = co_await programs::find(call.db, call.program());
  const auto& set = table->set();
  nlohmann::json rates = nlohmann::json::object();
  for (const auto& [code, rate] : set.rates) rates[code] = rate.to_string();
  co_return json_response(http::Status::ok, {{"base", set.base.code()},
                                             {"source", set.source},
                                             {"as_of", rfc3339(set.as_of)},
                                             {"fetched_at", rfc3339(set.fetched_at)},
                                             {"stale", fx::age(set, now()).count() > program.fx_max_age_s},
                                             {"rates", rates}});
}

boost::asio::awaitable<http::Response> convert(Call& call) {
  const auto target = call.request.target();
  const auto from = currency_param(target, "from");
  const auto to = currency_param(target, "to");
  const auto amount_text = query_param(target, "amount");
  if (!amount_text) throw Failure(errc::invalid_request, "'amount' is required");
  auto amount = fx::Money::parse(*amount_text, from.code());
  if (!amount || amount->amount().is_negative())
    throw Failure(errc::invalid_request, "'amount' must be a non-negative decimal with at most " + std::to_string(from.minor_units()) +
                                             " decimals for " + std::string(from.code()));
  const auto table = rates_or_fail(call);
  require_fresh(table->set(), co_await programs::find(call.db, call.program()));
  auto converted = table->convert(*amount, to);
  if (!converted) {
    if (converted.error() == fx::errc::no_rate)
      throw Failure(errc::invalid_request, "the rate source quotes no rate for " + std::string(from.code()) + " or " + std::string(to.code()));
    throw Failure(errc::invalid_request, "the amount is too large to convert");
  }
  co_return json_response(http::Status::ok, {{"from", money_json(*amount)},
                                             {"to", money_json(converted->to)},
                                             {"rate", converted->mid_rate.to_string()},
                                             {"as_of", rfc3339(table->set().as_of)},
                                             {"source", table->set().source}});
}

}  // namespace

void add_fx_routes(Routes& routes) {
  using http::beast::http::verb;
  const auto everyone = Access::keys(false, {Role::cabinet, Role::finance, Role::ops, Role::admin});
  routes.add(verb::get, "/v1/fx/rates", {get_rates, everyone});
  routes.add(verb::get, "/v1/fx/convert", {convert, everyone});
}

}  // namespace rgw::api
