// A primary and a synchronous standby (scripts/pg pair) behind one multi-host URL: redemptions posted under load,
// each retried on 503 under its own Idempotency-Key, the primary killed with SIGKILL mid-run and the standby
// promoted (as an operator or a monitor would): every redemption that was answered 202 exists afterwards, none is
// issued twice, the books balance. The times from the kill to the promotion and to the first 202 on the new
// primary are printed (docs/operations.md quotes them).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class DatabaseFailover : public RedemptionFixture {
 protected:
  void SetUp() override {
    RGW_REQUIRE_DATABASE();
    dir = (std::filesystem::temp_directory_path() / ("rgw-failover-" + unique_suffix())).string();
    url = shell(pg + " pair " + dir);
    ASSERT_NE(url.find("target_session_attrs=read-write"), std::string::npos) << url;
    RedemptionFixture::SetUp();
  }
  void TearDown() override {
    gateway.reset();
    for (const auto* node : {"primary", "standby"}) run_shell(pg + " stop " + dir + "/" + node + " 2>&1");
    std::filesystem::remove_all(dir);
  }
  void adjust(app::Config& c) override { c.database_url = c.db.conninfo = url; }

  std::string dir, url;
};

// What one client saw: the orders it was told were accepted, and when the first 202 after `since` came.
struct Load {
  std::mutex mutex;
  std::set<std::string> accepted_ids;
  std::atomic<long> accepted{0}, unavailable{0};
  std::atomic<bool> stop{false};
  std::optional<Clock::time_point> killed_at, first_after_kill;
};

TEST_F(DatabaseFailover, NoAcknowledgedRedemptionIsLostWhenThePrimaryDies) {
  credit(10'000'000);
  Load load;
  // Each worker posts orders one after another; a 503 or a dropped connection is retried under the same key,
  // as the API tells clients to, until the order is accepted.
  auto worker = [&](int n) {
    for (int i = 0; !load.stop; ++i) {
      const auto key = "failover-" + std::to_string(n) + "-" + std::to_string(i);
      for (;;) {
        const auto sent = Clock::now();
        Reply r;
        try {
          r = redeem(key);
        } catch (const std::exception&) {
          r.status = 0;
        }
        if (r.status == 202u) {
          std::lock_guard lock(load.mutex);
          load.accepted_ids.insert(r.json()["id"].get<std::string>());
          if (load.killed_at && sent > *load.killed_at && !load.first_after_kill) load.first_after_kill = Clock::now();
          ++load.accepted;
          break;
        }
        ASSERT_TRUE(r.status == 503u || r.status == 0u) << r.status << " " << r.body;
        ++load.unavailable;
        std::this_thread::sleep_for(20ms);  // a client's back-off between retries, not a wait for a condition
      }
    }
  };
  std::vector<std::thread> workers;
  for (int n = 0; n < 4; ++n) workers.emplace_back(worker, n);

  ASSERT_GE(eventually([&] { return load.accepted.load() >= 40; }, true, 30s), true) << "load never got going";
  const auto postmaster = shell("head -1 " + dir + "/primary/data/postmaster.pid");
  // The whole server at once, as when its machine is lost: the postmaster and every backend and WAL sender.
  shell("kill -9 " + postmaster + " $(pgrep -P " + postmaster + ")");
  {
    std::lock_guard lock(load.mutex);
    load.killed_at = Clock::now();  // after the kill: a request sent later can only be answered by the new primary
  }
  const long before = load.accepted;
  shell(pg + " promote " + dir + "/standby");
  const auto promoted_at = Clock::now();
  EXPECT_GE(eventually([&] { return load.accepted.load() >= before + 40; }, true, 60s), true) << "no orders accepted by the new primary";
  load.stop = true;
  for (auto& w : workers) w.join();

  ASSERT_TRUE(load.first_after_kill) << "no 202 after the kill";
  const auto ms = [&](Clock::time_point t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t - *load.killed_at).count(); };
  std::printf("failover: %ld accepted, %ld answers 503 or dropped; kill -> promoted %lld ms, kill -> first 202 on the new primary %lld ms\n",
              load.accepted.load(), load.unavailable.load(), static_cast<long long>(ms(promoted_at)), static_cast<long long>(ms(*load.first_after_kill)));

  EXPECT_EQ(psql(url, "SELECT pg_is_in_recovery()"), "f");
  EXPECT_EQ(psql(url, "SELECT current_setting('unix_socket_directories')"), dir + "/standby") << "the URL found the new primary";
  const auto stored = psql(url, "SELECT string_agg(id::text, ',' ORDER BY id) FROM redemptions WHERE program_id = '" + tenant.program_id + "'");
  std::string accepted;
  for (const auto& id : load.accepted_ids) accepted += (accepted.empty() ? "" : ",") + id;
  EXPECT_EQ(stored, accepted) << "every 202 is stored, and nothing else";
  EXPECT_EQ(load.accepted_ids.size(), static_cast<std::size_t>(load.accepted.load())) << "each key made one order";
  const auto books = expect_final_and_balanced(gateway->records("sandbox"));  // none issued twice, ledger = balances
  EXPECT_EQ(books.issued, load.accepted.load());
}

}  // namespace
}  // namespace rgw::test
