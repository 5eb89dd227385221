#pragma once
// Exact decimal numbers for money and rates: a 64-bit integer of units and a scale (decimals).
// No double anywhere; every operation that could lose digits takes an explicit rounding mode.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "fx/errc.hpp"

namespace rgw::fx {

enum class rounding {
  half_even,  // money: banker's rounding to minor units
  ceiling,    // points: a price is rounded up, in the program's favour
  floor,
};

class Decimal {
 public:
  static constexpr int max_scale = 18;

  constexpr Decimal() = default;

  // Accepts only [-]digits[.digits] with at most 18 decimals; no exponent, sign '+', blanks or "NaN".
  static result<Decimal> parse(std::string_view text);
  // units * 10^-scale; fails on a scale outside 0..18.
  static result<Decimal> from_units(std::int64_t units, int scale);

  std::int64_t units() const noexcept { return units_; }
  int scale() const noexcept { return scale_; }
  bool is_zero() const noexcept { return units_ == 0; }
  bool is_negative() const noexcept { return units_ < 0; }

  // Exactly scale() decimals: "10.50", "5000", "-0.001".
  std::string to_string() const;

  // To more decimals (exact; may overflow) or fewer (rounded by mode).
  result<Decimal> rescale(int scale, rounding mode) const;
  // The same number without trailing fractional zeros: 78.50000 → 78.5.
  Decimal trimmed() const noexcept;

  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept;
  friend bool operator==(const Decimal& a, const Decimal& b) noexcept { return (a <=> b) == 0; }

 private:
  constexpr Decimal(std::int64_t units, int scale) : units_(units), scale_(scale) {}
  friend struct decimal_access;

  std::int64_t units_ = 0;
  int scale_ = 0;
};

// Exact sum and difference, at the larger of the two scales.
result<Decimal> add(const Decimal& a, const Decimal& b);
result<Decimal> subtract(const Decimal& a, const Decimal& b);
// a * b and a / b rounded to `scale` decimals by `mode`; intermediates are 128-bit.
result<Decimal> multiply(const Decimal& a, const Decimal& b, int scale, rounding mode);
result<Decimal> divide(const Decimal& a, const Decimal& b, int scale, rounding mode);
// a / b and a * b with as many decimals (up to 18) as the 64-bit representation holds, rounded half-even:
// at least 17 significant digits unless the value is tiny.
result<Decimal> divide_precise(const Decimal& a, const Decimal& b);
result<Decimal> multiply_precise(const Decimal& a, const Decimal& b, rounding mode = rounding::half_even);
// (a × b) / (c × d) as one division of exact 128-bit products, precise as divide_precise and trimmed: a cross rate
// of two published quotes, with nothing rounded before the division.
result<Decimal> divide_products(const Decimal& a, const Decimal& b, const Decimal& c, const Decimal& d);

}  // namespace rgw::fx
