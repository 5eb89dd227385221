#pragma once
// What a program offers: products with localized texts, face values (a fixed list or a stepped range) and
// the provider routes that can fulfil them. Pure: no I/O.
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "fx/money.hpp"

namespace rgw::catalog {

enum class ProductType { egift_card, prepaid_card, service_credit };

struct Route {
  std::string provider;      // a configured provider's name
  std::string provider_sku;  // the product's id at that provider
  int priority = 1;          // lower first
};

struct FixedDenominations {
  std::vector<fx::Money> values;  // ascending, distinct
};

struct RangeDenomination {
  fx::Money min;
  fx::Money max;
  fx::Decimal step;  // face values are min + k·step, up to max
};

struct Product {
  std::string sku;
  ProductType type = ProductType::egift_card;
  std::string brand;
  std::map<std::string, std::string> names;  // by locale ("en", "ru", "ms")
  std::map<std::string, std::string> descriptions;
  std::vector<std::string> countries;  // ISO 3166-1 alpha-2 where it can be used
  fx::Currency face_currency;
  std::variant<FixedDenominations, RangeDenomination> denominations;
  bool active = true;
  std::vector<Route> routes;  // ordered by priority
};

// An invalid product document; what() says which field and why.
class InvalidProduct : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Reads the PUT /v1/catalog/{sku} document (docs/catalog.md). `known_providers` are the names routes may use; null skips
// that check (reading back what was checked when it was stored). Throws InvalidProduct.
Product product_from_json(const std::string& sku, const nlohmann::json& document, const std::set<std::string>* known_providers);
// The canonical document: what product_from_json reads back, and what the database stores.
nlohmann::json to_json(const Product& product);

std::string_view type_name(ProductType type);

// Whether `face` is one of the product's face values (same currency, a listed value or on the range's step).
bool offers(const Product& product, const fx::Money& face);
// The face values a catalog listing prices: every fixed value, or a range's min and max.
std::vector<fx::Money> listed_face_values(const Product& product);
// The text in `locale`, else in `fallback`, else any.
const std::string& localized(const std::map<std::string, std::string>& texts, const std::string& locale, const std::string& fallback);

}  // namespace rgw::catalog
