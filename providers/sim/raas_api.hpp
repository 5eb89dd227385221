#pragma once
// The simulator's RaaS-style order API (what providers/adapters/raas.cpp speaks), with faults on demand and a
// count of orders created per external reference, so tests can prove "never issued twice".
//   POST /raas/orders, GET /raas/orders?externalRefID=, GET /raas/accounts/{id}   (see adapters/raas.hpp)
//   POST /admin/raas {"mode": M, "times": N}  the next N order POSTs (default 1; -1: until changed) behave as M:
//     ok | refuse (400, nothing made) | error500 (nothing made) | error503 (made, then 503) | rate429 (Retry-After: 1)
//     | timeout (no answer, nothing made) | lost (made, no answer) | malformed (made, broken JSON)
//     | unknown_status (made, answered with a status the adapter does not know) | pending (made, PENDING at first)
//   POST /admin/raas {"rate_per_s": R}   over R order POSTs a second: 429 (0: no limit)
//   GET  /admin/raas/issued  {"REF": orders created, ...}
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "gateway/http/message.hpp"

namespace rgw::sim {

class RaasApi {
 public:
  // nullopt: not this API's path. Runs on the simulator's one thread.
  boost::asio::awaitable<std::optional<http::Response>> handle(const http::Request& request);

 private:
  boost::asio::awaitable<http::Response> create(const http::Request& request);
  http::Response admin(const http::Request& request);
  nlohmann::json& make(const nlohmann::json& body, const std::string& status);

  std::string mode_ = "ok";
  int times_ = 0;
  int rate_per_s_ = 0;
  std::deque<std::chrono::steady_clock::time_point> recent_posts_;
  std::map<std::string, nlohmann::json> orders_;  // by externalRefID
  std::map<std::string, int> created_;            // by externalRefID
  long balance_cents_ = 100'000'00;
};

}  // namespace rgw::sim
