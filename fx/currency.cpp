#include "fx/currency.hpp"

#include <algorithm>
#include <array>

namespace rgw::fx {
namespace {

struct table_row {
  const char* code;
  std::uint16_t numeric;
  std::uint8_t minor_units;
};

// Sorted by code (the generator sorts), so lookups are a binary search.
constexpr table_row rows[] = {
#include "fx/currency_table.inc"
};

}  // namespace

struct currency_table {
  static Currency make(const table_row& row) {
    Currency c;
    std::copy_n(row.code, 3, c.code_);
    c.numeric_ = row.numeric;
    c.minor_units_ = row.minor_units;
    return c;
  }
};

result<Currency> Currency::from_code(std::string_view code) {
  if (code.size() != 3) return errc::unknown_currency;
  const auto* it = std::lower_bound(std::begin(rows), std::end(rows), code,
                                    [](const table_row& row, std::string_view c) { return std::string_view(row.code, 3) < c; });
  if (it == std::end(rows) || std::string_view(it->code, 3) != code) return errc::unknown_currency;
  return currency_table::make(*it);
}

}  // namespace rgw::fx
