// Dispatch by real gateway processes (the `rewardgw` binary) sharing one database: two of them split the work
// without working an order twice at once, and a gateway killed with SIGKILL in the middle of dispatching loses
// nothing and issues nothing twice once another takes over its leases.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/redemption_fixture.hpp"
#include "tests/support/gateway_process.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;

const pg::Query dispatch_progress{
    "t_dispatch_progress",
    "SELECT (SELECT count(*) FROM redemptions WHERE program_id = $1 AND status = 'issued') AS issued,"
    "       (SELECT count(*) FROM redemptions WHERE program_id = $1 AND status NOT IN ('issued', 'failed')) AS open,"
    "       (SELECT count(DISTINCT worker) FROM dispatch_attempts a JOIN redemptions r ON r.id = a.redemption_id WHERE r.program_id = $1) AS workers,"
    "       (SELECT min(n) FROM (SELECT count(*) AS n FROM dispatch_attempts a JOIN redemptions r ON r.id = a.redemption_id"
    "                            WHERE r.program_id = $1 GROUP BY worker) w) AS least_calls_by_a_worker"};

// After an interrupted call (no outcome: its worker died), the order's next call must be a status query.
const pg::Query after_interruptions{
    "t_after_interruptions",
    "SELECT count(*) AS interrupted,"
    "       count(*) FILTER (WHERE (SELECT b.call FROM dispatch_attempts b WHERE b.redemption_id = a.redemption_id AND b.id > a.id"
    "                               ORDER BY b.id LIMIT 1) = 'status') AS then_asked"
    " FROM dispatch_attempts a JOIN redemptions r ON r.id = a.redemption_id"
    " WHERE r.program_id = $1 AND a.outcome IS NULL AND a.call = 'issue'"};

// The in-process gateway only accepts (an API node); dispatching is done by child processes.
class Processes : public RedemptionFixture {
 protected:
  void adjust(app::Config& c) override { c.dispatch.concurrency = 0; }

  void SetUp() override {
    RedemptionFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    providers_file = gateway->records_dir + "-providers.json";
    // Slow enough that calls are in flight whenever a process dies; every fault kind on top.
    const nlohmann::json providers = {
        {"sandbox",
         {{"kind", "sandbox"},
          {"record_dir", gateway->records("sandbox")},
          {"latency_ms", 80},
          {"timeout_ms", 300},
          {"pending_ms", 50},
          {"breaker_failures", 1000},
          {"faults", {{"retryable", 0.1}, {"rejected", 0.05}, {"timeout", 0.02}, {"unknown", 0.05}, {"lost", 0.1}, {"pending", 0.1}}}}}};
    std::ofstream(providers_file) << providers.dump();
  }
  void TearDown() override { std::filesystem::remove(providers_file); }

  std::unique_ptr<GatewayProcess> start_dispatcher(const std::string& name) const {
    const std::map<std::string, std::string> env = {{"REWARDGW_DATABASE_URL", world->db.url},
                                                    {"REWARDGW_SECRETS_KEYS", test_environment(nullptr)("REWARDGW_SECRETS_KEYS")},
                                                    {"REWARDGW_PROVIDERS_FILE", providers_file},
                                                    {"REWARDGW_THREADS", "2"},
                                                    {"REWARDGW_DISPATCH_CONCURRENCY", "16"},
                                                    {"REWARDGW_DISPATCH_LEASE_S", "3"},
                                                    {"REWARDGW_DISPATCH_POLL_MS", "200"},
                                                    {"REWARDGW_RETRY_BASE_MS", "20"},
                                                    {"REWARDGW_RETRY_CAP_MS", "400"},
                                                    {"REWARDGW_SHUTDOWN_GRACE_S", "1"}};
    return std::make_unique<GatewayProcess>(env, gateway->records_dir + "-" + name + ".log");
  }
  void accept(int orders) const {
    credit(orders * 1000);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = t; i < orders; i += 4) EXPECT_EQ(redeem("o-" + std::to_string(i)).status, 202u);
      });
    for (auto& t : threads) t.join();
  }
  pg::Row progress() const { return query(dispatch_progress, tenant.program_id).front(); }

  std::string providers_file;
};

TEST_F(Processes, TwoGatewaysShareTheQueueAndNeverWorkAnOrderTwiceAtOnce) {
  auto a = start_dispatcher("a");
  auto b = start_dispatcher("b");
  accept(300);
  const auto books = expect_final_and_balanced(gateway->records("sandbox"));
  EXPECT_EQ(books.issued + books.failed, 300);
  const auto p = progress();
  EXPECT_EQ(p.int64("workers"), 2) << "both processes dispatched";
  EXPECT_GE(p.int64("least_calls_by_a_worker"), 30) << "and both took a real share";
}

TEST_F(Processes, AGatewayKilledMidDispatchLosesNothingAndIssuesNothingTwice) {
  accept(300);
  auto first = start_dispatcher("killed");
  const auto some_issued = eventually([&] { return progress().int64("issued") >= 40; }, true, 60s);
  ASSERT_TRUE(some_issued) << "the first process never got going; see " << first->log_path();
  first->kill_hard();
  const auto at_kill = progress();
  EXPECT_GT(at_kill.int64("open"), 0) << "killed in the middle, not after the end";
  const auto interrupted = query(after_interruptions, tenant.program_id).front().int64("interrupted");
  EXPECT_GE(interrupted, 1) << "some provider calls were in flight when it died";

  auto second = start_dispatcher("successor");
  const auto books = expect_final_and_balanced(gateway->records("sandbox"));
  EXPECT_EQ(books.issued + books.failed, 300) << "nothing lost";
  const auto after = query(after_interruptions, tenant.program_id).front();
  EXPECT_EQ(after.int64("then_asked"), after.int64("interrupted")) << "an interrupted issue is resolved by asking, never by issuing again";
}

}  // namespace
}  // namespace rgw::test
