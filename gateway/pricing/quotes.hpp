#pragma once
// Quotes: a price in points locked for one account and face value until expires_at, with the rates behind it.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "catalog/pricing.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::pricing {

// What a quote locks and a redemption is charged: who, what, and the price with the rates behind it.
struct Terms {
  std::string account_id;
  std::string sku;
  fx::Money face;
  catalog::Price price;
  int tier_discount_bps = 0;
  std::string rates_source;
  std::string rates_as_of;  // RFC 3339
};

struct Quote {
  std::string id;
  Terms terms;
  std::string expires_at;
  std::string created_at;
  bool expired = false;
};

// Stores a new quote valid for `ttl_s` seconds from now (the database's clock).
boost::asio::awaitable<Quote> create_quote(pg::Pool& db, const std::string& program_id, const Terms& terms, int ttl_s);
// nullopt when the program has no such quote.
boost::asio::awaitable<std::optional<Quote>> find_quote(pg::Pool& db, const std::string& program_id, const std::string& id);

}  // namespace rgw::pricing
