#pragma once
// What pricing reads of an account (its tier, its spendable points), read for many requests in one statement.
// Every quote and redemption prices against its account first; one statement each was a round trip and a
// backend's wake-up per request, a third of the accepts' throughput (docs/performance.md). A read asked while
// another is running waits for it and goes in the next statement with every read asked meanwhile; a read asked
// while none runs goes at once. One per shard (io_context thread); not thread-safe.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "gateway/core/ids.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::ledger {

// What pricing needs of an account; none when the program has no such account.
struct PricingAccount {
  std::optional<std::string> tier;  // in force: the override, else the rule's
  std::int64_t spendable = 0;
};

class PricingReads : public std::enable_shared_from_this<PricingReads> {
 public:
  // `statements` counts the statements run (reads per statement = reads / statements); it must outlive this.
  PricingReads(std::shared_ptr<pg::Pool> db, metrics::Counter& statements, std::size_t max_reads = 128);

  // Throws pg::Error when the statement that carried the read failed.
  boost::asio::awaitable<std::optional<PricingAccount>> find(const ProgramId& program, const AccountId& account);

 private:
  struct Pending;
  // Runs statements while reads are queued, then ends; the next read starts it again. Holds `self` so the
  // object outlives it.
  boost::asio::awaitable<void> read_queued(std::shared_ptr<PricingReads> self);

  std::shared_ptr<pg::Pool> db_;
  metrics::Counter& statements_;
  const std::size_t max_reads_;
  std::deque<std::shared_ptr<Pending>> queue_;
  bool reading_ = false;
};

}  // namespace rgw::ledger
