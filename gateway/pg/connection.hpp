#pragma once
// One libpq connection in non-blocking mode on the Asio reactor. Not thread-safe: used from one executor.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "gateway/pg/error.hpp"
#include "gateway/pg/query.hpp"
#include "gateway/pg/result.hpp"

struct pg_conn;  // libpq's PGconn

namespace rgw::pg {

namespace asio = boost::asio;
using duration = std::chrono::steady_clock::duration;

struct Notification {
  std::string channel;
  std::string payload;
};

// Why `conninfo` is not a libpq connection string or URL, worded without quoting any of it (it may hold a
// password); nullopt when it is one.
std::optional<std::string> conninfo_problem(const std::string& conninfo);

class Connection {
 public:
  // conninfo is a libpq connection string or URL. statement_timeout is set server-side as a backstop.
  // Throws Error(connection_failure) when the server cannot be reached in `timeout`.
  static asio::awaitable<std::unique_ptr<Connection>> connect(std::string conninfo, duration timeout,
                                                              duration statement_timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends all statements in one pipeline (one round trip) and returns one Result each. Outside an explicit
  // transaction they commit or fail together. Throws Error for the first failing statement; on a timeout the
  // query is cancelled and the connection marked broken.
  asio::awaitable<std::vector<Result>> pipeline(std::span<const Statement> statements, duration timeout);
  asio::awaitable<Result> exec(const Statement& statement, duration timeout);
  // Several ;-separated statements in the simple protocol (migrations); no parameters.
  asio::awaitable<void> exec_script(const std::string& sql, duration timeout);
  // Waits for the next NOTIFY on a channel this connection LISTENs to.
  asio::awaitable<Notification> next_notification();

  // Broken connections are never reused: the pool drops them.
  bool broken() const noexcept { return broken_; }
  bool in_transaction() const noexcept;
  // Reads anything the server sent while idle (e.g. a shutdown notice); false if the connection is gone.
  bool check_alive();

 private:
  explicit Connection(asio::any_io_executor executor);
  asio::awaitable<void> wait_readable();
  asio::awaitable<void> wait_writable();
  asio::awaitable<void> flush();
  asio::awaitable<pg_result*> next_result();
  asio::awaitable<std::vector<Result>> run_pipeline(std::span<const Statement> statements);
  asio::awaitable<void> run_script(const std::string& sql);
  // Runs op with a deadline; on expiry the server is asked to cancel and the connection is marked broken.
  template <class T>
  asio::awaitable<T> within(asio::awaitable<T> op, duration timeout);
  void attach_socket();
  void let_go_if_closed() noexcept;
  void consume_input();
  [[noreturn]] void fail(std::string_view what);
  void cancel_running_query() noexcept;

  std::unique_ptr<pg_conn, void (*)(pg_conn*)> conn_;
  asio::posix::stream_descriptor socket_;
  // Which socket socket_ registered (its inode): libpq may close its socket and open another with the same number.
  unsigned long socket_inode_ = 0;
  std::unordered_set<const Query*> prepared_;
  bool broken_ = false;
};

}  // namespace rgw::pg
