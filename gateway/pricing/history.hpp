#pragma once
// Rate sets in PostgreSQL (fx_rate_sets): the record of every set used, and the way processes share a fetch.
#include <boost/asio/awaitable.hpp>
#include <optional>

#include "fx/rates.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::pricing {

// Saves a set; a set already stored (same source and as_of) only has its fetched_at moved forward.
pg::Statement save_rate_set(const fx::RateSet& set);
// The newest stored set, if any.
boost::asio::awaitable<std::optional<fx::RateSet>> latest_rate_set(pg::Pool& db);

}  // namespace rgw::pricing
