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
Result pending(std::string detail, std::string provider_ref);
Result issued(Reward reward, std::string provider_ref, std::optional<Cost> cost);
std::optional<std::chrono::milliseconds> retry_after(const http::ClientReply& reply);
std::optional<std::string> text_field(const nlohmann::json& object, const char* key);

// Money from a JSON amount — a number, as most of these APIs send it, or a decimal string — and a currency code.
// A number is read from its shortest round-trip text, which is the decimal the provider wrote ("10.1", never
// 10.0999…); an amount with more decimals than the currency has is nullopt, never rounded.
std::optional<fx::Money> money(const nlohmann::json& amount, const nlohmann::json& currency);
// a + b, either of which may be missing (then the other); nullopt when both are, or their currencies differ.
std::optional<fx::Money> add(const std::optional<fx::Money>& a, const std::optional<fx::Money>& b);
// Sets a listed product's face values from the provider's JSON: `fixed`, an array of amounts, when it is one, else
// the range `min`..`max`. False when they cannot be read (then the item is skipped, saying so).
bool read_face_values(ListedProduct& product, const nlohmann::json& fixed, const nlohmann::json& min, const nlohmann::json& max,
                      const nlohmann::json& currency);
// A face value as the JSON number these APIs expect, printing exactly as its decimal.
nlohmann::json number(const fx::Money& money);
// A provider's timestamp: ISO 8601 with a zone ("2026-12-01T10:00:00.123Z", "…+03:00") or, zone-less, UTC
// ("2026-12-01 10:00:00"); nullopt when it is neither.
std::optional<std::chrono::sys_seconds> timestamp(const nlohmann::json& text);

// A JSON answer to GET `url` (any 2xx), or what failing to get one means for a status question: `unknown`.
using JsonAnswer = std::variant<nlohmann::json, Result>;
boost::asio::awaitable<JsonAnswer> get_json(Connection& connection, const http::Url& url);

// The first item of the `collection` array that GET `url` answers (a look-up by our reference): `retryable` when
// the list is empty (nothing under the key, so issuing again with it is safe), `unknown` when the question failed.
boost::asio::awaitable<JsonAnswer> first_listed(Connection& connection, const http::Url& url, const char* collection);
// An error body's text: its `message_key` field, with its `code_key` field in parentheses when there is one.
std::string error_text(const nlohmann::json& error, const char* message_key, const char* code_key);

// POSTs an order and returns the provider's JSON answer when it made (or replayed) one — 200 or 201; with
// `object_key`, the object under that key of the answer (`unknown` when there is none) — or the
// Result a refusal means: 429 retryable (with its Retry-After), 402 retryable (funds; nothing made), 400/404/422
// rejected with the provider's own words (`message` reads them from its error body), anything else unknown (the
// order may exist: a 5xx, or a 409 for a key used with another payload).
boost::asio::awaitable<JsonAnswer> post_order(Connection& connection, const http::Url& url, std::string body,
                                              std::string (*message)(const nlohmann::json& error), const char* object_key = nullptr);

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
  void drop_idle_connections() override {
    connection_.client.drop_idle();
    if (connection_.credentials) connection_.credentials->drop_idle_connections();
  }

 protected:
  HttpProvider(std::string name, Limits limits, HttpTarget target)
      : Provider(std::move(name), limits), target_(std::move(target)), connection_{http::Client(target_.client), target_.credentials} {}

  HttpTarget target_;
  Connection connection_;
};

}  // namespace rgw::providers::adapters
