#pragma once
// ISO 4217 currencies with their minor units, from the table shipped in fx/data/.
#include <cstdint>
#include <string_view>

#include "fx/errc.hpp"

namespace rgw::fx {

class Currency {
 public:
  // Fails with errc::unknown_currency for anything but an upper-case ISO 4217 code with minor units.
  static result<Currency> from_code(std::string_view code);

  std::string_view code() const noexcept { return {code_, 3}; }
  std::uint16_t numeric() const noexcept { return numeric_; }
  int minor_units() const noexcept { return minor_units_; }

  friend bool operator==(const Currency& a, const Currency& b) noexcept { return a.code() == b.code(); }

 private:
  friend struct currency_table;
  char code_[3] = {};
  std::uint16_t numeric_ = 0;
  std::uint8_t minor_units_ = 0;
};

}  // namespace rgw::fx
