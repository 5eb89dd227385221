#pragma once
// What ops may do to one order (docs/operations.md, "Acting on an order"): dispatch it now, cancel it while no
// provider can hold it, or settle an `unknown` one a person has checked at the provider. Each takes the order's
// dispatch lease the way a worker does — so no worker acts on it meanwhile, and a worker holding it now makes the
// action wait its turn (`busy`) — and moves it through the same transitions as the dispatcher, with the audit row
// in the same transaction.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "gateway/audit/audit.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::dispatch::ops {

enum class Refused {
  none,                   // done
  no_such_order,          // not in this program
  final,                  // issued or failed already
  busy,                   // a dispatcher is calling its provider right now: try again in a moment
  may_exist_at_provider,  // cancel: dispatching or unknown, a provider may hold the order
  not_unknown,            // resolve: only an `unknown` order is settled by hand
};

// Makes a non-final order due now (an `unknown` one is asked about, any other issued). Busy counts as done: it
// is being dispatched.
boost::asio::awaitable<Refused> retry(pg::Pool& db, const std::string& program_id, const std::string& id, const audit::Entry& audit);
// `accepted` or `retrying` (no provider holds it) → `failed` with code `cancelled`, the points reversed.
boost::asio::awaitable<Refused> cancel(pg::Pool& db, const std::string& program_id, const std::string& id, const std::string& reason,
                                       const audit::Entry& audit);
// `unknown` → `issued` with the provider's reference and no call (the reward stays with the provider; the order shows
// none), or → `retrying`, to be issued again under the same provider key.
struct Resolution {
  bool issued = false;
  std::string provider_ref;  // with issued
  std::string reason;
};
boost::asio::awaitable<Refused> resolve(pg::Pool& db, const std::string& program_id, const std::string& id, const Resolution& resolution,
                                        const audit::Entry& audit);

}  // namespace rgw::dispatch::ops
