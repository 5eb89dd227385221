// The HTTP server: each read and write has its own deadline and none runs while a handler works; answers kept
// elsewhere are sent as they are.
#include "gateway/net/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <thread>

namespace rgw::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

// A server on one thread of its own, answering with `handler`.
class RunningServer {
 public:
  RunningServer(ServerConfig config, Handler handler) : server_({&io_}, with_any_port(std::move(config)), std::move(handler)) {
    server_.start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~RunningServer() {
    io_.stop();
    thread_.join();
  }
  unsigned short port() const { return server_.port(); }
  void stop() { server_.stop(); }
  std::size_t open_connections() const { return server_.open_connections(); }
  std::uint64_t accepted_connections() const { return server_.accepted_connections(); }

 private:
  static ServerConfig with_any_port(ServerConfig c) {
    c.port = 0;
    return c;
  }
  asio::io_context io_;
  Server server_;
  std::thread thread_;
};

// A connection to the server, which has been sent `requests` (raw HTTP/1.1).
tcp::socket connect_to(asio::io_context& io, unsigned short port, std::string_view requests = {}) {
  tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  if (!requests.empty()) asio::write(s, asio::buffer(requests));
  return s;
}

TEST(HttpServer, AHandlerSlowerThanTheIdleTimeoutStillGetsItsAnswerOut) {
  ServerConfig config;
  config.idle_timeout = 300ms;  // the wait for a request, not the handler's time
  RunningServer server(config, [](Request&, std::size_t, const asio::ip::address&) -> asio::awaitable<Reply> {
    asio::steady_timer work(co_await asio::this_coro::executor, 900ms);
    co_await work.async_wait(asio::use_awaitable);
    co_return make_response(Status::ok, "done", "text/plain");
  });
  asio::io_context io;
  auto s = connect_to(io, server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> answer;
  boost::beast::http::read(s, buffer, answer);
  EXPECT_EQ(answer.result_int(), 200u);
  EXPECT_EQ(answer.body(), "done");
}

TEST(HttpServer, AClientThatNeverReadsItsAnswerIsLetGoAfterTheWriteTimeout) {
  ServerConfig config;
  config.write_timeout = 300ms;
  // More than the loopback's socket buffers hold, so the write waits on the client.
  RunningServer server(config, [](Request&, std::size_t, const asio::ip::address&) -> asio::awaitable<Reply> {
    co_return make_response(Status::ok, std::string(64 * 1024 * 1024, 'x'), "text/plain");
  });
  asio::io_context io;
  auto s = connect_to(io, server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");  // and never a byte read
  const auto started = std::chrono::steady_clock::now();
  while (server.accepted_connections() == 0 && std::chrono::steady_clock::now() - started < 10s) std::this_thread::sleep_for(10ms);
  while (server.open_connections() > 0 && std::chrono::steady_clock::now() - started < 10s) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.open_connections(), 0u) << "the server still waits on a client that does not read";
}

// A body shared with a cache is sent whole, with its own length, and stays the cache's: two answers on one
// kept-alive connection, each with the shared bytes, and the handler's copy untouched.
TEST(HttpServer, ASharedBodyIsSentAsItIsWithItsLength) {
  const auto kept = std::make_shared<const std::string>(std::string(100'000, 'a') + "end");
  RunningServer server({}, [kept](Request&, std::size_t, const asio::ip::address&) -> asio::awaitable<Reply> {
    Response head{Status::ok, 11};
    head.set(boost::beast::http::field::content_type, "application/json");
    co_return Reply(std::move(head), kept);
  });
  asio::io_context io;
  auto s = connect_to(io, server.port());
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 2; ++i) {
    asio::write(s, asio::buffer(std::string_view("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
    // Read with a deadline: a body shorter than its length would leave a plain read waiting for ever.
    boost::beast::http::response<boost::beast::http::string_body> answer;
    bool read = false;
    boost::beast::http::async_read(s, buffer, answer, [&](boost::system::error_code ec, std::size_t) { read = !ec; });
    io.restart();
    io.run_for(10s);
    ASSERT_TRUE(read) << "answer " << i << " not read whole";
    EXPECT_EQ(answer.result_int(), 200u);
    EXPECT_EQ(answer[boost::beast::http::field::content_length], std::to_string(kept->size()));
    EXPECT_EQ(answer.body(), *kept);
  }
  EXPECT_EQ(kept->size(), 100'003u);
}

// An answer to HEAD carries no body (RFC 9110 9.3.2), so the next answer on the connection is read from its own
// first byte: a HEAD, then a GET, on one kept-alive connection.
TEST(HttpServer, AnAnswerToHeadHasNoBodyAndTheNextAnswerIsReadWhole) {
  RunningServer server({}, [](Request&, std::size_t, const asio::ip::address&) -> asio::awaitable<Reply> {
    co_return make_response(Status::method_not_allowed, "a body that HEAD must not get", "text/plain");
  });
  asio::io_context io;
  auto s = connect_to(io, server.port(), "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  boost::beast::flat_buffer buffer;
  boost::beast::http::response_parser<boost::beast::http::string_body> head_answer;
  head_answer.skip(true);  // the client's side of HEAD: no body expected
  boost::beast::http::read(s, buffer, head_answer);
  EXPECT_EQ(head_answer.get().result_int(), 405u);
  boost::beast::http::response<boost::beast::http::string_body> get_answer;
  boost::beast::http::read(s, buffer, get_answer);  // throws if the HEAD's body came first
  EXPECT_EQ(get_answer.result_int(), 405u);
  EXPECT_EQ(get_answer.body(), "a body that HEAD must not get");
}

// A request that arrives in pieces — its header cut, its body cut — is read whole: what is in is read at once, the
// rest awaited; a second request on the connection after it is read too.
TEST(HttpServer, ARequestArrivingInPiecesIsReadWhole) {
  RunningServer server({}, [](Request& request, std::size_t, const asio::ip::address&) -> asio::awaitable<Reply> {
    co_return make_response(Status::ok, "got " + request.body(), "text/plain");
  });
  asio::io_context io;
  auto s = connect_to(io, server.port());
  boost::beast::flat_buffer buffer;
  for (const auto& pieces : {std::vector<std::string>{"POST / HTTP/1.1\r\nHost: x\r\nContent-", "Length: 5\r\n\r\nab", "cde"},
                             std::vector<std::string>{"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nfg"}}) {
    for (const auto& piece : pieces) {
      asio::write(s, asio::buffer(piece));
      std::this_thread::sleep_for(20ms);  // to let the server find the piece alone (the answer is the same either way)
    }
    boost::beast::http::response<boost::beast::http::string_body> answer;
    boost::beast::http::read(s, buffer, answer);
    EXPECT_EQ(answer.result_int(), 200u);
    EXPECT_EQ(answer.body(), pieces.size() == 3 ? "got abcde" : "got fg");
  }
}

// A kept-alive connection waiting for its next request is closed when its idle time is up, and at stop: the
// wait between requests (no buffer, no parser) obeys both like a read does.
TEST(HttpServer, AConnectionIdleBetweenRequestsIsClosedAtTheIdleTimeoutAndAtStop) {
  auto answer_then_closed = [](RunningServer& server, std::function<void()> meanwhile) {
    asio::io_context io;
    auto s = connect_to(io, server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    boost::beast::flat_buffer buffer;
    boost::beast::http::response<boost::beast::http::string_body> answer;
    boost::beast::http::read(s, buffer, answer);
    EXPECT_TRUE(answer.keep_alive());
    meanwhile();
    boost::system::error_code closed;
    boost::beast::http::response<boost::beast::http::string_body> next;
    boost::beast::http::async_read(s, buffer, next, [&](boost::system::error_code ec, std::size_t) { closed = ec; });
    io.run_for(10s);
    return closed;
  };
  auto ok = [](Request&, std::size_t, const asio::ip::address&) -> asio::awaitable<Reply> { co_return make_response(Status::ok, "ok", "text/plain"); };

  ServerConfig short_idle;
  short_idle.idle_timeout = 300ms;
  RunningServer timing_out(short_idle, ok);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(answer_then_closed(timing_out, [] {}), boost::beast::http::error::end_of_stream);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);

  RunningServer stopping({}, ok);  // an idle time of a minute: only the stop can close it within the 10 s
  EXPECT_EQ(answer_then_closed(stopping, [&] { stopping.stop(); }), boost::beast::http::error::end_of_stream);
}

}  // namespace
}  // namespace rgw::http
