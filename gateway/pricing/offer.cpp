#include "gateway/pricing/offer.hpp"

#include "fx/errc.hpp"
#include "gateway/accounts/pricing_reads.hpp"
#include "gateway/core/format.hpp"

namespace rgw::pricing {

result<std::shared_ptr<const fx::RateTable>> loaded_rates(const RateStore& store) {
  auto table = store.current();
  if (!table) return errc::no_rates;
  return table;
}

bool is_stale(const fx::RateSet& set, const programs::Program& program) {
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return fx::age(set, now).count() > program.fx_max_age_s;
}

result<std::shared_ptr<const fx::RateTable>> fresh_rates(const RateStore& store, const programs::Program& program) {
  auto table = loaded_rates(store);
  if (table && is_stale((*table)->set(), program)) return errc::stale_rates;
  return table;
}

errc conversion_error(const boost::system::error_code& fx_error) {
  if (fx_error == fx::errc::no_rate) return errc::no_rate;
  if (fx_error == fx::errc::rounds_to_zero) return errc::rounds_to_zero;
  return errc::too_large;
}

std::optional<std::vector<ListedPrice>> list_prices(const catalog::Product& product, const programs::Program& program,
                                                    const fx::Currency& display, const fx::RateTable& rates) {
  std::vector<ListedPrice> prices;
  const auto policy = program.pricing_policy(std::nullopt);
  for (const auto& face : catalog::listed_face_values(product)) {
    auto price = catalog::price(face, rates, policy);
    auto shown = rates.convert(face, display);
    if (!price || !shown) return std::nullopt;
    prices.push_back({face, price->points, shown->to});
  }
  return prices;
}

boost::asio::awaitable<result<std::shared_ptr<const ProgramCatalog>>> checked_product(Sources sources, const ProgramId& program,
                                                                                      const std::string& sku, const fx::Money& face) {
  auto snapshot = co_await sources.catalog.get(sources.db, program.str());
  const auto* product = snapshot->find(sku);
  errc refusal{};
  if (!product) refusal = errc::no_such_product;
  else if (!product->active || product->routes.empty()) refusal = errc::product_unavailable;
  else if (!catalog::offers(*product, face)) refusal = errc::denomination_invalid;
  if (refusal != errc{}) co_return refusal;
  co_return snapshot;
}

boost::asio::awaitable<result<Offer>> price_offer(Sources sources, const ProgramId& program_id, const AccountId& account_id,
                                                  const std::string& sku, const fx::Money& face) {
  auto account = co_await sources.accounts.find(program_id, account_id);
  if (!account) co_return errc::no_such_account;
  auto snapshot = co_await checked_product(sources, program_id, sku, face);
  if (!snapshot) co_return snapshot.error();

  const auto& program = (*snapshot)->program();
  const auto rates = fresh_rates(sources.rates, program);
  if (!rates) co_return rates.error();
  const auto policy = program.pricing_policy(account->tier);
  auto price = catalog::price(face, **rates, policy);
  if (!price) co_return conversion_error(price.error());
  const auto& set = (*rates)->set();
  Terms terms{account_id.str(), sku, face, *price, policy.tier_discount_bps, set.source, rfc3339(set.as_of)};
  co_return Offer{*snapshot, std::move(terms), account->spendable};
}

}  // namespace rgw::pricing
