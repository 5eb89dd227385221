#pragma once
// Tiers by rule: an account's tier is the highest of its program's thresholds that its points credited in the
// last 365 days reach (credits and adjustments both count), unless a tier_override is set. Recomputed after every
// credit or adjustment, and by a daily pass that catches the window sliding past old credits.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "gateway/accounts/ledger.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::points {

// Recomputes the rule's tier of `account` inside `tx` and queues account.tier_changed if the tier in force moved.
boost::asio::awaitable<void> retier(pg::Transaction& tx, const AccountId& account);

// PATCH of an account; account.tier_changed when the tier in force moves (an override set or cleared). false
// when there is no such account in the program.
boost::asio::awaitable<bool> update_account(pg::Pool& db, const crypto::Sealer& master, const ProgramId& program, const AccountId& account,
                                           const ledger::AccountChange& change);

// The daily pass: every account of a program with tiers (or holding a rule's tier) recomputed, a batch per
// transaction. Returns how many accounts' tier in force changed.
boost::asio::awaitable<std::size_t> retier_all(pg::Pool& db);

}  // namespace rgw::points
