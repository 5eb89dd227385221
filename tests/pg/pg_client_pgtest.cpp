// The libpq-on-Asio layer against the real private cluster: pipelines, transactions, pool limits,
// timeouts, a server restart and LISTEN/NOTIFY.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "gateway/db/schema.hpp"
#include "gateway/pg/connection.hpp"
#include "gateway/pg/listener.hpp"
#include "gateway/pg/pool.hpp"
#include "tests/support/run.hpp"

namespace rgw::pg {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::run;

const Query create_scratch{"t_create", "CREATE TABLE IF NOT EXISTS pg_client_scratch (k text PRIMARY KEY, v bigint NOT NULL)"};
const Query insert_scratch{"t_insert", "INSERT INTO pg_client_scratch (k, v) VALUES ($1, $2::bigint)"};
const Query count_scratch{"t_count", "SELECT count(*) AS n FROM pg_client_scratch WHERE k LIKE $1 || '%'"};
const Query add_numbers{"t_add", "SELECT $1::bigint + $2::bigint AS sum, $3::text IS NULL AS was_null"};
const Query sleep_for{"t_sleep", "SELECT pg_sleep($1::float8) AS slept"};
const Query array_items{"t_array_items", "SELECT array_length($1::text[], 1) AS n, ($1::text[])[2] AS second, ($1::text[])[4] AS fourth"};
const Query backend_pid{"t_pid", "SELECT pg_backend_pid() AS pid"};
const Query notify{"t_notify", "SELECT pg_notify($1, $2)"};

std::string unique_prefix() {
  static std::mt19937_64 rng{std::random_device{}()};
  return "t" + std::to_string(rng()) + "-";
}

class PgClient : public ::testing::Test {
 protected:
  void SetUp() override {
    RGW_REQUIRE_DATABASE();
    pool = make_pool(4);
    run(io, [](Pool& p) -> asio::awaitable<void> { co_await p.exec(statement(create_scratch)); }(*pool));
  }
  std::shared_ptr<Pool> make_pool(std::size_t size, duration query_timeout = 5s) {
    return Pool::create(io.get_executor(), PoolConfig{test::database_url(), size, 1s, 3s, query_timeout});
  }
  std::int64_t count(const std::string& prefix) {
    return run(io, [](Pool& p, std::string prefix) -> asio::awaitable<std::int64_t> {
      auto r = co_await p.exec(statement(count_scratch, prefix));
      co_return r.front().int64("n");
    }(*pool, prefix));
  }
  asio::io_context io;
  std::shared_ptr<Pool> pool;
};

TEST_F(PgClient, ParametersTravelAsTextAndNullsStayNull) {
  auto r = run(io, [](Pool& p) -> asio::awaitable<Result> {
    co_return co_await p.exec(statement(add_numbers, 40, std::int64_t{2}, std::nullopt));
  }(*pool));
  EXPECT_EQ(r.front().int64("sum"), 42);
  EXPECT_TRUE(r.front().boolean("was_null"));
  // Text that looks like SQL is only ever a value.
  auto evil = run(io, [](Pool& p) -> asio::awaitable<Result> {
    co_return co_await p.exec(statement(add_numbers, 1, 1, "'); DROP TABLE pg_client_scratch; --"));
  }(*pool));
  EXPECT_FALSE(evil.front().boolean("was_null"));
}

TEST_F(PgClient, ATextArrayParameterCarriesAnyText) {
  const std::vector<std::string> items{"plain", "say \"hi\", \\o/ {x}", "", "NULL"};
  auto r = run(io, [](Pool& p, std::vector<std::string> items) -> asio::awaitable<Result> {
    co_return co_await p.exec(statement(array_items, items));
  }(*pool, items));
  EXPECT_EQ(r.front().int64("n"), 4);
  EXPECT_EQ(r.front().text("second"), items[1]);
  EXPECT_EQ(r.front().optional_string("fourth"), std::optional<std::string>("NULL")) << "the word, not SQL NULL";
}

TEST_F(PgClient, PipelineIsOneImplicitTransaction) {
  const auto prefix = unique_prefix();
  auto ok = [](Pool& p, std::string prefix) -> asio::awaitable<void> {
    std::vector<Statement> s{statement(insert_scratch, prefix + "a", 1), statement(insert_scratch, prefix + "b", 2)};
    co_await p.pipeline(s);
  };
  run(io, ok(*pool, prefix));
  EXPECT_EQ(count(prefix), 2);

  // The second statement violates the primary key: the first one's insert must not survive.
  const auto other = unique_prefix();
  auto failing = [](Pool& p, std::string prefix, std::string dup) -> asio::awaitable<void> {
    std::vector<Statement> s{statement(insert_scratch, prefix + "x", 1), statement(insert_scratch, dup, 2),
                             statement(insert_scratch, prefix + "y", 3)};
    co_await p.pipeline(s);
  };
  try {
    run(io, failing(*pool, other, prefix + "a"));
    FAIL() << "expected a unique violation";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), sqlstate::unique_violation);
    EXPECT_EQ(e.raw_sqlstate(), "23505");
  }
  EXPECT_EQ(count(other), 0);
}

TEST_F(PgClient, TransactionCommitsOnlyWhenAsked) {
  const auto prefix = unique_prefix();
  run(io, [](Pool& p, std::string prefix) -> asio::awaitable<void> {
    auto tx = co_await Transaction::begin(p);
    co_await tx.exec(statement(insert_scratch, prefix + "dropped", 1));
  }(*pool, prefix));  // destroyed without commit
  EXPECT_EQ(count(prefix), 0);

  run(io, [](Pool& p, std::string prefix) -> asio::awaitable<void> {
    auto tx = co_await Transaction::begin(p);
    co_await tx.exec(statement(insert_scratch, prefix + "kept", 1));
    std::vector<Statement> last;  // named: GCC 12 cannot keep a braced list alive across co_await
    last.push_back(statement(insert_scratch, prefix + "kept2", 2));
    co_await tx.commit(std::move(last));
  }(*pool, prefix));
  EXPECT_EQ(count(prefix), 2);
  // The rolled-back connection went back to the pool clean, not mid-transaction.
  EXPECT_LE(pool->stats().size, 4u);
}

TEST_F(PgClient, PoolBoundsConnectionsAndQueuesWaiters) {
  auto p = make_pool(3);
  std::size_t finished = 0;
  std::size_t max_size = 0;
  auto worker = [](Pool& p, std::size_t& finished, std::size_t& max_size) -> asio::awaitable<void> {
    co_await p.exec(statement(sleep_for, "0.01"));
    max_size = std::max(max_size, p.stats().size);
    ++finished;
  };
  for (int i = 0; i < 40; ++i) asio::co_spawn(io, worker(*p, finished, max_size), asio::detached);
  io.restart();
  io.run();
  EXPECT_EQ(finished, 40u);
  EXPECT_EQ(max_size, 3u);
  EXPECT_EQ(p->stats().waiting, 0u);
}

TEST_F(PgClient, AcquireTimesOutWhenPoolIsExhausted) {
  auto p = make_pool(1);
  try {
    run(io, [](Pool& p) -> asio::awaitable<void> {
      auto held = co_await p.acquire();
      auto second = co_await p.acquire();  // never freed: the first lease is still held
    }(*p));
    FAIL() << "expected a pool timeout";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), sqlstate::pool_timeout);
    EXPECT_TRUE(e.unavailable());
  }
  EXPECT_EQ(p->stats().waiting, 0u);
}

TEST_F(PgClient, QueryTimeoutCancelsAndDropsTheConnection) {
  auto p = make_pool(1, 200ms);
  const auto started = std::chrono::steady_clock::now();
  try {
    run(io, [](Pool& p) -> asio::awaitable<void> { co_await p.exec(statement(sleep_for, "30")); }(*p));
    FAIL() << "expected a timeout";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), sqlstate::query_canceled);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(p->stats().size, 0u);  // broken connection discarded
  auto r = run(io, [](Pool& p) -> asio::awaitable<Result> { co_return co_await p.exec(statement(add_numbers, 1, 2, "x")); }(*p));
  EXPECT_EQ(r.front().int64("sum"), 3);
}

TEST_F(PgClient, PoolRecoversAfterServerRestart) {
  const char* restart = std::getenv("REWARDGW_TEST_PG_RESTART");
  if (!restart) GTEST_SKIP() << "REWARDGW_TEST_PG_RESTART not set";
  auto pid_of = [](Pool& p) -> asio::awaitable<std::int64_t> {
    auto r = co_await p.exec(statement(backend_pid));
    co_return r.front().int64("pid");
  };
  const auto before = run(io, pid_of(*pool));
  ASSERT_EQ(std::system(restart), 0);
  // The idle connection died with the old server; the pool notices and opens a new one.
  const auto after = run(io, pid_of(*pool));
  EXPECT_NE(before, after);
}

// libpq closes its socket and opens another when it gives up on one attempt — the next host of a failover's
// connection string, or, with sslmode=prefer, the same server again without TLS — and the kernel may give the new
// socket the old one's descriptor number. Asio's registration went with the old socket; taking the new one for
// the old by its number, the connection never registered it and its waits never woke: the connect timed out.
// Here the server's first answer is to agree to TLS and hang up, as a proxy that cannot do TLS might.
TEST_F(PgClient, ConnectsWhenLibpqReplacesItsSocketMidway) {
  const auto url = test::database_url();
  const auto host = url.find("host="), host_end = url.find('&', host);
  ASSERT_NE(host, std::string::npos) << "a URL with a host parameter, as scripts/pg prints";
  const auto server_socket = url.substr(host + 5, host_end - host - 5) + "/.s.PGSQL.5432";
  asio::ip::tcp::acceptor proxy(io, {asio::ip::make_address("127.0.0.1"), 0});
  int connections = 0;
  // Copies one direction until either side closes.
  auto pump = [](auto& from, auto& to) -> asio::awaitable<void> {
    std::array<char, 8192> buffer;
    for (;;) {
      auto read = co_await from.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
      if (std::get<0>(read)) break;
      auto written = co_await asio::async_write(to, asio::buffer(buffer, std::get<1>(read)), asio::as_tuple(asio::use_awaitable));
      if (std::get<0>(written)) break;
    }
    from.close();
    to.close();
  };
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    for (;;) {
      auto accepted = co_await proxy.async_accept(asio::as_tuple(asio::use_awaitable));
      if (std::get<0>(accepted)) co_return;  // closed: the test is done
      auto client = std::move(std::get<1>(accepted));
      if (++connections == 1) {  // the SSLRequest: "S", then gone
        std::array<char, 8> request;
        co_await asio::async_read(client, asio::buffer(request), asio::as_tuple(asio::use_awaitable));
        co_await asio::async_write(client, asio::buffer("S", 1), asio::as_tuple(asio::use_awaitable));
        continue;
      }
      auto server = std::make_shared<asio::local::stream_protocol::socket>(io);
      server->connect(asio::local::stream_protocol::endpoint(server_socket));
      auto shared_client = std::make_shared<asio::ip::tcp::socket>(std::move(client));
      asio::co_spawn(io, [=]() -> asio::awaitable<void> { co_await pump(*shared_client, *server); }, asio::detached);
      asio::co_spawn(io, [=]() -> asio::awaitable<void> { co_await pump(*server, *shared_client); }, asio::detached);
    }
  }, asio::detached);
  const auto conninfo = "postgresql://127.0.0.1:" + std::to_string(proxy.local_endpoint().port()) + "/rewardgw?user=rewardgw&sslmode=prefer";
  std::int64_t pid = 0;
  std::string failure;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    try {
      auto connection = co_await Connection::connect(conninfo, 5s, 5s);
      const std::vector<Statement> statements{statement(backend_pid)};
      pid = (co_await connection->pipeline(statements, 5s)).front().front().int64("pid");
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }, asio::detached);
  io.restart();  // the fixture's run() left it stopped
  while (pid == 0 && failure.empty() && io.run_one_for(10s) > 0) {
  }
  proxy.close();
  EXPECT_GT(pid, 0) << failure;
  EXPECT_EQ(connections, 2) << "the TLS attempt, then the plain one";
}

// When the server drops a connection, libpq closes its socket at once, and the next socket opened on this thread
// may get its number. The broken connection is destroyed later (the pool gives it back); had it still held the
// old socket's registration, letting go of it by number would have taken the new connection's registration out
// of the reactor, and the new connection's waits would never wake.
TEST_F(PgClient, ABrokenConnectionLetsGoOfItsSocketBeforeTheNumberIsReused) {
  const Query terminate{"t_terminate", "SELECT pg_terminate_backend($1::int) AS done"};
  const auto url = test::database_url();
  std::string failure = "not run";
  auto body = [&]() -> asio::awaitable<void> {
    const std::vector<Statement> ask_pid{statement(backend_pid)}, slow{statement(sleep_for, "0.05")};
    auto broken = co_await Connection::connect(url, 5s, 5s);
    const auto pid = (co_await broken->pipeline(ask_pid, 5s)).front().front().int64("pid");
    co_await pool->exec(statement(terminate, std::to_string(pid)));
    try {
      co_await broken->pipeline(ask_pid, 5s);
      failure = "the terminated connection still answered";
      co_return;
    } catch (const Error&) {  // libpq found the connection gone and closed its socket
    }
    auto fresh = co_await Connection::connect(url, 5s, 5s);  // its socket likely takes the closed one's number
    broken.reset();
    // A statement that takes a moment, so the answer is waited for in the reactor, not found at once.
    try {
      co_await fresh->pipeline(slow, 5s);
      failure.clear();
    } catch (const Error& e) {
      failure = e.what();
    }
  };
  run(io, body());
  EXPECT_EQ(failure, "");
}

TEST_F(PgClient, ListenerReceivesNotifications) {
  using namespace boost::asio::experimental::awaitable_operators;
  const std::string channel = "rgw_test_" + std::to_string(std::random_device{}());
  std::vector<std::string> got;
  bool connected = false;
  auto test = [](Pool& p, std::string channel, std::vector<std::string>& got, bool& connected) -> asio::awaitable<void> {
    auto on_notify = [&got](const Notification& n) { got.push_back(n.payload); };
    auto sender = [](Pool& p, std::string channel, bool& connected) -> asio::awaitable<void> {
      asio::steady_timer t(co_await asio::this_coro::executor);
      while (!connected) {
        t.expires_after(5ms);
        co_await t.async_wait(asio::use_awaitable);
      }
      co_await p.exec(statement(notify, channel, "hello"));
      co_await p.exec(statement(notify, channel, "world"));
      t.expires_after(5s);  // the listener side finishes first once both arrive
      co_await t.async_wait(asio::use_awaitable);
    };
    auto receiver = [](std::string channel, std::vector<std::string>& got, auto on_notify, bool& connected) -> asio::awaitable<void> {
      auto done = [&got] { return got.size() >= 2; };
      auto listening = listen(test::database_url(), {channel}, on_notify, [&connected] { connected = true; });
      asio::steady_timer t(co_await asio::this_coro::executor);
      auto poll = [](asio::steady_timer& t, auto done) -> asio::awaitable<void> {
        while (!done()) {
          t.expires_after(5ms);
          co_await t.async_wait(asio::use_awaitable);
        }
      };
      co_await (std::move(listening) || poll(t, done));
    };
    co_await (sender(p, channel, connected) || receiver(channel, got, on_notify, connected));
  };
  run(io, test(*pool, channel, got, connected));
  EXPECT_EQ(got, (std::vector<std::string>{"hello", "world"}));
}

TEST_F(PgClient, MigrationsApplyOnceEvenFromTwoProcessesAtOnce) {
  const std::string db = "rgw_migrate_" + std::to_string(std::random_device{}());
  const std::string url = test::database_url();
  const auto path = url.find("///") + 3;
  const std::string db_url = url.substr(0, path) + db + url.substr(url.find('?'));
  auto admin = [](Pool& p, std::string sql) -> asio::awaitable<void> {
    auto lease = co_await p.acquire();
    co_await lease.connection().exec_script(sql, 30s);
  };
  run(io, admin(*pool, "CREATE DATABASE " + db));
  int first = 0, second = 0;
  asio::co_spawn(io, [](std::string u, int& n) -> asio::awaitable<void> { n = co_await migrate(u, db::migrations()); }(db_url, first), asio::detached);
  asio::co_spawn(io, [](std::string u, int& n) -> asio::awaitable<void> { n = co_await migrate(u, db::migrations()); }(db_url, second), asio::detached);
  io.restart();
  io.run();
  EXPECT_EQ(first + second, static_cast<int>(db::migrations().size()));
  EXPECT_TRUE(first == 0 || second == 0);
  EXPECT_EQ(run(io, migrate(db_url, db::migrations())), 0);
  run(io, admin(*pool, "DROP DATABASE " + db + " WITH (FORCE)"));
}

}  // namespace
}  // namespace rgw::pg
