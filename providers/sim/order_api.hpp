#pragma once
// One simulated provider order API: the orders it made, with faults on demand and a count of orders created per
// reference, so tests can prove "never issued twice". How it words everything is its Dialect (dialects.hpp).
//   POST <orders path>             make an order (a replay of a reference answers the first order its dialect's way)
//   GET  <prefix>…                 look-ups, the order list (paged), the balance, cards, the catalog
//   POST /admin/<api> {"mode": M, "times": N}  the next N order POSTs (default 1; -1: until changed) act as M:
//     ok | refuse (400, nothing made) | error500 (nothing made) | error503 (made, then 503) | rate429 (Retry-After: 1)
//     | timeout (no answer, nothing made) | lost (made, no answer) | malformed (made, broken JSON)
//     | unknown_status (made, answered with a status the adapter does not know) | pending (made, pending at first)
//     | slow_body (made, the answer's body trickles out a few bytes every 200 ms) | no_funds (402, nothing made)
//   POST /admin/<api> {"rate_per_s": R}   over R order POSTs a second: 429 (0: no limit)
//   POST /admin/<api> {"latency_ms": {"p50": A, "p99": B}}   every API answer waits a log-normal time with
//     that median and 99th percentile (B >= A; {"p50": 0} or null: none)
//   POST /admin/<api> {"fee_bps": F, "discount_bps": D, "page_size": P}   each new order is charged its face
//     less D basis points plus F basis points (rounded half up to the cent); lists show at most P a page
//   POST /admin/<api> {"out_of_stock": [ID, ...]}   its catalog shows these products (utid, productId, id) as out of
//     stock, and orders for them are refused (400, nothing made); [] restocks them all
//   POST /admin/<api> {"lookups_fail": true}   every GET of the API (look-ups, lists, balance) answers 500 until false
//   GET  /admin/<api>/issued   {"REF": orders created, ...}
//   GET  /admin/<api>/charged  {"REF": "10.20", ...}  what each order was charged
//   POST /admin/<api>/orders {"ref", "sku", "amount", "currency"?}   an order made by someone else (not the gateway)
//   POST /admin/<api>/forget {"ref"}   the provider loses an order: its lists and look-ups no longer show it
//   POST /admin/<api>/auth   what the API demands (authority.hpp); a request without it: 401 in the dialect's words
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>

#include "gateway/net/message.hpp"
#include "providers/sim/authority.hpp"
#include "providers/sim/dialects.hpp"

namespace rgw::sim {

class OrderApi {
 public:
  OrderApi(std::unique_ptr<Dialect> dialect, Authority& authority);
  // nullopt: not this API's path. Runs on the simulator's one thread.
  boost::asio::awaitable<std::optional<http::Reply>> handle(const http::Request& request);

 private:
  boost::asio::awaitable<http::Reply> create(const http::Request& request);
  http::Response admin(const http::Request& request);
  SimOrder& make(const Dialect::Wanted& wanted, const nlohmann::json& body);

  std::unique_ptr<Dialect> dialect_;
  Authority& authority_;
  std::string mode_ = "ok";
  int times_ = 0;
  int rate_per_s_ = 0;
  long fee_bps_ = 0, discount_bps_ = 0;
  std::size_t page_size_ = 100;
  std::set<std::string> out_of_stock_;
  bool lookups_fail_ = false;
  std::optional<std::lognormal_distribution<double>> latency_ms_;
  std::mt19937_64 random_{std::random_device{}()};
  std::deque<std::chrono::steady_clock::time_point> recent_posts_;
  std::map<std::string, SimOrder> orders_;  // by reference
  std::map<std::string, int> created_;      // by reference, lost ones included
  int made_ = 0;
  long balance_cents_ = 100'000'00;
};

}  // namespace rgw::sim
