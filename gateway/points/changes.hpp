#pragma once
// Credits and adjustments as a program's rules want them: a new lot without a date of its own lapses by the
// program's points_validity and expiry_rounding, and the account's tier by rule follows every change.
#include <boost/asio/awaitable.hpp>
#include <optional>

#include "gateway/accounts/ledger.hpp"
#include "gateway/accounts/programs.hpp"

namespace rgw::points {

// Inside the caller's transaction: no_such_account.
boost::asio::awaitable<ledger::result<ledger::Entry>> credit(pg::Transaction& tx, const programs::Program& program, const AccountId& account,
                                                            ledger::Credit credit);
// Inside the caller's transaction: ledger::adjust's outcomes.
boost::asio::awaitable<ledger::result<ledger::Entry>> adjust(pg::Transaction& tx, const programs::Program& program, const AccountId& account,
                                                             ledger::Adjustment adjustment);

}  // namespace rgw::points
