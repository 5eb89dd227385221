#include "gateway/accounts/ledger.hpp"

#include "gateway/core/ids.hpp"

namespace rgw::ledger {
namespace {

const pg::Query insert_account{
    "ledger_insert_account",
    "INSERT INTO accounts (id, program_id, external_ref, name, tier) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (program_id, external_ref) DO NOTHING"
    " RETURNING id, external_ref, name, tier, balance, rgw_ts(created_at) AS created_at"};

const pg::Query select_account{
    "ledger_select_account",
    "SELECT id, external_ref, name, tier, balance, rgw_ts(created_at) AS created_at"
    " FROM accounts WHERE id = $1 AND program_id = $2"};

const pg::Query select_tier{"ledger_select_tier", "SELECT tier FROM accounts WHERE id = $1 AND program_id = $2"};

const pg::Query select_expiring{
    "ledger_select_expiring",
    "SELECT remaining AS points, rgw_ts(expires_at) AS expires_at FROM point_lots"
    " WHERE account_id = $1 AND remaining > 0 AND expires_at > now() ORDER BY expires_at, id LIMIT 20"};

// Every balance change is one statement: the balance, its ledger entry and the lots move together, so they
// cannot disagree; the database refuses a negative balance (CHECK) and a second debit or reversal of an order
// (unique indexes).

// Balance, entry and a new lot.
const pg::Query credit_account{
    "ledger_credit",
    "WITH acc AS (UPDATE accounts SET balance = balance + $3::bigint WHERE id = $2 AND program_id = $1"
    "             RETURNING id, balance),"
    " ent AS (INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, reason, expires_at)"
    "         SELECT $4, $1, acc.id, 'credit', $3::bigint, acc.balance, $5, $6::timestamptz FROM acc"
    "         RETURNING seq, id, account_id, points, balance_after, reason, expires_at, created_at),"
    " lot AS (INSERT INTO point_lots (account_id, entry_seq, points, remaining, expires_at)"
    "         SELECT account_id, seq, points, points, expires_at FROM ent)"
    " SELECT id, 'credit' AS kind, points, balance_after, NULL::text AS redemption_id, reason,"
    "        rgw_ts(expires_at) AS expires_at, rgw_ts(created_at) AS created_at, seq FROM ent"};

// An order's points, from the account and from its lots, soonest-expiring first; what it took from each lot is
// remembered for a reversal. Acts only once the order row exists (written earlier in the same transaction).
// Runs after the order's statement locked the account row, so its snapshot sees every earlier debit's lots.
const pg::Query debit_order{
    "ledger_debit",
    "WITH r AS (SELECT program_id, account_id, points, created_at FROM redemptions WHERE id = $1),"
    " acc AS (UPDATE accounts SET balance = balance - r.points FROM r WHERE accounts.id = r.account_id RETURNING accounts.balance),"
    " ent AS (INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, redemption_id, created_at)"
    "         SELECT $2, r.program_id, r.account_id, 'debit', -r.points, acc.balance, $1, r.created_at FROM r, acc),"
    " open AS (SELECT l.id, l.remaining, sum(l.remaining) OVER (ORDER BY l.expires_at NULLS LAST, l.id) AS running"
    "          FROM point_lots l JOIN r ON l.account_id = r.account_id WHERE l.remaining > 0),"
    " take AS (SELECT open.id, least(open.remaining, r.points - (open.running - open.remaining)) AS amount"
    "          FROM open, r WHERE open.running - open.remaining < r.points),"
    " taken AS (UPDATE point_lots l SET remaining = l.remaining - take.amount FROM take WHERE l.id = take.id RETURNING l.id, take.amount)"
    " INSERT INTO redemption_lots (redemption_id, lot_id, points) SELECT $1, id, amount FROM taken"};

// A failed order's points go back to the account and to the lots they were taken from.
const pg::Query reverse_order{
    "ledger_reverse",
    "WITH r AS (SELECT program_id, account_id, points FROM redemptions WHERE id = $1),"
    " acc AS (UPDATE accounts SET balance = balance + r.points FROM r WHERE accounts.id = r.account_id RETURNING accounts.balance),"
    " lots AS (UPDATE point_lots l SET remaining = l.remaining + rl.points FROM redemption_lots rl"
    "          WHERE rl.redemption_id = $1 AND l.id = rl.lot_id)"
    " INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, redemption_id, reason)"
    " SELECT $2, r.program_id, r.account_id, 'reversal', r.points, acc.balance, $1, $3 FROM r, acc"};

const pg::Query select_entries{
    "ledger_select_entries",
    "SELECT id, kind, points, balance_after, redemption_id, reason, rgw_ts(expires_at) AS expires_at,"
    "       rgw_ts(created_at) AS created_at, seq"
    " FROM ledger_entries WHERE account_id = $1 AND program_id = $2 AND ($3::bigint IS NULL OR seq < $3::bigint)"
    " ORDER BY seq DESC LIMIT $4::int"};

Account account_from(const pg::Row& row) {
  return Account{std::string(row.text("id")), std::string(row.text("external_ref")), std::string(row.text("name")),
                 row.optional_string("tier"), row.int64("balance"), std::string(row.text("created_at")), {}};
}

Entry entry_from(const pg::Row& row) {
  return Entry{std::string(row.text("id")), std::string(row.text("kind")), row.int64("points"), row.int64("balance_after"),
               row.optional_string("redemption_id"), row.optional_string("reason"), row.optional_string("expires_at"),
               std::string(row.text("created_at"))};
}

}  // namespace

boost::asio::awaitable<std::optional<Account>> create_account(pg::Pool& db, const ProgramId& program_id, const NewAccount& a) {
  auto rows = co_await db.exec(pg::statement(insert_account, new_id("acc"), program_id, a.external_ref, a.name, a.tier));
  if (rows.empty()) co_return std::nullopt;
  co_return account_from(rows.front());
}

boost::asio::awaitable<std::optional<PricingAccount>> find_pricing_account(pg::Pool& db, const ProgramId& program_id, const AccountId& account_id) {
  auto rows = co_await db.exec(pg::statement(select_tier, account_id, program_id));
  if (rows.empty()) co_return std::nullopt;
  co_return PricingAccount{rows.front().optional_string("tier")};
}

boost::asio::awaitable<std::optional<Account>> find_account(pg::Pool& db, const ProgramId& program_id, const AccountId& account_id) {
  std::vector<pg::Statement> both;
  both.push_back(pg::statement(select_account, account_id, program_id));
  both.push_back(pg::statement(select_expiring, account_id));
  auto results = co_await db.pipeline(both);
  if (results[0].empty()) co_return std::nullopt;
  Account account = account_from(results[0].front());
  for (int i = 0; i < results[1].size(); ++i)
    account.expiring.push_back({results[1][i].int64("points"), std::string(results[1][i].text("expires_at"))});
  co_return account;
}

pg::Statement credit_statement(const ProgramId& program_id, const AccountId& account_id, const Credit& c) {
  return pg::statement(credit_account, program_id, account_id, c.points, new_id("led"), c.reason, c.expires_at);
}

pg::Statement debit_statement(const RedemptionId& redemption_id) { return pg::statement(debit_order, redemption_id, new_id("led")); }

pg::Statement reversal_statement(const RedemptionId& redemption_id, const std::string& reason) {
  return pg::statement(reverse_order, redemption_id, new_id("led"), reason);
}

boost::asio::awaitable<std::optional<Entry>> credit(pg::Transaction& tx, const ProgramId& program_id, const AccountId& account_id,
                                                    const Credit& c) {
  auto rows = co_await tx.exec(credit_statement(program_id, account_id, c));
  if (rows.empty()) co_return std::nullopt;
  co_return entry_from(rows.front());
}

boost::asio::awaitable<std::optional<Page>> entries(pg::Pool& db, const ProgramId& program_id, const AccountId& account_id, int limit,
                                                    std::optional<std::int64_t> before) {
  std::vector<pg::Statement> both;
  both.push_back(pg::statement(select_account, account_id, program_id));
  both.push_back(pg::statement(select_entries, account_id, program_id, before, limit + 1));  // one extra: is there more?
  auto results = co_await db.pipeline(both);
  if (results[0].empty()) co_return std::nullopt;
  Page page;
  const auto& rows = results[1];
  for (int i = 0; i < rows.size() && i < limit; ++i) page.items.push_back(entry_from(rows[i]));
  if (rows.size() > limit) page.next_before = rows[limit - 1].int64("seq");
  co_return page;
}

}  // namespace rgw::ledger
