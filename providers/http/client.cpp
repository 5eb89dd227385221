#include "providers/http/client.hpp"

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

namespace rgw::providers::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::use_awaitable;

std::optional<Url> Url::parse(std::string_view text) {
  Url url;
  if (text.starts_with("https://")) url.tls = true, text.remove_prefix(8);
  else if (text.starts_with("http://")) text.remove_prefix(7);
  else return std::nullopt;
  const auto slash = text.find('/');
  auto authority = text.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    url.port = authority.substr(colon + 1);
    authority = authority.substr(0, colon);
    if (url.port.empty() || url.port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  } else {
    url.port = url.tls ? "443" : "80";
  }
  url.host = authority;
  return url;
}

Client::Client(ClientConfig config) : config_(std::move(config)) {
  tls_ = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  tls_->set_verify_mode(asio::ssl::verify_peer);
  if (config_.ca_file) tls_->load_verify_file(*config_.ca_file);
  else tls_->set_default_verify_paths();
}

namespace {

template <class Stream>
asio::awaitable<Reply> exchange(Stream& stream, beast::tcp_stream& lowest, const bhttp::request<bhttp::string_body>& req,
                                const ClientConfig& config) {
  lowest.expires_after(config.response_timeout);
  co_await bhttp::async_write(stream, req, use_awaitable);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(config.max_response_bytes);
  co_await bhttp::async_read(stream, buffer, parser, use_awaitable);
  auto res = parser.release();
  Reply reply{res.result_int(), {}, std::move(res.body())};
  for (const auto& field : res) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    reply.headers[name] = std::string(field.value());
  }
  co_return reply;
}

}  // namespace

asio::awaitable<Reply> Client::get(const Url& url, const std::map<std::string, std::string>& headers) {
  return send("GET", url, headers, {});
}

asio::awaitable<Reply> Client::post(const Url& url, std::string body, const std::map<std::string, std::string>& headers) {
  return send("POST", url, headers, std::move(body));
}

asio::awaitable<Reply> Client::send(std::string_view method, const Url& url, const std::map<std::string, std::string>& headers, std::string body) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  const auto endpoints = co_await resolver.async_resolve(url.host, url.port, use_awaitable);
  beast::tcp_stream tcp(executor);
  tcp.expires_after(config_.connect_timeout);
  co_await tcp.async_connect(endpoints, use_awaitable);

  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), url.target, 11};
  req.set(bhttp::field::host, url.host);
  req.set(bhttp::field::user_agent, "rewardgw");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (req.method() != bhttp::verb::get) {
    req.body() = std::move(body);
    req.prepare_payload();
  }
  if (!url.tls) co_return co_await exchange(tcp, tcp, req, config_);

  beast::ssl_stream<beast::tcp_stream> tls(std::move(tcp), *tls_);
  // SNI, and the certificate must name the host we asked for.
  if (!SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str()))
    throw boost::system::system_error(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
  tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
  beast::get_lowest_layer(tls).expires_after(config_.connect_timeout);
  co_await tls.async_handshake(asio::ssl::stream_base::client, use_awaitable);
  co_return co_await exchange(tls, beast::get_lowest_layer(tls), req, config_);
}

}  // namespace rgw::providers::http
