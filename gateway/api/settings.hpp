#pragma once
// The API's settings, read from the environment by gateway/app/config.cpp (docs/configuration.md).
#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "gateway/net/url.hpp"

namespace rgw::api {

struct Settings {
  int json_depth = 32;
  std::chrono::hours idempotency_ttl{72};
  // With a rate source configured, /readyz wants rates younger than this; nullopt: no source, no FX.
  std::optional<std::chrono::seconds> fx_readiness_max_age;
  double rate_limit_per_second = 50;  // per API key and process
  double rate_limit_burst = 100;
  // Accept transactions each shard writes at once (AcceptBatcher). More split the load into smaller batches,
  // each paying a transaction's fixed costs: one per shard measured best here (docs/performance.md).
  std::size_t accept_writers = 1;
  // How long a redemption may wait for a batch to take it; then 503 overloaded, nothing written.
  std::chrono::milliseconds accept_max_wait{5'000};
  std::size_t event_streams_max = 1000;  // open event streams per process; more are refused (503 too_many_streams)
  std::chrono::milliseconds event_heartbeat{15'000};  // a comment on an idle event stream, so proxies keep it open
  bool demo = false;  // GET /demo/cabinet serves a page with a member token for any account: demos only
  std::set<std::string> providers{"sandbox"};  // names product routes may use
  // Where webhooks may go: public addresses only, unless REWARDGW_WEBHOOK_ALLOW_NETWORKS names more.
  http::DestinationPolicy webhook_destinations{true, {}};
};

}  // namespace rgw::api
