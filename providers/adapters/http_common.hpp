#pragma once
// What the HTTP adapters share: their base class (target and client), placing and looking up orders, classifying
// transport failures (sent or not), Retry-After, the result of a call that could not be classified, reading
// optional JSON text fields and balances, and the HTTP client their options describe.
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "gateway/net/client.hpp"
#include "providers/credentials.hpp"
#include "providers/options.hpp"

namespace rgw::providers::adapters {

// Where an adapter's calls go: a client with kept-alive connections, and the credentials each request carries.
struct Connection {
  http::Client client;
  std::shared_ptr<Credentials> credentials;  // null: the provider takes none
};

// The reply, or the Result that a failed exchange means: retryable when the request never left or the provider
// refused our credentials (it made nothing; fixing the secret lets the order go on), else unknown.
using Exchange = std::variant<http::ClientReply, Result>;
boost::asio::awaitable<Exchange> exchange(Connection& connection, std::string_view method, const http::Url& url, std::string body = {});

Result unknown(std::string detail);
Result retryable(std::string detail, std::optional<std::chrono::milliseconds> retry_after = std::nullopt);
Result rejected(std::string detail, std::string provider_ref = {});
std::optional<std::chrono::milliseconds> retry_after(const http::ClientReply& reply);
std::optional<std::string> text_field(const nlohmann::json& object, const char* key);
// A balance read from `url` as money in two text fields of `object_key`'s object (or of the answer itself when
// object_key is null); nullopt for any failure.
boost::asio::awaitable<std::optional<fx::Money>> read_balance(Connection& connection, const http::Url& url, const char* object_key, const char* amount,
                                                              const char* currency);

// What an answer to an order POST means when it is no success: 429 retryable (with its Retry-After), 400/404/422
// rejected, any other status but 200/201 unknown (the order may exist: a 5xx, or a 409 for a key used with
// another payload). nullopt for 200/201: read the body.
std::optional<Result> unless_created(const http::ClientReply& reply);

// POSTs an order (or credit) to `url` and reads the created object — the answer itself, or its `object_key`
// member when that is not null — as `read` says; a failed exchange, a status that is no success (unless_created)
// or an answer without that object is the Result instead.
boost::asio::awaitable<Result> place_order(Connection& connection, const http::Url& url, std::string body, const char* object_key,
                                           Result (*read)(const nlohmann::json&));

// Looks the key up at `url`, whose answer is {"<collection>": [item]}: the first item as `read` says; retryable
// when there is none (nothing under the key, so issuing again with it is safe); unknown when the question failed.
boost::asio::awaitable<Result> look_up(Connection& connection, const http::Url& url, const char* collection, Result (*read)(const nlohmann::json&));

// base_url (required), ca_file, auth (credentials.hpp); timeouts from the provider's limits.
struct HttpTarget {
  http::Url base;
  http::ClientConfig client;
  std::shared_ptr<Credentials> credentials;
  http::Url at(const std::string& path) const;
};
HttpTarget http_target(const ProviderOptions& options);

// What every HTTP adapter holds: where the provider is, and the connection (client and credentials) to it.
class HttpProvider : public Provider {
 public:
  void drop_idle_connections() override { connection_.client.drop_idle(); }

 protected:
  HttpProvider(std::string name, Limits limits, HttpTarget target)
      : Provider(std::move(name), limits), target_(std::move(target)), connection_{http::Client(target_.client), target_.credentials} {}

  HttpTarget target_;
  Connection connection_;
};

}  // namespace rgw::providers::adapters
