#pragma once
// Personal data over time (docs/privacy.md). What is sealed and how is core/personal.hpp; this is what happens to
// it later: a person erased, a program's retention applied, rows from before sealing sealed, account keys
// re-wrapped after the master key was rotated.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "gateway/audit/audit.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/sealer.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::privacy {

struct Erased {
  std::string erased_at;  // RFC 3339; the first erasure's, when asked again
  bool now = false;       // false: it had been erased before, nothing changed
};
// Destroys the account's key and blanks its personal fields and its orders' recipients; its rewards become
// unrevealable unless the program keeps them (erasure_keeps_rewards). Ledger, orders and amounts stay as they are.
// The audit row and the account.erased webhook are written in the same transaction. nullopt: no such account.
boost::asio::awaitable<std::optional<Erased>> erase(pg::Pool& db, const ProgramId& program, const AccountId& account, const audit::Entry& audit);

// Blanks the recipients of final orders older than their program's personal_data_retention_days; the number
// blanked. Every process runs it (daily by default); it is idempotent.
boost::asio::awaitable<std::int64_t> apply_retention(pg::Pool& db);

// Seals what an earlier version stored in clear (account names, order recipients) and re-wraps every account key
// not wrapped by the sealing master key; counts of each. Run at start; safe to run in several processes at once.
struct Resealed {
  std::int64_t names = 0, recipients = 0, keys = 0;
};
boost::asio::awaitable<Resealed> reseal(pg::Pool& db, const crypto::Sealer& master);

// Every process: reseal once at start, then apply_retention every `retention_interval` (0: never), until
// cancelled. Failures are logged and tried again at the next interval.
boost::asio::awaitable<void> run(std::shared_ptr<pg::Pool> db, std::shared_ptr<const crypto::Sealer> master, std::chrono::seconds retention_interval);

}  // namespace rgw::privacy
