#pragma once
// Redemptions in PostgreSQL: the accept statements (debit, order, ledger entry, dispatch job, stored response,
// all or nothing), the reads and the audited reveal.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/core/ids.hpp"
#include "gateway/idempotency/idempotency.hpp"
#include "gateway/audit/audit.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/pricing/quotes.hpp"
#include "gateway/redemptions/recipient.hpp"
#include "providers/provider.hpp"

namespace rgw::redemptions {

struct NewRedemption {
  pricing::Terms terms;                  // the price charged: the quote's, or worked out now
  std::optional<std::string> quote_id;  // the quote that locked it, if any
  std::optional<std::string> recipient_sealed;  // {"email", "name"} sealed under the account's key for this order's id
};

// A new order's identities, minted together: ours, and the key providers see on every call about it (their
// idempotency key, the same on every retry).
struct OrderIds {
  RedemptionId id;           // red_...
  ProviderKey provider_key;  // rgw_...
  static OrderIds mint();
};

// One redemption's accept, ready to run in a transaction shared with other requests (AcceptBatcher): the
// idempotency claim, the debit with the order, its ledger entry and dispatch job, the lots, the stored response.
struct AcceptWork {
  std::string program_id;
  std::string idempotency_key, fingerprint;
  std::chrono::hours keep_for{72};
  NewRedemption order;
  OrderIds ids;
  std::string created_at;     // when it was accepted (RFC 3339)
  std::string response_body;  // the 202 body, stored under the key
};

// A batch's first round trip: its accounts locked, in id order (its statements planned once per connection from
// here on). A request that `waits` (passed over before) waits for its account if another transaction holds it;
// the others' accounts are locked only if free (SKIP LOCKED), so a batch does not wait for another process's
// batch (or a points job) holding one of its accounts: those requests are passed over, to wait in a later batch.
std::vector<pg::Statement> lock_statements(const std::vector<const AcceptWork*>& batch, const std::vector<bool>& waits);
struct Locks {
  std::vector<bool> ahead;                      // per request: goes ahead in this transaction
  std::map<std::string, std::string> status_of;  // by account id: the accounts locked, with their status
};
// Reads lock_statements' results. A request goes ahead if its account was locked, or if it waits (an account
// not found is then the accept's to refuse); not, if it does not, nor does any later request on its account or
// with its key (the batch stays in order).
Locks locks_from(std::span<const pg::Result> results, const std::vector<const AcceptWork*>& batch, const std::vector<bool>& waits);

// The rest of the accept for the requests that went ahead, set-based: per round the claims, the orders with their
// jobs and the claims kept or let go, the debits — each one statement for all the round's requests, and each
// acting for a request only if the step before it succeeded for that request, so every request stays all or
// nothing. Requests on one account or with one key run in successive rounds, as if one after another.
std::vector<pg::Statement> accept_statements(const std::vector<const AcceptWork*>& batch);

struct AcceptResult {
  idempotency::Claim claim;  // not `claimed`: nothing was written, answer per the claim
  bool accepted = false;     // claimed but not accepted: the spendable points were short or the account blocked; nothing written
  bool account_blocked = false;
  bool account_erased = false;
  bool quote_taken = false;  // its quote priced another redemption already (one quote, one order): nothing written
  bool shed = false;         // waited in the queue longer than its bound (AcceptBatcher): nothing written
};
// Reads the results of accept_statements(batch), in order: one per request of the batch.
std::vector<AcceptResult> accept_results(std::span<const pg::Result> results, const std::vector<const AcceptWork*>& batch, const Locks& locks);

// The statement that wakes dispatchers; send it with the commit.
pg::Statement wake_dispatchers();

struct Redemption {
  std::string id, status, account_id, sku;
  fx::Money face;
  std::int64_t points = 0;
  std::string applied_rate, mid_rate, rates_as_of, rates_source;
  std::optional<std::string> provider;
  std::optional<std::string> provider_ref;  // the provider's own order id, once it said one
  std::int64_t attempts = 0;
  std::optional<std::string> failure_code, failure_detail;
  std::string created_at, updated_at;
  std::optional<std::string> issued_at;
  std::optional<std::string> reward_masked;  // JSON, once issued
  std::optional<std::string> wait_reason, next_attempt_at;  // why a non-final order waits, and until when
  std::optional<providers::Cost> cost;                      // what the provider charged, once it said
  SealedRecipient recipient;                                // opened only for a read in clear
};

boost::asio::awaitable<std::optional<Redemption>> find(pg::Pool& db, const ProgramId& program, const RedemptionId& id);

struct SealedReward {
  std::optional<std::string> key_id, blob;  // both null until the order is issued, and after its account's erasure
  bool issued = false;
};
// The sealed reward of an order, for POST .../reveal; revealing an issued one writes `audit` in the same
// transaction. nullopt when there is no such redemption in the program (of `account_id`, when given: a member
// reveals its own account's only).
boost::asio::awaitable<std::optional<SealedReward>> reveal(pg::Pool& db, const ProgramId& program, const RedemptionId& id,
                                                          const std::optional<std::string>& account_id, const audit::Entry& audit);

struct Filter {
  std::optional<std::string> account_id;
  std::optional<std::string> status;
  std::optional<std::string> from, to;  // RFC 3339, created_at in [from, to)
  std::optional<std::int64_t> before;   // a previous page's next_before
  int limit = 50;
};

struct Page {
  std::vector<Redemption> items;             // newest first
  std::optional<std::int64_t> next_before;  // nullopt at the end
};

boost::asio::awaitable<Page> list(pg::Pool& db, const ProgramId& program, const Filter& filter);

}  // namespace rgw::redemptions
