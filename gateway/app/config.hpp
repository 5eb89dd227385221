#pragma once
// Process configuration, read from REWARDGW_* environment variables (docs/configuration.md lists them all).
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/api/settings.hpp"
#include "gateway/core/sealer.hpp"
#include "gateway/dispatch/dispatcher.hpp"
#include "gateway/net/server.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/points/expiry.hpp"
#include "gateway/reports/pulls.hpp"
#include "gateway/pricing/refresher.hpp"
#include "gateway/webhooks/outbox.hpp"

namespace rgw::app {

struct Config {
  std::string database_url;
  std::string bootstrap_key;  // empty: no bootstrap key
  std::size_t threads = 1;
  http::ServerConfig http;
  pg::PoolConfig db;  // per thread; conninfo is database_url
  api::Settings settings;
  std::optional<pricing::RefreshConfig> fx;  // nullopt: no rate source, FX endpoints answer fx_unavailable
  nlohmann::json providers;                    // name → {"kind", options} (providers/registry.hpp)
  std::optional<std::string> providers_file;   // REWARDGW_PROVIDERS_FILE, read again on SIGHUP
  std::shared_ptr<const crypto::Sealer> sealer;  // reward and webhook secrets at rest
  dispatch::DispatchConfig dispatch;          // concurrency 0: this process dispatches nothing
  webhooks::SenderConfig webhooks;
  points::ExpiryConfig points;                // interval 0: this process runs no points jobs
  reports::PullConfig pulls;                  // interval 0: this process pulls no reconciliations
  std::chrono::milliseconds stock_interval{300'000};  // between reads of the providers' catalogs for stock; 0: none
  std::chrono::seconds retention_interval{86'400};    // between passes of the programs' personal data retention; 0: none
  std::chrono::seconds key_cache_ttl{5};
  double key_lookups_per_s = 50;  // database look-ups of uncached keys, per client address (burst: twice that)
  std::chrono::seconds shutdown_grace{10};
};

using Environment = std::function<const char*(const char*)>;

// Throws std::invalid_argument naming the variable and what is wrong with it.
Config config_from_environment(const Environment& getenv);
// The providers file's JSON; throws std::invalid_argument saying why it cannot be read.
nlohmann::json read_providers_file(const std::string& path);

}  // namespace rgw::app
