#include "providers/sim/dialects.hpp"

#include <date/date.h>
#include <vector>

#include "gateway/core/format.hpp"

namespace rgw::sim {

using nlohmann::json;
using Query = std::map<std::string, std::string>;

http::Response json_response(http::Status status, const json& body) { return http::make_response(status, body.dump(), "application/json"); }

std::string cents_text(long cents) {
  char text[32];
  std::snprintf(text, sizeof text, "%s%ld.%02ld", cents < 0 ? "-" : "", std::labs(cents) / 100, std::labs(cents) % 100);
  return text;
}

json cents_number(long cents) { return json::parse(cents_text(cents)); }

std::optional<long> cents_of(const json& amount) {
  if (!amount.is_number() && !amount.is_string()) return std::nullopt;
  const auto text = amount.is_string() ? amount.get<std::string>() : amount.dump();
  const auto dot = text.find('.');
  try {
    const long whole = std::stol(text.substr(0, dot));
    const auto decimals = dot == std::string::npos ? std::string("00") : (text.substr(dot + 1) + "00");
    if (dot != std::string::npos && text.size() - dot - 1 > 2) return std::nullopt;
    return whole * 100 + std::stol(decimals.substr(0, 2));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

namespace {

std::optional<std::chrono::sys_seconds> parse_time(std::string text) {
  if (text.size() == 19 && text[10] == ' ') text = text.substr(0, 10) + 'T' + text.substr(11) + 'Z';  // Reloadly's zone-less UTC
  const auto at = parse_rfc3339(text);
  if (!at) return std::nullopt;
  return std::chrono::floor<std::chrono::seconds>(*at);
}

std::string text_of(const Query& query, const char* key) {
  const auto it = query.find(key);
  return it == query.end() ? "" : it->second;
}

std::size_t number_of(const Query& query, const char* key, std::size_t fallback) {
  try {
    const auto text = text_of(query, key);
    return text.empty() ? fallback : std::stoul(text);
  } catch (const std::exception&) {
    return fallback;
  }
}

// The orders a list shows, in the order they were made: under one reference, or made in [from, to] (inclusive,
// as these APIs read their date filters).
std::vector<const SimOrder*> listed(const Book& book, const std::string& ref, const std::string& from, const std::string& to) {
  std::vector<const SimOrder*> out;
  const auto start = parse_time(from), end = parse_time(to);
  for (const auto& [r, order] : book.orders) {
    if (!ref.empty() && r != ref) continue;
    if (start && order.created_at < *start) continue;
    if (end && order.created_at > *end) continue;
    out.push_back(&order);
  }
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->n < b->n; });
  return out;
}

const SimOrder* by_number(const Book& book, long n) {
  for (const auto& [_, order] : book.orders)
    if (order.n == n) return &order;
  return nullptr;
}

std::string code_of(const std::string& api, const SimOrder& o) { return api + "-" + std::to_string(o.n) + "-" + o.ref.substr(o.ref.size() > 6 ? o.ref.size() - 6 : 0); }
std::string pin_of(const SimOrder& o) { return std::to_string(1000 + o.n); }

// ---- Tango Card RaaS v2 ----------------------------------------------------------------------------------------

class Tango final : public Dialect {
 public:
  std::string name() const override { return "tango"; }
  std::string prefix() const override { return "/raas/v2/"; }

  std::optional<Wanted> wanted(const json& b) const override {
    const auto face = cents_of(b.value("amount", json()));
    if (!b.value("externalRefID", json()).is_string() || !b.value("utid", json()).is_string() || !face || !b.value("accountIdentifier", json()).is_string())
      return std::nullopt;
    return Wanted{b["externalRefID"], b["utid"], "EUR", *face};  // the simulator's catalog is in euros
  }

  static std::string reference(const SimOrder& o) {
    char id[32];
    std::snprintf(id, sizeof id, "RA%06d", o.n);
    return id;
  }

  json order(const SimOrder& o, Shown shown, bool with_reward) const {
    const char* status = shown == Shown::settled ? "COMPLETE" : shown == Shown::pending ? "PENDING" : "IN_REVIEW";
    json doc = {{"referenceOrderID", reference(o)},
                {"externalRefID", o.ref},
                {"customerIdentifier", o.request.value("customerIdentifier", "")},
                {"accountIdentifier", o.request.value("accountIdentifier", "")},
                {"utid", o.sku},
                {"rewardName", "Simulated gift card"},
                {"status", status},
                {"createdAt", rfc3339(o.created_at)},
                {"denomination", {{"value", cents_number(o.face)}, {"currencyCode", o.currency}}},
                {"amountCharged",
                 {{"value", cents_number(o.face)}, {"currencyCode", o.currency}, {"exchangeRate", 1}, {"fee", cents_number(o.fee)}, {"total", cents_number(o.charged())}}}};
    if (with_reward && shown == Shown::settled) {
      const auto code = code_of("tango", o);
      doc["reward"] = {{"credentials", {{"Claim Code", code}, {"PIN", pin_of(o)}}},
                       {"credentialList",
                        {{{"label", "Claim Code"}, {"value", code}, {"type", "text"}, {"credentialType", "claimCode"}},
                         {{"label", "PIN"}, {"value", pin_of(o)}, {"type", "text"}, {"credentialType", "pin"}},
                         {{"label", "Redemption URL"}, {"value", "https://sim.tango.example/claim/" + std::to_string(o.n)}, {"type", "url"}, {"credentialType", "redemptionUrl"}}}},
                       {"redemptionInstructions", "Enter the claim code at checkout."}};
    }
    return doc;
  }

  http::Response created(const SimOrder& o, Shown shown, bool replay) const override {
    return json_response(replay ? http::Status::ok : http::Status::created, order(o, shown, true));
  }

  http::Response error(http::Status status, const std::string& message) const override {
    const auto code = static_cast<int>(status);
    return json_response(status, {{"timestamp", rfc3339(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))},
                                  {"requestId", "sim-" + std::to_string(code)},
                                  {"httpCode", code},
                                  {"httpPhrase", std::string(boost::beast::http::obsolete_reason(status))},
                                  {"i18nKey", code == 401 ? "auth.unauthorized" : code == 402 ? "order.insufficient_funds" : "error." + std::to_string(code)},
                                  {"message", message}});
  }

  std::optional<http::Response> get(std::string_view path, const Query& q, const Book& book) const override {
    if (path == "orders") {
      const auto page = number_of(q, "page", 0);
      const auto per = std::min(number_of(q, "elementsPerBlock", 10), book.page_size);
      const auto all = listed(book, text_of(q, "externalRefID"), text_of(q, "startDate"), text_of(q, "endDate"));
      json orders = json::array();
      for (std::size_t i = page * per; i < all.size() && i < (page + 1) * per; ++i) orders.push_back(order(*all[i], Shown::settled, false));
      return json_response(http::Status::ok, {{"page", {{"number", page}, {"elementsPerBlock", per}, {"resultCount", orders.size()}, {"totalCount", all.size()}}},
                                              {"orders", orders}});
    }
    if (path.starts_with("orders/")) {
      const auto id = std::string(path.substr(7));
      for (const auto& [_, o] : book.orders)
        if (reference(o) == id) return json_response(http::Status::ok, order(o, Shown::settled, true));
      return error(http::Status::not_found, "order " + id + " not found");
    }
    if (path.starts_with("accounts/"))
      return json_response(http::Status::ok, {{"accountIdentifier", std::string(path.substr(9))}, {"currencyCode", "EUR"}, {"currentBalance", cents_number(book.balance)}, {"status", "ACTIVE"}});
    if (path == "catalogs") {
      json catalog = {{"catalogName", "Simulated platform"},
                            {"brands",
                             {{{"brandKey", "B916708"},
                               {"brandName", "Amazon.de"},
                               {"status", "active"},
                               {"items",
                                {{{"utid", "U561593"}, {"rewardName", "Amazon.de Gift Card"}, {"currencyCode", "EUR"}, {"status", "active"}, {"valueType", "VARIABLE_VALUE"},
                                  {"rewardType", "gift card"}, {"minValue", 5}, {"maxValue", 500}, {"countries", {"DE"}}},
                                 {{"utid", "U000001"}, {"rewardName", "Amazon.de Retired"}, {"currencyCode", "EUR"}, {"status", "inactive"}, {"valueType", "FIXED_VALUE"},
                                  {"rewardType", "gift card"}, {"faceValue", 10}, {"countries", {"DE"}}}}}},
                              {{"brandKey", "B482350"},
                               {"brandName", "Zalando"},
                               {"status", "active"},
                               {"items",
                                {{{"utid", "U733220"}, {"rewardName", "Zalando €25"}, {"currencyCode", "EUR"}, {"status", "active"}, {"valueType", "FIXED_VALUE"},
                                  {"rewardType", "gift card"}, {"faceValue", 25}, {"countries", {"DE", "AT"}}}}}}}}};
      for (auto& brand : catalog["brands"])
        for (auto& item : brand["items"])
          if (book.out_of_stock.contains(item["utid"].get<std::string>())) item["status"] = "inactive";
      return json_response(http::Status::ok, catalog);
    }
    return std::nullopt;
  }
};

// ---- Tremendous v2 ---------------------------------------------------------------------------------------------

class Tremendous final : public Dialect {
 public:
  std::string name() const override { return "tremendous"; }
  std::string prefix() const override { return "/api/v2/"; }

  std::optional<Wanted> wanted(const json& b) const override {
    const auto reward = b.value("reward", json::object());
    const auto value = reward.is_object() ? reward.value("value", json::object()) : json::object();
    const auto products = reward.is_object() ? reward.value("products", json::array()) : json::array();
    const auto face = value.is_object() ? cents_of(value.value("denomination", json())) : std::nullopt;
    if (!b.value("external_id", json()).is_string() || !face || !value.value("currency_code", json()).is_string() || !products.is_array() || products.empty() ||
        !products[0].is_string())
      return std::nullopt;
    return Wanted{b["external_id"], products[0], value["currency_code"], *face};
  }

  static std::string id_of(const SimOrder& o) {
    char id[32];
    std::snprintf(id, sizeof id, "OR%08d", o.n);
    return id;
  }

  json order(const SimOrder& o, Shown shown) const {
    const char* status = shown == Shown::settled ? "EXECUTED" : shown == Shown::pending ? "PENDING APPROVAL" : "IN_REVIEW";
    return {{"id", id_of(o)},
            {"external_id", o.ref},
            {"created_at", rfc3339(o.created_at)},
            {"status", status},
            {"channel", "API"},
            {"payment", {{"subtotal", cents_number(o.face - o.discount)}, {"total", cents_number(o.charged())}, {"fees", cents_number(o.fee)}, {"discount", cents_number(o.discount)}}},
            {"rewards",
             {{{"id", code_of("tremendous", o)},
               {"order_id", id_of(o)},
               {"value", {{"denomination", cents_number(o.face)}, {"currency_code", o.currency}}},
               {"delivery", {{"method", "LINK"}, {"status", shown == Shown::pending ? "PENDING" : "SUCCEEDED"}, {"link", "https://sim.tremendous.example/rewards/" + std::to_string(o.n)}}}}}}};
  }

  // The same external_id again answers the order made first, with 201 (their docs).
  http::Response created(const SimOrder& o, Shown shown, bool) const override { return json_response(http::Status::created, {{"order", order(o, shown)}}); }

  http::Response error(http::Status status, const std::string& message) const override {
    return json_response(status, {{"errors", {{"message", message}, {"payload", json::object()}}}});
  }

  std::optional<http::Response> get(std::string_view path, const Query& q, const Book& book) const override {
    if (path == "orders") {
      const auto offset = number_of(q, "offset", 0);
      const auto limit = std::min(number_of(q, "limit", 10), book.page_size);
      const auto all = listed(book, text_of(q, "external_id"), text_of(q, "created_at[gte]"), text_of(q, "created_at[lte]"));
      json orders = json::array();
      for (std::size_t i = offset; i < all.size() && i < offset + limit; ++i) orders.push_back(order(*all[i], Shown::settled));
      return json_response(http::Status::ok, {{"orders", orders}, {"total_count", all.size()}});
    }
    if (path.starts_with("orders/")) {
      for (const auto& [_, o] : book.orders)
        if (id_of(o) == path.substr(7)) return json_response(http::Status::ok, {{"order", order(o, Shown::settled)}});
      return error(http::Status::not_found, "Resource not found");
    }
    if (path == "funding_sources")
      return json_response(http::Status::ok, {{"funding_sources", {{{"id", "balance"}, {"method", "balance"}, {"meta", {{"available_cents", book.balance}, {"pending_cents", 0}}}}}}});
    if (path == "products") {
      // Tremendous lists only what it offers: a product out of stock is not on the list.
      json products = 
                             {{{"id", "OKMHM2X2OHYV"}, {"name", "Amazon.de"}, {"category", "merchant_card"}, {"currency_codes", {"EUR"}},
                               {"skus", {{{"min", 5}, {"max", 500}}}}, {"countries", {{{"abbr", "DE"}}}}},
                              {{"id", "KV934TZ93NQM"}, {"name", "Visa Prepaid Card"}, {"category", "visa_card"}, {"currency_codes", {"EUR", "USD"}},
                               {"skus", {{{"min", 10}, {"max", 1000}}}}, {"countries", {{{"abbr", "DE"}}, {{"abbr", "US"}}}}}};
      json listed = json::array();
      for (auto& p : products)
        if (!book.out_of_stock.contains(p["id"].get<std::string>())) listed.push_back(p);
      return json_response(http::Status::ok, {{"products", listed}});
    }
    return std::nullopt;
  }
};

// ---- Reloadly Gift Cards ---------------------------------------------------------------------------------------

class Reloadly final : public Dialect {
 public:
  std::string name() const override { return "reloadly"; }
  std::string prefix() const override { return "/reloadly/"; }

  std::optional<Wanted> wanted(const json& b) const override {
    const auto face = cents_of(b.value("unitPrice", json()));
    if (!b.value("customIdentifier", json()).is_string() || !b.value("productId", json()).is_number_integer() || !face || b.value("quantity", 0) != 1)
      return std::nullopt;
    return Wanted{b["customIdentifier"], b["productId"].dump(), "EUR", *face};
  }

  json transaction(const SimOrder& o, Shown shown) const {
    const char* status = shown == Shown::settled ? "SUCCESSFUL" : shown == Shown::pending ? "PROCESSING" : "IN_REVIEW";
    return {{"transactionId", 40000 + o.n},
            {"amount", cents_number(o.face - o.discount)},
            {"discount", cents_number(o.discount)},
            {"currencyCode", o.currency},
            {"fee", cents_number(o.fee)},
            {"smsFee", 0},
            {"recipientEmail", o.request.value("recipientEmail", "")},
            {"customIdentifier", o.ref},
            {"status", status},
            {"transactionCreatedTime", date::format("%F %T", o.created_at)},
            {"product",
             {{"productId", std::stol(o.sku)}, {"productName", "Simulated card"}, {"countryCode", o.request.value("countryCode", "DE")}, {"quantity", 1},
              {"unitPrice", cents_number(o.face)}, {"totalPrice", cents_number(o.face)}, {"currencyCode", o.currency}, {"brand", {{"brandId", 1}, {"brandName", "Simulated"}}}}}};
  }

  // A customIdentifier is used once: a second order under it is refused (the adapter then asks for the first).
  http::Response created(const SimOrder& o, Shown shown, bool replay) const override {
    if (replay) return error(http::Status::bad_request, "An order with this customIdentifier already exists");
    return json_response(http::Status::ok, transaction(o, shown));
  }

  http::Response error(http::Status status, const std::string& message) const override {
    const auto code = static_cast<int>(status);
    const char* error_code = code == 401 ? "INVALID_TOKEN" : code == 400 ? "BAD_REQUEST" : code == 429 ? "TOO_MANY_REQUESTS" : "INTERNAL_ERROR";
    return json_response(status, {{"timeStamp", date::format("%F %T", std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))},
                                  {"message", message},
                                  {"path", "/orders"},
                                  {"errorCode", error_code},
                                  {"infoLink", nullptr},
                                  {"details", json::array()}});
  }

  std::optional<http::Response> get(std::string_view path, const Query& q, const Book& book) const override {
    if (path == "reports/transactions") {
      const auto page = std::max<std::size_t>(number_of(q, "page", 1), 1);
      const auto size = std::min(number_of(q, "size", 20), book.page_size);
      const auto all = listed(book, text_of(q, "customIdentifier"), text_of(q, "startDate"), text_of(q, "endDate"));
      json content = json::array();
      for (std::size_t i = (page - 1) * size; i < all.size() && i < page * size; ++i) content.push_back(transaction(*all[i], Shown::settled));
      const auto pages = (all.size() + size - 1) / size;
      return json_response(http::Status::ok, {{"content", content}, {"totalElements", all.size()}, {"totalPages", pages}, {"number", page}, {"size", size}});
    }
    if (path.starts_with("orders/transactions/") && path.ends_with("/cards")) {
      const auto id = path.substr(20, path.size() - 20 - 6);
      const auto* o = by_number(book, std::atol(std::string(id).c_str()) - 40000);
      if (!o) return error(http::Status::not_found, "Transaction not found");
      return json_response(http::Status::ok, json::array({{{"cardNumber", code_of("reloadly", *o)}, {"pinCode", pin_of(*o)}}}));
    }
    if (path == "accounts/balance")
      return json_response(http::Status::ok, {{"balance", cents_number(book.balance)}, {"currencyCode", "EUR"}, {"currencyName", "Euro"}, {"updatedAt", date::format("%F %T", std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))}});
    if (path == "products") {
      json content = 
                             {{{"productId", 120}, {"productName", "Amazon DE"}, {"global", false}, {"status", "ACTIVE"}, {"denominationType", "FIXED"},
                               {"recipientCurrencyCode", "EUR"}, {"fixedRecipientDenominations", {10, 25, 50}}, {"senderCurrencyCode", "EUR"}, {"senderFee", 0.5},
                               {"discountPercentage", 2.0}, {"brand", {{"brandId", 2}, {"brandName", "Amazon"}}}, {"country", {{"isoName", "DE"}, {"name", "Germany"}}}},
                              {{"productId", 1750}, {"productName", "Steam Wallet EU"}, {"global", true}, {"status", "ACTIVE"}, {"denominationType", "RANGE"},
                               {"recipientCurrencyCode", "EUR"}, {"minRecipientDenomination", 5}, {"maxRecipientDenomination", 200}, {"senderCurrencyCode", "EUR"},
                               {"senderFee", 0.0}, {"discountPercentage", 1.5}, {"brand", {{"brandId", 9}, {"brandName", "Steam"}}}, {"country", {{"isoName", "DE"}, {"name", "Germany"}}}}};
      for (auto& p : content)
        if (book.out_of_stock.contains(p["productId"].dump())) p["status"] = "INACTIVE";
      return json_response(http::Status::ok, {{"content", content}, {"totalElements", content.size()}, {"totalPages", 1}, {"number", 1}, {"size", 200}});
    }
    return std::nullopt;
  }
};

// ---- internal billing (service credits) ------------------------------------------------------------------------

class Billing final : public Dialect {
 public:
  std::string name() const override { return "billing"; }
  std::string prefix() const override { return "/billing/"; }
  std::string orders_path() const override { return "/billing/credits"; }

  std::optional<Wanted> wanted(const json& b) const override {
    const auto face = cents_of(b.value("amount", json()));
    if (!b.value("idempotency_key", json()).is_string() || !face || !b.value("amount", json()).is_string()) return std::nullopt;
    return Wanted{b["idempotency_key"], b.value("plan", ""), b.value("currency", "EUR"), *face};
  }

  json credit(const SimOrder& o, Shown shown) const {
    const char* state = shown == Shown::settled ? "applied" : shown == Shown::pending ? "pending" : "IN_REVIEW";
    return {{"id", "CR-" + std::to_string(o.n)}, {"idempotency_key", o.ref}, {"state", state}};
  }

  http::Response created(const SimOrder& o, Shown shown, bool replay) const override {
    return json_response(replay ? http::Status::ok : http::Status::created, {{"credit", credit(o, shown)}});
  }

  http::Response error(http::Status status, const std::string& message) const override { return json_response(status, {{"error", message}}); }

  std::optional<http::Response> get(std::string_view path, const Query& q, const Book& book) const override {
    if (path != "credits") return std::nullopt;
    json found = json::array();
    for (const auto* o : listed(book, text_of(q, "idempotency_key"), "", ""))
      if (!text_of(q, "idempotency_key").empty()) found.push_back(credit(*o, Shown::settled));
    return json_response(http::Status::ok, {{"credits", found}});
  }
};

}  // namespace

std::unique_ptr<Dialect> make_dialect(const std::string& name) {
  if (name == "tango") return std::make_unique<Tango>();
  if (name == "tremendous") return std::make_unique<Tremendous>();
  if (name == "reloadly") return std::make_unique<Reloadly>();
  if (name == "billing") return std::make_unique<Billing>();
  throw std::invalid_argument("simulator: no dialect '" + name + "'");
}

}  // namespace rgw::sim
