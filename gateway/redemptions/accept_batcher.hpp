#pragma once
// Group commit for redemptions. Requests arriving while a batch is being written wait for the next one; a batch
// is one transaction in two round trips — BEGIN with the accounts' locks, then the batch's accept statements
// (set-based: one per step for all its requests, store.hpp), one NOTIFY and COMMIT — so many requests share a
// commit (one WAL flush) and a handful of statements while each stays all or nothing. No batch waits for another:
// a writer leaves a request queued while its account is in another writer's batch of this process, and a request
// whose account another transaction holds (another process's batch, a points job) is passed over and queued
// again, to wait for it in a later batch (one batch waiting for another's commit was the tail, and two processes'
// collapse). The waiting locks come first and in id order, so no two batches can deadlock. If a batch fails (a
// quote used twice, the database gone), its requests are run again one per transaction, so one request's error is
// its own. A request that waits in the queue longer than a bound (the gateway overloaded) is shed: answered at
// once, nothing written, so a caller can retry with its key instead of waiting without end. One batcher per shard
// (io_context thread); not thread-safe.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <set>
#include <string>

#include "gateway/core/metrics.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/redemptions/store.hpp"

namespace rgw::redemptions {

struct AcceptLimits {
  std::size_t max_batch = 64;  // requests per transaction
  std::size_t writers = 1;     // transactions at once
  std::chrono::milliseconds max_wait{5'000};  // in the queue before a batch takes the request; then it is shed
};

// Counted by the batcher; they must outlive it.
struct AcceptCounters {
  metrics::Counter& passed_over;  // requests passed over because another transaction held their account
  metrics::Counter& shed;         // requests shed after waiting longer than AcceptLimits::max_wait
};

class AcceptBatcher : public std::enable_shared_from_this<AcceptBatcher> {
 public:
  AcceptBatcher(std::shared_ptr<pg::Pool> db, AcceptCounters counters, AcceptLimits limits = {});

  // Runs `work` in the next batch. A used quote is a result (quote_taken), and so is a request shed (shed: it
  // waited in the queue longer than max_wait; nothing written); throws pg::Error if its own transaction failed
  // for any other reason (then nothing was written).
  boost::asio::awaitable<AcceptResult> submit(AcceptWork work);
  // Lets the writers end once the queue is empty (at shutdown). Callable from any thread.
  void stop();

 private:
  struct Pending;
  boost::asio::awaitable<void> write_batches(std::shared_ptr<AcceptBatcher> self);
  // Up to max_batch queued requests, in order, but those on an account another writer's batch holds; their
  // accounts are in flight until the caller erases them.
  struct Taken {
    std::vector<std::shared_ptr<Pending>> batch;
    std::set<std::string> accounts;
  };
  Taken take_batch();
  boost::asio::awaitable<void> write(std::vector<std::shared_ptr<Pending>> batch);

  std::shared_ptr<pg::Pool> db_;
  AcceptCounters counters_;
  const AcceptLimits limits_;
  bool started_ = false;
  bool stopping_ = false;
  std::deque<std::shared_ptr<Pending>> queue_;
  std::set<std::string> in_flight_;  // accounts of the batches being written
  std::unique_ptr<boost::asio::steady_timer> work_arrived_;
};

}  // namespace rgw::redemptions
