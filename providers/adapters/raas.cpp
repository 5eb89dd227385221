#include "providers/adapters/raas.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/system_error.hpp>

#include "providers/http/client.hpp"

namespace rgw::providers {
namespace {

using nlohmann::json;

// Errors that mean the request never left: nothing can have been created.
bool not_sent(const boost::system::error_code& ec) {
  return ec == boost::asio::error::connection_refused || ec == boost::asio::error::host_not_found ||
         ec == boost::asio::error::host_not_found_try_again || ec == boost::asio::error::network_unreachable ||
         ec.category() == boost::asio::error::get_ssl_category();
}

Result unknown(std::string detail) { return Result{Outcome::unknown, std::nullopt, "", std::move(detail), std::nullopt}; }

std::optional<std::string> text_field(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// An order document → an outcome. Only COMPLETE with a code is `issued`, only FAILED is `rejected`; any other
// status (including ones this adapter does not know) keeps the outcome open.
Result from_order(const json& order) {
  const auto status = text_field(order, "status").value_or("");
  const auto ref = text_field(order, "referenceOrderID").value_or("");
  if (status == "FAILED") return Result{Outcome::rejected, std::nullopt, ref, "the provider failed the order", std::nullopt};
  if (status == "PENDING") return Result{Outcome::pending, std::nullopt, ref, "pending at the provider", std::nullopt};
  if (status != "COMPLETE") return unknown("unknown order status '" + status.substr(0, 40) + "'");
  const auto credentials = order.contains("reward") && order["reward"].is_object() ? order["reward"].value("credentials", json::object()) : json::object();
  const auto code = credentials.is_object() ? text_field(credentials, "code") : std::nullopt;
  if (!code) return unknown("a COMPLETE order without a code");
  Reward reward{Secret(*code), std::nullopt, std::nullopt, text_field(credentials, "url"), text_field(credentials, "expiresOn")};
  if (auto pin = text_field(credentials, "pin")) reward.pin = Secret(*pin);
  if (auto card = text_field(credentials, "cardNumber")) reward.card_number = Secret(*card);
  return Result{Outcome::issued, std::move(reward), ref, "", std::nullopt};
}

std::optional<std::chrono::milliseconds> retry_after(const http::Reply& reply) {
  const auto it = reply.headers.find("retry-after");
  if (it == reply.headers.end()) return std::nullopt;
  try {
    return std::chrono::seconds(std::clamp(std::stol(it->second), 0L, 3600L));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

class RaasProvider final : public Provider {
 public:
  RaasProvider(std::string name, Limits limits, http::Url base, std::string account, http::ClientConfig client)
      : Provider(std::move(name), limits), base_(std::move(base)), account_(std::move(account)), client_(std::move(client)) {}
  std::string_view kind() const override { return "raas"; }

 private:
  http::Url at(const std::string& path) const {
    auto url = base_;
    url.target = (url.target == "/" ? "" : url.target) + path;
    return url;
  }

  boost::asio::awaitable<Result> issue_at_provider(const IssueRequest& r) override {
    json body = {{"externalRefID", r.idempotency_key},
                 {"utid", r.provider_sku},
                 {"amount", r.face.amount_string()},
                 {"currency", std::string(r.face.currency().code())},
                 {"accountIdentifier", account_}};
    if (r.recipient_email) body["recipient"] = {{"email", *r.recipient_email}, {"name", r.recipient_name.value_or("")}};
    std::map<std::string, std::string> headers;
    headers["Content-Type"] = "application/json";
    http::Reply reply;
    try {
      reply = co_await client_.post(at("/orders"), body.dump(), headers);
    } catch (const boost::system::system_error& e) {
      if (not_sent(e.code())) co_return Result{Outcome::retryable, std::nullopt, "", std::string("not sent: ") + e.what(), std::nullopt};
      co_return unknown(std::string("no answer after sending: ") + e.what());
    }
    if (reply.status == 429) co_return Result{Outcome::retryable, std::nullopt, "", "rate limited (429)", retry_after(reply)};
    if (reply.status == 400 || reply.status == 404 || reply.status == 422)
      co_return Result{Outcome::rejected, std::nullopt, "", "refused: HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 200), std::nullopt};
    if (reply.status != 200 && reply.status != 201) co_return unknown("HTTP " + std::to_string(reply.status) + " after the order was sent");
    const auto order = json::parse(reply.body, nullptr, false);
    if (!order.is_object()) co_return unknown("an answer that is not JSON");
    co_return from_order(order);
  }

  boost::asio::awaitable<Result> status_at_provider(const IssueRequest& r) override {
    auto url = at("/orders");
    url.target += "?externalRefID=" + r.idempotency_key;  // gateway keys are URL-safe (rgw_ + ULID)
    http::Reply reply;
    try {
      reply = co_await client_.get(url);
    } catch (const boost::system::system_error& e) {
      co_return unknown(std::string("status query failed: ") + e.what());
    }
    if (reply.status != 200) co_return unknown("status query: HTTP " + std::to_string(reply.status));
    const auto found = json::parse(reply.body, nullptr, false);
    if (!found.is_object() || !found.contains("orders") || !found["orders"].is_array()) co_return unknown("status query: not the expected JSON");
    if (found["orders"].empty()) co_return Result{Outcome::retryable, std::nullopt, "", "no order under this reference", std::nullopt};
    co_return from_order(found["orders"][0]);
  }

  boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() override {
    try {
      const auto reply = co_await client_.get(at("/accounts/" + account_));
      const auto doc = json::parse(reply.body, nullptr, false);
      if (reply.status != 200 || !doc.is_object()) co_return std::nullopt;
      auto money = fx::Money::parse(text_field(doc, "currentBalance").value_or(""), text_field(doc, "currencyCode").value_or(""));
      if (!money) co_return std::nullopt;
      co_return *money;
    } catch (const std::exception&) {
      co_return std::nullopt;
    }
  }

  http::Url base_;
  std::string account_;
  http::Client client_;
};

}  // namespace

std::unique_ptr<Provider> make_raas(const std::string& name, const ProviderOptions& o) {
  const auto base = http::Url::parse(o.text("base_url"));
  if (!base) o.fail("'base_url' must be an http:// or https:// URL");
  const auto limits = o.limits();
  http::ClientConfig client;
  client.connect_timeout = client.response_timeout = limits.timeout;
  client.max_response_bytes = 1024 * 1024;
  client.ca_file = o.optional_text("ca_file");
  return std::make_unique<RaasProvider>(name, limits, *base, o.optional_text("account").value_or("rewardgw"), std::move(client));
}

}  // namespace rgw::providers
