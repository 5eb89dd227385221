#pragma once
// A bounded pool of connections for one executor (one io_context thread): no locks, a FIFO wait queue.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "gateway/pg/connection.hpp"

namespace rgw::pg {

struct PoolConfig {
  std::string conninfo;
  std::size_t max_size = 8;
  duration acquire_timeout = std::chrono::seconds(2);
  duration connect_timeout = std::chrono::seconds(3);
  duration query_timeout = std::chrono::seconds(5);
};

struct PoolStats {
  std::size_t size = 0;     // open or opening connections
  std::size_t idle = 0;
  std::size_t waiting = 0;  // coroutines queued for a connection
};

class Pool;

// A connection borrowed from the pool; returned on destruction (rolled back first if a transaction is open,
// dropped if broken).
class Lease {
 public:
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease();

  Connection& connection() const noexcept { return *conn_; }
  duration query_timeout() const noexcept;

  asio::awaitable<std::vector<Result>> pipeline(std::span<const Statement> statements);
  asio::awaitable<Result> exec(const Statement& statement);

 private:
  friend class Pool;
  Lease(std::shared_ptr<Pool> pool, std::unique_ptr<Connection> conn) : pool_(std::move(pool)), conn_(std::move(conn)) {}
  void give_back() noexcept;
  std::shared_ptr<Pool> pool_;
  std::unique_ptr<Connection> conn_;
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  static std::shared_ptr<Pool> create(asio::any_io_executor executor, PoolConfig config);
  const asio::any_io_executor& executor() const noexcept { return executor_; }

  // Throws Error(pool_timeout) when none frees up in time, Error(connection_failure) when the database is down.
  asio::awaitable<Lease> acquire();
  // One statement or one pipeline on a connection borrowed for just that.
  asio::awaitable<Result> exec(const Statement& statement);
  asio::awaitable<std::vector<Result>> pipeline(std::span<const Statement> statements);

  PoolStats stats() const noexcept;
  const PoolConfig& config() const noexcept { return config_; }

 private:
  friend class Lease;
  struct waiter;
  Pool(asio::any_io_executor executor, PoolConfig config) : executor_(std::move(executor)), config_(std::move(config)) {}
  void release(std::unique_ptr<Connection> conn);
  asio::awaitable<void> roll_back_and_release(std::unique_ptr<Connection> conn);
  void hand_over(std::unique_ptr<Connection> conn);
  asio::awaitable<Lease> open_new();

  asio::any_io_executor executor_;
  PoolConfig config_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::deque<waiter*> waiters_;
  std::size_t size_ = 0;
};

// The first statement of a read-only transaction whose reads must all see one snapshot (reports: rows and
// totals cannot disagree).
Statement snapshot_statement();

// A transaction on one leased connection. BEGIN travels with the first statements and COMMIT may travel with
// the last ones, so a short transaction costs as few round trips as it has dependent steps. Destroyed without
// commit(), it is rolled back.
class Transaction {
 public:
  static asio::awaitable<Transaction> begin(Pool& pool);

  asio::awaitable<Result> exec(const Statement& statement);
  asio::awaitable<std::vector<Result>> pipeline(std::vector<Statement> statements);
  // Runs the statements and COMMIT in one round trip.
  asio::awaitable<std::vector<Result>> commit(std::vector<Statement> statements = {});
  // Ends it now, releasing its locks before the caller answers (a destroyed transaction is rolled back too,
  // but a moment later, in the background).
  asio::awaitable<void> rollback();

 private:
  explicit Transaction(Lease lease) : lease_(std::move(lease)) {}
  Lease lease_;
  bool begun_ = false;
  bool done_ = false;
};

}  // namespace rgw::pg
