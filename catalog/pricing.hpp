#pragma once
// The price of a face value in points (DESIGN: points are integers, rounded up in the program's favour).
#include <cstdint>

#include "fx/rates.hpp"

namespace rgw::catalog {

struct PricingPolicy {
  fx::Currency base;           // the program's base currency
  fx::Decimal point_value;     // worth of one point in `base` (> 0)
  int markup_bps = 0;          // spread on the FX rate
  int tier_discount_bps = 0;   // the account tier's discount on the points price
};

struct Price {
  std::int64_t points = 0;
  fx::Money base_value;       // face value in the base currency at the applied rate, half-even to minor units
  fx::Decimal mid_rate;       // face currency -> base, unmarked
  fx::Decimal applied_rate;   // with the markup
  int markup_bps = 0;         // the markup applied: none when the face value is in the base currency
};

// points = ceil(face × applied_rate ÷ point_value), computed exactly (no rounding before the ceiling; no markup
// when the face currency is the base currency), then
// the tier discount: ceil(points × (10000 − discount_bps) ÷ 10000). Fails with fx::errc::no_rate when the
// rates do not quote the face currency.
fx::result<Price> price(const fx::Money& face, const fx::RateTable& rates, const PricingPolicy& policy);

}  // namespace rgw::catalog
