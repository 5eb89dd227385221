// Points that lapse, against the real schema: unspendable from their instant with no job running, written down by
// the job exactly once per lot with the instant they lapsed (however late), and a reversal into a lapsed lot
// followed by that lot's expiry entry.
#include "gateway/accounts/ledger.hpp"
#include "gateway/core/format.hpp"
#include "gateway/points/expiry.hpp"
#include "gateway/redemptions/store.hpp"
#include "tests/support/accept.hpp"
#include "tests/support/schema.hpp"

namespace rgw::points {
namespace {

using test::run;

// `n` lots of `points` each for the test's account, lapsed over the last `span_s` seconds (one every span_s / n),
// as credits would have written them.
const pg::Query seed_lapsed{
    "t_expiry_seed",
    "WITH lots AS (SELECT k, now() - make_interval(secs => $4::int * k / $3::int) AS expires_at FROM generate_series(1, $3::int) k),"
    " acc AS (UPDATE accounts SET balance = balance + $3::bigint * $5::bigint WHERE id = $2 RETURNING balance - $3::bigint * $5::bigint AS before),"
    " ent AS (INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, reason, expires_at)"
    "         SELECT 'led_seed_' || $2 || '_' || k, $1, $2, 'credit', $5::bigint, acc.before + k * $5::bigint, 'seed', lots.expires_at"
    "         FROM lots, acc ORDER BY k RETURNING seq, points, expires_at)"
    " INSERT INTO point_lots (account_id, entry_seq, points, remaining, expires_at) SELECT $2, seq, points, points, expires_at FROM ent"};

// Whatever the job did, these must all be 0.
const pg::Query broken_books{
    "t_expiry_broken",
    "SELECT (SELECT count(*) FROM point_lots l WHERE l.expires_at <= now()"
    "          AND (SELECT count(*) FROM ledger_entries e WHERE e.kind = 'expiry' AND e.lot_id = l.id) <> 1) AS lots_not_once,"
    "       (SELECT count(*) FROM ledger_entries e JOIN point_lots l ON l.id = e.lot_id"
    "          WHERE e.kind = 'expiry' AND e.effective_at <> l.expires_at) AS wrong_dates,"
    "       (SELECT count(*) FROM accounts a"
    "          WHERE a.balance <> (SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE account_id = a.id)"
    "             OR a.balance <> (SELECT coalesce(sum(remaining), 0) FROM point_lots WHERE account_id = a.id)) AS unbalanced,"
    "       (SELECT count(*) FROM (SELECT balance_after, sum(points) OVER (PARTITION BY account_id ORDER BY seq) AS running"
    "                              FROM ledger_entries) r WHERE balance_after <> running) AS wrong_balance_after"};

const pg::Query lapsed_left{"t_expiry_left", "SELECT count(*) AS n FROM point_lots WHERE remaining > 0 AND expires_at <= now()"};
const pg::Query kinds_in_order{"t_expiry_kinds", "SELECT kind, points FROM ledger_entries WHERE account_id = $1 ORDER BY seq"};
const pg::Query lapse_lots{"t_expiry_lapse", "UPDATE point_lots SET expires_at = now() - interval '1 second' WHERE account_id = $1 AND expires_at IS NOT NULL"};
const pg::Query events_of{"t_expiry_events", "SELECT event, body FROM webhook_events WHERE account_id = $1 ORDER BY seq"};
const pg::Query set_url{"t_expiry_url", "UPDATE programs SET webhook_url = 'https://hooks.example.com/rgw' WHERE id = $1"};

class Expiry : public test::SchemaTest {
 protected:
  void credit(std::int64_t points, std::optional<std::string> expires_at = std::nullopt) {
    exec(ledger::credit_statement(program_id, account_id, ledger::Credit{points, "test", std::move(expires_at)}));
  }
  std::int64_t spendable() { return run(io, ledger::find_account(*pool, program_id, account_id, master)).value().balance; }
  std::size_t expire_all() {
    std::size_t lots = 0;
    while (const auto n = run(io, expire_lapsed(*pool, config))) lots += n;
    return lots;
  }
  void expect_sound_books() {
    const auto row = exec(pg::statement(broken_books)).front();
    EXPECT_EQ(row.int64("lots_not_once"), 0) << "every lapsed lot has exactly one expiry entry";
    EXPECT_EQ(row.int64("wrong_dates"), 0) << "each dated when its lot lapsed";
    EXPECT_EQ(row.int64("unbalanced"), 0) << "balance = ledger sum = lots";
    EXPECT_EQ(row.int64("wrong_balance_after"), 0) << "each entry's balance_after is the running sum";
  }
  // An accept of `points`, as the gateway sends it.
  redemptions::AcceptResult accept(std::int64_t points) {
    const auto eur = fx::Money::parse("10.00", "EUR").value();
    pricing::Terms terms{account_id.str(), "AMZ", eur, catalog::Price{points, eur, fx::Decimal::parse("1").value(), fx::Decimal::parse("1").value(), 0},
                         0, "ecb", "2026-11-20T14:00:00Z"};
    const auto ids = redemptions::OrderIds::mint();
    const redemptions::AcceptWork w{program_id.str(), new_id("key"), "fp", std::chrono::hours(72), redemptions::NewRedemption{terms, std::nullopt, std::nullopt},
                                    ids, "2026-11-22T10:00:00Z", "{}"};
    last_order = ids.id;
    return test::accept_batch([this](auto statements) { return exec(std::move(statements)); }, {&w}).front();
  }
  ExpiryConfig config;
  RedemptionId last_order{""};
};

TEST_F(Expiry, APointLapsedASecondAgoCannotBeSpentWithNoJobRunning) {
  credit(100);
  exec(pg::statement(seed_lapsed, program_id, account_id, 1, 1, 500));  // 500 points that lapsed a second ago
  EXPECT_EQ(balance(), 600) << "the ledger still holds them: no expiry entry was written";
  EXPECT_EQ(spendable(), 100) << "but the account's balance counts spendable points only";

  const auto refused = accept(300);
  EXPECT_FALSE(refused.accepted) << "300 of 100 spendable points";
  EXPECT_EQ(balance(), 600) << "nothing written";

  ASSERT_TRUE(accept(80).accepted);
  EXPECT_EQ(spendable(), 20) << "taken from the unexpired lot";
  EXPECT_EQ(expire_all(), 1u);
  EXPECT_EQ(balance(), 20);
  expect_sound_books();
}

TEST_F(Expiry, ANegativeAdjustmentNeverTakesLapsedPoints) {
  credit(100);
  exec(pg::statement(seed_lapsed, program_id, account_id, 1, 1, 500));
  const ledger::Adjustment too_much{-101, "correction", std::nullopt, "key_test"};
  EXPECT_EQ(run(io, [&]() -> boost::asio::awaitable<ledger::result<ledger::Entry>> {
              auto tx = co_await pg::Transaction::begin(*pool);
              auto r = co_await ledger::adjust(tx, program_id, account_id, too_much);
              co_await tx.commit();
              co_return r;
            }()).error(),
            ledger::errc::insufficient_points);
  EXPECT_EQ(balance(), 600) << "nothing written";
  const ledger::Adjustment fits{-100, "correction", std::nullopt, "key_test"};
  auto entry = run(io, [&]() -> boost::asio::awaitable<ledger::result<ledger::Entry>> {
    auto tx = co_await pg::Transaction::begin(*pool);
    auto r = co_await ledger::adjust(tx, program_id, account_id, fits);
    co_await tx.commit();
    co_return r;
  }());
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->balance_after, 500) << "the ledger's running balance still holds the lapsed, unswept lot";
  EXPECT_EQ(spendable(), 0);
  expire_all();
  expect_sound_books();
}

TEST_F(Expiry, TheJobCatchesUpAfterThreeDaysDownEachLotOnceDatedWhenItLapsed) {
  config.lots_per_batch = 50;  // many transactions
  exec(pg::statement(seed_lapsed, program_id, account_id, 400, 3 * 86'400, 10));
  credit(7);
  EXPECT_EQ(spendable(), 7);
  EXPECT_EQ(expire_all(), 400u);
  EXPECT_EQ(exec(pg::statement(lapsed_left)).front().int64("n"), 0);
  EXPECT_EQ(run(io, expire_lapsed(*pool, config)), 0u) << "a second run finds nothing";
  EXPECT_EQ(balance(), 7);
  expect_sound_books();
}

TEST_F(Expiry, AReversalIntoALapsedLotIsFollowedByItsExpiryEntry) {
  exec(pg::statement(set_url, program_id));
  credit(1'000, "2099-01-01T00:00:00Z");
  ASSERT_TRUE(accept(400).accepted);
  exec(pg::statement(lapse_lots, account_id));  // the lot lapses while the order is with the provider
  EXPECT_EQ(expire_all(), 1u);
  EXPECT_EQ(balance(), 0);
  exec(ledger::reversal_statement(last_order, "redemption failed"));  // the order fails
  EXPECT_EQ(spendable(), 0) << "points returned to a lapsed lot are not spendable";
  EXPECT_EQ(balance(), 400);
  EXPECT_EQ(expire_all(), 1u);
  EXPECT_EQ(balance(), 0);
  const auto entries = exec(pg::statement(kinds_in_order, account_id));
  ASSERT_EQ(entries.size(), 5);
  EXPECT_EQ(entries[0].text("kind"), "credit");
  EXPECT_EQ(entries[1].text("kind"), "debit");
  EXPECT_EQ(entries[2].text("kind"), "expiry");
  EXPECT_EQ(entries[2].int64("points"), -600);
  EXPECT_EQ(entries[3].text("kind"), "reversal");
  EXPECT_EQ(entries[4].text("kind"), "expiry");
  EXPECT_EQ(entries[4].int64("points"), -400);
  const auto events = exec(pg::statement(events_of, account_id));
  ASSERT_EQ(events.size(), 2) << "points.expired for each write-down";
  EXPECT_EQ(events[1].text("event"), "points.expired");
  EXPECT_EQ(nlohmann::json::parse(events[1].text("body"))["data"]["points"], 400);
}

TEST_F(Expiry, LotsEnteringTheNoticeWindowAreAnnouncedOnce) {
  exec(pg::statement(set_url, program_id));
  credit(100, rfc3339(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + std::chrono::hours(24 * 10)));
  credit(200, rfc3339(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + std::chrono::hours(24 * 40)));
  credit(300);
  EXPECT_EQ(run(io, send_expiry_notices(*pool, config)), 1u) << "only the lot lapsing within 30 days";
  EXPECT_EQ(run(io, send_expiry_notices(*pool, config)), 0u) << "once";
  const auto events = exec(pg::statement(events_of, account_id));
  ASSERT_EQ(events.size(), 1);
  EXPECT_EQ(events[0].text("event"), "points.expiring");
  EXPECT_EQ(nlohmann::json::parse(events[0].text("body"))["data"]["points"], 100);
}

}  // namespace
}  // namespace rgw::points
