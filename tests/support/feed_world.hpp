#pragma once
// What the pricing tests stand on: a database of the test's own, the provider simulator serving the sample
// rate feeds (re-dated to today), and gateways on both.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "providers/sim/simulator.hpp"
#include "tests/support/gateway.hpp"
#include "tests/support/scratch_database.hpp"

namespace rgw::test {

struct FeedWorld {
  FeedWorld();

  // A gateway on `db` reading `feed` from the simulator every `refresh`; `adjust` changes the rest.
  std::unique_ptr<Gateway> gateway(const std::string& feed = "/fx/ecb/daily.xml", std::chrono::seconds refresh = std::chrono::seconds(600),
                                   const std::function<void(app::Config&)>& adjust = {}) const;

  ScratchDatabase db;
  sim::Simulator sim;
};

// Whether `key` can read rates from the gateway behind `client` within 15 s.
bool rates_loaded(const Client& client, const std::string& key);

}  // namespace rgw::test
