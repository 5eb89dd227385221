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
  boost::asio::awaitable<http::Reply> dispatch(http::Request& request, std::size_t shard, const boost::asio::ip::address& peer,
                                                 auth::Principal& principal, const std::string& request_id,
                                                 const std::optional<std::string>& client_request_id, std::string_view& route);
  // The caller of a bearer credential (an API key or a member token), or the refusal to answer.
  boost::asio::awaitable<std::variant<auth::Principal, http::Response>> authenticate(pg::Pool& db, std::string_view bearer,
                                                                                     const boost::asio::ip::address& peer);

  std::vector<std::shared_ptr<redemptions::AcceptBatcher>> accepts_;  // one per shard, like the pools
  std::vector<CorsOrigins> cors_;  // one per shard
  std::vector<RequestMetrics> request_metrics_;  // one per shard
  Services services_;
  Settings settings_;
  auth::RateLimiter limiter_;
  Routes routes_;
};

}  // namespace rgw::api
