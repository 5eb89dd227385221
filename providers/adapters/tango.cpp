#include "providers/adapters/tango.hpp"

#include "gateway/core/format.hpp"
#include "providers/adapters/http_common.hpp"

namespace rgw::providers {
namespace {

using nlohmann::json;
using namespace adapters;

std::string error_message(const json& error) { return error_text(error, "message", "i18nKey"); }

// COMPLETE is issued, PENDING waits, FAILED and CANCELLED are final refusals; any other status keeps it open.
Outcome outcome_of(const std::string& status) {
  if (status == "COMPLETE") return Outcome::issued;
  if (status == "PENDING") return Outcome::pending;
  if (status == "FAILED" || status == "CANCELLED") return Outcome::rejected;
  return Outcome::unknown;
}

std::optional<Cost> cost_of(const json& order) {
  const auto charged = order.value("amountCharged", json::object());
  const auto currency = charged.value("currencyCode", json());
  auto total = money(charged.value("total", json()), currency);
  if (!total) return std::nullopt;
  return Cost{*total, money(charged.value("fee", json()), currency), std::nullopt};
}

// The reward's credentials by type: a claim code or card number, a PIN, a redemption URL, an expiry date.
std::optional<Reward> reward_of(const json& order) {
  const auto list = order.value("reward", json::object()).value("credentialList", json::array());
  std::optional<std::string> code, pin, card, url, expires;
  for (const auto& c : list) {
    const auto type = text_field(c, "credentialType").value_or("");
    const auto value = text_field(c, "value");
    if (type == "claimCode" || type == "code") code = value;
    else if (type == "pin") pin = value;
    else if (type == "cardNumber") card = value;
    else if (type == "redemptionUrl") url = value;
    else if (type == "expirationDate") expires = value;
  }
  if (!code && card) code = card;  // a prepaid card's number is its code
  if (!code) return std::nullopt;
  Reward reward{Secret(*code), std::nullopt, std::nullopt, url, expires};
  if (pin) reward.pin = Secret(*pin);
  if (card) reward.card_number = Secret(*card);
  return reward;
}

Result from_order(const json& order) {
  const auto status = text_field(order, "status").value_or("");
  const auto ref = text_field(order, "referenceOrderID").value_or("");
  switch (outcome_of(status)) {
    case Outcome::rejected: return rejected("Tango " + status + " the order", ref);
    case Outcome::pending: return pending("pending at Tango", ref);
    case Outcome::issued: break;
    default: return unknown("unknown order status '" + status.substr(0, 40) + "'");
  }
  auto reward = reward_of(order);
  if (!reward) return unknown("a COMPLETE order without a claim code or card number");
  return issued(std::move(*reward), ref, cost_of(order));
}

class TangoProvider final : public HttpProvider {
 public:
  TangoProvider(std::string name, Limits limits, HttpTarget target, std::string account, std::string customer)
      : HttpProvider(std::move(name), limits, std::move(target)), account_(std::move(account)), customer_(std::move(customer)) {}
  std::string_view kind() const override { return "tango"; }

 private:
  boost::asio::awaitable<Result> issue_at_provider(const IssueRequest& r) override {
    json body = {{"accountIdentifier", account_}, {"customerIdentifier", customer_}, {"utid", r.provider_sku},
                 {"amount", number(r.face)},      {"externalRefID", r.idempotency_key}, {"sendEmail", false}};
    if (r.recipient_email) {
      const auto name = r.recipient_name.value_or("");
      const auto space = name.find(' ');
      body["recipient"] = {{"email", *r.recipient_email}, {"firstName", name.substr(0, space)},
                           {"lastName", space == std::string::npos ? "" : name.substr(space + 1)}};
    }
    auto answer = co_await post_order(connection_, target_.at("/orders"), body.dump(), error_message);
    if (auto* result = std::get_if<Result>(&answer)) co_return std::move(*result);
    co_return from_order(std::get<json>(answer));
  }

  // The list finds the order by our reference; only the order itself carries the reward.
  boost::asio::awaitable<Result> status_at_provider(const IssueRequest& r) override {
    auto listed = co_await first_listed(connection_, target_.at("/orders?externalRefID=" + http::percent_encoded(r.idempotency_key)), "orders");
    if (auto* failed = std::get_if<Result>(&listed)) co_return std::move(*failed);
    const auto ref = text_field(std::get<json>(listed), "referenceOrderID");
    if (!ref) co_return unknown("status query: a listed order without referenceOrderID");
    auto order = co_await get_json(connection_, target_.at("/orders/" + http::percent_encoded(*ref)));
    if (auto* failed = std::get_if<Result>(&order)) co_return std::move(*failed);
    co_return from_order(std::get<json>(order));
  }

  boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() override {
    auto answer = co_await get_json(connection_, target_.at("/accounts/" + http::percent_encoded(account_)));
    const auto* account = std::get_if<json>(&answer);
    if (!account || !account->is_object()) co_return std::nullopt;
    co_return money(account->value("currentBalance", json()), account->value("currencyCode", json()));
  }

  bool lists_orders() const override { return true; }

  boost::asio::awaitable<OrderList> orders_between(std::chrono::sys_seconds from, std::chrono::sys_seconds to) override {
    std::vector<ListedOrder> all;
    std::size_t seen = 0;
    for (int page = 0;; ++page) {
      const auto url = target_.at("/orders?accountIdentifier=" + http::percent_encoded(account_) + "&startDate=" + http::percent_encoded(rgw::rfc3339(from)) +
                                  "&endDate=" + http::percent_encoded(rgw::rfc3339(to)) + "&elementsPerBlock=100&page=" + std::to_string(page));
      auto answer = co_await get_json(connection_, url);
      if (auto* failed = std::get_if<Result>(&answer)) co_return failed->detail;
      const auto& doc = std::get<json>(answer);
      const auto orders = doc.value("orders", json());
      const auto total = doc.value("page", json::object()).value("totalCount", -1);
      if (!orders.is_array() || total < 0) co_return "Tango's order list is not the expected JSON";
      seen += orders.size();
      for (const auto& o : orders) {
        const auto denomination = o.value("denomination", json::object());
        auto face = money(denomination.value("value", json()), denomination.value("currencyCode", json()));
        const auto created = timestamp(o.value("createdAt", json()));
        if (!face || !created) co_return "an order on Tango's list without a readable denomination or createdAt";
        if (*created < from || *created >= to) continue;  // its dates are inclusive; ours are not
        all.push_back({text_field(o, "referenceOrderID").value_or(""), text_field(o, "externalRefID").value_or(""), *face, cost_of(o), *created,
                       outcome_of(text_field(o, "status").value_or(""))});
      }
      if (orders.empty() || seen >= static_cast<std::size_t>(total)) co_return all;
    }
  }

  bool lists_products() const override { return true; }

  // One product per item (a fixed-value item is one face value); an item is out of stock unless its status is active.
  boost::asio::awaitable<ProductList> products() override {
    auto answer = co_await get_json(connection_, target_.at("/catalogs?verbose=true"));
    if (auto* failed = std::get_if<Result>(&answer)) co_return failed->detail;
    const auto brands = std::get<json>(answer).value("brands", json());
    if (!brands.is_array()) co_return "Tango's catalog is not the expected JSON";
    ProviderCatalog catalog;
    for (const auto& brand : brands) {
      for (const auto& item : brand.value("items", json::array())) {
        ListedProduct p{text_field(item, "utid").value_or(""), text_field(brand, "brandName").value_or(""), text_field(item, "rewardName").value_or(""),
                        text_field(brand, "description").value_or(""), text_field(item, "rewardType").value_or("").find("prepaid") != std::string::npos,
                        item.value("countries", std::vector<std::string>{}), {}, std::nullopt,
                        text_field(item, "status").value_or("") == "active" && text_field(brand, "status").value_or("active") == "active"};
        const auto fixed = item.value("valueType", "") == "FIXED_VALUE" ? json::array({item.value("faceValue", json())}) : json();
        if (p.provider_sku.empty() || !read_face_values(p, fixed, item.value("minValue", json()), item.value("maxValue", json()), item.value("currencyCode", json())))
          catalog.skipped.push_back("utid '" + p.provider_sku + "': no readable currencyCode, faceValue or minValue/maxValue");
        else
          catalog.products.push_back(std::move(p));
      }
    }
    co_return catalog;
  }

  std::string account_, customer_;
};

}  // namespace

std::unique_ptr<Provider> make_tango(const std::string& name, const ProviderOptions& o) {
  return std::make_unique<TangoProvider>(name, o.limits(), adapters::http_target(o), o.text("account"), o.text("customer"));
}

}  // namespace rgw::providers
