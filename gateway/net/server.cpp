#include "gateway/net/server.hpp"

#include "gateway/core/log.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <nlohmann/json.hpp>
#include <array>
#include <list>

namespace rgw::http {

namespace {

using tcp = asio::ip::tcp;
namespace bhttp = beast::http;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

using clock = std::chrono::steady_clock;

// How often each shard looks for connections past their deadline: timeouts hold to within it.
constexpr auto sweep_interval = std::chrono::milliseconds(250);

// What the server needs from a live connection: whether it is mid-request (at shutdown), by when its current
// read or write must be done, and how to close it. A deadline is a plain store checked by the shard's sweep, not a
// timer armed and cancelled around every read and write (that was a twentieth of a small request's instructions).
struct connection_control {
  bool busy = false;
  clock::time_point deadline = clock::time_point::max();
  std::function<void()> close;

  void allow(clock::duration d) { deadline = clock::now() + d; }
  void no_deadline() { deadline = clock::time_point::max(); }  // between operations: a handler may take its time
};

asio::ssl::context make_tls_context(const TlsFiles& files) {
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                  asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  // TLS 1.2: forward-secret AEAD suites only; TLS 1.3 suites are OpenSSL's defaults, all modern.
  SSL_CTX_set_cipher_list(ctx.native_handle(), "ECDHE+AESGCM:ECDHE+CHACHA20");
  SSL_CTX_set_options(ctx.native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);  // our order of suites, not the client's
  ctx.use_certificate_chain_file(files.certificate_chain);
  // A key of another pair, or of another type (an EC key for an RSA certificate, which OpenSSL takes without a
  // word), would start "listening" and then fail every handshake in silence.
  boost::system::error_code unusable;
  ctx.use_private_key_file(files.private_key, asio::ssl::context::pem, unusable);
  if (unusable || SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    throw std::invalid_argument("the TLS private key " + files.private_key + " does not belong to the certificate " + files.certificate_chain +
                                (unusable ? " (" + unusable.message() + ")" : ""));
  return ctx;
}

Problem transport_problem(const boost::system::error_code& ec) {
  if (ec == bhttp::error::body_limit) return {Status::payload_too_large, "payload_too_large", "request body is over the limit"};
  if (ec == bhttp::error::header_limit)
    return {Status::request_header_fields_too_large, "header_too_large", "request headers are over the limit"};
  return {Status::bad_request, "invalid_request", "malformed HTTP request"};
}

// A response's status line and fields as they go on the wire, written by hand: Beast's serializer walks its
// buffer sequences through several layers of views, a tenth of the time of a small request. The body is sent
// from where it is, as a second buffer of the same write.
std::string wire_head(const Response& response) {
  std::string out;
  out.reserve(256);
  out += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(response.result_int());
  out += ' ';
  const auto reason = response.reason();
  out += reason.empty() ? bhttp::obsolete_reason(response.result()) : reason;
  out += "\r\n";
  for (const auto& field : response) {
    out += field.name_string();
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

bool is_disconnect(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor ||
         ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
         ec == bhttp::error::partial_message;
}

}  // namespace

struct Server::state : std::enable_shared_from_this<Server::state> {
  state(std::vector<asio::io_context*> s, ServerConfig c, Handler h)
      : shards(std::move(s)), config(std::move(c)), handler(std::move(h)), acceptor(*shards.front()), connections(shards.size()) {
    if (config.tls) tls.emplace(make_tls_context(*config.tls));
    const tcp::endpoint endpoint(asio::ip::make_address(config.host), config.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    port = acceptor.local_endpoint().port();  // kept: the acceptor is closed at stop()
  }

  std::vector<asio::io_context*> shards;
  ServerConfig config;
  Handler handler;
  tcp::acceptor acceptor;
  unsigned short port = 0;
  std::optional<asio::ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::chrono::steady_clock::time_point accept_problem_logged;  // accept loop only

  // Accept problems are logged once per 10 s at most: a flood must not turn into a flood of log lines.
  bool accept_problem_to_log() {
    const auto now = std::chrono::steady_clock::now();
    if (now - accept_problem_logged < std::chrono::seconds(10)) return false;
    accept_problem_logged = now;
    return true;
  }
  std::vector<std::list<connection_control*>> connections;  // per shard, touched only on that shard's thread

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> run_connection(tcp::socket socket, std::size_t shard);
  asio::awaitable<void> sweep(std::size_t shard);
  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, connection_control& control, std::size_t shard);
  // Reads one request, answers it; true when the connection stays open for the next one.
  template <class Stream>
  asio::awaitable<bool> serve_one(Stream& stream, beast::flat_buffer& buffer, connection_control& control, std::size_t shard,
                                  const asio::ip::address& peer);
  template <class Stream>
  asio::awaitable<void> drain(Stream& stream, connection_control& control);
  template <class Stream>
  asio::awaitable<bool> write_streamed(Stream& stream, connection_control& control, Reply& reply, bool chunked);
  void close_idle(std::size_t shard);

  std::size_t body_limit_for(std::string_view target) const {
    for (const auto& [prefix, limit] : config.body_limits_by_prefix)
      if (target.starts_with(prefix)) return limit;
    return config.body_limit;
  }
  std::size_t largest_body_limit() const {
    std::size_t largest = config.body_limit;
    for (const auto& [prefix, limit] : config.body_limits_by_prefix) largest = std::max(largest, limit);
    return largest;
  }
};

asio::awaitable<void> Server::state::accept_loop() {
  auto self = shared_from_this();
  std::size_t next = 0;
  while (!stopping) {
    const std::size_t shard = next++ % shards.size();
    auto [ec, socket] = co_await acceptor.async_accept(*shards[shard], use_nothrow);
    if (ec) {
      if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors and the like: pause instead of spinning (max_connections should keep us below that).
      if (accept_problem_to_log()) log::write(log::level::error, "accept failed", {{"detail", ec.message()}, {"open", open.load()}});
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_nothrow);
      continue;
    }
    if (open >= config.max_connections) {
      ++refused;
      if (config.on_refused) config.on_refused();
      if (accept_problem_to_log())
        log::write(log::level::warn, "connection limit reached; closing new connections",
                   {{"limit", config.max_connections}, {"refused_so_far", refused.load()}});
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    socket.non_blocking(true);  // a read of what has arrived returns at once (serve_one): never blocks the shard
    ++open;
    ++accepted;
    asio::co_spawn(*shards[shard], run_connection(std::move(socket), shard), asio::detached);
  }
}

asio::awaitable<void> Server::state::run_connection(tcp::socket socket, std::size_t shard) {
  auto self = shared_from_this();
  connection_control control;
  auto& registry = connections[shard];
  auto position = registry.insert(registry.end(), &control);
  struct unregister {
    std::list<connection_control*>& registry;
    std::list<connection_control*>::iterator position;
    ~unregister() { registry.erase(position); }
  } guard{registry, position};
  try {
    if (!tls) {
      control.close = [&socket] {
        boost::system::error_code ignored;
        socket.close(ignored);
      };
      co_await serve(socket, control, shard);
      boost::system::error_code ignored;  // the peer may be gone already
      socket.shutdown(tcp::socket::shutdown_send, ignored);
    } else {
      beast::ssl_stream<tcp::socket> stream(std::move(socket), *tls);
      control.close = [&stream] {
        boost::system::error_code ignored;
        beast::get_lowest_layer(stream).close(ignored);
      };
      control.allow(config.read_timeout);
      auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_nothrow);
      control.no_deadline();
      if (!ec) {
        co_await serve(stream, control, shard);
        control.allow(std::chrono::seconds(2));
        co_await stream.async_shutdown(use_nothrow);
      }
    }
  } catch (const std::exception& e) {
    log::write(log::level::error, "connection failed", {{"detail", e.what()}});
  }
  --open;
}

asio::awaitable<void> Server::state::sweep(std::size_t shard) {
  auto self = shared_from_this();
  asio::steady_timer tick(*shards[shard]);
  while (!stopping || !connections[shard].empty()) {
    tick.expires_after(sweep_interval);
    co_await tick.async_wait(use_nothrow);
    const auto now = clock::now();
    for (connection_control* c : connections[shard]) {
      if (c->deadline > now) continue;
      c->no_deadline();
      c->close();  // its pending read or write ends with an error: the connection's coroutine finishes
    }
  }
}

template <class Stream>
asio::awaitable<void> Server::state::serve(Stream& stream, connection_control& control, std::size_t shard) {
  boost::system::error_code no_peer;
  const auto peer = beast::get_lowest_layer(stream).remote_endpoint(no_peer).address();
  beast::flat_buffer buffer;
  while (!stopping) {
    // One absolute deadline for waiting and the whole header: a client trickling bytes cannot hold on.
    control.allow(config.idle_timeout);
    // Waiting between requests, a plain connection holds only this frame: no read buffer, no parser, no request's
    // frame. A TLS stream may hold a request decrypted already: it reads at once.
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      if (buffer.size() == 0) {
        buffer.shrink_to_fit();
        auto [ec] = co_await stream.async_wait(tcp::socket::wait_read, use_nothrow);
        if (ec) co_return;  // closed: by the sweep at the deadline, or at stop
      }
    }
    if (!co_await serve_one(stream, buffer, control, shard, peer)) co_return;
  }
}

template <class Stream>
asio::awaitable<bool> Server::state::serve_one(Stream& stream, beast::flat_buffer& buffer, connection_control& control, std::size_t shard,
                                               const asio::ip::address& peer) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
  parser.body_limit(largest_body_limit());  // Beast checks Content-Length with the header; the target picks the limit after
  // A plain socket was just found readable: most requests are in whole already, and are read now, without another
  // round through the event loop (a tenth of a small request's instructions); the rest is awaited.
  constexpr bool plain = std::is_same_v<Stream, tcp::socket>;
  boost::system::error_code ec;
  if constexpr (plain) bhttp::read_header(stream, buffer, parser, ec);
  if (!plain || ec == asio::error::would_block) std::tie(ec, std::ignore) = co_await bhttp::async_read_header(stream, buffer, parser, use_nothrow);
  control.no_deadline();
  control.busy = true;
  if (!ec) {
    const auto limit = body_limit_for(parser.get().target());
    if (parser.content_length() && *parser.content_length() > limit) ec = bhttp::error::body_limit;
    parser.body_limit(limit);
  }
  if (!ec && !parser.is_done()) {
    if constexpr (plain) bhttp::read(stream, buffer, parser, ec);
    if (!plain || ec == asio::error::would_block) {
      control.allow(config.read_timeout);
      std::tie(ec, std::ignore) = co_await bhttp::async_read(stream, buffer, parser, use_nothrow);
      control.no_deadline();
    }
  }
  Reply reply = Response{};
  bool keep_alive = false;
  bool http_1_0 = false;  // such a client cannot take a chunked body
  bool head_only = false;  // RFC 9110 9.3.2: an answer to HEAD has no body, whatever its Content-Length says
  bool refused = ec.failed();
  if (ec) {
    if (is_disconnect(ec)) co_return false;
    reply = problem_response(transport_problem(ec));
  } else if (const auto hosts = parser.get().count(bhttp::field::host); hosts > 1 || (hosts == 0 && parser.get().version() >= 11)) {
    // RFC 9112 section 3.2: HTTP/1.1 needs exactly one Host; two could be read differently by a proxy and by us.
    reply = problem_response({Status::bad_request, "invalid_request", "send exactly one Host header"});
    refused = true;
  } else {
    Request request = parser.release();
    keep_alive = request.keep_alive();
    http_1_0 = request.version() < 11;
    head_only = request.method() == bhttp::verb::head;
    try {
      reply = co_await handler(request, shard, peer);
    } catch (const std::exception& e) {
      // Handlers answer their own failures; this is the last line, so the client still gets an answer.
      log::write(log::level::error, "handler failed", {{"detail", e.what()}});
      reply = problem_response({Status::internal_server_error, "internal", "internal error"});
    }
  }
  reply.response.keep_alive(keep_alive && !stopping);
  if (tls) reply.response.set(bhttp::field::strict_transport_security, "max-age=31536000");  // browsers: never plain HTTP here
  bool written = false;
  if (reply.stream && !head_only) {
    written = co_await write_streamed(stream, control, reply, !http_1_0);
  } else {
    const auto head = wire_head(reply.response);
    const std::array<asio::const_buffer, 2> message{asio::buffer(head), asio::buffer(head_only ? std::string_view() : reply.body())};
    control.allow(config.write_timeout);
    auto [write_ec, n] = co_await asio::async_write(stream, message, use_nothrow);
    control.no_deadline();
    written = !write_ec;
  }
  control.busy = false;
  if (refused && written) co_await drain(stream, control);
  co_return written && reply.response.keep_alive();
}

template <class Stream>
asio::awaitable<bool> Server::state::write_streamed(Stream& stream, connection_control& control, Reply& reply, bool chunked) {
  reply.response.erase(bhttp::field::content_length);
  reply.response.body().clear();
  if (chunked) reply.response.chunked(true);
  else reply.response.keep_alive(false);  // HTTP/1.0: the body ends where the connection does
  bhttp::response_serializer<bhttp::string_body> head(reply.response);
  control.allow(config.write_timeout);
  auto [head_ec, head_n] = co_await bhttp::async_write_header(stream, head, use_nothrow);
  control.no_deadline();
  bool alive = !head_ec;
  BodySink sink{[&](std::string_view piece) -> asio::awaitable<bool> {
    if (!alive || piece.empty()) co_return alive;  // an empty chunk would end the body
    const auto bytes = asio::buffer(piece.data(), piece.size());
    boost::system::error_code ec;
    control.allow(config.write_timeout);
    if (chunked) std::tie(ec, std::ignore) = co_await asio::async_write(stream, bhttp::make_chunk(bytes), use_nothrow);
    else std::tie(ec, std::ignore) = co_await asio::async_write(stream, bytes, use_nothrow);
    control.no_deadline();  // the next piece may take its time to make
    alive = !ec;
    co_return alive;
  }};
  if (alive) {
    try {
      co_await reply.stream(sink);
    } catch (const std::exception& e) {
      // The status line is gone already: the only honest signal left is a body cut short (no last chunk).
      log::write(log::level::error, "streamed body failed", {{"detail", e.what()}});
      co_return false;
    }
  }
  if (!alive) co_return false;
  if (!chunked) co_return true;
  control.allow(config.write_timeout);
  auto [end_ec, end_n] = co_await asio::async_write(stream, bhttp::make_chunk_last(), use_nothrow);
  control.no_deadline();
  co_return !end_ec;
}

template <class Stream>
asio::awaitable<void> Server::state::drain(Stream& stream, connection_control& control) {
  // Lingering close: a client still sending the body we refused would get a reset instead of our answer if we
  // closed now. Read and discard what it sends, for a bounded time and amount.
  constexpr std::size_t max_bytes = 8 * 1024 * 1024;
  control.allow(std::chrono::seconds(2));
  std::array<char, 16 * 1024> sink;
  for (std::size_t seen = 0; seen < max_bytes;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_nothrow);
    if (ec) co_return;
    seen += n;
  }
}

void Server::state::close_idle(std::size_t shard) {
  for (connection_control* c : connections[shard])
    if (!c->busy) c->close();
}

Server::Server(std::vector<asio::io_context*> shards, ServerConfig config, Handler handler)
    : state_(std::make_shared<state>(std::move(shards), std::move(config), std::move(handler))) {}

Server::~Server() = default;

void Server::start() {
  asio::co_spawn(*state_->shards.front(), state_->accept_loop(), asio::detached);
  for (std::size_t i = 0; i < state_->shards.size(); ++i) asio::co_spawn(*state_->shards[i], state_->sweep(i), asio::detached);
}

unsigned short Server::port() const noexcept { return state_->port; }

std::size_t Server::open_connections() const noexcept { return state_->open; }
std::uint64_t Server::accepted_connections() const noexcept { return state_->accepted; }

void Server::stop() {
  state_->stopping = true;
  auto st = state_;
  asio::post(*st->shards.front(), [st] { st->acceptor.close(); });
  for (std::size_t i = 0; i < st->shards.size(); ++i) asio::post(*st->shards[i], [st, i] { st->close_idle(i); });
}

}  // namespace rgw::http
