#pragma once
// An HTTP/1.1 client on Beast: http and https URLs, TLS with certificate and host name verification (never
// off), a deadline per phase, a bound on the response size. One connection per request for now; pooling per
// host comes with the provider adapters.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace rgw::providers::http {

using duration = std::chrono::steady_clock::duration;

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query, at least "/"

  // http://host[:port]/path or https://...; nullopt for anything else.
  static std::optional<Url> parse(std::string_view text);
};

struct ClientConfig {
  duration connect_timeout = std::chrono::seconds(5);
  duration response_timeout = std::chrono::seconds(10);  // from the first byte sent to the last byte read
  std::size_t max_response_bytes = 4 * 1024 * 1024;
  std::optional<std::string> ca_file;  // PEM bundle to trust; default: the system's trust store
};

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class Client {
 public:
  explicit Client(ClientConfig config);

  // Throws boost::system::system_error for transport failures (refused, timed out, certificate not trusted,
  // response too large); any HTTP status is a Reply.
  boost::asio::awaitable<Reply> get(const Url& url, const std::map<std::string, std::string>& headers = {});
  boost::asio::awaitable<Reply> post(const Url& url, std::string body, const std::map<std::string, std::string>& headers = {});

 private:
  boost::asio::awaitable<Reply> send(std::string_view method, const Url& url, const std::map<std::string, std::string>& headers, std::string body);

  ClientConfig config_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace rgw::providers::http
