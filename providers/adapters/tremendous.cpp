#include "providers/adapters/tremendous.hpp"

#include "gateway/core/format.hpp"
#include "providers/adapters/http_common.hpp"

namespace rgw::providers {
namespace {

using nlohmann::json;
using namespace adapters;

std::string error_message(const json& error) { return text_field(error.value("errors", json::object()), "message").value_or(""); }

// EXECUTED with the reward's link delivered is issued; CANCELED and FAILED (the order's or the delivery's) are
// final; the order statuses that wait for an approval or a settlement, and a delivery not done yet, are pending.
Outcome outcome_of(const json& order) {
  const auto status = text_field(order, "status").value_or("");
  if (status == "CANCELED" || status == "FAILED") return Outcome::rejected;
  if (status == "OPEN" || status.starts_with("PENDING ")) return Outcome::pending;
  if (status != "EXECUTED") return Outcome::unknown;
  const auto rewards = order.value("rewards", json::array());
  const auto delivered = rewards.empty() ? "" : text_field(rewards[0].value("delivery", json::object()), "status").value_or("");
  if (delivered == "FAILED") return Outcome::rejected;
  if (delivered == "SCHEDULED" || delivered == "PENDING") return Outcome::pending;
  return delivered == "SUCCEEDED" ? Outcome::issued : Outcome::unknown;
}

class TremendousProvider final : public HttpProvider {
 public:
  TremendousProvider(std::string name, Limits limits, HttpTarget target, std::string funding_source, std::string funding_currency)
      : HttpProvider(std::move(name), limits, std::move(target)), funding_source_(std::move(funding_source)), funding_currency_(std::move(funding_currency)) {}
  std::string_view kind() const override { return "tremendous"; }

 private:
  std::optional<Cost> cost_of(const json& order) const {
    const auto payment = order.value("payment", json::object());
    auto total = money(payment.value("total", json()), funding_currency_);
    if (!total) return std::nullopt;
    return Cost{*total, money(payment.value("fees", json()), funding_currency_), money(payment.value("discount", json()), funding_currency_)};
  }

  Result from_order(const json& order) const {
    const auto id = text_field(order, "id").value_or("");
    const auto status = text_field(order, "status").value_or("");
    switch (outcome_of(order)) {
      case Outcome::rejected: return rejected("Tremendous: the order or its delivery is " + status, id);
      case Outcome::pending: return pending("pending at Tremendous (" + status + ")", id);
      case Outcome::issued: break;
      default: return unknown("unknown order or delivery status '" + status.substr(0, 40) + "'");
    }
    const auto& reward = order["rewards"][0];
    const auto reward_id = text_field(reward, "id");
    const auto link = text_field(reward.value("delivery", json::object()), "link");
    if (!reward_id || !link) return unknown("an executed order without a delivered link");
    return issued(Reward{Secret(*reward_id), std::nullopt, std::nullopt, *link, std::nullopt}, id, cost_of(order));
  }

  boost::asio::awaitable<Result> issue_at_provider(const IssueRequest& r) override {
    json reward = {{"value", {{"denomination", number(r.face)}, {"currency_code", std::string(r.face.currency().code())}}},
                   {"products", json::array({r.provider_sku})},
                   {"delivery", {{"method", "LINK"}}}};
    if (r.recipient_email) reward["recipient"] = {{"email", *r.recipient_email}, {"name", r.recipient_name.value_or(*r.recipient_email)}};
    const json body = {{"external_id", r.idempotency_key}, {"payment", {{"funding_source_id", funding_source_}}}, {"reward", reward}};
    auto answer = co_await post_order(connection_, target_.at("/orders"), body.dump(), error_message, "order");
    if (auto* result = std::get_if<Result>(&answer)) co_return std::move(*result);
    co_return from_order(std::get<json>(answer));
  }

  boost::asio::awaitable<Result> status_at_provider(const IssueRequest& r) override {
    auto found = co_await first_listed(connection_, target_.at("/orders?external_id=" + http::percent_encoded(r.idempotency_key)), "orders");
    if (auto* failed = std::get_if<Result>(&found)) co_return std::move(*failed);
    co_return from_order(std::get<json>(found));
  }

  boost::asio::awaitable<std::optional<fx::Money>> balance_at_provider() override {
    auto answer = co_await get_json(connection_, target_.at("/funding_sources"));
    const auto* doc = std::get_if<json>(&answer);
    if (!doc || !doc->is_object()) co_return std::nullopt;
    for (const auto& source : doc->value("funding_sources", json::array())) {
      if (text_field(source, "id") != funding_source_ && text_field(source, "method") != funding_source_) continue;
      const auto cents = source.value("meta", json::object()).value("available_cents", json());
      if (!cents.is_number_integer()) co_return std::nullopt;
      auto units = fx::Decimal::from_units(cents.get<std::int64_t>(), 2);
      if (!units) co_return std::nullopt;
      co_return money(units->to_string(), funding_currency_);
    }
    co_return std::nullopt;
  }

  bool lists_orders() const override { return true; }

  boost::asio::awaitable<OrderList> orders_between(std::chrono::sys_seconds from, std::chrono::sys_seconds to) override {
    std::vector<ListedOrder> all;
    for (std::size_t offset = 0;;) {
      const auto url = target_.at("/orders?" + http::percent_encoded("created_at[gte]") + "=" + http::percent_encoded(rgw::rfc3339(from)) + "&" + http::percent_encoded("created_at[lte]") +
                                  "=" + http::percent_encoded(rgw::rfc3339(to)) + "&limit=100&offset=" + std::to_string(offset));
      auto answer = co_await get_json(connection_, url);
      if (auto* failed = std::get_if<Result>(&answer)) co_return failed->detail;
      const auto& doc = std::get<json>(answer);
      const auto orders = doc.value("orders", json());
      const auto total = doc.value("total_count", -1);
      if (!orders.is_array() || total < 0) co_return "Tremendous's order list is not the expected JSON";
      for (const auto& o : orders) {
        const auto rewards = o.value("rewards", json::array());
        const auto value = rewards.empty() ? json::object() : rewards[0].value("value", json::object());
        auto face = money(value.value("denomination", json()), value.value("currency_code", json()));
        const auto created = timestamp(o.value("created_at", json()));
        if (!face || !created) co_return "an order on Tremendous's list without a readable value or created_at";
        if (*created < from || *created >= to) continue;
        all.push_back({text_field(o, "id").value_or(""), text_field(o, "external_id").value_or(""), *face, cost_of(o), *created, outcome_of(o)});
      }
      offset += orders.size();
      if (orders.empty() || offset >= static_cast<std::size_t>(total)) co_return all;
    }
  }

  bool lists_products() const override { return true; }

  // Tremendous lists only what it offers now, so whatever it lists is in stock; one product per currency of a card
  // (its skus give the range per currency). Cash-outs, charities and the like are not cards: skipped.
  boost::asio::awaitable<ProductList> products() override {
    auto answer = co_await get_json(connection_, target_.at("/products"));
    if (auto* failed = std::get_if<Result>(&answer)) co_return failed->detail;
    const auto products = std::get<json>(answer).value("products", json());
    if (!products.is_array()) co_return "Tremendous's product list is not the expected JSON";
    ProviderCatalog catalog;
    for (const auto& product : products) {
      const auto id = text_field(product, "id").value_or("");
      const auto category = text_field(product, "category").value_or("");
      if (category != "merchant_card" && category != "visa_card" && category != "mastercard") {
        catalog.skipped.push_back("product '" + id + "': category '" + category + "' is not a card");
        continue;
      }
      std::vector<std::string> countries;
      for (const auto& c : product.value("countries", json::array()))
        if (auto abbr = text_field(c, "abbr")) countries.push_back(*abbr);
      const auto skus = product.value("skus", json::array());
      for (const auto& currency : product.value("currency_codes", json::array())) {
        // A sku names its currency where Tremendous says it; one without applies to every currency.
        json sku;
        for (const auto& s : skus)
          if (sku.is_null() || s.value("currency_code", json()) == currency) sku = s;
        ListedProduct p{id, text_field(product, "name").value_or(""), text_field(product, "name").value_or(""), text_field(product, "description").value_or(""),
                        category != "merchant_card", countries, {}, std::nullopt, true};
        if (id.empty() || !sku.is_object() || !read_face_values(p, json(), sku.value("min", json()), sku.value("max", json()), currency))
          catalog.skipped.push_back("product '" + id + "': no readable skus min/max in " + currency.dump());
        else
          catalog.products.push_back(std::move(p));
      }
    }
    co_return catalog;
  }

  std::string funding_source_, funding_currency_;
};

}  // namespace

std::unique_ptr<Provider> make_tremendous(const std::string& name, const ProviderOptions& o) {
  const auto currency = o.optional_text("funding_currency").value_or("USD");
  if (!fx::Currency::from_code(currency)) o.fail("'funding_currency' must be an ISO 4217 code");
  return std::make_unique<TremendousProvider>(name, o.limits(), adapters::http_target(o), o.optional_text("funding_source").value_or("balance"), currency);
}

}  // namespace rgw::providers
