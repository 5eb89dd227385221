#pragma once
// Every write of an order's status, as statements for the dispatcher's transactions. Each names the status it
// moves from and the lease it holds (`WHERE status = $from AND <lease held>`), so a stale or late worker writes
// nothing; each checks the move against the state machine (status.hpp) before it is built, so an illegal move
// is a bug that stops here instead of reaching the database.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/pg/query.hpp"
#include "gateway/redemptions/rewards.hpp"
#include "gateway/redemptions/status.hpp"

namespace rgw::redemptions {

// An order under a dispatch lease: the job's token, fresh on every claim.
struct Lease {
  std::string redemption_id;
  std::int64_t token = 0;
};

// Throws std::logic_error when `from` → `to` is not a move of the state machine (staying in a non-final status
// is allowed: an order asked about again stays `unknown`).
void require_move(Status from, Status to);

// Before a provider call: the move, the route bound, the attempt counted and recorded. Returns the attempt's id;
// no row when the order or the lease changed meanwhile.
pg::Statement begin_call_statement(const Lease& lease, Status from, Status to, const std::string& provider, std::string_view call,
                                   const std::string& worker);

// What a move after a call writes besides the status.
struct Outcome {
  std::optional<std::string> failed_provider;  // a known failure there: never route this order to it again
  std::optional<std::string> provider_ref;     // the provider's order id, once it said one
  std::optional<StoredReward> reward;          // issued
  std::optional<providers::Cost> cost;         // issued, when the provider said what it charged
  std::optional<std::string> failure_code, failure_detail;  // failed
};
// Returns the order's row for the webhook event (program, account, sku, face, points, provider, attempts,
// updated_at, issued_at); no row when the order or the lease changed meanwhile.
pg::Statement move_statement(const Lease& lease, Status from, Status to, const Outcome& outcome);

// An accepted order held before any call (the provider's funds are short) shows `retrying`.
pg::Statement hold_statement(const Lease& lease);

}  // namespace rgw::redemptions
