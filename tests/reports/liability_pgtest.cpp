// The points liability against the real schema: what it reports outstanding equals the SQL sum over the lots
// unexpired at that instant, grouped by the local month they lapse in; breakage counts lapsed points whether or
// not the expiry job has written them down; a day before anything was credited shows nothing outstanding.
#include "gateway/reports/liability.hpp"

#include <date/tz.h>

#include "gateway/accounts/ledger.hpp"
#include "gateway/core/format.hpp"
#include "gateway/points/expiry.hpp"
#include "tests/support/schema.hpp"

namespace rgw::reports {
namespace {

using test::run;

const pg::Query lapse_lot{"t_liability_lapse", "UPDATE point_lots SET expires_at = now() - interval '2 days' WHERE account_id = $1 AND points = $2"};
const pg::Query unexpired_at{
    "t_liability_unexpired",
    "SELECT coalesce(sum(remaining), 0)::bigint AS n FROM point_lots WHERE expires_at IS NULL OR expires_at > $1::timestamptz"};

class LiabilityReport : public test::SchemaTest {
 protected:
  void SetUp() override {
    SchemaTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    program = run(io, programs::find(*pool, program_id.str()));
  }
  void credit(std::int64_t points, std::optional<std::chrono::hours> in = std::nullopt) {
    std::optional<std::string> expires_at;
    if (in) expires_at = rfc3339(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + *in);
    exec(ledger::credit_statement(program_id, account_id, ledger::Credit{points, "test", expires_at}));
  }
  date::local_days today() const {
    return date::floor<date::days>(date::locate_zone(program.timezone)->to_local(std::chrono::system_clock::now()));
  }
  Liability report(date::local_days as_of) {
    // optional: run() needs a default-constructible result, which a report (money without a currency) is not
    auto read = [&]() -> boost::asio::awaitable<std::optional<Liability>> { co_return co_await liability(*pool, program, as_of); };
    return run(io, read()).value();
  }
  programs::Program program;
};

TEST_F(LiabilityReport, OutstandingEqualsTheUnexpiredLotsAtThatInstantAndBreakageIgnoresTheJob) {
  credit(1'000);                              // never lapses
  credit(500, std::chrono::hours(24 * 40));
  credit(200, std::chrono::hours(24 * 10));
  credit(300, std::chrono::hours(24 * 400));
  exec(pg::statement(lapse_lot, account_id, 300));  // lapsed two days ago, not written down
  const auto order = insert_order(600);
  exec(ledger::debit_statement({order}));  // 200 from the 10-day lot, 400 from the 40-day lot
  const auto failed = insert_order(50);
  exec(ledger::debit_statement({failed}));
  exec(ledger::reversal_statement(failed, "failed"));  // taken and given back

  const auto r = report(today());
  EXPECT_EQ(r.outstanding_total.points, exec(pg::statement(unexpired_at, r.at)).front().int64("n"));
  EXPECT_EQ(r.outstanding_total.points, 1'100);
  ASSERT_EQ(r.outstanding.size(), 2u) << "the 40-day lot's month, then never";
  EXPECT_EQ(r.outstanding[0].points, 100);
  EXPECT_EQ(r.outstanding[1].month, std::nullopt);
  EXPECT_EQ(r.outstanding[1].points, 1'000);
  EXPECT_EQ(r.outstanding_total.value.amount_string(), "11.00") << "at 0.01 EUR a point";
  ASSERT_EQ(r.expired.size(), 12u) << "each of the twelve local months up to as_of";
  EXPECT_EQ(r.expired_total.points, 300) << "lapsed, though the job never ran";

  while (run(io, points::expire_lapsed(*pool, points::ExpiryConfig{}))) {
  }
  EXPECT_EQ(report(today()).expired_total.points, 300) << "the same once written down: dated when it lapsed";
  EXPECT_EQ(report(today()).outstanding_total.points, 1'100);

  const auto before = report(today() - date::days(400));
  EXPECT_EQ(before.outstanding_total.points, 0) << "nothing was credited then";
  EXPECT_EQ(before.expired_total.points, 0);
}

TEST_F(LiabilityReport, AStatementsOpeningPlusEntriesIsItsClosing) {
  credit(1'000);
  const auto order = insert_order(300);
  exec(ledger::debit_statement({order}));
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto all = run(io, ledger::statement(*pool, program_id, account_id, rfc3339(now - std::chrono::hours(1)), rfc3339(now + std::chrono::hours(1))));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->opening, 0);
  ASSERT_EQ(all->entries.size(), 2u);
  EXPECT_EQ(all->closing, 700);
  const auto later = run(io, ledger::statement(*pool, program_id, account_id, rfc3339(now + std::chrono::hours(1)), rfc3339(now + std::chrono::hours(2))));
  EXPECT_EQ(later->opening, 700) << "what came before is the opening balance";
  EXPECT_TRUE(later->entries.empty());
  EXPECT_EQ(later->closing, 700);
  EXPECT_FALSE(run(io, ledger::statement(*pool, program_id, AccountId("acc_missing"), rfc3339(now), rfc3339(now))));
}

}  // namespace
}  // namespace rgw::reports
