#pragma once
// Why a price cannot be given: outcomes callers must handle, mapped to API answers in gateway/api/errc.cpp.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace rgw::pricing {

enum class errc {
  no_rates = 1,          // no rate set has been loaded yet
  stale_rates,           // the rates in force are older than the program allows: pricing fails closed
  no_rate,               // the rate source quotes no rate for the face currency
  no_such_account,
  no_such_product,
  product_unavailable,   // inactive, or no route to a provider
  denomination_invalid,  // the product does not offer this face value
  rounds_to_zero,        // the face value is worth less than the smallest unit of the base currency
  too_large,             // the amount is beyond what exact arithmetic can hold
};

const boost::system::error_category& pricing_category() noexcept;
inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), pricing_category()}; }

template <class T>
using result = boost::system::result<T>;

}  // namespace rgw::pricing

template <>
struct boost::system::is_error_code_enum<rgw::pricing::errc> : std::true_type {};
