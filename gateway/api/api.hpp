#pragma once
// The HTTP API of docs/openapi.yaml: request ids, authentication, access checks, routing, problem responses and one
// structured log line per request.
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <tuple>
#include <variant>
#include <vector>

#include "gateway/accounts/rate_limiter.hpp"
#include "gateway/api/cors.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"

namespace rgw::api {

// The HTTP metric series of each (route pattern, method, status), looked up in the registry once and then
// kept: one per shard, so without a lock. The patterns are the router's (stable for the Api's life).
class RequestMetrics {
 public:
  struct Series {
    metrics::Counter* requests = nullptr;
    metrics::Histogram* duration = nullptr;
  };
  explicit RequestMetrics(std::shared_ptr<metrics::Registry> registry) : registry_(std::move(registry)) {}
  Series series(std::string_view route, http::beast::http::verb method, unsigned status);

 private:
  using Key = std::tuple<const char*, std::size_t, http::beast::http::verb, unsigned>;
  std::shared_ptr<metrics::Registry> registry_;
  std::map<Key, Series> known_;
};

class Api {
 public:
  // services.pools: one per shard, indexed like the server's shards.
  Api(Services services, Settings settings);

  // Never throws: every failure becomes a problem response.
  boost::asio::awaitable<http::Reply> handle(http::Request& request, std::size_t shard, const boost::asio::ip::address& peer);
  // Background work of the API (the redemption batch writers) ends once idle; call when stopping.
  void stop();

 private:
  struct Exchange;  // a request's bookkeeping from its arrival to its log line (api.cpp)
  using Caller = std::variant<auth::Principal, http::Response>;  // who calls, or the refusal to answer

  boost::asio::awaitable<http::Reply> dispatch(http::Request& request, std::size_t shard, const boost::asio::ip::address& peer, Exchange& exchange);
  // The answer stamped with the request's ids and CORS grant, counted and logged (a streamed one once written).
  void finish(http::Reply& reply, const http::Request& request, std::size_t shard, Exchange& exchange);
  // The caller of a bearer credential (an API key or a member token) from the key caches, or the refusal to
  // answer, without waiting: most requests. nullopt: not cached, look it up (look_up_caller).
  std::optional<Caller> known_caller(std::string_view bearer) const;
  boost::asio::awaitable<Caller> look_up_caller(pg::Pool& db, std::string_view bearer, const boost::asio::ip::address& peer);
  // The caller of a route that needs one, or the refusal to answer: authenticated; from a browser page only as a
  // member of a program that lists the page's origin; allowed the route by its role and account; within its rate.
  boost::asio::awaitable<Caller> authorize(pg::Pool& db, const http::Request& request, const boost::asio::ip::address& peer, const Route& route,
                                           const std::vector<std::string>& params);

  std::vector<std::shared_ptr<redemptions::AcceptBatcher>> accepts_;  // one per shard, like the pools
  std::vector<std::shared_ptr<ledger::PricingReads>> pricing_reads_;   // one per shard
  std::vector<CorsOrigins> cors_;  // one per shard
  std::vector<RequestMetrics> request_metrics_;  // one per shard
  Services services_;
  Settings settings_;
  auth::RateLimiter limiter_;
  Routes routes_;
};

}  // namespace rgw::api
