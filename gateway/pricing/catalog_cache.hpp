#pragma once
// Each program's catalog in memory: loaded once from the database, dropped when a product changes (here, or in
// another process, which announces it with NOTIFY rgw_catalog), and the rendered listings kept beside it.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/product.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/accounts/programs.hpp"

namespace rgw::pricing {

inline constexpr const char* catalog_channel = "rgw_catalog";

// A rendered listing (JSON body) and its entity tag.
struct Listing {
  std::string body;
  std::string etag;
};

class ProgramCatalog {
 public:
  ProgramCatalog(programs::Program program, std::vector<catalog::Product> products);

  const programs::Program& program() const noexcept { return program_; }
  const std::vector<catalog::Product>& products() const noexcept { return products_; }  // by sku
  const catalog::Product* find(std::string_view sku) const;

  // The listing rendered for `key`, or nullptr; listings depend only on the key and this snapshot.
  std::shared_ptr<const Listing> listing(const std::string& key) const;
  void keep_listing(const std::string& key, std::shared_ptr<const Listing> listing) const;

 private:
  programs::Program program_;
  std::vector<catalog::Product> products_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::shared_ptr<const Listing>> listings_;
};

class CatalogCache {
 public:
  CatalogCache();
  boost::asio::awaitable<std::shared_ptr<const ProgramCatalog>> get(pg::Pool& db, const std::string& program_id);
  // The snapshot if it is in memory, without a coroutine: a hot route tries this before get().
  std::shared_ptr<const ProgramCatalog> cached(const std::string& program_id);
  void forget(const std::string& program_id);
  void forget_all();
  // A NOTIFY rgw_catalog payload: forgets that program unless the change came from this process (which forgot
  // it already when it saved).
  void forget_notified(std::string_view payload);
  // Who this process is in notification payloads.
  const std::string& instance() const noexcept { return instance_; }
  // How many snapshots were loaded from the database and listings rendered (exposed as metrics).
  std::uint64_t loads() const noexcept { return loads_; }
  std::uint64_t renders() const noexcept { return renders_; }
  void count_render() noexcept { ++renders_; }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const ProgramCatalog>> programs_;
  std::atomic<std::uint64_t> generation_{0};  // bumped on every forget: a load that raced one is not kept
  std::atomic<std::uint64_t> loads_{0};
  std::atomic<std::uint64_t> renders_{0};
  std::string instance_;
};

// Creates or replaces products in one transaction and announces the change as coming from `origin` (a
// CatalogCache's instance(), or any other name). Returns, per product, whether it was new.
boost::asio::awaitable<std::vector<bool>> save_products(pg::Pool& db, const std::string& program_id, const std::vector<catalog::Product>& products,
                                               const std::string& origin);

}  // namespace rgw::pricing
