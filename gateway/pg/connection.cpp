#include "gateway/pg/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/stat.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <variant>

#include "gateway/net/deadline.hpp"

namespace rgw::pg {

using namespace boost::asio::experimental::awaitable_operators;
using asio::use_awaitable;

namespace {

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}


Error error_from_result(const PGresult* r) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  std::string code = state ? state : "";
  return Error(classify_sqlstate(code), trimmed(PQresultErrorMessage(r)), code);
}

}  // namespace

Connection::Connection(asio::any_io_executor executor) : conn_(nullptr, PQfinish), socket_(std::move(executor)) {}

Connection::~Connection() {
  // libpq owns the socket: release it from Asio before PQfinish closes it.
  if (socket_.is_open()) socket_.release();
}

void Connection::attach_socket() {
  const int fd = PQsocket(conn_.get());
  struct stat about {};
  const unsigned long inode = fd >= 0 && ::fstat(fd, &about) == 0 ? about.st_ino : 0;
  // The same number is not the same socket: when libpq replaced its socket (the next host, or a retry without
  // TLS), the old registration went with the old socket, and the new one must be registered.
  if (socket_.is_open() && socket_.native_handle() == fd && socket_inode_ == inode) return;
  if (socket_.is_open()) socket_.release();
  if (fd < 0) fail("connection has no socket");
  socket_.assign(fd);
  socket_inode_ = inode;
}

std::optional<std::string> conninfo_problem(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options) {
    PQconninfoFree(options);
    return std::nullopt;
  }
  std::string message = error ? trimmed(error) : "not a libpq connection string or URL";
  PQfreemem(error);
  // libpq quotes the part it stumbled on, which may be the password: every quoted part goes.
  std::string redacted;
  bool quoted = false;
  for (char c : message) {
    if (c == '"') {
      redacted += quoted ? "\"" : "\"...";
      quoted = !quoted;
    } else if (!quoted) {
      redacted += c;
    }
  }
  return redacted;
}

// libpq closes its socket when it finds the connection gone: let go of the registration at once, while the number
// is still nobody's; later, letting go by number could take out another connection's registration.
void Connection::let_go_if_closed() noexcept {
  if (socket_.is_open() && (!conn_ || PQsocket(conn_.get()) != socket_.native_handle())) socket_.release();
}

void Connection::fail(std::string_view what) {
  broken_ = true;
  let_go_if_closed();
  std::string message(what);
  if (conn_) {
    const std::string detail = trimmed(PQerrorMessage(conn_.get()));
    if (!detail.empty()) message += ": " + detail;
  }
  throw Error(sqlstate::connection_failure, message);
}

namespace {
// Asio's epoll is edge-triggered: an edge delivered before our wait was queued is gone. So look first; no
// epoll_wait can run between this look and queueing the wait, so a later edge reaches the wait.
bool ready_now(int fd, short events) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, 0) > 0;
}
}  // namespace

asio::awaitable<void> Connection::wait_readable() {
  if (ready_now(socket_.native_handle(), POLLIN)) co_return;
  co_await socket_.async_wait(asio::posix::descriptor_base::wait_read, use_awaitable);
}

asio::awaitable<void> Connection::wait_writable() {
  if (ready_now(socket_.native_handle(), POLLOUT)) co_return;
  co_await socket_.async_wait(asio::posix::descriptor_base::wait_write, use_awaitable);
}

void Connection::consume_input() {
  if (!PQconsumeInput(conn_.get())) fail("lost connection to the database");
}

asio::awaitable<std::unique_ptr<Connection>> Connection::connect(std::string conninfo, duration timeout,
                                                                 duration statement_timeout) {
  auto executor = co_await asio::this_coro::executor;
  std::unique_ptr<Connection> self(new Connection(executor));
  const std::string options =
      "-c statement_timeout=" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(statement_timeout).count());
  const char* keys[] = {"dbname", "application_name", "options", nullptr};
  const char* values[] = {conninfo.c_str(), "rewardgw", options.c_str(), nullptr};
  self->conn_.reset(PQconnectStartParams(keys, values, /*expand_dbname=*/1));
  if (!self->conn_ || PQstatus(self->conn_.get()) == CONNECTION_BAD) self->fail("cannot start a database connection");
  if (PQsetnonblocking(self->conn_.get(), 1) != 0) self->fail("cannot make the database connection non-blocking");
  // Server notices ("relation already exists, skipping") are not errors; keep them out of the log stream.
  PQsetNoticeProcessor(self->conn_.get(), [](void*, const char*) {}, nullptr);

  asio::steady_timer deadline(executor, timeout);
  // libpq's rule: start as if PQconnectPoll had answered WRITING, and re-read the socket after every poll.
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    self->attach_socket();
    std::variant<std::monostate, std::tuple<boost::system::error_code>> which;
    if (status == PGRES_POLLING_READING)
      which = co_await (self->wait_readable() || net::deadline_passed(deadline));
    else
      which = co_await (self->wait_writable() || net::deadline_passed(deadline));
    if (which.index() == 1) self->fail("timed out connecting to the database");
    status = PQconnectPoll(self->conn_.get());
    if (status == PGRES_POLLING_FAILED) self->fail("cannot connect to the database");
  }
  self->attach_socket();
  co_return self;
}

bool Connection::in_transaction() const noexcept {
  return conn_ && PQtransactionStatus(conn_.get()) != PQTRANS_IDLE;
}

bool Connection::check_alive() {
  if (broken_ || PQstatus(conn_.get()) != CONNECTION_OK) return false;
  // A pooled connection has nothing to read while idle; if it does, it is the server's goodbye (shutdown,
  // restart, idle timeout) or EOF, so it is not trusted with a query.
  if (ready_now(PQsocket(conn_.get()), POLLIN)) broken_ = true;
  return !broken_;
}

asio::awaitable<void> Connection::flush() {
  for (;;) {
    const int r = PQflush(conn_.get());
    if (r == 0) co_return;
    if (r < 0 || PQstatus(conn_.get()) == CONNECTION_BAD) fail("cannot send to the database");
    // Wait for either: reading what the server sends keeps it from blocking on us (libpq docs).
    auto which = co_await (wait_readable() || wait_writable());
    if (which.index() == 0) consume_input();
  }
}

asio::awaitable<pg_result*> Connection::next_result() {
  while (PQisBusy(conn_.get())) {
    if (PQstatus(conn_.get()) == CONNECTION_BAD) fail("lost connection to the database");  // libpq closed the socket
    co_await wait_readable();
    consume_input();
  }
  pg_result* result = PQgetResult(conn_.get());
  let_go_if_closed();
  co_return result;
}

void Connection::cancel_running_query() noexcept {
  broken_ = true;
  // Ask the server to stop the statement; the connection is dropped by the pool either way.
  if (PGcancel* cancel = PQgetCancel(conn_.get())) {
    char err[256];
    PQcancel(cancel, err, sizeof err);
    PQfreeCancel(cancel);
  }
}

namespace {

// awaitable_operators' `||` waits for the first branch that *succeeds*: a failing query would wait for the
// timer. So the query's exception crosses the `||` as a value.
template <class T>
struct captured {
  std::exception_ptr error;
  std::optional<T> value;
};

template <class T>
asio::awaitable<captured<T>> capture(asio::awaitable<T> op) {
  captured<T> out;
  try {
    // Not `captured<T>{nullptr, co_await op}`: GCC 12 destroys temporaries of a co_await inside braces twice.
    T value = co_await std::move(op);
    out.value.emplace(std::move(value));
  } catch (...) {
    out.error = std::current_exception();
  }
  co_return out;
}

asio::awaitable<captured<std::monostate>> capture(asio::awaitable<void> op) {
  captured<std::monostate> out;
  try {
    co_await std::move(op);
    out.value.emplace();
  } catch (...) {
    out.error = std::current_exception();
  }
  co_return out;
}

}  // namespace

template <class T>
asio::awaitable<T> Connection::within(asio::awaitable<T> op, duration timeout) {
  asio::steady_timer deadline(co_await asio::this_coro::executor, timeout);
  auto outcome = co_await (capture(std::move(op)) || net::deadline_passed(deadline));
  if (outcome.index() == 1) {
    cancel_running_query();
    throw Error(sqlstate::query_canceled, "database query timed out");
  }
  auto& done = std::get<0>(outcome);
  if (done.error) std::rethrow_exception(done.error);
  if constexpr (!std::is_void_v<T>) co_return std::move(*done.value);
}

asio::awaitable<std::vector<Result>> Connection::pipeline(std::span<const Statement> statements, duration timeout) {
  if (broken_) throw Error(sqlstate::connection_failure, "connection is broken");
  co_return co_await within(run_pipeline(statements), timeout);
}

asio::awaitable<Result> Connection::exec(const Statement& statement, duration timeout) {
  auto results = co_await pipeline(std::span(&statement, 1), timeout);
  co_return std::move(results.front());
}

asio::awaitable<std::vector<Result>> Connection::run_pipeline(std::span<const Statement> statements) {
  PGconn* c = conn_.get();
  broken_ = true;  // until the pipeline completes: an exception or cancellation leaves it unusable
  if (!PQenterPipelineMode(c)) fail("cannot enter pipeline mode");

  // Each sent item yields one result: a Prepare for a statement new to this connection, then the query.
  struct sent_item {
    const Query* prepare;  // non-null for a Prepare
    std::size_t statement;
  };
  std::vector<sent_item> sent;
  std::unordered_set<const Query*> preparing;
  std::vector<const char*> values;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const Statement& s = statements[i];
    const int n = static_cast<int>(s.params.size());
    if (!prepared_.contains(s.query) && preparing.insert(s.query).second) {
      if (!PQsendPrepare(c, s.query->name, s.query->sql, n, nullptr)) fail("cannot send a statement");
      sent.push_back({s.query, i});
    }
    values.clear();
    for (const auto& p : s.params) values.push_back(p ? p->c_str() : nullptr);
    if (!PQsendQueryPrepared(c, s.query->name, n, values.data(), nullptr, nullptr, 0)) fail("cannot send a statement");
    sent.push_back({nullptr, i});
  }
  if (!PQpipelineSync(c)) fail("cannot send a pipeline sync");
  co_await flush();

  std::vector<Result> results(statements.size());
  std::optional<Error> first_error;
  for (const sent_item& item : sent) {
    pg_result* raw = co_await next_result();
    if (!raw) fail("database pipeline ended early");
    Result owned(raw);
    switch (PQresultStatus(raw)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
        if (item.prepare) prepared_.insert(item.prepare);
        else results[item.statement] = std::move(owned);
        break;
      case PGRES_PIPELINE_ABORTED:
        break;  // skipped after an earlier failure, which is the one reported
      default:
        if (!first_error) first_error = error_from_result(raw);
        break;
    }
    if (co_await next_result() != nullptr) fail("unexpected extra result in pipeline");
  }
  pg_result* sync = co_await next_result();
  Result sync_owned(sync);
  if (!sync || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) fail("database pipeline out of step");
  if (!PQexitPipelineMode(c)) fail("cannot leave pipeline mode");
  broken_ = false;
  if (first_error) throw *first_error;
  co_return results;
}

asio::awaitable<void> Connection::exec_script(const std::string& sql, duration timeout) {
  if (broken_) throw Error(sqlstate::connection_failure, "connection is broken");
  co_await within(run_script(sql), timeout);
}

asio::awaitable<void> Connection::run_script(const std::string& sql) {
  broken_ = true;
  if (!PQsendQuery(conn_.get(), sql.c_str())) fail("cannot send a script");
  co_await flush();
  std::optional<Error> first_error;
  while (pg_result* raw = co_await next_result()) {
    Result owned(raw);
    const auto st = PQresultStatus(raw);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !first_error) first_error = error_from_result(raw);
  }
  broken_ = false;
  if (first_error) throw *first_error;
}

asio::awaitable<Notification> Connection::next_notification() {
  for (;;) {
    if (PGnotify* n = PQnotifies(conn_.get())) {
      Notification out{n->relname, n->extra};
      PQfreemem(n);
      co_return out;
    }
    co_await wait_readable();
    consume_input();
  }
}

}  // namespace rgw::pg
