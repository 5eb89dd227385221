#pragma once
// The HTTP API of docs/openapi.yaml: request ids, authentication, access checks, routing, problem responses and one
// structured log line per request.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <vector>

#include "gateway/accounts/rate_limiter.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"

namespace rgw::api {

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

  std::vector<std::shared_ptr<redemptions::AcceptBatcher>> accepts_;  // one per shard, like the pools
  Services services_;
  Settings settings_;
  auth::RateLimiter limiter_;
  Routes routes_;
};

}  // namespace rgw::api
