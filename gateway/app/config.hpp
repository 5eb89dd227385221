#pragma once
// Process configuration, read from REWARDGW_* environment variables (docs/configuration.md lists them all).
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "gateway/api/call.hpp"
#include "gateway/http/server.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/rates/refresher.hpp"

namespace rgw::app {

struct Config {
  std::string database_url;
  std::string bootstrap_key;  // empty: no bootstrap key
  std::size_t threads = 1;
  http::ServerConfig http;
  pg::PoolConfig db;  // per thread; conninfo is database_url
  api::Settings settings;
  std::optional<rates::RefreshConfig> fx;  // nullopt: no rate source, FX endpoints answer fx_unavailable
  std::chrono::seconds key_cache_ttl{5};
  std::chrono::seconds shutdown_grace{10};
};

using Environment = std::function<const char*(const char*)>;

// Throws std::invalid_argument naming the variable and what is wrong with it.
Config config_from_environment(const Environment& getenv);

}  // namespace rgw::app
