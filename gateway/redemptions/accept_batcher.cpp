#include "gateway/redemptions/accept_batcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/pg/error.hpp"

namespace rgw::redemptions {

namespace asio = boost::asio;

namespace {
// redemptions.quote_id is unique: a request alone in its transaction that fails on it used a quote already used.
bool quote_taken(const std::exception_ptr& failure, const AcceptWork& work) {
  if (!work.order.quote_id) return false;
  try {
    std::rethrow_exception(failure);
  } catch (const pg::Error& e) {
    return e.code() == pg::sqlstate::unique_violation;
  } catch (...) {
    return false;
  }
}
}  // namespace

struct AcceptBatcher::Pending {
  explicit Pending(AcceptWork w, const asio::any_io_executor& executor) : work(std::move(w)), done(executor, asio::steady_timer::time_point::max()) {}
  AcceptWork work;
  asio::steady_timer done;  // expires at the bound of the request's wait in the queue; cancelled when finished
  AcceptResult result;
  std::exception_ptr error;
  bool taken = false;     // in a batch once: no longer shed, whatever it waits for
  bool finished = false;  // result or error set
  bool waits = false;     // passed over once (its account held elsewhere): waits for it next time
};

AcceptBatcher::AcceptBatcher(std::shared_ptr<pg::Pool> db, AcceptCounters counters, AcceptLimits limits)
    : db_(std::move(db)), counters_(counters), limits_(limits) {}

asio::awaitable<AcceptResult> AcceptBatcher::submit(AcceptWork work) {
  const auto executor = co_await asio::this_coro::executor;
  if (!started_) {
    started_ = true;
    work_arrived_ = std::make_unique<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < limits_.writers; ++i) asio::co_spawn(executor, write_batches(shared_from_this()), asio::detached);
  }
  auto pending = std::make_shared<Pending>(std::move(work), executor);
  pending->done.expires_after(limits_.max_wait);
  queue_.push_back(pending);
  work_arrived_->cancel();
  for (;;) {
    co_await pending->done.async_wait(asio::as_tuple(asio::use_awaitable));
    if (pending->finished) break;
    if (!pending->taken) {  // still queued at its bound: the writers are behind; nothing of it was written
      std::erase(queue_, pending);
      counters_.shed.add();
      AcceptResult shed;
      shed.shed = true;
      co_return shed;
    }
    pending->done.expires_at(asio::steady_timer::time_point::max());  // in a batch: its outcome comes with it
  }
  if (pending->error) std::rethrow_exception(pending->error);
  co_return std::move(pending->result);
}

void AcceptBatcher::stop() {
  asio::post(db_->executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    if (self->work_arrived_) self->work_arrived_->cancel();
  });
}

// The writers hold the batcher (self) so it outlives them however the process stops.
asio::awaitable<void> AcceptBatcher::write_batches([[maybe_unused]] std::shared_ptr<AcceptBatcher> self) {
  for (;;) {
    auto taken = take_batch();  // not a structured binding: GCC 12 loses them across co_await
    if (taken.batch.empty()) {
      if (stopping_ && queue_.empty()) co_return;
      // New work, or another writer's batch done (its accounts free again). The timer stays at time_point::max()
      // and is only ever cancelled; re-arming it here would cancel the other writers' waits, and they would
      // re-arm it in turn, spinning for ever (outside probe, issue 12).
      co_await work_arrived_->async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    co_await write(std::move(taken.batch));
    for (const auto& account : taken.accounts) in_flight_.erase(account);
    if (!queue_.empty()) work_arrived_->cancel();
  }
}

AcceptBatcher::Taken AcceptBatcher::take_batch() {
  Taken taken;
  for (auto it = queue_.begin(); it != queue_.end() && taken.batch.size() < limits_.max_batch;) {
    const auto& account = (*it)->work.order.terms.account_id;
    if (in_flight_.contains(account) && !taken.accounts.contains(account)) {
      ++it;  // left queued, in its place, for the batch after the one that holds its account
      continue;
    }
    taken.accounts.insert(account);
    (*it)->taken = true;
    taken.batch.push_back(std::move(*it));
    it = queue_.erase(it);
  }
  in_flight_.insert(taken.accounts.begin(), taken.accounts.end());
  return taken;
}

asio::awaitable<void> AcceptBatcher::write(std::vector<std::shared_ptr<Pending>> batch) {
  std::exception_ptr failure;
  try {
    std::vector<const AcceptWork*> works;
    std::vector<bool> waits;
    for (const auto& p : batch) {
      works.push_back(&p->work);
      waits.push_back(p->waits);
    }
    auto tx = co_await pg::Transaction::begin(*db_);
    const auto locks = locks_from(co_await tx.pipeline(lock_statements(works, waits)), works, waits);
    std::vector<std::shared_ptr<Pending>> ahead, passed;
    for (std::size_t i = 0; i < batch.size(); ++i) (locks.ahead[i] ? ahead : passed).push_back(std::move(batch[i]));
    // Those passed over go back to the head of the queue, in order, to wait for their accounts in a later batch.
    for (const auto& p : passed) p->waits = true;
    queue_.insert(queue_.begin(), passed.begin(), passed.end());
    counters_.passed_over.add(passed.size());
    batch = std::move(ahead);
    works.clear();
    for (const auto& p : batch) works.push_back(&p->work);
    if (batch.empty()) {
      co_await tx.rollback();
      co_return;
    }
    auto statements = accept_statements(works);
    statements.push_back(wake_dispatchers());
    const auto results = co_await tx.commit(std::move(statements));
    auto accepted = accept_results(results, works, locks);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(accepted[i]);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure && batch.size() > 1) {
    // Someone's statement failed and took the batch with it: each request again, alone, so the error is its own.
    for (auto& p : batch) {
      std::vector<std::shared_ptr<Pending>> alone;  // named: GCC 12 mishandles braced lists in coroutines
      alone.push_back(p);
      co_await write(std::move(alone));
    }
    co_return;
  }
  for (auto& p : batch) {
    if (failure && quote_taken(failure, p->work)) p->result.quote_taken = true;
    else p->error = failure;
    p->finished = true;
    p->done.cancel();
  }
}

}  // namespace rgw::redemptions
