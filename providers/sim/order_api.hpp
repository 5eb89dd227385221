#pragma once
// The simulator's provider order APIs, with faults on demand and a count of orders created per reference, so
// tests can prove "never issued twice". Two dialects share the engine:
//   raas   (adapters/raas.hpp):   POST /raas/orders {"externalRefID", ...}, GET /raas/orders?externalRefID=,
//                                 GET /raas/accounts/{id}
//   orders (adapters/orders.hpp): POST /orders-api/orders {"external_id", ...}, GET /orders-api/orders?external_id=,
//                                 GET /orders-api/funding  — the same external_id with another payload is 409
//   credits (adapters/service_credit.hpp): POST /billing/credits {"idempotency_key", ...},
//                                 GET /billing/credits?idempotency_key=   (admin path: /admin/billing)
//   POST /admin/{raas|orders} {"mode": M, "times": N}  the next N order POSTs (default 1; -1: until changed) act as M:
//     ok | refuse (400, nothing made) | error500 (nothing made) | error503 (made, then 503) | rate429 (Retry-After: 1)
//     | timeout (no answer, nothing made) | lost (made, no answer) | malformed (made, broken JSON)
//     | unknown_status (made, answered with a status the adapter does not know) | pending (made, pending at first)
//     | slow_body (made, the answer's body trickles out a few bytes every 200 ms)
//   POST /admin/{raas|orders} {"rate_per_s": R}   over R order POSTs a second: 429 (0: no limit)
//   POST /admin/{raas|orders} {"latency_ms": {"p50": A, "p99": B}}   every API answer waits a log-normal time with
//     that median and 99th percentile (B >= A; {"p50": 0} or null: none)
//   GET  /admin/{raas|orders}/issued  {"REF": orders created, ...}
//   POST /admin/{raas|orders|billing}/auth  what the API demands (authority.hpp); a request without it: 401 with
//     the dialect's error body, nothing made
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "gateway/net/message.hpp"
#include "providers/sim/authority.hpp"

namespace rgw::sim {

enum class Dialect { raas, orders, credits };

class OrderApi {
 public:
  OrderApi(Dialect dialect, Authority& authority);
  // nullopt: not this API's path. Runs on the simulator's one thread.
  boost::asio::awaitable<std::optional<http::Reply>> handle(const http::Request& request);

 private:
  boost::asio::awaitable<http::Response> serve(const http::Request& request);
  boost::asio::awaitable<http::Reply> create(const http::Request& request);
  http::Response admin(const http::Request& request);
  nlohmann::json& make(const std::string& ref, const nlohmann::json& body, bool pending);
  nlohmann::json settled(nlohmann::json order) const;

  http::Response unauthorized() const;

  const Dialect dialect_;
  Authority& authority_;
  const std::string name_, prefix_, collection_, ref_field_;
  std::string mode_ = "ok";
  int times_ = 0;
  int rate_per_s_ = 0;
  std::optional<std::lognormal_distribution<double>> latency_ms_;
  std::mt19937_64 random_{std::random_device{}()};
  std::deque<std::chrono::steady_clock::time_point> recent_posts_;
  std::map<std::string, nlohmann::json> orders_;    // by reference
  std::map<std::string, nlohmann::json> payloads_;  // what created each order, for the 409 check
  std::map<std::string, int> created_;              // by reference
  long balance_cents_ = 100'000'00;
};

}  // namespace rgw::sim
