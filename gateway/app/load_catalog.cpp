#include "gateway/app/load_catalog.hpp"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "gateway/app/command.hpp"
#include "gateway/db/schema.hpp"
#include "gateway/pricing/catalog_cache.hpp"

namespace rgw::app {
namespace {

boost::asio::awaitable<int> load(const Config& config, std::string program_id, std::vector<catalog::Product> products) {
  co_await pg::migrate(config.database_url, db::migrations());
  auto pool = pg::Pool::create(co_await boost::asio::this_coro::executor, config.db);
  if (!co_await programs::exists(*pool, program_id)) {
    std::cerr << "load-catalog: no program " << program_id << "\n";
    co_return 1;
  }
  const auto created = co_await pricing::save_products(*pool, program_id, products, "load-catalog");
  const auto added = std::count(created.begin(), created.end(), true);
  std::cout << "load-catalog: " << products.size() << " products for " << program_id << " (" << added << " new, "
            << products.size() - added << " replaced)\n";
  co_return 0;
}

}  // namespace

int load_catalog(const Config& config, const std::string& program_id, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "load-catalog: cannot read " << file << "\n";
    return 2;
  }
  std::vector<catalog::Product> products;
  try {
    const auto doc = nlohmann::json::parse(in);
    if (!doc.is_object() || !doc.contains("products") || !doc["products"].is_object())
      throw catalog::InvalidProduct("the file must be {\"products\": {\"SKU\": {...}, ...}}");
    for (const auto& [sku, product] : doc["products"].items()) {
      try {
        products.push_back(catalog::product_from_json(sku, product, &config.settings.providers));
      } catch (const catalog::InvalidProduct& e) {
        throw catalog::InvalidProduct(sku + ": " + e.what());
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "load-catalog: " << file << ": " << e.what() << "\n";
    return 2;
  }
  return run_command("load-catalog", load(config, program_id, std::move(products)));
}

}  // namespace rgw::app
