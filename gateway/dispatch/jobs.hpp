#pragma once
// The dispatch queue in PostgreSQL. Workers claim due jobs with FOR UPDATE SKIP LOCKED; a claim gives the job a
// fresh lease token and moves its due time to the lease's end, so a job whose worker died is due again then.
// Every later write names the token and the order's current status, so a worker that lost its lease (or a stale
// view of the order) writes nothing.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fx/money.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/redemptions/recipient.hpp"
#include "gateway/redemptions/rewards.hpp"
#include "gateway/redemptions/status.hpp"
#include "gateway/redemptions/transitions.hpp"
#include "providers/core/outcome.hpp"

namespace rgw::dispatch {

using redemptions::Status;

// A claimed job: the order under this worker's lease.
using Claim = redemptions::Lease;

namespace jobs {

boost::asio::awaitable<std::vector<Claim>> claim(pg::Pool& db, const std::string& worker, std::size_t limit, std::chrono::seconds lease);

}  // namespace jobs

struct Order {
  std::string id, program_id, sku, provider_key;
  Status status = Status::accepted;
  fx::Money face;
  std::optional<std::string> provider;         // the route it is bound to (its last call)
  std::vector<std::string> failed_providers;   // routes that refused it for good
  redemptions::SealedRecipient recipient;     // opened for the provider call only
  std::chrono::system_clock::time_point created_at;
  int tries = 0;  // provider calls so far
};

namespace jobs {

// nullopt when the lease is no longer ours.
boost::asio::awaitable<std::optional<Order>> load(pg::Pool& db, const Claim& claim);

// Before a provider call: moves the order from `from` to `to`, binds it to `provider`, counts and records the
// attempt. Returns the attempt's id, or nullopt when the order or lease changed meanwhile (do not call).
boost::asio::awaitable<std::optional<std::int64_t>> begin_call(pg::Pool& db, const Claim& claim, Status from, Status to,
                                                               const std::string& provider, std::string_view call, const std::string& worker);

}  // namespace jobs

struct CallRecord {
  std::int64_t attempt_id = 0;
  providers::Outcome outcome = providers::Outcome::unknown;
  std::int64_t latency_ms = 0;
  std::string detail;
};

// Where the order goes after a step.
struct Move {
  Status to = Status::retrying;
  std::chrono::milliseconds due_in{0};           // retrying, unknown: when the job is due again
  std::string reason;                            // why it waits, or the failure's detail
  std::optional<std::string> failed_provider;    // a known failure there: never route this order to it again
  std::optional<redemptions::StoredReward> reward;  // issued
  std::string provider_ref;
  std::optional<providers::Cost> cost;           // issued, as the provider reported it
  std::string failure_code;                      // failed
  std::vector<pg::Statement> also;               // written in the same transaction (an ops action's audit row)
};

namespace jobs {

// Applies `move` (with the call's record, if there was a call) in one transaction, only if the order is still in
// `from` under this lease. A final move deletes the job and queues the webhook event; `failed` also returns the
// points (ledger `reversal`, lots restored) — exactly once, since only one transaction can leave `from`.
// Returns false when nothing was written.
boost::asio::awaitable<bool> finish(pg::Pool& db, const Claim& claim, Status from, const std::optional<CallRecord>& call, const Move& move);

// Puts the job back without a call (provider busy or its circuit open; with 0, handing it back at shutdown).
boost::asio::awaitable<void> postpone(pg::Pool& db, const Claim& claim, std::chrono::milliseconds due_in, const std::string& reason);
// Like postpone, for a wait the cabinet should see (short funds): an `accepted` order shows `retrying` meanwhile.
boost::asio::awaitable<void> hold(pg::Pool& db, const Claim& claim, std::chrono::milliseconds due_in, const std::string& reason);

}  // namespace jobs
}  // namespace rgw::dispatch
