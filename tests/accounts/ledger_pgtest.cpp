// The ledger's statements against the real schema: every balance change keeps balance = ledger = lots, takes
// the soonest-expiring points first, gives them back to the same lots, and happens once per order.
#include "gateway/accounts/ledger.hpp"
#include "gateway/pg/error.hpp"
#include "tests/support/schema.hpp"

namespace rgw::ledger {
namespace {

using test::run;

const pg::Query take_settings{"t_take_settings", "SELECT array_to_string(proconfig, ' ') AS settings FROM pg_proc WHERE proname = 'rgw_take_points_each'"};

const pg::Query entry_in_program{"t_ledger_entry_in_program",
                                 "INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, reason)"
                                 " VALUES ($1, $2, $3, 'credit', 100, 100, 'test')"};

class Ledger : public test::SchemaTest {
 protected:
  void credit(std::int64_t points, std::optional<std::string> expires_at = std::nullopt) {
    auto rows = exec(credit_statement(program_id, account_id, Credit{points, "test", std::move(expires_at)}));
    ASSERT_EQ(rows.size(), 1);
  }
  void expect_books(std::int64_t points) {
    EXPECT_EQ(balance(), points);
    EXPECT_EQ(ledger_sum(), points) << "the ledger sums to the balance";
    EXPECT_EQ(lots_remaining(), points) << "the lots hold what the balance says";
  }
  std::vector<ExpiringLot> expiring() { return run(io, find_account(*pool, program_id, account_id, master)).value().expiring; }
};

TEST_F(Ledger, CreditsDebitsAndReversalsKeepTheBooksEqual) {
  credit(1'000);
  expect_books(1'000);
  const auto order = insert_order(300);
  exec(debit_statement({order}));
  expect_books(700);
  exec(reversal_statement(order, "redemption failed"));
  expect_books(1'000);
}

TEST_F(Ledger, DebitsTakeTheSoonestExpiringPointsFirstAndReversalsGiveThemBack) {
  credit(100, "2099-01-01T00:00:00Z");
  credit(100);  // never expires: spent last
  credit(100, "2098-01-01T00:00:00Z");
  const auto order = insert_order(150);
  exec(debit_statement({order}));
  auto lots = expiring();
  ASSERT_EQ(lots.size(), 1u) << "the 2098 lot is spent, the 2099 lot half";
  EXPECT_EQ(lots[0].points, 50);
  EXPECT_EQ(lots[0].expires_at, "2099-01-01T00:00:00Z");
  exec(reversal_statement(order, "redemption failed"));
  lots = expiring();
  ASSERT_EQ(lots.size(), 2u);
  EXPECT_EQ(lots[0].points, 100);
  EXPECT_EQ(lots[1].points, 100);
  expect_books(300);
}

TEST_F(Ledger, AnOrderIsDebitedOnceAndReversedOnce) {
  credit(1'000);
  const auto order = insert_order(300);
  exec(debit_statement({order}));
  EXPECT_EQ(refusal_of({debit_statement({order})}), pg::sqlstate::unique_violation) << "a second debit of one order";
  exec(reversal_statement(order, "failed"));
  EXPECT_EQ(refusal_of({reversal_statement(order, "failed again")}), pg::sqlstate::unique_violation) << "a second reversal";
  expect_books(1'000);
}

TEST_F(Ledger, TheDatabaseRefusesANegativeBalance) {
  credit(100);
  const auto order = insert_order(101);
  EXPECT_EQ(refusal_of({debit_statement({order})}), pg::sqlstate::check_violation);
  expect_books(100);
}

TEST_F(Ledger, ADebitWithoutItsOrderWritesNothing) {
  credit(100);
  EXPECT_FALSE(refusal_of({debit_statement({RedemptionId("red_missing")})}));
  expect_books(100);
}

TEST_F(Ledger, ACreditToAnotherProgramsAccountWritesNothing) {
  auto rows = exec(credit_statement(ProgramId("prg_other"), account_id, Credit{100, "test", std::nullopt}));
  EXPECT_EQ(rows.size(), 0);
  expect_books(0);
}

// Each program's books are its own: an order or an entry naming another program's account is refused, though
// both the account and the program exist (two separate foreign keys let it in).
TEST_F(Ledger, TheDatabaseRefusesAnOrderOrAnEntryOnAnotherProgramsAccount) {
  const auto other = add_program();
  EXPECT_EQ(refusal_of({pg::statement(entry_in_program, new_id("led"), other, account_id)}), pg::sqlstate::foreign_key_violation);
  EXPECT_EQ(refusal_of({order_statement(RedemptionId(new_id("red")), other, 100)}), pg::sqlstate::foreign_key_violation);
  EXPECT_FALSE(refusal_of({pg::statement(entry_in_program, new_id("led"), program_id, account_id)})) << "its own program's entry";
}

// A take of points plans as a batch does, whoever calls it (a negative adjustment too): by index, one plan kept,
// and never compiled — with table scans off, a plan that needed one would be costed over jit_above_cost and
// compiled at every call, a tenth of a second each.
TEST_F(Ledger, ATakeOfPointsPlansAsABatchAndIsNeverCompiled) {
  const auto rows = exec(pg::statement(take_settings));
  ASSERT_EQ(rows.size(), 1);
  const std::string settings(rows.front().text("settings"));
  for (const auto* setting : {"plan_cache_mode=force_generic_plan", "enable_seqscan=off", "enable_hashjoin=off", "enable_mergejoin=off", "jit=off"})
    EXPECT_NE(settings.find(setting), std::string::npos) << setting << " not in " << settings;
}

}  // namespace
}  // namespace rgw::ledger
