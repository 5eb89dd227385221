#include "gateway/pricing/catalog_cache.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "gateway/core/ids.hpp"

namespace rgw::pricing {
namespace {

const pg::Query select_products{"products_select", "SELECT sku, document::text AS document FROM products WHERE program_id = $1 ORDER BY sku"};
const pg::Query upsert_product{
    "products_upsert",
    "INSERT INTO products (program_id, sku, document) VALUES ($1, $2, $3::jsonb)"
    " ON CONFLICT (program_id, sku) DO UPDATE SET document = EXCLUDED.document, updated_at = now()"
    " RETURNING (xmax = 0) AS created"};
const pg::Query notify_change{"products_notify", "SELECT pg_notify('rgw_catalog', $1)"};

constexpr std::size_t max_listings = 256;  // locale × currency × country is client-chosen: keep it bounded

}  // namespace

ProgramCatalog::ProgramCatalog(programs::Program program, std::vector<catalog::Product> products)
    : program_(std::move(program)), products_(std::move(products)) {}

const catalog::Product* ProgramCatalog::find(std::string_view sku) const {
  auto it = std::lower_bound(products_.begin(), products_.end(), sku, [](const catalog::Product& p, std::string_view s) { return p.sku < s; });
  return it != products_.end() && it->sku == sku ? &*it : nullptr;
}

std::shared_ptr<const Listing> ProgramCatalog::listing(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = listings_.find(key);
  return it == listings_.end() ? nullptr : it->second;
}

void ProgramCatalog::keep_listing(const std::string& key, std::shared_ptr<const Listing> listing) const {
  std::lock_guard lock(mutex_);
  if (listings_.size() >= max_listings) listings_.clear();
  listings_[key] = std::move(listing);
}

std::shared_ptr<const ProgramCatalog> CatalogCache::cached(const std::string& program_id) {
  std::lock_guard lock(mutex_);
  const auto it = programs_.find(program_id);
  return it == programs_.end() ? nullptr : it->second;
}

boost::asio::awaitable<std::shared_ptr<const ProgramCatalog>> CatalogCache::get(pg::Pool& db, const std::string& program_id) {
  if (auto snapshot = cached(program_id)) co_return snapshot;
  const auto generation = generation_.load();
  auto program = co_await programs::find(db, program_id);
  auto rows = co_await db.exec(pg::statement(select_products, program_id));
  std::vector<catalog::Product> products;
  products.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i)
    products.push_back(catalog::product_from_json(std::string(rows[i].text("sku")), nlohmann::json::parse(rows[i].text("document")), nullptr));
  auto snapshot = std::make_shared<const ProgramCatalog>(std::move(program), std::move(products));
  ++loads_;
  std::lock_guard lock(mutex_);
  if (generation_ == generation) programs_[program_id] = snapshot;
  co_return snapshot;
}

void CatalogCache::forget(const std::string& program_id) {
  std::lock_guard lock(mutex_);
  ++generation_;
  programs_.erase(program_id);
}

CatalogCache::CatalogCache() : instance_(new_id("proc")) {}

void CatalogCache::forget_notified(std::string_view payload) {
  const auto space = payload.find(' ');
  if (space != std::string_view::npos && payload.substr(space + 1) == instance_) return;
  forget(std::string(payload.substr(0, space)));
}

void CatalogCache::forget_all() {
  std::lock_guard lock(mutex_);
  ++generation_;
  programs_.clear();
}

boost::asio::awaitable<std::vector<bool>> save_products(pg::Pool& db, const std::string& program_id, const std::vector<catalog::Product>& products,
                                               const std::string& origin) {
  auto tx = co_await pg::Transaction::begin(db);
  std::vector<pg::Statement> writes;
  for (const auto& p : products) writes.push_back(pg::statement(upsert_product, program_id, p.sku, catalog::to_json(p).dump()));
  writes.push_back(pg::statement(notify_change, program_id + ' ' + origin));
  auto results = co_await tx.commit(std::move(writes));
  std::vector<bool> created;
  for (std::size_t i = 0; i < products.size(); ++i) created.push_back(results[i].front().boolean("created"));
  co_return created;
}

}  // namespace rgw::pricing
