#include "gateway/api/offer.hpp"

#include "gateway/api/pricing_inputs.hpp"
#include "gateway/ledger/ledger.hpp"

namespace rgw::api {

boost::asio::awaitable<std::shared_ptr<const products::ProgramCatalog>> checked_product(Call& call, const std::string& sku, const fx::Money& face) {
  auto snapshot = co_await call.catalog.get(call.db, call.program());
  const auto* product = snapshot->find(sku);
  if (!product) throw Failure(errc::not_found, "no such product");
  if (!product->active || product->routes.empty()) throw Failure(errc::product_unavailable, "the product is not available");
  if (!catalog::offers(*product, face)) throw Failure(errc::denomination_invalid, "the product does not offer this face value");
  co_return snapshot;
}

boost::asio::awaitable<Offer> price_offer(Call& call, const std::string& account_id, const std::string& sku, const fx::Money& face) {
  auto account = co_await ledger::find_pricing_account(call.db, call.program(), account_id);
  if (!account) throw Failure(errc::not_found, "no such account");
  auto snapshot = co_await checked_product(call, sku, face);

  const auto& program = snapshot->program();
  const auto rates = current_rates(call);
  require_fresh(rates->set(), program);
  int discount = 0;
  if (account->tier) {
    if (auto it = program.tier_discounts.find(*account->tier); it != program.tier_discounts.end()) discount = it->second;
  }
  auto price = catalog::price(face, *rates, {program.base_currency, program.point_value, program.fx_markup_bps, discount});
  if (!price && price.error() == fx::errc::rounds_to_zero)
    throw Failure(errc::invalid_request, "the face value is worth less than the smallest unit of " + std::string(program.base_currency.code()));
  if (!price) throw Failure(errc::fx_unavailable, "the rate source quotes no rate for " + std::string(face.currency().code()));
  const int markup = face.currency() == program.base_currency ? 0 : program.fx_markup_bps;
  quotes::Terms terms{account_id, sku, face, *price, markup, discount, rates->set().source, rfc3339(rates->set().as_of)};
  co_return Offer{snapshot, std::move(terms)};
}

nlohmann::json fx_json(const quotes::Terms& t) {
  return {{"rate", t.price.applied_rate.to_string()},
          {"mid_rate", t.price.mid_rate.to_string()},
          {"markup_bps", t.markup_bps},
          {"as_of", t.rates_as_of},
          {"source", t.rates_source}};
}

}  // namespace rgw::api
