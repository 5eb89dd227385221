// The HTTP edge: limits, slow clients, keep-alive, TLS, a database that goes away, graceful shutdown.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "gateway/pg/pool.hpp"
#include "tests/support/gateway.hpp"
#include "tests/support/scratch_database.hpp"

namespace rgw::test {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

tcp::socket connect_to(asio::io_context& io, unsigned short port) {
  tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  return s;
}

// Reads until the server closes; returns what it sent. Bounded by SO_RCVTIMEO so a hang fails instead of blocking.
std::string read_until_closed(tcp::socket& s, std::chrono::seconds bound) {
  timeval tv{static_cast<time_t>(bound.count()), 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  for (;;) {
    boost::system::error_code ec;
    const auto n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) return out;
    if (ec) throw boost::system::system_error(ec, "server did not close the connection in time");
  }
}

class Transport : public ::testing::Test {
 protected:
  void SetUp() override { RGW_REQUIRE_DATABASE(); }
};

TEST_F(Transport, HeadersOverTheLimitAre431) {
  Gateway gateway;
  const auto r = gateway.client().request("GET", "/healthz", std::nullopt, {{"X-Padding", std::string(20 * 1024, 'a')}});
  EXPECT_EQ(r.status, 431u);
  EXPECT_EQ(r.json()["code"], "header_too_large");
}

TEST_F(Transport, SlowClientIsDisconnectedAfterTheIdleTimeout) {
  Gateway gateway([](app::Config& c) { c.http.idle_timeout = 1s; });
  asio::io_context io;
  auto s = connect_to(io, gateway.port());
  const auto started = std::chrono::steady_clock::now();
  asio::write(s, asio::buffer(std::string_view("GET /healthz HTTP/1.1\r\nHost: x\r\n")));  // and never the rest
  const auto sent = read_until_closed(s, 10s);
  EXPECT_EQ(sent, "");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
}

TEST_F(Transport, KeepAliveServesSeveralRequestsOnOneConnection) {
  Gateway gateway;
  asio::io_context io;
  auto s = connect_to(io, gateway.port());
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/healthz", 11};
    req.set(bhttp::field::host, "x");
    bhttp::write(s, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(s, buffer, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_TRUE(res.keep_alive());
  }
}

// RFC 9112: an HTTP/1.1 request names its Host exactly once (two could be read one way by a proxy, another by us).
TEST_F(Transport, ExactlyOneHostHeader) {
  Gateway gateway;
  asio::io_context io;
  auto answer = [&](const std::string& head) {
    auto s = connect_to(io, gateway.port());
    asio::write(s, asio::buffer(head + "\r\n"));
    const auto sent = read_until_closed(s, 10s);
    return sent.substr(0, sent.find("\r\n"));
  };
  EXPECT_EQ(answer("GET /healthz HTTP/1.1\r\nConnection: close\r\n"), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(answer("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n"), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(answer("GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"), "HTTP/1.1 200 OK");
  EXPECT_EQ(answer("GET /healthz HTTP/1.0\r\n"), "HTTP/1.1 200 OK") << "HTTP/1.0 has no Host requirement";
}

// At the connection limit a new client is closed at once (and counted), not left hanging in the backlog.
TEST_F(Transport, ConnectionsOverTheLimitAreClosedAndCounted) {
  Gateway gateway([](app::Config& c) { c.http.max_connections = 2; });
  asio::io_context io;
  std::vector<tcp::socket> held;
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 2; ++i) {
    held.push_back(connect_to(io, gateway.port()));
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/healthz", 11};
    req.set(bhttp::field::host, "x");
    bhttp::write(held.back(), req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(held.back(), buffer, res);  // answered: this connection is open and counted
    ASSERT_EQ(res.result_int(), 200u);
  }
  auto third = connect_to(io, gateway.port());
  EXPECT_EQ(read_until_closed(third, 10s), "") << "closed without a word";
  held.clear();
  // Until the server sees the held connections close, a query is refused (and counted) like the third was.
  std::uint64_t refused_queries = 0;
  std::optional<std::uint64_t> refused;
  eventually([&] {
    try {
      refused = counter_value(gateway.client(), "rewardgw_http_connections_refused_total");
    } catch (const std::exception&) {
      ++refused_queries;
    }
    return refused.has_value();
  }, true);
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, 1 + refused_queries) << "the third connection, and each query refused while the held ones closed";
}

TEST_F(Transport, AStreamedAnswerIsChunkedForHttp11AndCloseDelimitedForHttp10) {
  Gateway gateway;
  const auto tenant = make_tenant(gateway.client(), gateway.bootstrap_key);
  asio::io_context io;
  const std::string report = "GET /v1/reports/payouts?from=2026-11-01&to=2026-11-02&format=csv";
  auto old = connect_to(io, gateway.port());
  asio::write(old, asio::buffer(report + " HTTP/1.0\r\nAuthorization: Bearer " + tenant.finance + "\r\n\r\n"));
  const auto sent = read_until_closed(old, 10s);
  const auto body_at = sent.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos) << sent;
  const auto head = sent.substr(0, body_at);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  EXPECT_EQ(head.find("chunked"), std::string::npos) << "an HTTP/1.0 client cannot read chunks: " << head;
  EXPECT_EQ(sent.substr(body_at + 4),
            "date,provider,face_currency,count,face_total,points_total,base_total,base_currency,spread_income,charged_total,charged_currency\r\n"
            "total,,,0,,0,0.00,EUR,0.00,,\r\n");

  auto current = connect_to(io, gateway.port());
  asio::write(current, asio::buffer(report + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + tenant.finance + "\r\n\r\n"));
  const auto chunked = read_until_closed(current, 10s);
  EXPECT_NE(chunked.find("Transfer-Encoding: chunked"), std::string::npos) << chunked;
  EXPECT_TRUE(chunked.ends_with("\r\n0\r\n\r\n")) << "ends with the last chunk: " << chunked;
}

TEST_F(Transport, TlsWithAVerifiedCertificateAndNoOldProtocols) {
  const TestCertificate certificate;
  Gateway gateway([&](app::Config& c) { c.http.tls = http::TlsFiles{certificate.cert, certificate.key}; });

  auto ok = gateway.client().request("GET", "/healthz");  // verifies against the test CA
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.header("strict-transport-security"), "max-age=31536000");

  // TLS 1.1, even from a client willing to use it, is refused.
  asio::io_context io;
  asio::ssl::context old(asio::ssl::context::tls_client);
  SSL_CTX_set_security_level(old.native_handle(), 0);
  SSL_CTX_set_cipher_list(old.native_handle(), "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(old.native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_1_VERSION);
  auto s = connect_to(io, gateway.port());
  asio::ssl::stream<tcp::socket&> tls(s, old);
  boost::system::error_code ec;
  tls.handshake(asio::ssl::stream_base::client, ec);
  EXPECT_TRUE(ec) << "a TLS 1.1 handshake must fail";

  // Our order of suites, not the client's: a TLS 1.2 client preferring ChaCha20 still gets AES-GCM, our first.
  asio::ssl::context chacha_first(asio::ssl::context::tls_client);
  SSL_CTX_set_max_proto_version(chacha_first.native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(chacha_first.native_handle(), "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256");
  auto s2 = connect_to(io, gateway.port());
  asio::ssl::stream<tcp::socket&> modern(s2, chacha_first);
  modern.handshake(asio::ssl::stream_base::client, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(std::string(SSL_get_cipher_name(modern.native_handle())), "ECDHE-ECDSA-AES128-GCM-SHA256");

  // Plain HTTP to the TLS port gets no HTTP answer.
  const Client plain{gateway.port(), std::nullopt};
  EXPECT_THROW(plain.request("GET", "/healthz"), std::exception);
}

// A key of another pair would start "listening, tls: true" and then fail every handshake: it stops start-up.
TEST_F(Transport, ATlsKeyThatIsNotTheCertificatesStopsStartUp) {
  const TestCertificate one, other;
  // The probe's case: an RSA certificate with an EC key (OpenSSL itself takes that pair without a word).
  const auto rsa = one.dir + "/rsa";
  ASSERT_EQ(run_shell("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + rsa + ".key -out " + rsa +
                      ".pem 2>/dev/null").status, 0);
  for (const auto& [cert, key] : {std::pair{one.cert, other.key}, std::pair{rsa + ".pem", one.key}}) {
    try {
      Gateway gateway([&](app::Config& c) { c.http.tls = http::TlsFiles{cert, key}; });
      ADD_FAILURE() << "started with " << key << " for " << cert;
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(key + " does not belong to the certificate " + cert), std::string::npos) << e.what();
    }
  }
}

TEST_F(Transport, LostDatabaseAnswers503AndNotReady) {
  ScratchDatabase db;
  Gateway gateway([&](app::Config& c) {
    db.configure(c);
    c.db.acquire_timeout = 500ms;
    c.db.connect_timeout = 500ms;
  });
  auto client = gateway.client();
  const Tenant t = make_tenant(client, gateway.bootstrap_key);
  EXPECT_EQ(client.request("GET", "/readyz").status, 200u);
  db.drop();

  auto ready = client.request("GET", "/readyz");
  EXPECT_EQ(ready.status, 503u);
  EXPECT_EQ(ready.json()["code"], "unavailable");
  auto credit = client.request("POST", "/v1/accounts/" + t.account_id + "/credits", R"({"points": 5, "reason": "x"})",
                               bearer(t.admin, {{"Idempotency-Key", "k"}}));
  // The key is still cached, so this reaches the ledger and meets the missing database there.
  EXPECT_EQ(credit.status, 503u) << credit.body;
  EXPECT_EQ(credit.json()["code"], "unavailable");
  EXPECT_EQ(client.request("GET", "/healthz").status, 200u);  // the process itself lives on
}

const pg::Query lock_account{"t_lock_account", "SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE"};
const pg::Query lock_waiters{"t_lock_waiters",
                             "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"};
const pg::Query account_balance{"t_balance", "SELECT balance FROM accounts WHERE id = $1"};

TEST_F(Transport, ShutdownFinishesRequestsInFlight) {
  Gateway gateway([](app::Config& c) { c.shutdown_grace = 20s; });
  auto client = gateway.client();
  const Tenant t = make_tenant(client, gateway.bootstrap_key);

  asio::io_context io;
  auto pool = pg::Pool::create(io.get_executor(), pg::PoolConfig{database_url()});
  // Hold the account's row so the credit below is stuck inside the gateway, mid-transaction.
  auto tx = run(io, [](pg::Pool& p, std::string id) -> asio::awaitable<std::unique_ptr<pg::Transaction>> {
    auto tx = std::make_unique<pg::Transaction>(co_await pg::Transaction::begin(p));
    co_await tx->exec(pg::statement(lock_account, id));
    co_return tx;
  }(*pool, t.account_id));

  Reply reply;
  std::thread request([&] {
    try {
      reply = client.request("POST", "/v1/accounts/" + t.account_id + "/credits", R"({"points": 7, "reason": "x"})",
                             bearer(t.admin, {{"Idempotency-Key", "inflight"}}));
    } catch (const std::exception&) {
      reply.status = 0;  // the connection was cut: the drain did not wait for it
    }
  });
  auto waiting = [&] {
    return run(io, [](pg::Pool& p) -> asio::awaitable<std::int64_t> { co_return (co_await p.exec(pg::statement(lock_waiters))).front().int64("n"); }(*pool));
  };
  for (auto until = std::chrono::steady_clock::now() + 10s; waiting() == 0;) ASSERT_LT(std::chrono::steady_clock::now(), until);

  std::thread stopper([&] { gateway.stop(); });
  // Once it stops accepting, new connections are refused while the old request is still open.
  for (auto until = std::chrono::steady_clock::now() + 10s;;) {
    asio::io_context probe;
    tcp::socket s(probe);
    boost::system::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), gateway.port()}, ec);
    if (ec) break;
    ASSERT_LT(std::chrono::steady_clock::now(), until);
  }
  run(io, [](pg::Transaction& tx) -> asio::awaitable<void> { co_await tx.commit(); }(*tx));
  request.join();
  stopper.join();
  EXPECT_EQ(reply.status, 201u) << reply.body;
  auto balance = run(io, [](pg::Pool& p, std::string id) -> asio::awaitable<std::int64_t> {
    co_return (co_await p.exec(pg::statement(account_balance, id))).front().int64("balance");
  }(*pool, t.account_id));
  EXPECT_EQ(balance, 7);
}

}  // namespace
}  // namespace rgw::test
