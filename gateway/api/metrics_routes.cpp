// GET /metrics: Prometheus text format. A first few counters; the full set comes with the operations issue.
#include "gateway/api/route.hpp"

namespace rgw::api {
namespace {

void counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " + std::to_string(value) + "\n";
}

boost::asio::awaitable<http::Response> metrics(Call& call) {
  std::string out;
  counter(out, "rewardgw_catalog_snapshot_loads_total", "Program catalogs loaded from the database into memory.", call.catalog.loads());
  counter(out, "rewardgw_catalog_listing_renders_total", "Catalog listings rendered (the rest are served from memory).", call.catalog.renders());
  co_return http::make_response(http::Status::ok, std::move(out), "text/plain; version=0.0.4");
}

}  // namespace

void add_metrics_routes(Routes& routes) { routes.add(boost::beast::http::verb::get, "/metrics", {metrics, Access::public_route()}); }

}  // namespace rgw::api
