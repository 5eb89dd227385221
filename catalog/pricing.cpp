#include "catalog/pricing.hpp"

namespace rgw::catalog {

fx::result<Price> price(const fx::Money& face, const fx::RateTable& rates, const PricingPolicy& policy) {
  // The spread is the price of converting: a face value already in the base currency carries none.
  const int markup = face.currency() == policy.base ? 0 : policy.markup_bps;
  auto conversion = rates.convert(face, policy.base, markup);
  if (!conversion) return conversion.error();
  // Exact base value: rounding up at the 18th significant digit cannot move a ceiling to the next integer.
  auto exact_base = fx::multiply_precise(face.amount(), conversion->applied_rate, fx::rounding::ceiling);
  if (!exact_base) return exact_base.error();
  auto points = fx::divide(*exact_base, policy.point_value, 0, fx::rounding::ceiling);
  if (!points) return points.error();
  if (policy.tier_discount_bps != 0) {
    auto keep = fx::Decimal::from_units(10'000 - policy.tier_discount_bps, 4);
    if (!keep) return keep.error();
    points = fx::multiply(*points, *keep, 0, fx::rounding::ceiling);
    if (!points) return points.error();
  }
  return Price{points->units(), conversion->to, conversion->mid_rate, conversion->applied_rate, markup};
}

}  // namespace rgw::catalog
