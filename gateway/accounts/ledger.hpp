#pragma once
// Accounts and the append-only points ledger. Every change to a balance is one of the statements built here
// (credit, debit, reversal): each writes its ledger entry in the same statement as the balance update, and the
// database refuses a negative balance.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/ids.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::ledger {

struct ExpiringLot {
  std::int64_t points;  // still unspent
  std::string expires_at;
};

struct Account {
  std::string id;
  std::string external_ref;
  std::string name;
  std::optional<std::string> tier;
  std::int64_t balance = 0;
  std::string created_at;
  std::vector<ExpiringLot> expiring;  // soonest first
};

struct NewAccount {
  std::string external_ref;
  std::string name;
  std::optional<std::string> tier;
};

struct Entry {
  std::string id;
  std::string kind;  // credit | debit | reversal | expiry | adjustment
  std::int64_t points = 0;
  std::int64_t balance_after = 0;
  std::optional<std::string> redemption_id;
  std::optional<std::string> reason;
  std::optional<std::string> expires_at;
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
// Takes a redemption's points from its account, soonest-expiring lots first. The redemption row must be
// written first in the same transaction, after its account row was locked (redemptions::accept_statements).
pg::Statement debit_statement(const RedemptionId& redemption);
// Gives a failed redemption's points back, to the lots they came from; a second reversal is refused.
pg::Statement reversal_statement(const RedemptionId& redemption, const std::string& reason);

// nullopt when the program already has an account with this external_ref.
boost::asio::awaitable<std::optional<Account>> create_account(pg::Pool& db, const ProgramId& program, const NewAccount& account);
// What pricing needs of an account (its tier), in one indexed read; nullopt when the program has no such account.
struct PricingAccount {
  std::optional<std::string> tier;
};
boost::asio::awaitable<std::optional<PricingAccount>> find_pricing_account(pg::Pool& db, const ProgramId& program, const AccountId& account);

// nullopt when there is no such account in this program.
boost::asio::awaitable<std::optional<Account>> find_account(pg::Pool& db, const ProgramId& program, const AccountId& account);
// Adds points (a new lot, expiring or not) inside the caller's transaction; nullopt when there is no such account.
boost::asio::awaitable<std::optional<Entry>> credit(pg::Transaction& tx, const ProgramId& program, const AccountId& account,
                                                    const Credit& credit);
// Entries newest first, those before position `before` (a previous page's next_before). nullopt when there is
// no such account.
boost::asio::awaitable<std::optional<Page>> entries(pg::Pool& db, const ProgramId& program, const AccountId& account, int limit,
                                                    std::optional<std::int64_t> before);

}  // namespace rgw::ledger
