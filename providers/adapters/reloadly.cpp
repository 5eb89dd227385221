#include "providers/adapters/reloadly.hpp"

#include <date/date.h>

#include "providers/adapters/http_common.hpp"

namespace rgw::providers {
namespace {

using nlohmann::json;
using namespace adapters;

std::string error_message(const json& error) { return error_text(error, "message", "errorCode"); }

Outcome outcome_of(const std::string& status) {
  if (status == "SUCCESSFUL") return Outcome::issued;
  if (status == "PENDING" || status == "PROCESSING") return Outcome::pending;
  if (status == "FAILED" || status == "REFUNDED") return Outcome::rejected;
  return Outcome::unknown;
}

// What our account paid: the amount (the discount already off) plus the fees, in the account's currency.
std::optional<Cost> cost_of(const json& t) {
  const auto currency = t.value("currencyCode", json());
  auto amount = money(t.value("amount", json()), currency);
  if (!amount) return std::nullopt;
  auto fees = add(money(t.value("fee", json()), currency), money(t.value("smsFee", json()), currency));
  return Cost{add(amount, fees).value(), fees, money(t.value("discount", json()), currency)};
}

std::optional<fx::Money> face_of(const json& t) {
  const auto product = t.value("product", json::object());
  return money(product.value("unitPrice", json()), product.value("currencyCode", json()));
}

class ReloadlyProvider final : public HttpProvider {
 public:
  ReloadlyProvider(std::string name, Limits limits, HttpTarget target, std::string sender)
      : HttpProvider(std::move(name), limits, std::move(target)), sender_(std::move(sender)) {}
  std::string_view kind() const override { return "reloadly"; }

 private:
  // A transaction → an outcome; a successful one needs a second call for its cards.
  boost::asio::awaitable<Result> settle(const json& t) {
    const auto status = text_field(t, "status").value_or("");
    const auto id = t.value("transactionId", json());
    const auto ref = id.is_number_integer() ? id.dump() : text_field(t, "transactionId").value_or("");
    switch (outcome_of(status)) {
      case Outcome::rejected: co_return rejected("Reloadly: the transaction is " + status, ref);
      case Outcome::pending: co_return pending("pending at Reloadly (" + status + ")", ref);
      case Outcome::issued: break;
      default: co_return unknown("unknown transaction status '" + status.substr(0, 40) + "'");
    }
    if (ref.empty()) co_return unknown("a SUCCESSFUL transaction without transactionId");
    auto cards = co_await get_json(connection_, target_.at("/orders/transactions/" + http::percent_encoded(ref) + "/cards"));
    if (auto* failed = std::get_if<Result>(&cards)) co_return std::move(*failed);
    const auto& list = std::get<json>(cards);
    if (!list.is_array() || list.empty() || !list[0].is_object()) co_return unknown("a SUCCESSFUL transaction without cards");
    const auto& card = list[0];
    const auto number = text_field(card, "cardNumber");
    const auto pin = text_field(card, "pinCode");
    if (!number && !pin) co_return unknown("a card without a number or PIN");
    Reward reward{Secret(number.value_or(*pin)), std::nullopt, std::nullopt, text_field(card, "redemptionUrl"), std::nullopt};
    if (pin && number) reward.pin = Secret(*pin);
    co_return issued(std::move(reward), ref, cost_of(t));
  }

  boost::asio::awaitable<Result> issue_at_provider(const IssueRequest& r) override {
    const auto colon = r.provider_sku.find(':');
    const auto product = json::parse(r.provider_sku.substr(0, colon), nullptr, false);
    if (!product.is_number_unsigned()) co_return rejected("route SKU '" + r.provider_sku.substr(0, 40) + "' is not a Reloadly productId");
    json body = {{"productId", product}, {"quantity", 1}, {"unitPrice", number(r.face)}, {"customIdentifier", r.idempotency_key}, {"senderName", sender_}};
    if (colon != std::string::npos) body["countryCode"] = r.provider_sku.substr(colon + 1);
    if (r.recipient_email) body["recipientEmail"] = *r.recipient_email;
    auto answer = co_await post_order(connection_, target_.at("/orders"), body.dump(), error_message);
    if (auto* result = std::get_if<Result>(&answer)) {
      // A second order under our customIdentifier is refused because the first exists: ask, do not fail.
      if (result->outcome == Outcome::rejected && result->detail.find("customIdentifier") != std::string::npos)
        co_return unknown("Reloadly already has an order under this customIdentifier: " + result->detail);
      co_return std::move(*result);
    }
    co_return co_await settle(std::get<json>(answer));
  }

  boost::asio::awaitable<Result> status_at_provider(const IssueRequest& r) override {
    const auto url = target_.at("/reports/transactions?customIdentifier=" + http::percent_encoded(r.idempotency_key) + "&page=1&size=1");
    auto found = co_await first_listed(connection_, url, "content");
    if (auto* failed = std::get_if<Result>(&found)) co_return std::move(*failed);
    co_return co_await settle(std::get<json>(found));
  }

  boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() override {
    auto answer = co_await get_json(connection_, target_.at("/accounts/balance"));
    const auto* doc = std::get_if<json>(&answer);
    if (!doc || !doc->is_object()) co_return std::nullopt;
    co_return money(doc->value("balance", json()), doc->value("currencyCode", json()));
  }

  bool lists_orders() const override { return true; }

  boost::asio::awaitable<OrderList> orders_between(std::chrono::sys_seconds from, std::chrono::sys_seconds to) override {
    const auto day_time = [](std::chrono::sys_seconds at) { return http::percent_encoded(date::format("%F %T", at)); };
    std::vector<ListedOrder> all;
    for (int page = 1;; ++page) {
      const auto url = target_.at("/reports/transactions?startDate=" + day_time(from) + "&endDate=" + day_time(to) + "&size=100&page=" + std::to_string(page));
      auto answer = co_await get_json(connection_, url);
      if (auto* failed = std::get_if<Result>(&answer)) co_return failed->detail;
      const auto& doc = std::get<json>(answer);
      const auto content = doc.value("content", json());
      const auto pages = doc.value("totalPages", -1);
      if (!content.is_array() || pages < 0) co_return "Reloadly's transaction report is not the expected JSON";
      for (const auto& t : content) {
        const auto face = face_of(t);
        const auto created = timestamp(t.value("transactionCreatedTime", json()));
        if (!face || !created) co_return "a transaction on Reloadly's report without a readable unitPrice or transactionCreatedTime";
        if (*created < from || *created >= to) continue;
        const auto id = t.value("transactionId", json());
        all.push_back({id.is_number_integer() ? id.dump() : "", text_field(t, "customIdentifier").value_or(""), *face, cost_of(t), *created,
                       outcome_of(text_field(t, "status").value_or(""))});
      }
      if (content.empty() || page >= pages) co_return all;
    }
  }

  bool lists_products() const override { return true; }

  // One product per productId, its SKU "<productId>:<country isoName>" as orders name it; out of stock unless ACTIVE.
  boost::asio::awaitable<ProductList> products() override {
    ProviderCatalog catalog;
    for (int page = 1;; ++page) {
      auto answer = co_await get_json(connection_, target_.at("/products?size=200&page=" + std::to_string(page)));
      if (auto* failed = std::get_if<Result>(&answer)) co_return failed->detail;
      const auto& doc = std::get<json>(answer);
      const auto content = doc.value("content", json());
      const auto pages = doc.value("totalPages", -1);
      if (!content.is_array() || pages < 0) co_return "Reloadly's product list is not the expected JSON";
      for (const auto& product : content) {
        const auto id = product.value("productId", json());
        const auto country = text_field(product.value("country", json::object()), "isoName").value_or("");
        ListedProduct p{id.is_number_unsigned() ? id.dump() + ":" + country : "", text_field(product.value("brand", json::object()), "brandName").value_or(""),
                        text_field(product, "productName").value_or(""), "", false, {country}, {}, std::nullopt,
                        text_field(product, "status").value_or("") == "ACTIVE"};
        const auto fixed = product.value("denominationType", "") == "FIXED" ? product.value("fixedRecipientDenominations", json()) : json();
        if (p.provider_sku.empty() || country.empty() ||
            !read_face_values(p, fixed, product.value("minRecipientDenomination", json()), product.value("maxRecipientDenomination", json()),
                              product.value("recipientCurrencyCode", json())))
          catalog.skipped.push_back("productId " + id.dump() + ": no readable country, recipientCurrencyCode or denominations");
        else
          catalog.products.push_back(std::move(p));
      }
      if (content.empty() || page >= pages) co_return catalog;
    }
  }

  std::string sender_;
};

}  // namespace

std::unique_ptr<Provider> make_reloadly(const std::string& name, const ProviderOptions& o) {
  return std::make_unique<ReloadlyProvider>(name, o.limits(), adapters::http_target(o), o.optional_text("sender_name").value_or("rewardgw"));
}

}  // namespace rgw::providers
