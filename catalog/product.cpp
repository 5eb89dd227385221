#include "catalog/product.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace rgw::catalog {
namespace {

[[noreturn]] void invalid(const std::string& field, const std::string& why) { throw InvalidProduct("'" + field + "' " + why); }

bool upper_letters(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// "en", "ru", "ms", or with a region: "pt-BR".
bool locale_shape(std::string_view s) {
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  return (s.size() == 2 && lower(s[0]) && lower(s[1])) ||
         (s.size() == 5 && lower(s[0]) && lower(s[1]) && s[2] == '-' && upper_letters(s.substr(3), 2));
}

std::string text(const nlohmann::json& doc, const std::string& field, std::size_t max_length) {
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_string()) invalid(field, "must be a string");
  auto s = it->get<std::string>();
  if (s.empty() || s.size() > max_length) invalid(field, "must be 1 to " + std::to_string(max_length) + " bytes");
  return s;
}

std::map<std::string, std::string> texts(const nlohmann::json& doc, const std::string& field, bool required, std::size_t max_length) {
  std::map<std::string, std::string> out;
  auto it = doc.find(field);
  if (it == doc.end() && !required) return out;
  if (it == doc.end() || !it->is_object() || it->empty()) invalid(field, "must be an object of texts by locale, e.g. {\"en\": \"...\"}");
  for (const auto& [locale, value] : it->items()) {
    if (!locale_shape(locale)) invalid(field, "has a bad locale '" + locale + "' (use en, ru, ms, pt-BR...)");
    if (!value.is_string() || value.get_ref<const std::string&>().empty() || value.get_ref<const std::string&>().size() > max_length)
      invalid(field + "." + locale, "must be 1 to " + std::to_string(max_length) + " bytes");
    out.emplace(locale, value.get<std::string>());
  }
  return out;
}

fx::Money face_value(const nlohmann::json& value, const fx::Currency& currency, const std::string& field) {
  if (!value.is_string()) invalid(field, "must be a decimal string such as \"25.00\"");
  auto money = fx::Money::parse(value.get<std::string>(), currency.code());
  if (!money) invalid(field, std::string("is not an amount in ") + std::string(currency.code()) + ": " + money.error().message());
  if (money->amount().is_negative() || money->amount().is_zero()) invalid(field, "must be positive");
  return *money;
}

std::variant<FixedDenominations, RangeDenomination> denominations(const nlohmann::json& doc, const fx::Currency& currency) {
  auto it = doc.find("denominations");
  if (it == doc.end() || !it->is_object()) invalid("denominations", "must be {\"fixed\": [...]} or {\"min\", \"max\", \"step\"}");
  const auto& d = *it;
  if (d.contains("fixed")) {
    if (d.size() != 1 || !d["fixed"].is_array() || d["fixed"].empty() || d["fixed"].size() > 50)
      invalid("denominations.fixed", "must be a list of 1 to 50 face values");
    FixedDenominations fixed;
    for (const auto& v : d["fixed"]) fixed.values.push_back(face_value(v, currency, "denominations.fixed"));
    std::sort(fixed.values.begin(), fixed.values.end(), [](const auto& a, const auto& b) { return a.amount() < b.amount(); });
    if (std::adjacent_find(fixed.values.begin(), fixed.values.end()) != fixed.values.end())
      invalid("denominations.fixed", "lists a face value twice");
    return fixed;
  }
  if (d.size() != 3 || !d.contains("min") || !d.contains("max") || !d.contains("step"))
    invalid("denominations", "must be {\"fixed\": [...]} or {\"min\", \"max\", \"step\"}");
  RangeDenomination range{face_value(d["min"], currency, "denominations.min"), face_value(d["max"], currency, "denominations.max"),
                          face_value(d["step"], currency, "denominations.step").amount()};
  if (range.max.amount() < range.min.amount()) invalid("denominations.max", "must not be below min");
  return range;
}

std::vector<Route> routes(const nlohmann::json& doc, const std::set<std::string>* known_providers) {
  std::vector<Route> out;
  auto it = doc.find("routes");
  if (it == doc.end()) return out;
  if (!it->is_array() || it->size() > 10) invalid("routes", "must be a list of at most 10 routes");
  for (const auto& r : *it) {
    if (!r.is_object()) invalid("routes", "must hold objects {\"provider\", \"provider_sku\", \"priority\"}");
    for (const auto& [key, _] : r.items())
      if (key != "provider" && key != "provider_sku" && key != "priority") invalid("routes." + key, "is not a known field");
    Route route{text(r, "provider", 64), text(r, "provider_sku", 100), 1};
    if (known_providers && !known_providers->contains(route.provider)) invalid("routes.provider", "names no configured provider: '" + route.provider + "'");
    if (r.contains("priority")) {
      if (!r["priority"].is_number_integer() || r["priority"].get<std::int64_t>() < 1 || r["priority"].get<std::int64_t>() > 100)
        invalid("routes.priority", "must be an integer from 1 to 100");
      route.priority = r["priority"].get<int>();
    }
    for (const auto& other : out)
      if (other.provider == route.provider) invalid("routes", "names provider '" + route.provider + "' twice");
    out.push_back(route);
  }
  std::stable_sort(out.begin(), out.end(), [](const Route& a, const Route& b) { return a.priority < b.priority; });
  return out;
}

}  // namespace

std::string_view type_name(ProductType type) {
  switch (type) {
    case ProductType::egift_card: return "egift_card";
    case ProductType::prepaid_card: return "prepaid_card";
    case ProductType::service_credit: return "service_credit";
  }
  return "egift_card";
}

Product product_from_json(const std::string& sku, const nlohmann::json& doc, const std::set<std::string>* known_providers) {
  if (!doc.is_object()) throw InvalidProduct("the product must be a JSON object");
  static const std::set<std::string> fields = {"sku", "type", "brand", "name", "description", "countries", "face_currency",
                                               "denominations", "active", "routes"};
  for (const auto& [key, _] : doc.items())
    if (!fields.contains(key)) invalid(key, "is not a known field");
  Product p;
  if (sku.empty() || sku.size() > 64 ||
      !std::all_of(sku.begin(), sku.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }))
    invalid("sku", "must be 1 to 64 letters, digits, '-', '_' or '.'");
  if (doc.contains("sku") && doc["sku"] != sku) invalid("sku", "differs from the sku in the path");
  p.sku = sku;
  const auto type = text(doc, "type", 32);
  if (type == "egift_card") p.type = ProductType::egift_card;
  else if (type == "prepaid_card") p.type = ProductType::prepaid_card;
  else if (type == "service_credit") p.type = ProductType::service_credit;
  else invalid("type", "must be egift_card, prepaid_card or service_credit");
  p.brand = text(doc, "brand", 100);
  p.names = texts(doc, "name", true, 200);
  p.descriptions = texts(doc, "description", false, 2000);
  auto countries = doc.find("countries");
  if (countries == doc.end() || !countries->is_array() || countries->empty()) invalid("countries", "must list ISO 3166 country codes");
  for (const auto& c : *countries) {
    if (!c.is_string() || !upper_letters(c.get_ref<const std::string&>(), 2)) invalid("countries", "must hold codes such as \"DE\"");
    if (std::find(p.countries.begin(), p.countries.end(), c.get<std::string>()) != p.countries.end()) invalid("countries", "lists a country twice");
    p.countries.push_back(c.get<std::string>());
  }
  auto currency = fx::Currency::from_code(text(doc, "face_currency", 3));
  if (!currency) invalid("face_currency", "must be an ISO 4217 code");
  p.face_currency = *currency;
  p.denominations = denominations(doc, p.face_currency);
  if (doc.contains("active")) {
    if (!doc["active"].is_boolean()) invalid("active", "must be true or false");
    p.active = doc["active"].get<bool>();
  }
  p.routes = routes(doc, known_providers);
  return p;
}

nlohmann::json to_json(const Product& p) {
  nlohmann::json denominations;
  if (const auto* fixed = std::get_if<FixedDenominations>(&p.denominations)) {
    denominations["fixed"] = nlohmann::json::array();
    for (const auto& v : fixed->values) denominations["fixed"].push_back(v.amount_string());
  } else {
    const auto& range = std::get<RangeDenomination>(p.denominations);
    const auto step = fx::Money::round(range.step, p.face_currency).value();
    denominations = {{"min", range.min.amount_string()}, {"max", range.max.amount_string()}, {"step", step.amount_string()}};
  }
  nlohmann::json routes = nlohmann::json::array();
  for (const auto& r : p.routes) routes.push_back({{"provider", r.provider}, {"provider_sku", r.provider_sku}, {"priority", r.priority}});
  nlohmann::json doc = {{"sku", p.sku},        {"type", type_name(p.type)}, {"brand", p.brand},
                        {"name", p.names},     {"countries", p.countries},  {"face_currency", p.face_currency.code()},
                        {"denominations", denominations}, {"active", p.active}, {"routes", routes}};
  if (!p.descriptions.empty()) doc["description"] = p.descriptions;
  return doc;
}

bool offers(const Product& product, const fx::Money& face) {
  if (!(face.currency() == product.face_currency)) return false;
  if (const auto* fixed = std::get_if<FixedDenominations>(&product.denominations))
    return std::find(fixed->values.begin(), fixed->values.end(), face) != fixed->values.end();
  const auto& range = std::get<RangeDenomination>(product.denominations);
  if (face.amount() < range.min.amount() || range.max.amount() < face.amount()) return false;
  // On the step: (face − min) is a whole number of steps.
  auto offset = fx::subtract(face.amount(), range.min.amount());
  if (!offset) return false;
  auto steps = fx::divide(*offset, range.step, 0, fx::rounding::floor);
  if (!steps) return false;
  auto back = fx::multiply(*steps, range.step, offset->scale(), fx::rounding::half_even);
  return back && *back == *offset;
}

std::vector<fx::Money> listed_face_values(const Product& product) {
  if (const auto* fixed = std::get_if<FixedDenominations>(&product.denominations)) return fixed->values;
  const auto& range = std::get<RangeDenomination>(product.denominations);
  return {range.min, range.max};
}

const std::string& localized(const std::map<std::string, std::string>& texts, const std::string& locale, const std::string& fallback) {
  static const std::string none;
  if (auto it = texts.find(locale); it != texts.end()) return it->second;
  if (auto it = texts.find(fallback); it != texts.end()) return it->second;
  return texts.empty() ? none : texts.begin()->second;
}

}  // namespace rgw::catalog
