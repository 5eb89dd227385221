#include "fx/money.hpp"

namespace rgw::fx {

result<Money> Money::parse(std::string_view amount, std::string_view currency_code) {
  auto currency = Currency::from_code(currency_code);
  if (!currency) return currency.error();
  auto value = Decimal::parse(amount);
  if (!value) return value.error();
  if (value->scale() > currency->minor_units()) return errc::too_precise;
  auto exact = value->rescale(currency->minor_units(), rounding::half_even);  // only adds zeros here
  if (!exact) return exact.error();
  return Money(*exact, *currency);
}

result<Money> Money::round(const Decimal& value, const Currency& currency) {
  auto rounded = value.rescale(currency.minor_units(), rounding::half_even);
  if (!rounded) return rounded.error();
  return Money(*rounded, currency);
}

}  // namespace rgw::fx
