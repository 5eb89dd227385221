#include "gateway/pg/pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>

namespace rgw::pg {

namespace {

const Query read_only_snapshot{"pg_read_only_snapshot", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"};

const Query begin_query{"rgw_begin", "BEGIN"};
const Query commit_query{"rgw_commit", "COMMIT"};
const Query rollback_query{"rgw_rollback", "ROLLBACK"};
}  // namespace

// A coroutine parked in acquire(): woken with a connection, or with leave to open one (a slot freed up).
struct Pool::waiter {
  asio::steady_timer timer;
  std::unique_ptr<Connection> conn;
  bool may_open = false;
};

std::shared_ptr<Pool> Pool::create(asio::any_io_executor executor, PoolConfig config) {
  return std::shared_ptr<Pool>(new Pool(std::move(executor), std::move(config)));
}

PoolStats Pool::stats() const noexcept { return {size_, idle_.size(), waiters_.size()}; }

asio::awaitable<Lease> Pool::open_new() {
  try {
    // The server's statement_timeout is only a backstop for a lost cancel: a second later than our own deadline,
    // so the client-side deadline always fires first (and drops the connection, whose state is then unknown).
    auto conn = co_await Connection::connect(config_.conninfo, config_.connect_timeout, config_.query_timeout + std::chrono::seconds(1));
    co_return Lease(shared_from_this(), std::move(conn));
  } catch (...) {
    --size_;
    hand_over(nullptr);  // the slot is free again: let a waiter try
    throw;
  }
}

asio::awaitable<Lease> Pool::acquire() {
  while (!idle_.empty()) {
    auto conn = std::move(idle_.back());  // most recently used first: its socket and caches are warm
    idle_.pop_back();
    if (conn->check_alive()) co_return Lease(shared_from_this(), std::move(conn));
    --size_;  // the server went away while it idled (restart): drop it and look again
  }
  if (size_ < config_.max_size) {
    ++size_;
    co_return co_await open_new();
  }
  waiter w{asio::steady_timer(executor_, config_.acquire_timeout), nullptr, false};
  waiters_.push_back(&w);
  co_await w.timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (w.conn) co_return Lease(shared_from_this(), std::move(w.conn));
  if (w.may_open) co_return co_await open_new();  // size_ was kept for us by hand_over
  std::erase(waiters_, &w);
  throw Error(sqlstate::pool_timeout, "no database connection became free in time");
}

void Pool::hand_over(std::unique_ptr<Connection> conn) {
  if (waiters_.empty()) {
    if (conn) idle_.push_back(std::move(conn));
    return;
  }
  waiter* w = waiters_.front();
  waiters_.pop_front();
  if (conn) {
    w->conn = std::move(conn);
  } else {
    w->may_open = true;
    ++size_;
  }
  w->timer.cancel();
}

void Pool::release(std::unique_ptr<Connection> conn) {
  if (conn->broken()) {
    --size_;
    hand_over(nullptr);
  } else if (conn->in_transaction()) {
    asio::co_spawn(executor_, roll_back_and_release(std::move(conn)), asio::detached);
  } else {
    hand_over(std::move(conn));
  }
}

asio::awaitable<void> Pool::roll_back_and_release(std::unique_ptr<Connection> conn) {
  try {
    co_await conn->exec(statement(rollback_query), config_.query_timeout);
  } catch (const Error&) {
    // The connection is marked broken by the failure; release() below drops it.
  }
  release(std::move(conn));
}

asio::awaitable<Result> Pool::exec(const Statement& statement) {
  auto lease = co_await acquire();
  co_return co_await lease.exec(statement);
}

asio::awaitable<std::vector<Result>> Pool::pipeline(std::span<const Statement> statements) {
  auto lease = co_await acquire();
  co_return co_await lease.pipeline(statements);
}

Lease& Lease::operator=(Lease&& other) noexcept {
  give_back();
  pool_ = std::move(other.pool_);
  conn_ = std::move(other.conn_);
  return *this;
}

Lease::~Lease() { give_back(); }

void Lease::give_back() noexcept {
  if (pool_ && conn_) pool_->release(std::move(conn_));
}

duration Lease::query_timeout() const noexcept { return pool_->config().query_timeout; }

asio::awaitable<std::vector<Result>> Lease::pipeline(std::span<const Statement> statements) {
  co_return co_await conn_->pipeline(statements, query_timeout());
}

asio::awaitable<Result> Lease::exec(const Statement& statement) {
  co_return co_await conn_->exec(statement, query_timeout());
}

asio::awaitable<Transaction> Transaction::begin(Pool& pool) { co_return Transaction(co_await pool.acquire()); }

asio::awaitable<Result> Transaction::exec(const Statement& statement) {
  std::vector<Statement> one;
  one.push_back(statement);
  auto results = co_await pipeline(std::move(one));
  co_return std::move(results.front());
}

asio::awaitable<std::vector<Result>> Transaction::pipeline(std::vector<Statement> statements) {
  if (done_) throw std::logic_error("transaction already ended (committed or rolled back)");
  if (!begun_) statements.insert(statements.begin(), statement(begin_query));
  auto results = co_await lease_.pipeline(statements);
  if (!begun_) {
    begun_ = true;
    results.erase(results.begin());
  }
  co_return results;
}

asio::awaitable<void> Transaction::rollback() {
  if (done_) co_return;
  done_ = true;
  if (begun_) co_await lease_.exec(statement(rollback_query));
}

asio::awaitable<std::vector<Result>> Transaction::commit(std::vector<Statement> statements) {
  statements.push_back(statement(commit_query));
  auto results = co_await pipeline(std::move(statements));
  done_ = true;
  results.pop_back();
  co_return results;
}

Statement snapshot_statement() { return statement(read_only_snapshot); }

}  // namespace rgw::pg
