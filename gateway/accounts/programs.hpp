#pragma once
// Programs (tenants): a loyalty program's base currency, point value, time zone and FX spread.
#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>

#include "catalog/pricing.hpp"
#include "fx/currency.hpp"
#include "fx/decimal.hpp"
#include "gateway/core/sealer.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::programs {

struct Program {
  std::string id;
  std::string name;
  fx::Currency base_currency;
  fx::Decimal point_value;  // worth of one point in the base currency; may be finer than minor units
  std::string timezone;     // IANA name, validated against the tz database
  int fx_markup_bps = 0;
  std::int64_t fx_max_age_s = 172'800;  // rates older than this (business time for central banks) are stale
  int quote_ttl_s = 60;                  // how long a quote locks its price
  std::map<std::string, int> tier_discounts;  // account tier -> discount on points prices, in basis points
  std::string default_locale;
  std::optional<std::string> webhook_url;  // where final statuses are POSTed, signed
  std::string created_at;

  // How this program prices for an account of `tier` (no tier, or one without a discount: list prices).
  catalog::PricingPolicy pricing_policy(const std::optional<std::string>& tier) const;
};

struct Created {
  Program program;                          // with id and created_at
  std::optional<std::string> webhook_secret;  // generated when there is a webhook_url; shown once, stored sealed
};
boost::asio::awaitable<Created> create(pg::Pool& db, Program program, const crypto::Sealer& sealer);
boost::asio::awaitable<bool> exists(pg::Pool& db, const std::string& program_id);
// Throws std::logic_error if the program is missing: callers hold a key of it, so it exists.
boost::asio::awaitable<Program> find(pg::Pool& db, const std::string& program_id);

}  // namespace rgw::programs
