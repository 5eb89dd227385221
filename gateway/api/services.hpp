#pragma once
// The process-wide services handlers use, shared by all shards (built by gateway/app/app.cpp).
#include <memory>
#include <vector>

#include "gateway/accounts/keys.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/core/sealer.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/pricing/catalog_cache.hpp"
#include "gateway/pricing/rate_store.hpp"
#include "gateway/pricing/refresher.hpp"
#include "gateway/redemptions/events.hpp"
#include "providers/registry.hpp"

namespace rgw::api {

struct Services {
  std::shared_ptr<auth::KeyStore> keys;
  std::shared_ptr<const auth::MemberTokens> tokens;
  std::shared_ptr<pricing::RateStore> rates;
  std::shared_ptr<pricing::RefreshStatus> fx_status;
  std::shared_ptr<pricing::CatalogCache> catalog;
  std::shared_ptr<const crypto::Sealer> sealer;
  std::shared_ptr<metrics::Registry> metrics;
  std::shared_ptr<const providers::LiveRegistry> providers;  // take current() for what one request does
  std::vector<std::shared_ptr<pg::Pool>> pools;  // one per shard (io_context thread), indexed by shard
  std::shared_ptr<redemptions::StatusFeed> feed;  // wakes event streams when their order moves
};

}  // namespace rgw::api
