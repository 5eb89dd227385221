// GET /healthz and GET /readyz.
#include "gateway/api/route.hpp"

namespace rgw::api {
namespace {

const pg::Query ping{"health_ping", "SELECT 1"};

boost::asio::awaitable<http::Response> healthz(Call&) { co_return json_response(http::Status::ok, {{"status", "ok"}}); }

// Ready only while the database answers; a load balancer stops sending requests that could only fail.
boost::asio::awaitable<http::Response> readyz(Call& call) {
  try {
    co_await call.db.exec(pg::statement(ping));
  } catch (const pg::Error& e) {
    throw Failure(errc::unavailable, std::string("database: ") + e.code().message());
  }
  co_return json_response(http::Status::ok, {{"status", "ready"}, {"checks", {{"database", "ok"}}}});
}

}  // namespace

void add_health_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::get, "/healthz", {healthz, Access::public_route()});
  routes.add(verb::get, "/readyz", {readyz, Access::public_route()});
}

}  // namespace rgw::api
