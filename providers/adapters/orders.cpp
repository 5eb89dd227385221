#include "providers/adapters/orders.hpp"

#include "providers/adapters/http_common.hpp"

namespace rgw::providers {
namespace {

using nlohmann::json;
using namespace adapters;

// Issued only when the order executed and its reward's link was delivered; failed only on an explicit
// CANCELED/FAILED; anything else (statuses this adapter does not know included) keeps the outcome open.
Result from_order(const json& order) {
  const auto status = text_field(order, "status").value_or("");
  const auto id = text_field(order, "id").value_or("");
  if (status == "CANCELED" || status == "FAILED") return rejected("the provider " + status + " the order", id);
  if (status == "PENDING_APPROVAL") return Result{Outcome::pending, std::nullopt, id, "pending approval at the provider", std::nullopt};
  if (status != "EXECUTED") return unknown("unknown order status '" + status.substr(0, 40) + "'");
  const auto rewards = order.find("rewards");
  if (rewards == order.end() || !rewards->is_array() || rewards->empty()) return unknown("an executed order without a reward");
  const auto& reward = (*rewards)[0];
  const auto delivery = reward.is_object() ? reward.value("delivery", json::object()) : json::object();
  const auto delivered = text_field(delivery, "status").value_or("");
  if (delivered == "FAILED") return rejected("the reward's delivery failed", id);
  if (delivered == "PENDING") return Result{Outcome::pending, std::nullopt, id, "delivery pending", std::nullopt};
  const auto reward_id = text_field(reward, "id");
  const auto link = text_field(delivery, "link");
  if (delivered != "SUCCEEDED" || !reward_id || !link) return unknown("an executed order without a delivered link");
  return Result{Outcome::issued, Reward{Secret(*reward_id), std::nullopt, std::nullopt, *link, std::nullopt}, id, "", std::nullopt};
}

class OrdersProvider final : public HttpProvider {
 public:
  OrdersProvider(std::string name, Limits limits, HttpTarget target, std::string funding_source)
      : HttpProvider(std::move(name), limits, std::move(target)), funding_source_(std::move(funding_source)) {}
  std::string_view kind() const override { return "orders"; }

 private:
  boost::asio::awaitable<Result> issue_at_provider(const IssueRequest& r) override {
    json reward = {{"value", {{"denomination", r.face.amount_string()}, {"currency_code", std::string(r.face.currency().code())}}},
                   {"products", json::array({r.provider_sku})},
                   {"delivery", {{"method", "LINK"}}}};
    if (r.recipient_email) reward["recipient"] = {{"email", *r.recipient_email}, {"name", r.recipient_name.value_or("")}};
    const json body = {{"external_id", r.idempotency_key}, {"payment", {{"funding_source_id", funding_source_}}}, {"reward", reward}};
    co_return co_await place_order(connection_, target_.at("/orders"), body.dump(), "order", from_order);
  }

  boost::asio::awaitable<Result> status_at_provider(const IssueRequest& r) override {
    co_return co_await look_up(connection_, target_.at("/orders?external_id=" + r.idempotency_key), "orders", from_order);  // keys are URL-safe
  }

  boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() override {
    co_return co_await read_balance(connection_, target_.at("/funding"), "funding_source", "available", "currency_code");
  }

  std::string funding_source_;
};

}  // namespace

std::unique_ptr<Provider> make_orders(const std::string& name, const ProviderOptions& o) {
  return std::make_unique<OrdersProvider>(name, o.limits(), adapters::http_target(o), o.optional_text("funding_source").value_or("balance"));
}

}  // namespace rgw::providers
