#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace rgw::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

template <class Stream>
Reply round_trip(Stream& stream, const bhttp::request<bhttp::string_body>& req) {
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(req.method() == bhttp::verb::head);  // an answer to HEAD has no body, whatever its Content-Length
  bhttp::read(stream, buffer, parser);
  auto res = parser.release();
  Reply reply{res.result_int(), {}, res.body()};
  for (const auto& f : res) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    reply.headers[name] = std::string(f.value());
  }
  return reply;
}

}  // namespace

Reply Client::request(const std::string& method, const std::string& target, const std::optional<std::string>& body,
                      const std::multimap<std::string, std::string>& headers) const {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    req.insert(name, value);
    has_type = has_type || beast::iequals(name, "Content-Type");
  }
  if (body) {
    if (!has_type) req.set(bhttp::field::content_type, "application/json");
    req.body() = *body;
  }
  req.prepare_payload();
  if (!ca_file) return round_trip(socket, req);

  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(*ca_file);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<asio::ip::tcp::socket&> tls(socket, ctx);
  tls.handshake(asio::ssl::stream_base::client);
  return round_trip(tls, req);
}

}  // namespace rgw::test
