// Decimal and Money parsing: what parses prints back canonically and parses to the same value; arithmetic on
// two parsed numbers either fails cleanly or is exact ((a + b) - b == a); a quotient of products is the quotient.
#include "fx/decimal.hpp"
#include "fx/money.hpp"
#include "tests/fuzz/check.hpp"

using namespace rgw::fx;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto text = fuzz_text(data, size);
  const auto bar = text.find('|');
  const auto left = text.substr(0, bar);
  if (auto d = Decimal::parse(left)) {
    const auto printed = d->to_string();
    const auto again = Decimal::parse(printed);
    FUZZ_CHECK(again && *again == *d && again->to_string() == printed);
    FUZZ_CHECK(d->scale() >= 0 && d->scale() <= Decimal::max_scale);
  }
  for (const char* code : {"EUR", "JPY", "BHD"}) {
    if (auto m = Money::parse(left, code)) {
      const auto again = Money::parse(m->amount_string(), code);
      FUZZ_CHECK(again && again->amount() == m->amount());
      FUZZ_CHECK(m->amount().scale() == m->currency().minor_units());
    }
  }
  if (bar == std::string_view::npos) return 0;
  const auto a = Decimal::parse(left), b = Decimal::parse(text.substr(bar + 1));
  if (!a || !b) return 0;
  if (auto sum = add(*a, *b)) {
    const auto back = subtract(*sum, *b);
    FUZZ_CHECK(back && *back == *a);
  }
  (void)multiply_precise(*a, *b);
  if (auto q = divide_precise(*a, *b)) {
    FUZZ_CHECK(!b->is_zero());
    // A cross rate of two per-base quotes is the plain quotient, without trailing zeros.
    const auto one = Decimal::from_units(1, 0).value();
    const auto cross = divide_products(*a, one, one, *b);
    FUZZ_CHECK(cross && *cross == *q && cross->to_string() == cross->trimmed().to_string());
    (void)divide_products(*a, *b, *b, *a);  // 128-bit products of any two parsed numbers: no overflow, no crash
  }
  return 0;
}
