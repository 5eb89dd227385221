#pragma once
// What an account pays for a product's face value right now: the checks and the pricing that quotes and
// redemptions share.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "catalog/pricing.hpp"
#include "gateway/api/call.hpp"
#include "gateway/quotes/quotes.hpp"

namespace rgw::api {

struct Offer {
  std::shared_ptr<const products::ProgramCatalog> catalog;
  quotes::Terms terms;
};

// The product, if it may be redeemed at `face` now. Failure: unknown SKU 404, inactive or route-less 422
// product_unavailable, face value not offered 422 denomination_invalid.
boost::asio::awaitable<std::shared_ptr<const products::ProgramCatalog>> checked_product(Call& call, const std::string& sku, const fx::Money& face);

// Failure: unknown account or SKU 404, inactive or route-less 422 product_unavailable, face value not offered
// 422 denomination_invalid, no or stale rates 503 fx_unavailable.
boost::asio::awaitable<Offer> price_offer(Call& call, const std::string& account_id, const std::string& sku, const fx::Money& face);

// The "fx" object of quote and redemption responses.
nlohmann::json fx_json(const quotes::Terms& terms);

}  // namespace rgw::api
