#pragma once
// What a route handler gets: the request, its path parameters, the caller, and this shard's services.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/api/errc.hpp"
#include "gateway/accounts/keys.hpp"
#include "gateway/core/sealer.hpp"
#include "gateway/net/message.hpp"
#include "gateway/idempotency/idempotency.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/pricing/offer.hpp"
#include "gateway/pricing/rate_store.hpp"
#include "gateway/pricing/refresher.hpp"
#include "gateway/redemptions/accept_batcher.hpp"
#include "gateway/net/url.hpp"
#include "providers/registry.hpp"

namespace rgw::api {

struct Settings {
  int json_depth = 32;
  std::chrono::hours idempotency_ttl{72};
  // With a rate source configured, /readyz wants rates younger than this; nullopt: no source, no FX.
  std::optional<std::chrono::seconds> fx_readiness_max_age;
  double rate_limit_per_second = 50;  // per API key and process
  double rate_limit_burst = 100;
  std::set<std::string> providers{"sandbox"};  // names product routes may use
  // Where webhooks may go: public addresses only, unless REWARDGW_WEBHOOK_ALLOW_NETWORKS names more.
  http::DestinationPolicy webhook_destinations{true, {}};
};

// The process-wide services handlers use, shared by all shards.
struct Services {
  std::shared_ptr<auth::KeyStore> keys;
  std::shared_ptr<pricing::RateStore> rates;
  std::shared_ptr<pricing::RefreshStatus> fx_status;
  std::shared_ptr<pricing::CatalogCache> catalog;
  std::shared_ptr<const crypto::Sealer> sealer;
  std::shared_ptr<metrics::Registry> metrics;
  std::shared_ptr<const providers::Registry> providers;
  std::vector<std::shared_ptr<pg::Pool>> pools;  // one per shard (io_context thread), indexed by shard
};

struct Call {
  http::Request& request;
  const std::string& request_id;  // ours, unique: logged and audited
  const std::optional<std::string>& client_request_id;  // the client's X-Request-Id (echoed back), when usable
  std::vector<std::string> params;  // "{name}" path segments, in order
  auth::Principal principal;
  pg::Pool& db;
  auth::KeyStore& keys;
  const pricing::RateStore& rates;
  const pricing::RefreshStatus& fx_status;
  pricing::CatalogCache& catalog;
  const crypto::Sealer& sealer;
  redemptions::AcceptBatcher& accepts;  // this shard's group commit for redemptions
  const Services& services;
  const Settings& settings;

  // Where this shard's prices come from.
  pricing::Sources pricing() const { return {db, catalog, rates}; }
  // The caller's program; program-scoped routes are never open to the bootstrap key.
  const std::string& program() const { return principal.program_id; }
};

http::Response json_response(http::Status status, const nlohmann::json& body);

// An optional field in a response: the value, or JSON null.
template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

class Input;
// The request's Idempotency-Key: exactly one header of 1-255 printable ASCII characters, else a problem in `in`.
std::string idempotency_key(const http::Request& request, Input& in);
// What makes two requests with one key "the same" (idempotency::fingerprint of this request).
std::string request_fingerprint(const Call& call, const nlohmann::json& body);
// The answer to a request whose key is not its own to use: the stored response (replay), or the refusal (in
// progress, reused with another request).
http::Response answer_refused_claim(idempotency::Claim claim);
// Claims the key in `tx` for this request. Returns the response to send instead of doing the work (a replay, or
// the refusal of reuse and in-progress, both after rolling `tx` back), or nullopt: go ahead, then remember()
// before commit, or roll back explicitly before refusing.
boost::asio::awaitable<std::optional<http::Response>> claim_idempotency(Call& call, pg::Transaction& tx, const std::string& key,
                                                                        const nlohmann::json& body);

}  // namespace rgw::api
