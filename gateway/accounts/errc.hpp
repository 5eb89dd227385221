#pragma once
// What a change to an account's points can meet: outcomes callers must handle, mapped to API answers in
// gateway/api/errc.cpp.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace rgw::ledger {

enum class errc {
  no_such_account = 1,
  insufficient_points,  // the spendable (unexpired) points do not cover it; nothing was written
  account_blocked,      // a blocked account may not redeem
  account_erased,       // an erased account may not redeem or be credited (docs/privacy.md)
};

const boost::system::error_category& ledger_category() noexcept;
inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), ledger_category()}; }

template <class T>
using result = boost::system::result<T>;

}  // namespace rgw::ledger

template <>
struct boost::system::is_error_code_enum<rgw::ledger::errc> : std::true_type {};
