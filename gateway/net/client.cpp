#include "gateway/net/client.hpp"

#include <openssl/evp.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <mutex>
#include <poll.h>

namespace rgw::http {

std::string basic_authorization(std::string_view user, std::string_view password) {
  const std::string pair = std::string(user) + ':' + std::string(password);
  std::string encoded(4 * ((pair.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), reinterpret_cast<const unsigned char*>(pair.data()),
                                static_cast<int>(pair.size()));
  encoded.resize(static_cast<std::size_t>(n));
  return "Basic " + encoded;
}


namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::use_awaitable;

// Kept-alive connections of one client, by (scheme, host, port), with the executor they belong to.
struct Client::Pool {
  struct Idle {
    std::unique_ptr<Connection> connection;
    asio::any_io_executor executor;
    std::chrono::steady_clock::time_point since;
  };
  std::mutex mutex;
  std::map<std::string, std::vector<Idle>> idle;
};

struct Client::Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }
};

Client::Client(ClientConfig config) : config_(std::move(config)), pool_(std::make_shared<Pool>()) {
  tls_ = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  tls_->set_verify_mode(asio::ssl::verify_peer);
  if (config_.ca_file) tls_->load_verify_file(*config_.ca_file);
  else tls_->set_default_verify_paths();
}

namespace {

// One request and its response on an open connection; `reusable` says whether the connection may carry another.
template <class Stream>
asio::awaitable<ClientReply> exchange(Stream& stream, beast::tcp_stream& lowest, const bhttp::request<bhttp::string_body>& req,
                                const ClientConfig& config, bool& reusable) {
  lowest.expires_after(config.response_timeout);
  co_await bhttp::async_write(stream, req, use_awaitable);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(config.max_response_bytes);
  co_await bhttp::async_read(stream, buffer, parser, use_awaitable);
  auto res = parser.release();
  reusable = res.keep_alive();
  ClientReply reply{res.result_int(), {}, std::move(res.body())};
  for (const auto& field : res) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    reply.headers[name] = std::string(field.value());
  }
  co_return reply;
}

}  // namespace

asio::awaitable<ClientReply> Client::get(const Url& url, const std::map<std::string, std::string>& headers) {
  return send("GET", url, headers, {});
}

asio::awaitable<ClientReply> Client::post(const Url& url, std::string body, const std::map<std::string, std::string>& headers) {
  return send("POST", url, headers, std::move(body));
}

namespace {

constexpr std::size_t max_idle_per_host = 8;
constexpr auto max_idle_time = std::chrono::seconds(30);

// A kept-alive connection the server has closed (or sent something unasked on) reads as ready: not reusable.
bool quiet(beast::tcp_stream& stream) {
  pollfd p{stream.socket().native_handle(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

}  // namespace

std::unique_ptr<Client::Connection> Client::take_idle(const std::string& key, const asio::any_io_executor& executor) {
  std::lock_guard lock(pool_->mutex);
  auto& list = pool_->idle[key];
  while (!list.empty()) {
    auto idle = std::move(list.back());
    list.pop_back();
    // Streams stay with the executor (thread) they were opened on.
    if (idle.executor == executor && std::chrono::steady_clock::now() - idle.since < max_idle_time && quiet(idle.connection->lowest()))
      return std::move(idle.connection);
  }
  return nullptr;
}

void Client::keep_idle(const std::string& key, std::unique_ptr<Connection> connection, const asio::any_io_executor& executor) {
  std::lock_guard lock(pool_->mutex);
  auto& list = pool_->idle[key];
  if (list.size() < max_idle_per_host) list.push_back({std::move(connection), executor, std::chrono::steady_clock::now()});
}


void Client::drop_idle() {
  std::lock_guard lock(pool_->mutex);
  pool_->idle.clear();
}

asio::awaitable<std::unique_ptr<Client::Connection>> Client::open(const Url& url) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  const auto resolved = co_await resolver.async_resolve(url.host, url.port, use_awaitable);
  // The addresses are checked, not the name: a name may resolve to anything, differently each time.
  std::vector<asio::ip::tcp::endpoint> endpoints;
  std::string refused;
  for (const auto& entry : resolved) {
    if (auto why = config_.destinations.refusal(entry.endpoint().address())) refused = std::move(*why);
    else endpoints.push_back(entry.endpoint());
  }
  if (endpoints.empty()) throw boost::system::system_error(asio::error::access_denied, "destination refused: " + refused);
  auto connection = std::make_unique<Connection>();
  auto tcp = std::make_unique<beast::tcp_stream>(executor);
  tcp->expires_after(config_.connect_timeout);
  co_await tcp->async_connect(endpoints, use_awaitable);
  if (!url.tls) {
    connection->plain = std::move(tcp);
    co_return connection;
  }
  connection->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*tcp), *tls_);
  auto& tls = *connection->tls;
  // SNI, and the certificate must name the host we asked for.
  boost::system::error_code not_an_address;
  asio::ip::make_address(url.host, not_an_address);
  if (not_an_address && !SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str()))  // SNI names hosts, never addresses
    throw boost::system::system_error(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
  tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
  beast::get_lowest_layer(tls).expires_after(config_.connect_timeout);
  co_await tls.async_handshake(asio::ssl::stream_base::client, use_awaitable);
  co_return connection;
}

asio::awaitable<ClientReply> Client::send(std::string_view method, const Url& url, const std::map<std::string, std::string>& headers, std::string body) {
  const auto executor = co_await asio::this_coro::executor;
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), url.target, 11};
  req.set(bhttp::field::host, url.authority());
  req.set(bhttp::field::user_agent, "rewardgw");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (req.method() != bhttp::verb::get) {
    req.body() = std::move(body);
    req.prepare_payload();
  }
  req.keep_alive(true);
  const auto key = std::string(url.tls ? "https://" : "http://") + url.host + ":" + url.port;
  auto connection = take_idle(key, executor);
  if (!connection) connection = co_await open(url);
  bool reusable = false;
  ClientReply reply;
  if (connection->plain) reply = co_await exchange(*connection->plain, *connection->plain, req, config_, reusable);
  else reply = co_await exchange(*connection->tls, beast::get_lowest_layer(*connection->tls), req, config_, reusable);
  if (reusable) keep_idle(key, std::move(connection), executor);
  co_return reply;
}

}  // namespace rgw::http
