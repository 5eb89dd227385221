#pragma once
// A dedicated connection that LISTENs to channels and hands each NOTIFY to a callback; it reconnects on its own.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "gateway/pg/connection.hpp"

namespace rgw::pg {

using NotificationHandler = std::function<void(const Notification&)>;

// Runs until cancelled. on_connected runs after every (re)connect, once LISTEN is in place, so callers can
// resynchronise whatever they may have missed while disconnected.
asio::awaitable<void> listen(std::string conninfo, std::vector<std::string> channels, NotificationHandler on_notify,
                             std::function<void()> on_connected);

}  // namespace rgw::pg
