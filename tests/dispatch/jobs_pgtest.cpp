// The dispatch queue against the real schema: leases (one claimer per job, a lost lease writes nothing), a
// failed order reversed once with its job dropped, a retry rescheduled, and an illegal move refused before SQL.
#include "gateway/dispatch/jobs.hpp"
#include "gateway/accounts/ledger.hpp"
#include "tests/support/schema.hpp"

namespace rgw::dispatch {
namespace {

using namespace std::chrono_literals;
using test::run;

const pg::Query add_job{"t_jobs_add", "INSERT INTO dispatch_jobs (redemption_id) VALUES ($1)"};
const pg::Query order_status{"t_jobs_status", "SELECT status, attempts, failure_code FROM redemptions WHERE id = $1"};
const pg::Query job_of{"t_jobs_job", "SELECT count(*) AS n, max(tries) AS tries, max(reason) AS reason FROM dispatch_jobs WHERE redemption_id = $1"};
const pg::Query reversals_of{"t_jobs_reversals", "SELECT count(*) AS n FROM ledger_entries WHERE redemption_id = $1 AND kind = 'reversal'"};

class Jobs : public test::SchemaTest {
 protected:
  // An accepted, debited order with its job, as an accept leaves it.
  RedemptionId accepted_order(std::int64_t points) {
    exec(ledger::credit_statement(program_id, account_id, ledger::Credit{points, "test", std::nullopt}));
    const auto id = insert_order(points);
    exec({ledger::debit_statement({id}), pg::statement(add_job, id)});
    return id;
  }
  std::vector<Claim> claim(std::size_t limit = 10) { return run(io, jobs::claim(*pool, "worker-1", limit, 60s)); }
  std::string status(const RedemptionId& id) { return std::string(exec(pg::statement(order_status, id)).front().text("status")); }
};

TEST_F(Jobs, AClaimedJobIsNotClaimedAgainWhileItsLeaseRuns) {
  const auto id = accepted_order(100);
  const auto first = claim();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].redemption_id, id.str());
  EXPECT_TRUE(claim().empty()) << "due again only when the lease runs out";
}

TEST_F(Jobs, AFailedOrderIsReversedOnceAndItsJobDropped) {
  const auto id = accepted_order(100);
  const auto lease = claim().at(0);
  Move failed;
  failed.to = Status::failed;
  failed.failure_code = "rejected";
  failed.reason = "the provider refused";
  EXPECT_TRUE(run(io, jobs::finish(*pool, lease, Status::accepted, std::nullopt, failed)));
  EXPECT_EQ(status(id), "failed");
  EXPECT_EQ(exec(pg::statement(reversals_of, id)).front().int64("n"), 1);
  EXPECT_EQ(exec(pg::statement(job_of, id)).front().int64("n"), 0);
  EXPECT_EQ(balance(), 100);
  EXPECT_EQ(ledger_sum(), 100);
  EXPECT_EQ(lots_remaining(), 100);
  EXPECT_FALSE(run(io, jobs::finish(*pool, lease, Status::accepted, std::nullopt, failed))) << "the order left `accepted` already";
  EXPECT_EQ(exec(pg::statement(reversals_of, id)).front().int64("n"), 1);
}

TEST_F(Jobs, ALostLeaseWritesNothing) {
  const auto id = accepted_order(100);
  auto lease = claim().at(0);
  lease.token += 1;  // another worker's claim since
  EXPECT_FALSE(run(io, jobs::begin_call(*pool, lease, Status::accepted, Status::dispatching, "sandbox", "issue", "worker-1")));
  EXPECT_EQ(status(id), "accepted");
}

TEST_F(Jobs, ACallIsRecordedAndARetryRescheduledUnderTheLease) {
  const auto id = accepted_order(100);
  const auto lease = claim().at(0);
  const auto attempt = run(io, jobs::begin_call(*pool, lease, Status::accepted, Status::dispatching, "sandbox", "issue", "worker-1"));
  ASSERT_TRUE(attempt);
  EXPECT_EQ(status(id), "dispatching");
  Move retry;
  retry.to = Status::retrying;
  retry.due_in = 60s;
  retry.reason = "provider busy";
  EXPECT_TRUE(run(io, jobs::finish(*pool, lease, Status::dispatching, CallRecord{*attempt, providers::Outcome::retryable, 12, "busy"}, retry)));
  EXPECT_EQ(status(id), "retrying");
  const auto job = exec(pg::statement(job_of, id)).front();
  EXPECT_EQ(job.int64("tries"), 1);
  EXPECT_EQ(job.text("reason"), "provider busy");
  EXPECT_TRUE(claim().empty()) << "due in a minute";
}

TEST_F(Jobs, AnIllegalMoveIsRefusedBeforeAnyStatementIsBuilt) {
  const auto id = accepted_order(100);
  const auto lease = claim().at(0);
  Move issued;
  issued.to = Status::issued;
  EXPECT_THROW(run(io, jobs::finish(*pool, lease, Status::accepted, std::nullopt, issued)), std::logic_error)
      << "accepted -> issued skips the call";
  EXPECT_EQ(status(id), "accepted");
}

}  // namespace
}  // namespace rgw::dispatch
