#pragma once
// An amount in one currency, always at exactly that currency's minor units.
#include <string>
#include <string_view>

#include "fx/currency.hpp"
#include "fx/decimal.hpp"

namespace rgw::fx {

class Money {
 public:
  // Parses an API amount: a plain decimal with at most the currency's minor units ("50", "50.0", "50.00" for EUR);
  // more decimals are errc::too_precise, never silently rounded.
  static result<Money> parse(std::string_view amount, std::string_view currency_code);
  // Rounds any exact value to the currency's minor units, half-even ("10.005" EUR -> "10.00", "10.015" -> "10.02").
  static result<Money> round(const Decimal& value, const Currency& currency);

  const Decimal& amount() const noexcept { return amount_; }
  const Currency& currency() const noexcept { return currency_; }
  // The API form: exactly minor-unit decimals, "5000" for JPY, "1.500" for BHD.
  std::string amount_string() const { return amount_.to_string(); }

  friend bool operator==(const Money&, const Money&) = default;

 private:
  Money(Decimal amount, Currency currency) : amount_(amount), currency_(currency) {}
  Decimal amount_;
  Currency currency_;
};

}  // namespace rgw::fx
