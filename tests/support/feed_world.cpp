#include "tests/support/feed_world.hpp"

namespace rgw::test {

FeedWorld::FeedWorld() : sim(sim::SimulatorConfig{.data_dir = RGW_SOURCE_DIR "/tests/data", .redate_today = true, .tls = std::nullopt}) {}

std::unique_ptr<Gateway> FeedWorld::gateway(const std::string& feed, std::chrono::seconds refresh,
                                            const std::function<void(app::Config&)>& adjust) const {
  return std::make_unique<Gateway>([&](app::Config& c) {
    db.configure(c);
    c.fx = pricing::RefreshConfig{sim.url(feed), refresh, std::nullopt};
    c.settings.fx_readiness_max_age = std::chrono::seconds(172'800);  // the default with a source configured
    if (adjust) adjust(c);
  });
}

bool rates_loaded(const Client& client, const std::string& key) {
  auto status = [&] { return client.request("GET", "/v1/fx/rates", std::nullopt, bearer(key)).status; };
  return eventually(status, 200u) == 200u;
}

}  // namespace rgw::test
