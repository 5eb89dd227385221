#pragma once
// A deadline raced against an operation with the awaitable operators' `||`.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rgw::net {

// The deadline's wait, ending without an exception when the operation wins the race and cancels it: thrown, that
// cancellation was an exception unwound through several frames per database statement (an eighth of a
// redemption's instructions in the gateway: docs/performance.md).
inline auto deadline_passed(boost::asio::steady_timer& deadline) { return deadline.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable)); }

}  // namespace rgw::net
