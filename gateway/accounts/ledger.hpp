#pragma once
// Accounts and the append-only points ledger. Every change to a balance is one of the statements built here
// (credit, debit, reversal, adjustment, expiry): each writes its ledger entry in the same statement as the
// balance update, and the database refuses a negative balance.
//
// accounts.balance is the ledger's sum. Points of a lot past its expires_at are not spendable from that instant,
// whether or not the expiry job has written their entry yet: what may be spent is the balance less those
// (rgw_lapsed_points), and every statement that takes points takes them from unexpired lots only. Every writer of
// lots locks the account row first (lock_statement, or an UPDATE of it in the same statement), so a statement
// after the lock sees the account's lots as they are, and writers never wait for each other in a cycle.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/accounts/errc.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/personal.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::ledger {

struct ExpiringLot {
  std::int64_t points;  // still unspent
  std::string expires_at;
};

struct Account {
  std::string id;
  std::string external_ref;         // the CRM's id, not personal data: kept in clear, searchable
  std::optional<std::string> name;  // opened from its sealed form; nullopt once the account is erased
  std::optional<std::string> tier;  // the override if set, else the program's rule's
  std::string tier_source;          // override | rule | none
  std::string status;               // active | blocked | erased
  std::int64_t balance = 0;         // spendable now
  std::string created_at;
  std::vector<ExpiringLot> expiring;  // soonest first
};

// PATCH of an account: only what is set changes.
struct AccountChange {
  std::optional<std::string> name;
  std::optional<std::string> status;  // active | blocked
  std::optional<std::optional<std::string>> tier_override;  // set (a tier, or cleared with nullopt inside)
};

struct NewAccount {
  std::string external_ref;
  std::string name;
  std::optional<std::string> tier_override;  // a tier given by hand (POST /v1/accounts' "tier")
};

struct Entry {
  std::string id;
  std::string kind;  // credit | debit | reversal | expiry | adjustment
  std::int64_t points = 0;
  std::int64_t balance_after = 0;
  std::optional<std::string> redemption_id;
  std::optional<std::string> reason;
  std::optional<std::string> expires_at;
  std::optional<std::int64_t> lot_id;     // expiry: which lot lapsed
  std::optional<std::string> effective_at;  // expiry: when it lapsed
  std::string created_at;
};

struct Credit {
  std::int64_t points = 0;
  std::string reason;
  std::optional<std::string> expires_at;  // RFC 3339
};

struct Page {
  std::vector<Entry> items;
  std::optional<std::int64_t> next_before;  // pass as `before` for the next page; nullopt at the end
};

// Adds `credit` as a new lot; returns the entry's row (empty when the program has no such account).
pg::Statement credit_statement(const ProgramId& program, const AccountId& account, const Credit& credit);

// Points added or taken by hand (admin, finance), recording the key that did it.
struct Adjustment {
  std::int64_t points = 0;                // not 0
  std::string reason;
  std::optional<std::string> expires_at;  // positive ones: the new lot's (RFC 3339)
  std::string api_key_id;
};
// Locks the accounts' rows for the rest of the transaction, in the order of their ids (distinct); a row per
// account locked, with its `id` and the `status` that says whether it may redeem (none when the program has no
// such account, or, with if_held::skip, when another transaction holds it).
enum class if_held { wait, skip };
pg::Statement lock_statement(const std::vector<std::pair<ProgramId, AccountId>>& accounts, if_held when_held);
pg::Statement lock_statement(const ProgramId& program, const AccountId& account);
// A positive adjustment adds a lot like a credit. A negative one takes unexpired points soonest-expiring first,
// only if the spendable points cover it: run it after lock_statement. Returns the entry's row, or none.
pg::Statement adjustment_statement(const ProgramId& program, const AccountId& account, const Adjustment& adjustment);

// The expiry job's two steps, in one transaction: lock accounts holding lapsed lots (up to `accounts`, among
// those of the oldest `window` lapsed lots), then write each of their lapsed lots down (up to `lots`).
pg::Statement lock_lapsed_statement(int window, int accounts);
pg::Statement expiry_statement(const std::vector<std::string>& locked_accounts, int lots);
struct Expired {
  std::string entry_id, program_id, account_id;
  std::int64_t points = 0;  // that lapsed (positive)
  std::int64_t lot_id = 0;
  std::string effective_at;
};
Expired expired_from(const pg::Row& row);
// Takes redemptions' points from their accounts, soonest-expiring lots first; orders not written are skipped.
// The orders are of distinct accounts, written first in the same transaction after their account rows were
// locked (redemptions::accept_statements).
pg::Statement debit_statement(const std::vector<RedemptionId>& orders);
// Gives a failed redemption's points back, to the lots they came from; a second reversal is refused.
pg::Statement reversal_statement(const RedemptionId& redemption, const std::string& reason);

// nullopt when the program already has an account with this external_ref.
// The name is sealed under a new key of the account's own (core/personal.hpp), wrapped by `master`.
boost::asio::awaitable<std::optional<Account>> create_account(pg::Pool& db, const ProgramId& program, const NewAccount& account,
                                                              const crypto::Sealer& master);
// nullopt when there is no such account in this program.
boost::asio::awaitable<std::optional<Account>> find_account(pg::Pool& db, const ProgramId& program, const AccountId& account,
                                                            const crypto::Sealer& master);
// The account's own key, to seal a personal field with (made and stored if the account has none yet);
// errc::no_such_account, or errc::account_erased. The lock_ one reads it under the row's lock.
boost::asio::awaitable<result<personal::AccountKey>> account_key(pg::Pool& db, const ProgramId& program, const AccountId& account,
                                                                 const crypto::Sealer& master);
boost::asio::awaitable<result<personal::AccountKey>> lock_account_key(pg::Transaction& tx, const ProgramId& program, const AccountId& account,
                                                                      const crypto::Sealer& master);
// An account's name sealed under its key, as accounts.name_sealed holds it, and opened again (nullopt: erased).
std::string sealed_name(const personal::AccountKey& key, std::string_view account_id, std::string_view name);
std::optional<std::string> opened_name(const crypto::Sealer& master, std::string_view account_id, const std::optional<std::string>& data_key,
                                       const std::optional<std::string>& name_sealed);
// What a sealed personal field of an account's row reads as: nullopt when it is empty or the account erased.
std::optional<std::string> open_personal(const crypto::Sealer& master, std::string_view account_id, const std::optional<std::string>& data_key,
                                         const std::optional<std::string>& sealed, std::string_view context);
struct Changed {
  Account account;  // as it is now (without its expiring lots)
  std::optional<std::string> previous_tier;  // the tier in force before
};
// Inside the caller's transaction; nullopt when there is no such account in this program.
boost::asio::awaitable<std::optional<Changed>> update_account(pg::Transaction& tx, const crypto::Sealer& master, const ProgramId& program, const AccountId& account,
                                                             const AccountChange& change);
// Adds points (a new lot, expiring or not) inside the caller's transaction: no_such_account.
boost::asio::awaitable<result<Entry>> credit(pg::Transaction& tx, const ProgramId& program, const AccountId& account,
                                                    const Credit& credit);
// An adjustment inside the caller's transaction: no_such_account, or insufficient_points (nothing written).
boost::asio::awaitable<result<Entry>> adjust(pg::Transaction& tx, const ProgramId& program, const AccountId& account,
                                             const Adjustment& adjustment);
Entry entry_from(const pg::Row& row);
// Entries newest first, those before position `before` (a previous page's next_before). nullopt when there is
// no such account.
boost::asio::awaitable<std::optional<Page>> entries(pg::Pool& db, const ProgramId& program, const AccountId& account, int limit,
                                                    std::optional<std::int64_t> before);

// An account's entries created in [from, to) (RFC 3339 instants) with the ledger balance before them; closing =
// opening + the entries' points. One snapshot. nullopt when there is no such account.
struct Statement {
  std::int64_t opening = 0, closing = 0;
  std::vector<Entry> entries;  // oldest first
};
boost::asio::awaitable<std::optional<Statement>> statement(pg::Pool& db, const ProgramId& program, const AccountId& account,
                                                          const std::string& from, const std::string& to);

}  // namespace rgw::ledger
