#include "providers/adapters/http_common.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/system_error.hpp>
#include <date/date.h>

#include "gateway/core/format.hpp"

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

Result unknown(std::string detail) { return Result::answer(Outcome::unknown, std::move(detail)); }

Result retryable(std::string detail, std::optional<std::chrono::milliseconds> wait) {
  auto r = Result::answer(Outcome::retryable, std::move(detail));
  r.retry_after = wait;
  return r;
}

Result rejected(std::string detail, std::string provider_ref) { return Result::answer(Outcome::rejected, std::move(detail), std::move(provider_ref)); }

Result pending(std::string detail, std::string provider_ref) { return Result::answer(Outcome::pending, std::move(detail), std::move(provider_ref)); }

Result issued(Reward reward, std::string provider_ref, std::optional<Cost> cost) {
  Result r;
  r.outcome = Outcome::issued;
  r.reward = std::move(reward);
  r.provider_ref = std::move(provider_ref);
  r.cost = std::move(cost);
  return r;
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

std::optional<fx::Money> money(const nlohmann::json& amount, const nlohmann::json& currency) {
  if (!currency.is_string() || !(amount.is_number() || amount.is_string())) return std::nullopt;
  const auto text = amount.is_string() ? amount.get<std::string>() : amount.dump();
  auto parsed = fx::Money::parse(text, currency.get<std::string>());
  if (!parsed) return std::nullopt;
  return *parsed;
}

std::optional<fx::Money> add(const std::optional<fx::Money>& a, const std::optional<fx::Money>& b) {
  if (!a || !b) return a ? a : b;
  if (a->currency() != b->currency()) return std::nullopt;
  // Both are at the currency's minor units, so their units add.
  const auto sum = fx::Decimal::from_units(a->amount().units() + b->amount().units(), a->amount().scale());
  if (!sum) return std::nullopt;
  return fx::Money::round(*sum, a->currency()).value();
}

bool read_face_values(ListedProduct& product, const nlohmann::json& fixed, const nlohmann::json& min, const nlohmann::json& max,
                      const nlohmann::json& currency) {
  if (fixed.is_array() && !fixed.empty()) {
    for (const auto& value : fixed) {
      auto face = money(value, currency);
      if (!face) return false;
      product.fixed_values.push_back(*face);
    }
    return true;
  }
  auto least = money(min, currency), greatest = money(max, currency);
  if (!least || !greatest || greatest->amount() < least->amount()) return false;
  product.range.emplace(*least, *greatest);
  return true;
}

nlohmann::json number(const fx::Money& money) { return nlohmann::json::parse(money.amount_string()); }

std::optional<std::chrono::sys_seconds> timestamp(const nlohmann::json& text) {
  if (!text.is_string()) return std::nullopt;
  auto value = text.get<std::string>();
  if (value.size() == 19 && value[10] == ' ') value = value.substr(0, 10) + 'T' + value.substr(11) + 'Z';  // zone-less: UTC
  const auto at = parse_rfc3339(value);
  if (!at) return std::nullopt;
  return std::chrono::floor<std::chrono::seconds>(*at);
}

boost::asio::awaitable<JsonAnswer> get_json(Connection& connection, const http::Url& url) {
  auto answer = co_await exchange(connection, "GET", url);
  if (auto* failed = std::get_if<Result>(&answer)) co_return unknown("query failed: " + failed->detail);
  const auto& reply = std::get<http::ClientReply>(answer);
  if (reply.status < 200 || reply.status > 299) co_return unknown("query: HTTP " + std::to_string(reply.status));
  auto doc = nlohmann::json::parse(reply.body, nullptr, false);
  if (doc.is_discarded()) co_return unknown("query: an answer that is not JSON");
  co_return doc;
}

boost::asio::awaitable<JsonAnswer> first_listed(Connection& connection, const http::Url& url, const char* collection) {
  auto answer = co_await get_json(connection, url);
  if (std::holds_alternative<Result>(answer)) co_return answer;
  const auto list = std::get<nlohmann::json>(answer).value(collection, nlohmann::json());
  if (!list.is_array()) co_return unknown(std::string("status query: no '") + collection + "' list in the answer");
  if (list.empty()) co_return retryable("nothing under this reference at the provider");
  co_return list[0];
}

std::string error_text(const nlohmann::json& error, const char* message_key, const char* code_key) {
  auto text = text_field(error, message_key).value_or("");
  if (auto code = text_field(error, code_key)) text += " (" + *code + ")";
  return text;
}

boost::asio::awaitable<JsonAnswer> post_order(Connection& connection, const http::Url& url, std::string body,
                                              std::string (*message)(const nlohmann::json& error), const char* object_key) {
  auto answer = co_await exchange(connection, "POST", url, std::move(body));
  if (auto* failed = std::get_if<Result>(&answer)) co_return std::move(*failed);
  const auto& reply = std::get<http::ClientReply>(answer);
  const auto doc = nlohmann::json::parse(reply.body, nullptr, false);
  const auto says = [&] { return doc.is_discarded() ? reply.body.substr(0, 200) : message(doc).substr(0, 200); };
  if (reply.status == 200 || reply.status == 201) {
    if (!doc.is_object()) co_return unknown("an answer that is not the expected JSON");
    if (!object_key) co_return doc;
    auto made = doc.value(object_key, nlohmann::json());
    if (!made.is_object()) co_return unknown(std::string("an answer without the ") + object_key);
    co_return made;
  }
  if (reply.status == 429) co_return retryable("rate limited (429)", retry_after(reply));
  if (reply.status == 402) co_return retryable("insufficient funds at the provider (402): " + says());
  if (reply.status == 400 || reply.status == 404 || reply.status == 422) co_return rejected("refused: HTTP " + std::to_string(reply.status) + ": " + says());
  co_return unknown("HTTP " + std::to_string(reply.status) + " after the request was sent: " + says());
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
