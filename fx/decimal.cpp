#include "fx/decimal.hpp"

#include <array>

namespace rgw::fx {
namespace {

__extension__ using int128 = __int128;

constexpr std::array<int128, 39> make_powers() {
  std::array<int128, 39> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr auto pow10 = make_powers();

bool mul_overflows(int128 a, int128 b, int128& out) { return __builtin_mul_overflow(a, b, &out); }

// num / den rounded by mode; den != 0.
int128 divide_rounded(int128 num, int128 den, rounding mode) {
  if (den < 0) num = -num, den = -den;
  int128 q = num / den;
  int128 r = num % den;  // same sign as num
  if (r == 0) return q;
  const bool negative = num < 0;
  switch (mode) {
    case rounding::ceiling:
      return negative ? q : q + 1;
    case rounding::floor:
      return negative ? q - 1 : q;
    case rounding::half_even: {
      const int128 remainder = r < 0 ? -r : r, rest = den - remainder;  // compared, not doubled: den may use 127 bits
      if (remainder > rest || (remainder == rest && q % 2 != 0)) return negative ? q - 1 : q + 1;
      return q;
    }
  }
  return q;
}

// Brings value from scale `from` to scale `to`, rounding when decimals are dropped.
result<int128> rescale_units(int128 value, int from, int to, rounding mode) {
  if (to >= from) {
    int128 out;
    if (to - from >= static_cast<int>(pow10.size()) || mul_overflows(value, pow10[to - from], out)) return errc::overflow;
    return out;
  }
  if (from - to >= static_cast<int>(pow10.size())) return int128{0};
  return divide_rounded(value, pow10[from - to], mode);
}

bool valid_scale(int scale) { return scale >= 0 && scale <= Decimal::max_scale; }

}  // namespace

struct decimal_access {
  static result<Decimal> make(int128 units, int scale) {
    if (!valid_scale(scale)) return errc::too_precise;
    if (units > INT64_MAX || units < -INT64_MAX) return errc::overflow;
    return Decimal(static_cast<std::int64_t>(units), scale);
  }
};

namespace {
result<Decimal> make_decimal(int128 units, int scale) { return decimal_access::make(units, scale); }
}  // namespace

result<Decimal> Decimal::from_units(std::int64_t units, int scale) {
  if (units == INT64_MIN) return errc::overflow;
  return make_decimal(units, scale);
}

result<Decimal> Decimal::parse(std::string_view text) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  int128 units = 0;
  int scale = 0;
  int int_digits = 0;
  bool in_fraction = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (in_fraction || int_digits == 0) return errc::invalid_number;
      in_fraction = true;
      continue;
    }
    if (c < '0' || c > '9') return errc::invalid_number;
    if (in_fraction) {
      if (++scale > max_scale) return errc::too_precise;
    } else {
      ++int_digits;
    }
    units = units * 10 + (c - '0');
    if (units > INT64_MAX) return errc::overflow;  // 19+ digits never fit; checked per digit, so no int128 overflow
  }
  if (int_digits == 0 || (in_fraction && scale == 0)) return errc::invalid_number;
  return make_decimal(negative ? -units : units, scale);
}

std::string Decimal::to_string() const {
  // Work on the magnitude as unsigned so INT64_MIN-free values print without overflow.
  unsigned long long magnitude = units_ < 0 ? 0ULL - static_cast<unsigned long long>(units_) : units_;
  std::string digits = std::to_string(magnitude);
  if (static_cast<int>(digits.size()) <= scale_) digits.insert(0, scale_ + 1 - digits.size(), '0');
  if (scale_ > 0) digits.insert(digits.size() - scale_, 1, '.');
  if (units_ < 0) digits.insert(0, 1, '-');
  return digits;
}

result<Decimal> Decimal::rescale(int scale, rounding mode) const {
  if (!valid_scale(scale)) return errc::too_precise;
  auto units = rescale_units(units_, scale_, scale, mode);
  if (!units) return units.error();
  return make_decimal(*units, scale);
}

Decimal Decimal::trimmed() const noexcept {
  Decimal out = *this;
  while (out.scale_ > 0 && out.units_ % 10 == 0) out.units_ /= 10, --out.scale_;
  return out;
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept {
  const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
  // |units| < 2^63 and scale difference <= 18, so these products fit 128 bits.
  const int128 x = static_cast<int128>(a.units_) * pow10[scale - a.scale_];
  const int128 y = static_cast<int128>(b.units_) * pow10[scale - b.scale_];
  return x <=> y;
}

namespace {
result<Decimal> add_scaled(const Decimal& a, const Decimal& b, int sign) {
  int scale = a.scale() > b.scale() ? a.scale() : b.scale();
  const int128 x = static_cast<int128>(a.units()) * pow10[scale - a.scale()];
  const int128 y = static_cast<int128>(b.units()) * pow10[scale - b.scale()];
  int128 sum = x + sign * y;
  // Exact, so trailing zeros can go: a sum too large at the finer scale may fit at a coarser one (found by
  // fuzzing: (a + b) - b overflowed where a itself fits).
  while (scale > 0 && (sum > INT64_MAX || sum < -INT64_MAX) && sum % 10 == 0) {
    sum /= 10;
    --scale;
  }
  return make_decimal(sum, scale);
}
}  // namespace

result<Decimal> add(const Decimal& a, const Decimal& b) { return add_scaled(a, b, 1); }
result<Decimal> subtract(const Decimal& a, const Decimal& b) { return add_scaled(a, b, -1); }

result<Decimal> multiply(const Decimal& a, const Decimal& b, int scale, rounding mode) {
  if (!valid_scale(scale)) return errc::too_precise;
  const int128 product = static_cast<int128>(a.units()) * b.units();
  auto units = rescale_units(product, a.scale() + b.scale(), scale, mode);
  if (!units) return units.error();
  return make_decimal(*units, scale);
}

result<Decimal> divide(const Decimal& a, const Decimal& b, int scale, rounding mode) {
  if (!valid_scale(scale)) return errc::too_precise;
  if (b.is_zero()) return errc::division_by_zero;
  // a/b at `scale` decimals = a.units * 10^(scale + b.scale - a.scale) / b.units
  const int shift = scale + b.scale() - a.scale();
  int128 num = a.units();
  int128 den = b.units();
  if (shift >= 0 && mul_overflows(num, pow10[shift], num)) return errc::overflow;
  if (shift < 0) den *= pow10[-shift];  // |b.units| < 2^63 and -shift <= 18: fits
  return make_decimal(divide_rounded(num, den, mode), scale);
}

namespace {
template <class Op>
result<Decimal> at_finest_scale(Op op) {
  for (int scale = Decimal::max_scale; scale >= 0; --scale) {
    auto r = op(scale);
    if (r || r.error() != errc::overflow) return r;
  }
  return errc::overflow;
}
}  // namespace

result<Decimal> divide_precise(const Decimal& a, const Decimal& b) {
  return at_finest_scale([&](int scale) { return divide(a, b, scale, rounding::half_even); });
}

result<Decimal> multiply_precise(const Decimal& a, const Decimal& b, rounding mode) {
  return at_finest_scale([&](int scale) { return multiply(a, b, scale, mode); });
}

result<Decimal> divide_products(const Decimal& a, const Decimal& b, const Decimal& c, const Decimal& d) {
  if (c.is_zero() || d.is_zero()) return errc::division_by_zero;
  // |units| < 2^63, so each product fits 127 bits.
  const int128 numerator = static_cast<int128>(a.units()) * b.units();
  const int128 denominator = static_cast<int128>(c.units()) * d.units();
  auto quotient = at_finest_scale([&](int scale) -> result<Decimal> {
    const int shift = scale + c.scale() + d.scale() - a.scale() - b.scale();
    int128 num = numerator, den = denominator;
    if (shift >= 0 && (shift >= static_cast<int>(pow10.size()) || mul_overflows(num, pow10[shift], num))) return errc::overflow;
    if (shift < 0 && (-shift >= static_cast<int>(pow10.size()) || mul_overflows(den, pow10[-shift], den))) return errc::overflow;
    return make_decimal(divide_rounded(num, den, rounding::half_even), scale);
  });
  if (!quotient) return quotient.error();
  return quotient->trimmed();
}

}  // namespace rgw::fx
