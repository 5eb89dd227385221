#pragma once
// An HTTP/1.1 client on Beast: http and https URLs, TLS with certificate and host name verification (never
// off), a deadline per phase (connect and handshake; request and response), a bound on the response size, and
// kept-alive connections reused per host (up to 8 idle per host, 30 s, checked for a server-side close before
// reuse; a connection is only reused on the thread that opened it). Copies share the pool.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gateway/net/url.hpp"

namespace rgw::http {

using duration = std::chrono::steady_clock::duration;

struct ClientConfig {
  duration connect_timeout = std::chrono::seconds(5);
  duration response_timeout = std::chrono::seconds(10);  // from the first byte sent to the last byte read
  std::size_t max_response_bytes = 4 * 1024 * 1024;
  std::optional<std::string> ca_file;  // PEM bundle to trust; default: the system's trust store
  DestinationPolicy destinations;      // checked on the resolved addresses, at every connect
};

// The value of an `Authorization` header for HTTP Basic (RFC 7617): "Basic " + base64(user ":" password).
std::string basic_authorization(std::string_view user, std::string_view password);

struct ClientReply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class Client {
 public:
  explicit Client(ClientConfig config);

  // Throws boost::system::system_error for transport failures (refused, timed out, certificate not trusted,
  // response too large); any HTTP status is a ClientReply.
  boost::asio::awaitable<ClientReply> get(const Url& url, const std::map<std::string, std::string>& headers = {});
  boost::asio::awaitable<ClientReply> post(const Url& url, std::string body, const std::map<std::string, std::string>& headers = {});

  // Closes the kept-alive connections; call on their threads' way out, before their io_contexts are destroyed.
  void drop_idle();

 private:
  struct Connection;
  struct Pool;
  boost::asio::awaitable<std::unique_ptr<Connection>> open(const Url& url);
  std::unique_ptr<Connection> take_idle(const std::string& key, const boost::asio::any_io_executor& executor);
  void keep_idle(const std::string& key, std::unique_ptr<Connection> connection, const boost::asio::any_io_executor& executor);
  boost::asio::awaitable<ClientReply> send(std::string_view method, const Url& url, const std::map<std::string, std::string>& headers, std::string body);

  ClientConfig config_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::shared_ptr<Pool> pool_;
};

}  // namespace rgw::http
