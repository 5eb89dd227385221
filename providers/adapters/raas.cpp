#include "providers/adapters/raas.hpp"

#include "providers/adapters/http_common.hpp"

namespace rgw::providers {
namespace {

using nlohmann::json;
using namespace adapters;

// An order document → an outcome. Only COMPLETE with a code is `issued`, only FAILED is `rejected`; any other
// status (including ones this adapter does not know) keeps the outcome open.
Result from_order(const json& order) {
  const auto status = text_field(order, "status").value_or("");
  const auto ref = text_field(order, "referenceOrderID").value_or("");
  if (status == "FAILED") return rejected("the provider failed the order", ref);
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

class RaasProvider final : public HttpProvider {
 public:
  RaasProvider(std::string name, Limits limits, HttpTarget target, std::string account)
      : HttpProvider(std::move(name), limits, std::move(target)), account_(std::move(account)) {}
  std::string_view kind() const override { return "raas"; }

 private:
  boost::asio::awaitable<Result> issue_at_provider(const IssueRequest& r) override {
    json body = {{"externalRefID", r.idempotency_key},
                 {"utid", r.provider_sku},
                 {"amount", r.face.amount_string()},
                 {"currency", std::string(r.face.currency().code())},
                 {"accountIdentifier", account_}};
    if (r.recipient_email) body["recipient"] = {{"email", *r.recipient_email}, {"name", r.recipient_name.value_or("")}};
    co_return co_await place_order(connection_, target_.at("/orders"), body.dump(), nullptr, from_order);
  }

  boost::asio::awaitable<Result> status_at_provider(const IssueRequest& r) override {
    co_return co_await look_up(connection_, target_.at("/orders?externalRefID=" + r.idempotency_key), "orders", from_order);  // keys are URL-safe
  }

  boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() override {
    co_return co_await read_balance(connection_, target_.at("/accounts/" + account_), nullptr, "currentBalance", "currencyCode");
  }

  std::string account_;
};

}  // namespace

std::unique_ptr<Provider> make_raas(const std::string& name, const ProviderOptions& o) {
  return std::make_unique<RaasProvider>(name, o.limits(), adapters::http_target(o), o.optional_text("account").value_or("rewardgw"));
}

}  // namespace rgw::providers
