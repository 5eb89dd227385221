#pragma once
// What an account pays for a product's face value right now: the rates in force, the product checks and the
// price that catalog listings, quotes and redemptions share.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/pricing.hpp"
#include "catalog/product.hpp"
#include "gateway/accounts/programs.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/pricing/catalog_cache.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/pricing/errc.hpp"
#include "gateway/pricing/quotes.hpp"
#include "gateway/pricing/rate_store.hpp"

namespace rgw::ledger {
class PricingReads;
}

namespace rgw::pricing {

// Where prices come from: the program's catalog (database, cached), its accounts and the rates in force.
struct Sources {
  pg::Pool& db;
  CatalogCache& catalog;
  ledger::PricingReads& accounts;
  const RateStore& rates;
};

// The rates in force; no_rates before the first set arrives.
result<std::shared_ptr<const fx::RateTable>> loaded_rates(const RateStore& store);
// The rates in force if fresh enough for `program` (prices fail closed): no_rates, stale_rates.
result<std::shared_ptr<const fx::RateTable>> fresh_rates(const RateStore& store, const programs::Program& program);
bool is_stale(const fx::RateSet& set, const programs::Program& program);

// fx::errc from a conversion, as the pricing outcome it means.
errc conversion_error(const boost::system::error_code& fx_error);

// The program's catalog, if `sku` may be redeemed at `face` now: no_such_product, product_unavailable,
// denomination_invalid.
boost::asio::awaitable<result<std::shared_ptr<const ProgramCatalog>>> checked_product(Sources sources, const ProgramId& program,
                                                                                      const std::string& sku, const fx::Money& face);

struct ListedPrice {
  fx::Money face;
  std::int64_t points = 0;
  fx::Money display;  // the face value in the currency the listing is shown in
};
// A product's listed face values at list price (before any tier discount: a quote applies the account's), shown
// in `display`; nullopt when the rates cannot price one of them.
std::optional<std::vector<ListedPrice>> list_prices(const catalog::Product& product, const programs::Program& program,
                                                    const fx::Currency& display, const fx::RateTable& rates);

struct Offer {
  std::shared_ptr<const ProgramCatalog> catalog;
  Terms terms;
  std::int64_t spendable = 0;  // the account's unexpired points when priced
};

// The account's price for `sku` at `face`: checked_product's outcomes, no_such_account, and those of fresh_rates
// and conversion_error.
boost::asio::awaitable<result<Offer>> price_offer(Sources sources, const ProgramId& program, const AccountId& account,
                                                  const std::string& sku, const fx::Money& face);

}  // namespace rgw::pricing
