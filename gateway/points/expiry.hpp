#pragma once
// The expiry job (docs/points.md). Lapsed points are already unspendable at their instant (ledger.hpp); the job
// writes down what is true: one `expiry` entry per lapsed lot, dated when it lapsed, exactly once however many
// processes run it and however long it was stopped; and points.expiring notices ahead of time. Every process runs
// it; the work is shared by row locks taken with SKIP LOCKED.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>

#include "gateway/core/metrics.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::points {

struct ExpiryConfig {
  std::chrono::milliseconds interval{60'000};  // between runs; 0: this process runs no points jobs
  int window = 20'000;           // lapsed lots looked at to choose a batch's accounts, oldest first
  int accounts_per_batch = 500;  // accounts locked per transaction
  int lots_per_batch = 10'000;   // lots written down per transaction
  int notices_per_batch = 5'000;
};

// One transaction: lapsed lots of accounts no other transaction holds, written down, with their points.expired
// events. Returns how many lots; 0 when none is left (or every account with some is busy elsewhere).
boost::asio::awaitable<std::size_t> expire_lapsed(pg::Pool& db, const ExpiryConfig& config);
// One transaction: points.expiring for lots entering their program's notice window, each lot once.
boost::asio::awaitable<std::size_t> send_expiry_notices(pg::Pool& db, const ExpiryConfig& config);

// Until cancelled, every interval: expiries until none is left, notices, and once a day (across all processes)
// the tiers' pass. Counts lots in rewardgw_points_expired_lots_total.
boost::asio::awaitable<void> run(std::shared_ptr<pg::Pool> db, std::shared_ptr<metrics::Registry> registry, ExpiryConfig config);

}  // namespace rgw::points
