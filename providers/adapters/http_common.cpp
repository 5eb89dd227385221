#include "providers/adapters/http_common.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/system_error.hpp>

namespace rgw::providers::adapters {
namespace {

// Errors that mean the request never left: nothing can have been created.
bool not_sent(const boost::system::error_code& ec) {
  return ec == boost::asio::error::connection_refused || ec == boost::asio::error::host_not_found ||
         ec == boost::asio::error::host_not_found_try_again || ec == boost::asio::error::network_unreachable ||
         ec.category() == boost::asio::error::get_ssl_category();
}

}  // namespace

boost::asio::awaitable<Exchange> exchange(Connection& connection, std::string_view method, const http::Url& url, std::string body) {
  for (bool first = true;; first = false) {
    Headers headers;
    if (method != "GET") headers["Content-Type"] = "application/json";
    if (connection.credentials)
      if (auto problem = co_await connection.credentials->apply(headers)) co_return retryable("not sent: " + *problem);
    http::ClientReply reply;
    try {
      if (method == "GET") reply = co_await connection.client.get(url, headers);
      else reply = co_await connection.client.post(url, body, headers);  // a copy: a second attempt sends it again
    } catch (const boost::system::system_error& e) {
      if (not_sent(e.code())) co_return retryable(std::string("not sent: ") + e.what());
      co_return unknown(std::string("no answer after sending: ") + e.what());
    }
    if (reply.status != 401) co_return reply;
    // A 401 may only mean a token that expired or was revoked early, or a secret rotated under us: fetch it afresh
    // and send once more. Sending an order again is safe only because it carries the same idempotency key: had
    // the first request made an order, the provider would answer with that one.
    if (first && connection.credentials && connection.credentials->refused(headers)) continue;
    co_return retryable("unauthorized: the provider refused our credentials (HTTP 401); orders wait until the secret is fixed");
  }
}

Result unknown(std::string detail) { return Result{Outcome::unknown, std::nullopt, "", std::move(detail), std::nullopt}; }

Result retryable(std::string detail, std::optional<std::chrono::milliseconds> wait) {
  return Result{Outcome::retryable, std::nullopt, "", std::move(detail), wait};
}

Result rejected(std::string detail, std::string provider_ref) {
  return Result{Outcome::rejected, std::nullopt, std::move(provider_ref), std::move(detail), std::nullopt};
}

std::optional<std::chrono::milliseconds> retry_after(const http::ClientReply& reply) {
  const auto it = reply.headers.find("retry-after");
  if (it == reply.headers.end()) return std::nullopt;
  try {
    return std::chrono::seconds(std::clamp(std::stol(it->second), 0L, 3600L));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> text_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<Result> unless_created(const http::ClientReply& reply) {
  if (reply.status == 200 || reply.status == 201) return std::nullopt;
  if (reply.status == 429) return retryable("rate limited (429)", retry_after(reply));
  if (reply.status == 400 || reply.status == 404 || reply.status == 422)
    return rejected("refused: HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 200));
  return unknown("HTTP " + std::to_string(reply.status) + " after the request was sent");
}

boost::asio::awaitable<Result> place_order(Connection& connection, const http::Url& url, std::string body, const char* object_key,
                                           Result (*read)(const nlohmann::json&)) {
  auto answer = co_await exchange(connection, "POST", url, std::move(body));
  if (auto* failed = std::get_if<Result>(&answer)) co_return std::move(*failed);
  const auto& reply = std::get<http::ClientReply>(answer);
  if (auto refused = unless_created(reply)) co_return std::move(*refused);
  const auto doc = nlohmann::json::parse(reply.body, nullptr, false);
  const auto* created = &doc;
  if (object_key) created = doc.is_object() && doc.contains(object_key) ? &doc[object_key] : nullptr;
  if (!created || !created->is_object()) co_return unknown("an answer that is not the expected JSON");
  co_return read(*created);
}

boost::asio::awaitable<Result> look_up(Connection& connection, const http::Url& url, const char* collection, Result (*read)(const nlohmann::json&)) {
  auto answer = co_await exchange(connection, "GET", url);
  if (auto* failed = std::get_if<Result>(&answer)) co_return unknown("status query failed: " + failed->detail);
  const auto& reply = std::get<http::ClientReply>(answer);
  if (reply.status != 200) co_return unknown("status query: HTTP " + std::to_string(reply.status));
  const auto found = nlohmann::json::parse(reply.body, nullptr, false);
  if (!found.is_object() || !found.contains(collection) || !found[collection].is_array()) co_return unknown("status query: not the expected JSON");
  if (found[collection].empty()) co_return retryable("nothing under this key at the provider");
  co_return read(found[collection][0]);
}

boost::asio::awaitable<std::optional<fx::Money>> read_balance(Connection& connection, const http::Url& url, const char* object_key, const char* amount,
                                                              const char* currency) {
  auto answer = co_await exchange(connection, "GET", url);
  const auto* reply = std::get_if<http::ClientReply>(&answer);
  if (!reply || reply->status != 200) co_return std::nullopt;
  const auto doc = nlohmann::json::parse(reply->body, nullptr, false);
  const auto source = object_key && doc.is_object() ? doc.value(object_key, nlohmann::json::object()) : doc;
  auto money = fx::Money::parse(text_field(source, amount).value_or(""), text_field(source, currency).value_or(""));
  if (!money) co_return std::nullopt;
  co_return *money;
}

http::Url HttpTarget::at(const std::string& path) const {
  auto url = base;
  url.target = (url.target == "/" ? "" : url.target) + path;
  return url;
}

HttpTarget http_target(const ProviderOptions& o) {
  const auto base = http::Url::parse(o.text("base_url"));
  if (!base) o.fail("'base_url' must be an http:// or https:// URL");
  const auto limits = o.limits();
  HttpTarget t{*base, {}, nullptr};
  t.client.connect_timeout = t.client.response_timeout = limits.timeout;
  t.client.max_response_bytes = 1024 * 1024;
  t.client.ca_file = o.optional_text("ca_file");
  t.credentials = Credentials::from_options(o, t.client);
  return t;
}

}  // namespace rgw::providers::adapters
