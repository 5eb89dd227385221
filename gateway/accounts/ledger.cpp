#include "gateway/accounts/ledger.hpp"

#include <stdexcept>

#include "gateway/core/ids.hpp"

namespace rgw::ledger {
namespace {

// What an account shows: `balance` is what may be spent now (the ledger's sum less lapsed, unswept lots).
#define RGW_ACCOUNT_COLUMNS                                                                                               \
  "id, external_ref, name, name_sealed, data_key, coalesce(tier_override, tier_by_rule) AS tier,"                         \
  " CASE WHEN tier_override IS NOT NULL THEN 'override' WHEN tier_by_rule IS NOT NULL THEN 'rule' ELSE 'none' END AS tier_source," \
  " status, balance - rgw_lapsed_points(id) AS balance, rgw_ts(created_at) AS created_at"
#define RGW_ENTRY_COLUMNS                                                                                              \
  "id, kind, points, balance_after, redemption_id, reason, rgw_ts(expires_at) AS expires_at, lot_id,"                  \
  " rgw_ts(effective_at) AS effective_at, rgw_ts(created_at) AS created_at"

const pg::Query insert_account{
    "ledger_insert_account",
    "INSERT INTO accounts (id, program_id, external_ref, name_sealed, data_key, tier_override) VALUES ($1, $2, $3, $4, $5, $6)"
    " ON CONFLICT (program_id, external_ref) DO NOTHING"
    " RETURNING " RGW_ACCOUNT_COLUMNS};

const pg::Query select_account{"ledger_select_account", "SELECT " RGW_ACCOUNT_COLUMNS " FROM accounts WHERE id = $1 AND program_id = $2"};

// With the tier in force before the change, read under the row's lock.
const pg::Query update_account_row{
    "ledger_update_account",
    "WITH old AS (SELECT id AS old_id, coalesce(tier_override, tier_by_rule) AS old_tier FROM accounts WHERE id = $1 AND program_id = $2 FOR UPDATE)"
    " UPDATE accounts SET name_sealed = coalesce($3, accounts.name_sealed), name = CASE WHEN $3 IS NULL THEN accounts.name END,"
    "                    status = coalesce($4, accounts.status), tier_override = CASE WHEN $5::bool THEN $6 ELSE accounts.tier_override END"
    " FROM old WHERE accounts.id = old_id AND accounts.status <> 'erased' RETURNING " RGW_ACCOUNT_COLUMNS ", old_tier AS previous_tier"};

// An account's key, with or without its row's lock; an account from before keys were kept gets its key when one
// is first needed (the first writer's key stays).
const pg::Query select_account_key{"ledger_select_account_key", "SELECT data_key, status FROM accounts WHERE id = $1 AND program_id = $2"};
const pg::Query lock_account_key_row{
    "ledger_lock_account_key", "SELECT data_key, status FROM accounts WHERE id = $1 AND program_id = $2 FOR UPDATE"};
const pg::Query store_account_key{
    "ledger_store_account_key",
    "UPDATE accounts SET data_key = $3 WHERE id = $1 AND program_id = $2 AND data_key IS NULL AND status <> 'erased'"};

// In the order of their ids, whoever locks several: two transactions locking overlapping sets cannot deadlock.
#define RGW_LOCK_ACCOUNTS \
  "SELECT a.id, a.status FROM accounts a JOIN unnest($1::text[], $2::text[]) AS x(id, program_id) ON a.id = x.id AND a.program_id = x.program_id" \
  " ORDER BY a.id FOR UPDATE OF a"
const pg::Query lock_accounts{"ledger_lock_accounts", RGW_LOCK_ACCOUNTS};
const pg::Query lock_free_accounts{"ledger_lock_free_accounts", RGW_LOCK_ACCOUNTS " SKIP LOCKED"};
#undef RGW_LOCK_ACCOUNTS

const pg::Query select_expiring{
    "ledger_select_expiring",
    "SELECT remaining AS points, rgw_ts(expires_at) AS expires_at FROM point_lots"
    " WHERE account_id = $1 AND unspent AND expires_at > now() ORDER BY expires_at, id LIMIT 20"};

// Every balance change is one statement: the balance, its ledger entry and the lots move together, so they
// cannot disagree; the database refuses a negative balance (CHECK) and a second debit or reversal of an order
// (unique indexes).

// Balance, entry and a new lot: a credit, or a positive adjustment (which records the key that made it).
const pg::Query add_lot{
    "ledger_add_lot",
    "WITH acc AS (UPDATE accounts SET balance = balance + $3::bigint WHERE id = $2 AND program_id = $1 AND status <> 'erased'"
    "             RETURNING id, balance),"
    " ent AS (INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, reason, expires_at, api_key_id)"
    "         SELECT $4, $1, acc.id, $7, $3::bigint, acc.balance, $5, $6::timestamptz, $8 FROM acc"
    "         RETURNING *),"
    " lot AS (INSERT INTO point_lots (account_id, entry_seq, points, remaining, expires_at)"
    "         SELECT account_id, seq, points, points, expires_at FROM ent)"
    " SELECT " RGW_ENTRY_COLUMNS " FROM ent"};

// A negative adjustment: taken like a debit from unexpired lots, and only if the spendable points cover it (run
// after lock_statement, so the check sees every lot as committed). Which lots gave how much is kept.
const pg::Query take_adjustment{
    "ledger_take_adjustment",
    "WITH acc AS (UPDATE accounts SET balance = balance + $3::bigint"
    "             WHERE id = $2 AND program_id = $1 AND balance - rgw_lapsed_points(id) >= -$3::bigint RETURNING id, balance),"
    " ent AS (INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, reason, api_key_id)"
    "         SELECT $4, $1, acc.id, 'adjustment', $3::bigint, acc.balance, $5, $6 FROM acc"
    "         RETURNING *),"
    " taken AS (INSERT INTO adjustment_lots (entry_seq, lot_id, points)"
    "           SELECT ent.seq, t.lot_id, t.points FROM ent, rgw_take_points(ent.account_id, -ent.points) t)"
    " SELECT " RGW_ENTRY_COLUMNS " FROM ent"};

// The expiry job, step one: accounts that hold lapsed lots, locked (skipping those another transaction holds —
// another process's job, or an accept that will find the lots lapsed anyway). `$1` lots are looked at, oldest
// first, so a long backlog is taken in the order it lapsed.
const pg::Query lock_lapsed_accounts{
    "ledger_lock_lapsed",
    "SELECT id FROM accounts WHERE id IN"
    " (SELECT account_id FROM point_lots WHERE unspent AND expires_at <= now() ORDER BY expires_at LIMIT $1::int)"
    " ORDER BY id LIMIT $2::int FOR UPDATE SKIP LOCKED"};

// Step two, with those rows locked: each lapsed lot's remaining points leave the balance in one expiry entry
// dated when they lapsed. `remaining` becomes 0 in the same statement, so no lot is written down twice.
const pg::Query expire_lots{
    "ledger_expire",
    "WITH due AS (SELECT id, account_id, remaining, expires_at FROM point_lots"
    "             WHERE account_id = ANY($1::text[]) AND unspent AND expires_at <= now() ORDER BY expires_at, id LIMIT $2::int),"
    " swept AS (UPDATE point_lots l SET remaining = 0 FROM due WHERE l.id = due.id"
    "           RETURNING l.id, l.account_id, due.remaining AS points, l.expires_at),"
    " totals AS (SELECT account_id, sum(points)::bigint AS points FROM swept GROUP BY account_id),"
    " acc AS (UPDATE accounts a SET balance = a.balance - t.points FROM totals t WHERE a.id = t.account_id"
    "         RETURNING a.id, a.program_id, a.balance, t.points AS total),"
    " ent AS (INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, lot_id, effective_at)"
    "         SELECT rgw_new_id('led'), acc.program_id, s.account_id, 'expiry', -s.points,"
    "                acc.balance + acc.total - sum(s.points) OVER (PARTITION BY s.account_id ORDER BY s.expires_at, s.id),"
    "                s.id, s.expires_at"
    "         FROM swept s JOIN acc ON acc.id = s.account_id ORDER BY s.account_id, s.expires_at, s.id"
    "         RETURNING id, program_id, account_id, points, lot_id, effective_at)"
    " SELECT id, program_id, account_id, -points AS points, lot_id, rgw_ts(effective_at) AS effective_at FROM ent"};

// Orders' points, from their accounts and from their unexpired lots, soonest-expiring first; what each took from
// each lot is kept (redemption_lots), so a reversal can give the points back to the same lots. The orders are of
// distinct accounts (an UPDATE changes a row once per statement). Runs after the accounts were locked and their
// spendable points checked (redemptions::accept_statements); `$2` are the entries' ids, one per order.
const pg::Query debit_orders{
    "ledger_debit",
    "WITH r AS (SELECT o.id, o.program_id, o.account_id, o.points, o.created_at, x.entry_id"
    "           FROM unnest($1::text[], $2::text[]) AS x(redemption_id, entry_id) JOIN redemptions o ON o.id = x.redemption_id),"
    " acc AS (UPDATE accounts SET balance = balance - r.points FROM r WHERE accounts.id = r.account_id RETURNING accounts.id, accounts.balance),"
    " ent AS (INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, redemption_id, created_at)"
    "         SELECT r.entry_id, r.program_id, r.account_id, 'debit', -r.points, acc.balance, r.id, r.created_at FROM r JOIN acc ON acc.id = r.account_id),"
    " want AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(account_id ORDER BY id) AS accounts, array_agg(points ORDER BY id) AS points FROM r)"
    " INSERT INTO redemption_lots (redemption_id, lot_id, points)"
    " SELECT want.ids[t.n], t.lot_id, t.points FROM want, rgw_take_points_each(want.accounts, want.points) t"};

// A failed order's points go back to the account and to the lots they were taken from; a lot that has expired
// meanwhile is not spendable again, and the expiry job writes its expiry entry. The lots' update joins `acc`, so
// the account row is locked before any lot, in the order every writer of lots keeps.
const pg::Query reverse_order{
    "ledger_reverse",
    "WITH r AS (SELECT program_id, account_id, points FROM redemptions WHERE id = $1),"
    " acc AS (UPDATE accounts SET balance = balance + r.points FROM r WHERE accounts.id = r.account_id RETURNING accounts.balance),"
    " lots AS (UPDATE point_lots l SET remaining = l.remaining + rl.points FROM redemption_lots rl, acc"
    "          WHERE rl.redemption_id = $1 AND l.id = rl.lot_id)"
    " INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, redemption_id, reason)"
    " SELECT $2, r.program_id, r.account_id, 'reversal', r.points, acc.balance, $1, $3 FROM r, acc"};

const pg::Query select_entries{
    "ledger_select_entries",
    "SELECT " RGW_ENTRY_COLUMNS ", seq FROM ledger_entries WHERE account_id = $1 AND program_id = $2 AND ($3::bigint IS NULL OR seq < $3::bigint)"
    " ORDER BY seq DESC LIMIT $4::int"};

// A statement's two reads, in one snapshot: the balance before $3, and the entries of [$3, $4).
const pg::Query balance_before{
    "ledger_balance_before",
    "SELECT coalesce(sum(points), 0)::bigint AS points FROM ledger_entries WHERE account_id = $1 AND program_id = $2 AND created_at < $3"};
const pg::Query entries_between{
    "ledger_entries_between",
    "SELECT " RGW_ENTRY_COLUMNS " FROM ledger_entries WHERE account_id = $1 AND program_id = $2 AND created_at >= $3 AND created_at < $4"
    " ORDER BY seq"};

std::string name_context(std::string_view account_id) { return "accounts.name:" + std::string(account_id); }

Account account_from(const pg::Row& row, const crypto::Sealer& master) {
  Account a;
  a.id = row.text("id");
  a.external_ref = row.text("external_ref");
  // A name still in clear was written before names were sealed (the start-up pass seals it).
  a.name = row.is_null("name") ? opened_name(master, a.id, row.optional_string("data_key"), row.optional_string("name_sealed")) : row.optional_string("name");
  a.tier = row.optional_string("tier");
  a.tier_source = row.text("tier_source");
  a.status = row.text("status");
  a.balance = row.int64("balance");
  a.created_at = row.text("created_at");
  return a;
}

}  // namespace

Entry entry_from(const pg::Row& row) {
  Entry e;
  e.id = row.text("id");
  e.kind = row.text("kind");
  e.points = row.int64("points");
  e.balance_after = row.int64("balance_after");
  e.redemption_id = row.optional_string("redemption_id");
  e.reason = row.optional_string("reason");
  e.expires_at = row.optional_string("expires_at");
  e.lot_id = row.optional_int64("lot_id");
  e.effective_at = row.optional_string("effective_at");
  e.created_at = row.text("created_at");
  return e;
}

Expired expired_from(const pg::Row& row) {
  return Expired{std::string(row.text("id")), std::string(row.text("program_id")), std::string(row.text("account_id")),
                 row.int64("points"),         row.int64("lot_id"),                 std::string(row.text("effective_at"))};
}

std::string sealed_name(const personal::AccountKey& key, std::string_view account_id, std::string_view name) {
  return key.seal(name, name_context(account_id));
}

std::optional<std::string> opened_name(const crypto::Sealer& master, std::string_view account_id, const std::optional<std::string>& data_key,
                                       const std::optional<std::string>& name_sealed) {
  return open_personal(master, account_id, data_key, name_sealed, name_context(account_id));
}

std::optional<std::string> open_personal(const crypto::Sealer& master, std::string_view account_id, const std::optional<std::string>& data_key,
                                         const std::optional<std::string>& sealed, std::string_view context) {
  if (!data_key || !sealed) return std::nullopt;
  return personal::AccountKey::unwrap(master, account_id, *data_key).open(*sealed, context);
}

boost::asio::awaitable<std::optional<Account>> create_account(pg::Pool& db, const ProgramId& program_id, const NewAccount& a,
                                                              const crypto::Sealer& master) {
  const auto id = new_id("acc");
  const auto made = personal::AccountKey::create(master, id);
  const auto name_sealed = sealed_name(made.first, id, a.name);
  auto rows = co_await db.exec(pg::statement(insert_account, id, program_id, a.external_ref, name_sealed, made.second, a.tier_override));
  if (rows.empty()) co_return std::nullopt;
  co_return account_from(rows.front(), master);
}

namespace {
template <class Db>
boost::asio::awaitable<result<personal::AccountKey>> key_of(Db& db, const pg::Query& select, const ProgramId& program_id, const AccountId& account_id,
                                                           const crypto::Sealer& master) {
  for (int read = 0;; ++read) {
    const auto rows = co_await db.exec(pg::statement(select, account_id, program_id));
    if (rows.empty()) co_return errc::no_such_account;
    if (rows.front().text("status") == "erased") co_return errc::account_erased;
    if (auto wrapped = rows.front().optional_string("data_key")) co_return personal::AccountKey::unwrap(master, account_id.str(), *wrapped);
    if (read > 0) throw std::runtime_error("the account's key could not be stored");
    const auto made = personal::AccountKey::create(master, account_id.str());
    co_await db.exec(pg::statement(store_account_key, account_id, program_id, made.second));  // then read whichever key was stored
  }
}
}  // namespace

boost::asio::awaitable<result<personal::AccountKey>> account_key(pg::Pool& db, const ProgramId& program_id, const AccountId& account_id,
                                                                 const crypto::Sealer& master) {
  co_return co_await key_of(db, select_account_key, program_id, account_id, master);
}

boost::asio::awaitable<result<personal::AccountKey>> lock_account_key(pg::Transaction& tx, const ProgramId& program_id, const AccountId& account_id,
                                                                      const crypto::Sealer& master) {
  co_return co_await key_of(tx, lock_account_key_row, program_id, account_id, master);
}


boost::asio::awaitable<std::optional<Changed>> update_account(pg::Transaction& tx, const crypto::Sealer& master, const ProgramId& program_id,
                                                             const AccountId& account_id, const AccountChange& change) {
  const std::optional<std::string> no_tier;
  std::optional<std::string> name_sealed;
  if (change.name) {
    const auto key = co_await lock_account_key(tx, program_id, account_id, master);
    if (!key) co_return std::nullopt;  // none, or erased: nothing to change
    name_sealed = sealed_name(*key, account_id.str(), *change.name);
  }
  auto rows = co_await tx.exec(pg::statement(update_account_row, account_id, program_id, name_sealed, change.status,
                                             change.tier_override.has_value(), change.tier_override.value_or(no_tier)));
  if (rows.empty()) co_return std::nullopt;
  co_return Changed{account_from(rows.front(), master), rows.front().optional_string("previous_tier")};
}

boost::asio::awaitable<std::optional<Account>> find_account(pg::Pool& db, const ProgramId& program_id, const AccountId& account_id,
                                                            const crypto::Sealer& master) {
  std::vector<pg::Statement> both;
  both.push_back(pg::statement(select_account, account_id, program_id));
  both.push_back(pg::statement(select_expiring, account_id));
  auto results = co_await db.pipeline(both);
  if (results[0].empty()) co_return std::nullopt;
  Account account = account_from(results[0].front(), master);
  for (int i = 0; i < results[1].size(); ++i)
    account.expiring.push_back({results[1][i].int64("points"), std::string(results[1][i].text("expires_at"))});
  co_return account;
}

pg::Statement credit_statement(const ProgramId& program_id, const AccountId& account_id, const Credit& c) {
  return pg::statement(add_lot, program_id, account_id, c.points, new_id("led"), c.reason, c.expires_at, "credit", std::nullopt);
}

pg::Statement lock_statement(const std::vector<std::pair<ProgramId, AccountId>>& accounts, if_held when_held) {
  std::vector<std::string> ids, programs;
  for (const auto& [program_id, account_id] : accounts) {
    ids.push_back(account_id.str());
    programs.push_back(program_id.str());
  }
  return pg::statement(when_held == if_held::skip ? lock_free_accounts : lock_accounts, ids, programs);
}

pg::Statement lock_statement(const ProgramId& program_id, const AccountId& account_id) { return lock_statement({{program_id, account_id}}, if_held::wait); }

pg::Statement adjustment_statement(const ProgramId& program_id, const AccountId& account_id, const Adjustment& a) {
  if (a.points > 0) return pg::statement(add_lot, program_id, account_id, a.points, new_id("led"), a.reason, a.expires_at, "adjustment", a.api_key_id);
  return pg::statement(take_adjustment, program_id, account_id, a.points, new_id("led"), a.reason, a.api_key_id);
}

pg::Statement lock_lapsed_statement(int window, int accounts) { return pg::statement(lock_lapsed_accounts, window, accounts); }

pg::Statement expiry_statement(const std::vector<std::string>& locked_accounts, int lots) {
  return pg::statement(expire_lots, locked_accounts, lots);
}

pg::Statement debit_statement(const std::vector<RedemptionId>& orders) {
  std::vector<std::string> ids, entry_ids;
  for (const auto& id : orders) {
    ids.push_back(id.str());
    entry_ids.push_back(new_id("led"));
  }
  return pg::statement(debit_orders, ids, entry_ids);
}

pg::Statement reversal_statement(const RedemptionId& redemption_id, const std::string& reason) {
  return pg::statement(reverse_order, redemption_id, new_id("led"), reason);
}

boost::asio::awaitable<result<Entry>> credit(pg::Transaction& tx, const ProgramId& program_id, const AccountId& account_id, const Credit& c) {
  std::vector<pg::Statement> both;
  both.push_back(lock_statement(program_id, account_id));
  both.push_back(credit_statement(program_id, account_id, c));
  const auto results = co_await tx.pipeline(std::move(both));
  if (results[0].empty()) co_return errc::no_such_account;
  if (results[1].empty()) co_return errc::account_erased;  // the only account the credit skips
  co_return entry_from(results[1].front());
}

boost::asio::awaitable<result<Entry>> adjust(pg::Transaction& tx, const ProgramId& program_id, const AccountId& account_id,
                                             const Adjustment& adjustment) {
  // One round trip: the adjustment runs after the lock, in the same pipeline.
  std::vector<pg::Statement> both;
  both.push_back(lock_statement(program_id, account_id));
  both.push_back(adjustment_statement(program_id, account_id, adjustment));
  const auto results = co_await tx.pipeline(std::move(both));
  if (results[0].empty()) co_return errc::no_such_account;
  if (results[1].empty()) co_return adjustment.points > 0 ? errc::account_erased : errc::insufficient_points;
  co_return entry_from(results[1].front());
}

boost::asio::awaitable<std::optional<Statement>> statement(pg::Pool& db, const ProgramId& program_id, const AccountId& account_id,
                                                          const std::string& from, const std::string& to) {
  auto tx = co_await pg::Transaction::begin(db);
  std::vector<pg::Statement> reads;
  reads.push_back(pg::snapshot_statement());
  reads.push_back(pg::statement(select_account, account_id, program_id));
  reads.push_back(pg::statement(balance_before, account_id, program_id, from));
  reads.push_back(pg::statement(entries_between, account_id, program_id, from, to));
  const auto results = co_await tx.commit(std::move(reads));
  if (results[1].empty()) co_return std::nullopt;
  Statement out;
  out.opening = out.closing = results[2].front().int64("points");
  for (int i = 0; i < results[3].size(); ++i) {
    out.entries.push_back(entry_from(results[3][i]));
    out.closing += out.entries.back().points;
  }
  co_return out;
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
