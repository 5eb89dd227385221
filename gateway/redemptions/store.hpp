#pragma once
// Redemptions in PostgreSQL: the accept transaction (debit, order, ledger entry, dispatch job, stored response,
// all or nothing) and reads.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/pg/pool.hpp"
#include "gateway/quotes/quotes.hpp"

namespace rgw::redemptions {

struct NewRedemption {
  quotes::Terms terms;                  // the price charged: the quote's, or worked out now
  std::optional<std::string> quote_id;  // the quote that locked it, if any
  std::optional<std::string> recipient_json;
};

struct Accepted {
  std::string id;
  std::string created_at;
};

// Inside `tx` (which has claimed the request's idempotency key): debits the points — oldest-expiring lots first —
// and writes the order, its ledger entry and its dispatch job. nullopt when the balance is short (nothing
// written; roll back). The caller stores the response and commits.
boost::asio::awaitable<std::optional<Accepted>> accept(pg::Transaction& tx, const std::string& program_id, const NewRedemption& r);
// The statement that wakes dispatchers; send it with the commit.
pg::Statement wake_dispatchers();

struct Redemption {
  std::string id, status, account_id, sku;
  fx::Money face;
  std::int64_t points = 0;
  std::string applied_rate, mid_rate, rates_as_of, rates_source;
  std::optional<std::string> provider;
  std::int64_t attempts = 0;
  std::optional<std::string> failure_code, failure_detail;
  std::string created_at, updated_at;
  std::optional<std::string> issued_at;
  std::optional<std::string> reward_masked;  // JSON, once issued
};

boost::asio::awaitable<std::optional<Redemption>> find(pg::Pool& db, const std::string& program_id, const std::string& id);

struct SealedReward {
  std::optional<std::string> key_id, blob;  // both null until the order is issued
};
// The sealed reward of an order, for POST .../reveal; an issued one is written to the audit log (who, when) in the
// same transaction. nullopt when there is no such redemption in the program.
boost::asio::awaitable<std::optional<SealedReward>> reveal(pg::Pool& db, const std::string& program_id, const std::string& id,
                                                          const std::string& api_key_id, const std::optional<std::string>& request_id);

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

boost::asio::awaitable<Page> list(pg::Pool& db, const std::string& program_id, const Filter& filter);

}  // namespace rgw::redemptions
