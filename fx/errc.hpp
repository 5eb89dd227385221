#pragma once
// Outcomes of money and FX operations that a caller must handle.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace rgw::fx {

enum class errc {
  invalid_number = 1,   // not a plain decimal string: "1e3", "NaN", "--1", " 1", ".5"
  overflow,             // the value does not fit the 18-digit representation
  division_by_zero,
  too_precise,          // more decimals than allowed (18, or the currency's minor units)
  unknown_currency,     // not an ISO 4217 code with minor units
  malformed_feed,       // a rate document that is not exactly what its format promises; nothing of it is used
  no_rate,              // the rate set has no rate for this currency
  implausible_rates,    // a rate outside 1e-9..1e9, a date before 1999 or far ahead, or cross rates out of range
  rounds_to_zero,       // a non-zero amount would convert to nothing: never price or pay 0 for something
};

const boost::system::error_category& fx_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), fx_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace rgw::fx

template <>
struct boost::system::is_error_code_enum<rgw::fx::errc> : std::true_type {};
