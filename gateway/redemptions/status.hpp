#pragma once
// The redemption state machine (docs/design.md, "Orders"), as plain functions: which moves are legal, and what the dispatcher
// does next after a provider answers. The database applies moves as conditional updates
// (`... WHERE status = $from`), so a stale worker cannot overwrite a newer state.
//   accepted → dispatching → issued (final)
//   accepted → retrying (held before any call: the provider's funds do not cover the order yet)
//   dispatching → retrying → dispatching
//   dispatching → unknown → (asked) → issued | retrying | failed
//   any non-final → failed (final; the points are reversed in the same transaction)
// An unknown outcome is never answered with a new order: it moves to retrying only when the provider says it
// has no order under the key, and the next issue() carries the same key, so the provider cannot make two.
// A known failure with a route left moves to retrying and fails over to that route.
#include <optional>
#include <string_view>

#include "providers/core/outcome.hpp"

namespace rgw::redemptions {

enum class Status { accepted, dispatching, issued, retrying, unknown, failed };

std::string_view status_name(Status status);
std::optional<Status> parse_status(std::string_view name);
constexpr bool is_final(Status s) { return s == Status::issued || s == Status::failed; }
bool can_move(Status from, Status to);

enum class Next {
  done,         // final: issued
  ask_status,   // the outcome is not known: query status() later, never issue again
  retry_issue,  // nothing was created: issue again later, same idempotency key
  fail_over,    // a known failure: try the next route
  give_up,      // a known failure and no route left: fail and reverse
};

struct Step {
  Status status;
  Next next;
};

// After issue() at the current route; `another_route` says whether a lower-priority route remains.
Step after_issue(providers::Outcome outcome, bool another_route);
// After status() for an order whose outcome was not known. `rejected`: the order failed there, a known failure.
// `retryable`: the provider has no order under the key, issue again with the same key. Anything unclear keeps asking.
Step after_status(providers::Outcome outcome, bool another_route);

}  // namespace rgw::redemptions
