#pragma once
// Tiers by rule: an account's tier is the highest of its program's thresholds that its points credited in the
// last 365 days reach (credits and adjustments both count), unless a tier_override is set. Recomputed after every
// credit or adjustment, and by a daily pass that catches the window sliding past old credits.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "gateway/core/ids.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::points {

// Recomputes the rule's tier of `account` inside `tx` and queues account.tier_changed if the tier in force moved.
boost::asio::awaitable<void> retier(pg::Transaction& tx, const AccountId& account);

// The daily pass: every account of a program with tiers (or holding a rule's tier) recomputed, a batch per
// transaction. Returns how many accounts' tier in force changed.
boost::asio::awaitable<std::size_t> retier_all(pg::Pool& db);

}  // namespace rgw::points
