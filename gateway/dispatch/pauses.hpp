#pragma once
// Providers paused by ops, for every process: a row in provider_pauses while paused. The process that takes the
// action applies it at once; the others on NOTIFY rgw_providers (and re-read the table at start and whenever
// their listener reconnects, in case they missed one).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

#include "gateway/pg/pool.hpp"
#include "gateway/pg/query.hpp"
#include "providers/registry.hpp"

namespace rgw::dispatch::pauses {

inline constexpr const char* channel = "rgw_providers";

// Statements for the action's transaction (with its audit row): the pause or resume, and the notification.
pg::Statement pause_statement(const std::string& provider, const std::string& reason, const std::string& key_id);
pg::Statement resume_statement(const std::string& provider);
pg::Statement notify_statement(const std::string& provider);

// Makes `providers` paused exactly as the table says (providers not in this process's file are ignored).
boost::asio::awaitable<void> apply(pg::Pool& db, const providers::Registry& providers);

// Waits until `provider` has no issue call in flight in this process, at most `limit`; false if one still is.
boost::asio::awaitable<bool> drained(const providers::Provider& provider, std::chrono::milliseconds limit);

}  // namespace rgw::dispatch::pauses
