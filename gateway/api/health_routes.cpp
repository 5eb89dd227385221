// GET /healthz and GET /readyz.

#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/core/format.hpp"

namespace rgw::api {
namespace {

const pg::Query ping{"health_ping", "SELECT 1"};

// Liveness only, asked many times a second by orchestrators: its constant answer is not built per request.
boost::asio::awaitable<http::Reply> healthz(Call&) { co_return http::make_response(http::Status::ok, R"({"status":"ok"})", "application/json"); }

// Why the rates are not fit for pricing, or nullopt when they are (or no rate source is configured).
std::optional<std::string> fx_problem(const Call& call) {
  const auto max_age = call.settings.fx_readiness_max_age;
  if (!max_age) return std::nullopt;
  const auto table = call.services.rates->current();
  const auto last_error = call.services.fx_status->last_error();
  const auto why = last_error ? "; last refresh: " + *last_error : std::string();
  if (!table) return "no exchange rates loaded" + why;
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (fx::age(table->set(), now) > *max_age) return "exchange rates as of " + rfc3339(table->set().as_of) + " are stale" + why;
  return std::nullopt;
}

// Ready only while the database answers and the rates are fresh: a load balancer stops sending requests that
// could only fail.
boost::asio::awaitable<http::Reply> readyz(Call& call) {
  std::optional<std::string> database_problem;
  try {
    co_await call.db.exec(pg::statement(ping));
  } catch (const pg::Error& e) {  // the driver reports an unreachable database by exception
    database_problem = e.code().message();
  }
  if (database_problem) co_return refusal(errc::unavailable, "database: " + *database_problem);
  if (auto problem = fx_problem(call)) co_return refusal(errc::unavailable, "fx: " + *problem);
  const bool fx_checked = call.settings.fx_readiness_max_age.has_value();
  auto body = nlohmann::json{{"status", "ready"}, {"checks", {{"database", "ok"}, {"fx", fx_checked ? "ok" : "not configured"}}}};
  // Still ready on the last good rates, but a failed or quarantined refresh is worth seeing before they go stale.
  if (auto last = call.services.fx_status->last_error()) body["fx_last_refresh_error"] = *last;
  co_return json_response(http::Status::ok, body);
}

}  // namespace

void add_health_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::get, "/healthz", {healthz, Access::public_route()});
  routes.add(verb::get, "/readyz", {readyz, Access::public_route()});
}

}  // namespace rgw::api
