#pragma once
// The HTTP/1.1 listener: Beast over C++20 coroutines, one acceptor handing connections round-robin to shard
// io_contexts (one thread each), keep-alive, optional TLS 1.2+, size limits and timeouts, graceful stop.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/net/message.hpp"

namespace rgw::http {

namespace asio = boost::asio;
using duration = std::chrono::steady_clock::duration;

struct TlsFiles {
  std::string certificate_chain;  // PEM
  std::string private_key;        // PEM
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see Server::port())
  std::size_t body_limit = 64 * 1024;
  // Larger limits for requests whose target starts with a prefix (a provider statement may be megabytes).
  std::vector<std::pair<std::string, std::size_t>> body_limits_by_prefix;
  std::size_t header_limit = 16 * 1024;
  duration idle_timeout = std::chrono::seconds(60);  // waiting for (and reading the header of) a request
  duration read_timeout = std::chrono::seconds(15);  // reading a request's body
  duration write_timeout = std::chrono::seconds(15);  // a whole response, or each piece of a streamed one
  std::optional<TlsFiles> tls;
  // Connections open at once; more are closed at accept, counted and logged, so that at the descriptor limit new
  // clients are told at once instead of hanging in the backlog.
  std::size_t max_connections = 10'000;
  std::function<void()> on_refused;  // called for each connection closed at the limit (a metric)
};

// Called for every complete request; `shard` is the index of the io_context it runs on, `peer` the client's address.
using Handler = std::function<asio::awaitable<Reply>(Request& request, std::size_t shard, const asio::ip::address& peer)>;

class Server {
 public:
  // Binds and listens at once (throws on failure, e.g. the port is taken); accepts after start().
  Server(std::vector<asio::io_context*> shards, ServerConfig config, Handler handler);
  ~Server();

  void start();
  unsigned short port() const noexcept;
  // Stops accepting and closes idle connections; requests in flight are answered, then their connections close.
  void stop();
  // Connections still open (for the shutdown wait and metrics).
  std::size_t open_connections() const noexcept;
  std::uint64_t accepted_connections() const noexcept;  // since start

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace rgw::http
