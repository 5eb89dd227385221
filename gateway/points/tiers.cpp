#include "gateway/points/tiers.hpp"

#include "gateway/core/json.hpp"

#include "gateway/webhooks/outbox.hpp"

namespace rgw::points {
namespace {

// The rule's tier of each account in $1, written where it changed; rows for the accounts whose tier in force
// changed (with an override in force the rule's tier is still kept, silently: it shows once the override goes).
const pg::Query retier_accounts{
    "points_retier",
    "WITH target AS (SELECT a.id, p.tiers, a.tier_by_rule AS old_rule,"
    "                       (SELECT coalesce(sum(e.points), 0)::bigint FROM ledger_entries e WHERE e.account_id = a.id"
    "                          AND e.kind IN ('credit', 'adjustment') AND e.created_at > now() - interval '365 days') AS credited"
    "                FROM accounts a JOIN programs p ON p.id = a.program_id WHERE a.id = ANY($1::text[])),"
    " computed AS (SELECT id, old_rule, credited, rgw_rule_tier(tiers, credited) AS new_rule FROM target),"
    " changed AS (UPDATE accounts a SET tier_by_rule = c.new_rule FROM computed c"
    "             WHERE a.id = c.id AND a.tier_by_rule IS DISTINCT FROM c.new_rule"
    "             RETURNING a.id, a.program_id, a.tier_override, c.old_rule, c.new_rule, c.credited)"
    " SELECT id, program_id, old_rule, new_rule, credited FROM changed WHERE tier_override IS NULL"};

// Accounts the daily pass looks at, after `$1` in id order, locked for its transaction. Rows another transaction
// holds (an accept, a credit) are skipped, so the pass never waits for a lock and cannot deadlock with an accept
// batch that holds several accounts; a skipped account is looked at by the next day's pass (a credit recomputes
// its tier anyway).
const pg::Query pass_accounts{
    "points_retier_pass",
    "SELECT a.id FROM accounts a JOIN programs p ON p.id = a.program_id"
    " WHERE (p.tiers <> '[]'::jsonb OR a.tier_by_rule IS NOT NULL) AND a.id > $1 ORDER BY a.id LIMIT $2::int"
    " FOR UPDATE OF a SKIP LOCKED"};

constexpr int pass_batch = 500;

// account.tier_changed: the tier in force, where it came from, and the one before.
webhooks::AccountEvent tier_event(std::string program_id, std::string account_id, const std::optional<std::string>& tier,
                                  const std::optional<std::string>& previous, std::string_view source) {
  nlohmann::json data = {{"account_id", account_id}, {"tier", or_null(tier)}, {"previous_tier", or_null(previous)}, {"tier_source", source}};
  return {std::move(program_id), std::move(account_id), "account.tier_changed", std::move(data)};
}

std::vector<webhooks::AccountEvent> tier_events(const pg::Result& changed) {
  std::vector<webhooks::AccountEvent> events;
  for (int i = 0; i < changed.size(); ++i) {
    const auto& r = changed[i];
    const auto tier = r.optional_string("new_rule");
    events.push_back(tier_event(std::string(r.text("program_id")), std::string(r.text("id")), tier, r.optional_string("old_rule"), tier ? "rule" : "none"));
  }
  return events;
}

boost::asio::awaitable<std::size_t> retier_batch(pg::Transaction& tx, const std::vector<std::string>& accounts) {
  auto changed = co_await tx.exec(pg::statement(retier_accounts, accounts));
  if (!changed.empty()) co_await tx.exec(webhooks::enqueue(tier_events(changed)));
  co_return static_cast<std::size_t>(changed.size());
}

}  // namespace

boost::asio::awaitable<void> retier(pg::Transaction& tx, const AccountId& account) {
  const std::vector<std::string> one{account.str()};  // named: GCC 12 mishandles braced lists in coroutines
  co_await retier_batch(tx, one);
}

boost::asio::awaitable<bool> update_account(pg::Pool& db, const crypto::Sealer& master, const ProgramId& program, const AccountId& account,
                                           const ledger::AccountChange& change) {
  auto tx = co_await pg::Transaction::begin(db);
  const auto changed = co_await ledger::update_account(tx, master, program, account, change);
  if (!changed) {
    co_await tx.rollback();
    co_return false;
  }
  std::vector<pg::Statement> last;
  const auto& now = changed->account;
  if (now.tier != changed->previous_tier) {
    const std::vector<webhooks::AccountEvent> events{tier_event(program.str(), now.id, now.tier, changed->previous_tier, now.tier_source)};
    last.push_back(webhooks::enqueue(events));
  }
  co_await tx.commit(std::move(last));
  co_return true;
}

boost::asio::awaitable<std::size_t> retier_all(pg::Pool& db) {
  std::size_t changed = 0;
  std::string after;
  for (;;) {
    auto tx = co_await pg::Transaction::begin(db);
    auto rows = co_await tx.exec(pg::statement(pass_accounts, after, pass_batch));
    if (rows.empty()) {
      co_await tx.rollback();
      co_return changed;
    }
    std::vector<std::string> batch;
    for (int i = 0; i < rows.size(); ++i) batch.emplace_back(rows[i].text("id"));
    after = batch.back();
    changed += co_await retier_batch(tx, batch);
    co_await tx.commit();
  }
}

}  // namespace rgw::points
