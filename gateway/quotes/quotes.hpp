#pragma once
// Quotes: a price in points locked for one account and face value until expires_at, with the rates behind it.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "catalog/pricing.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::quotes {

struct Quote {
  std::string id;
  std::string account_id;
  std::string sku;
  fx::Money face;
  catalog::Price price;
  int markup_bps = 0;
  int tier_discount_bps = 0;
  std::string rates_source;
  std::string rates_as_of;  // RFC 3339
  std::string expires_at;
  std::string created_at;
  bool expired = false;
};

// Stores a new quote valid for `ttl_s` seconds from now (the database's clock); fills id and times.
boost::asio::awaitable<Quote> create(pg::Pool& db, const std::string& program_id, Quote quote, int ttl_s);
// nullopt when the program has no such quote.
boost::asio::awaitable<std::optional<Quote>> find(pg::Pool& db, const std::string& program_id, const std::string& id);

}  // namespace rgw::quotes
