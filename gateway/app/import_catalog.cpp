#include "gateway/app/import_catalog.hpp"

#include <ostream>
#include <nlohmann/json.hpp>

#include "catalog/product.hpp"
#include "gateway/app/command.hpp"
#include "providers/registry.hpp"

namespace rgw::app {
namespace {

using nlohmann::json;

// "TANGO-U561593-EUR": the provider, its id for the product and the currency (a Tremendous product comes in
// several), in the characters our SKUs allow.
std::string sku_of(const std::string& provider, const providers::ListedProduct& p, std::string_view currency) {
  std::string sku = provider + '-' + p.provider_sku + '-' + std::string(currency);
  for (auto& c : sku) c = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '-';
  return sku;
}

// The currency of the product's face values: its range's, or its fixed values' (one currency).
const fx::Currency& face_currency(const providers::ListedProduct& p) {
  return p.range ? p.range->first.currency() : p.fixed_values.front().currency();
}

// Any amount of the currency: its minor unit ("0.01", "1").
std::string minor_unit(const fx::Currency& currency) {
  return currency.minor_units() == 0 ? "1" : "0." + std::string(static_cast<std::size_t>(currency.minor_units() - 1), '0') + "1";
}

json document_of(const std::string& provider, const providers::ListedProduct& p) {
  json denominations;
  if (p.range) {
    denominations = {{"min", p.range->first.amount_string()}, {"max", p.range->second.amount_string()}, {"step", minor_unit(face_currency(p))}};
  } else {
    denominations["fixed"] = json::array();
    for (const auto& v : p.fixed_values) denominations["fixed"].push_back(v.amount_string());
  }
  json doc = {{"type", p.prepaid_card ? "prepaid_card" : "egift_card"},
              {"brand", p.brand.empty() ? p.name : p.brand},
              {"name", {{"en", p.name}}},
              {"countries", p.countries},
              {"face_currency", face_currency(p).code()},
              {"denominations", denominations},
              {"active", p.in_stock},
              {"routes", {{{"provider", provider}, {"provider_sku", p.provider_sku}, {"priority", 1}}}}};
  // A description longer than ours may hold (some are whole HTML pages) is left for the reviewer to write.
  if (!p.description.empty() && p.description.size() <= 2000) doc["description"] = {{"en", p.description}};
  return doc;
}

boost::asio::awaitable<int> import(std::shared_ptr<providers::Registry> registry, const std::string& name, std::set<std::string> known, std::ostream& out,
                                   std::ostream& err) {
  auto* provider = registry->find(name);
  auto listed = co_await provider->products();
  provider->drop_idle_connections();
  if (auto* failed = std::get_if<std::string>(&listed)) {
    err << "import-catalog: cannot read " << name << "'s catalog: " << *failed << "\n";
    co_return 1;
  }
  auto& catalog = std::get<providers::ProviderCatalog>(listed);
  json products = json::object();
  std::size_t out_of_stock = 0;
  for (const auto& p : catalog.products) {
    const auto sku = sku_of(name, p, face_currency(p).code());
    try {
      // Read back as load-catalog will: what is written here loads as it is.
      products[sku] = catalog::to_json(catalog::product_from_json(sku, document_of(name, p), &known));
      out_of_stock += p.in_stock ? 0 : 1;
    } catch (const catalog::InvalidProduct& e) {
      catalog.skipped.push_back(name + " product '" + p.provider_sku + "': " + e.what());
    }
  }
  out << json{{"products", products}}.dump(2) << "\n";
  for (const auto& why : catalog.skipped) err << "import-catalog: skipped " << why << "\n";
  err << "import-catalog: " << products.size() << " products from " << name << " (" << out_of_stock << " out of stock, written inactive), "
      << catalog.skipped.size() << " skipped\n";
  co_return 0;
}

}  // namespace

int import_catalog(const Config& config, const std::string& provider_name, std::ostream& out, std::ostream& err) {
  std::shared_ptr<providers::Registry> registry;
  try {
    registry = providers::Registry::from_json(config.providers);
  } catch (const std::exception& e) {
    err << "import-catalog: the providers file: " << e.what() << "\n";
    return 2;
  }
  const auto* provider = registry->find(provider_name);
  if (!provider) {
    err << "import-catalog: no provider '" << provider_name << "' in the providers file\n";
    return 2;
  }
  if (!provider->lists_products()) {
    err << "import-catalog: a provider of kind '" << provider->kind() << "' has no catalog to import\n";
    return 2;
  }
  return run_command("import-catalog", import(registry, provider_name, config.settings.providers, out, err));
}

}  // namespace rgw::app
