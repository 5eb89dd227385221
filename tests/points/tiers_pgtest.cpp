// Tiers by rule against the real schema: the daily pass downgrades once the 365-day window slides past old
// credits, keeps the rule's tier behind an override silently, and tells the program when the tier in force moves.
#include "gateway/accounts/ledger.hpp"
#include "gateway/points/tiers.hpp"
#include "tests/support/schema.hpp"

namespace rgw::points {
namespace {

using test::run;

const pg::Query set_rules{
    "t_tiers_rules",
    "UPDATE programs SET webhook_url = 'https://hooks.example.com/rgw',"
    " tiers = '[{\"name\": \"silver\", \"min_points_12m\": 1000}, {\"name\": \"gold\", \"min_points_12m\": 5000}]' WHERE id = $1"};
// A credit written `days_ago` (the ledger is append-only: history is made by inserting it dated).
const pg::Query old_credit{
    "t_tiers_old_credit",
    "WITH acc AS (UPDATE accounts SET balance = balance + $3::bigint WHERE id = $2 RETURNING balance)"
    " INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, reason, created_at)"
    " SELECT 'led_old_' || $4::int, $1, $2, 'credit', $3::bigint, acc.balance, 'old', now() - make_interval(days => $4::int) FROM acc"};
const pg::Query tiers_of{"t_tiers_of", "SELECT tier_by_rule, tier_override FROM accounts WHERE id = $1"};
const pg::Query set_override{"t_tiers_override", "UPDATE accounts SET tier_override = $2 WHERE id = $1"};  // as PATCH would
const pg::Query tier_events{"t_tiers_events", "SELECT body FROM webhook_events WHERE account_id = $1 AND event = 'account.tier_changed' ORDER BY seq"};
// Time passes: the account's history moves `days` back (the append-only guard is lifted for it, in this test only).
const pg::Query unguard{"t_tiers_unguard", "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only"};
const pg::Query age{"t_tiers_age", "UPDATE ledger_entries SET created_at = created_at - make_interval(days => $2::int) WHERE account_id = $1"};
const pg::Query guard{"t_tiers_guard", "ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only"};

class Tiers : public test::SchemaTest {
 protected:
  std::optional<std::string> rule_tier() { return exec(pg::statement(tiers_of, account_id)).front().optional_string("tier_by_rule"); }
  std::size_t pass() { return run(io, retier_all(*pool)); }
  void days_pass(int days) { exec({pg::statement(unguard), pg::statement(age, account_id, days), pg::statement(guard)}); }
};

TEST_F(Tiers, TheDailyPassDowngradesWhenTheWindowSlidesPastOldCredits) {
  exec(pg::statement(set_rules, program_id));
  exec(pg::statement(old_credit, program_id, account_id, 4'000, 364));
  exec(pg::statement(old_credit, program_id, account_id, 1'500, 100));
  EXPECT_EQ(pass(), 1u);
  EXPECT_EQ(rule_tier(), "gold") << "5,500 points in the last 365 days";
  EXPECT_EQ(pass(), 0u) << "nothing moved";

  exec(pg::statement(set_override, account_id, "platinum"));
  days_pass(2);  // the 4,000 leave the window
  EXPECT_EQ(pass(), 0u) << "behind an override the tier in force does not move";
  EXPECT_EQ(rule_tier(), "silver") << "but the rule's tier is kept current";

  const ledger::AccountChange clear{std::nullopt, std::nullopt, std::optional<std::string>()};
  ASSERT_TRUE(run(io, update_account(*pool, master, program_id, account_id, clear)));  // platinum -> silver: an event
  days_pass(300);  // the 1,500 leave it too
  EXPECT_EQ(pass(), 1u);
  EXPECT_EQ(rule_tier(), std::nullopt);
  const auto events = exec(pg::statement(tier_events, account_id));
  ASSERT_EQ(events.size(), 3) << "to gold, to silver when the override went, to none; nothing for the move behind the override";
  EXPECT_EQ(nlohmann::json::parse(events[0].text("body"))["data"]["tier"], "gold");
  const auto cleared = nlohmann::json::parse(events[1].text("body"))["data"];
  EXPECT_EQ(cleared["previous_tier"], "platinum");
  EXPECT_EQ(cleared["tier"], "silver");
  EXPECT_EQ(cleared["tier_source"], "rule");
  const auto last = nlohmann::json::parse(events[2].text("body"))["data"];
  EXPECT_TRUE(last["tier"].is_null());
  EXPECT_EQ(last["previous_tier"], "silver");
  EXPECT_EQ(last["tier_source"], "none");
}

TEST_F(Tiers, TheDailyPassSkipsAnAccountAnotherTransactionHoldsInsteadOfWaiting) {
  exec(pg::statement(set_rules, program_id));
  exec(pg::statement(old_credit, program_id, account_id, 5'000, 10));
  // Another transaction holds the account, as an accept batch does; waiting for it could deadlock.
  const auto while_held = run(io, [&]() -> boost::asio::awaitable<std::size_t> {
    auto holder = co_await pg::Transaction::begin(*pool);
    co_await holder.exec(ledger::lock_statement(program_id, account_id));
    const auto changed = co_await retier_all(*pool);  // on another connection of the pool
    co_await holder.rollback();
    co_return changed;
  }());
  EXPECT_EQ(while_held, 0u) << "skipped, at once";
  EXPECT_EQ(rule_tier(), std::nullopt);
  EXPECT_EQ(pass(), 1u) << "the next pass takes it";
  EXPECT_EQ(rule_tier(), "gold");
}

}  // namespace
}  // namespace rgw::points
