// Backup and point-in-time restore as docs/backup.md tells it, on a private cluster that archives its WAL
// (scripts/pg start with RGW_PG_ARCHIVE, backup, restore): the restored database holds exactly the orders made up
// to the chosen instant, and its books balance.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;

TEST(BackupRestore, APointInTimeRestoreHoldsExactlyTheOrdersUpToThatInstantAndBalancedBooks) {
  RGW_REQUIRE_DATABASE();
  const auto dir = (std::filesystem::temp_directory_path() / ("rgw-pitr-" + unique_suffix())).string();
  const auto url = shell("RGW_PG_ARCHIVE=" + dir + "/archive " + pg + " start " + dir + "/primary");
  ASSERT_FALSE(url.empty());
  FeedWorld world;  // the rate feed; the orders go to the archiving cluster
  auto gateway = world.gateway("/fx/ecb/daily.xml", 600s, [&](app::Config& c) {
    c.database_url = url;
    c.db.conninfo = url;
  });
  const auto client = gateway->client();
  const auto tenant = make_tenant(client, gateway->bootstrap_key);
  ASSERT_EQ(client.request("PUT", "/v1/catalog/AMZ", voucher.dump(), bearer(tenant.admin)).status, 201u);
  ASSERT_TRUE(rates_loaded(client, tenant.cabinet));
  ASSERT_EQ(client.request("POST", "/v1/accounts/" + tenant.account_id + "/credits", nlohmann::json{{"points", 100'000}, {"reason", "test"}}.dump(),
                           bearer(tenant.admin, {{"Idempotency-Key", "c-1"}})).status,
            201u);
  auto redeem = [&](int n) {
    for (int i = 0; i < n; ++i) {
      const auto r = client.request("POST", "/v1/redemptions", nlohmann::json{{"account_id", tenant.account_id}, {"sku", "AMZ"}, {"face_value", ten_eur}}.dump(),
                                    bearer(tenant.cabinet, {{"Idempotency-Key", "r-" + unique_suffix()}}));
      EXPECT_EQ(r.status, 202u) << r.body;
    }
  };
  auto settled = [&](int n) {
    return eventually([&] { return psql(url, "SELECT count(*) FROM redemptions WHERE status = 'issued'"); }, std::to_string(n)) == std::to_string(n);
  };

  redeem(5);
  ASSERT_TRUE(settled(5));
  shell(pg + " backup " + dir + "/primary " + dir + "/base");
  redeem(3);
  ASSERT_TRUE(settled(8));
  const auto instant = psql(url, "SELECT clock_timestamp()");
  redeem(4);
  ASSERT_TRUE(settled(12));
  psql(url, "SELECT pg_switch_wal()");  // the last segment goes to the archive too
  gateway.reset();
  shell(pg + " stop " + dir + "/primary");

  const auto restored = shell(pg + " restore " + dir + "/base " + dir + "/archive '" + instant + "' " + dir + "/restored");
  EXPECT_EQ(psql(restored, "SELECT pg_is_in_recovery()"), "f") << "promoted: it takes writes";
  EXPECT_EQ(psql(restored, "SELECT count(*) FROM redemptions"), "8") << "exactly the orders made up to the instant";
  EXPECT_EQ(psql(restored, "SELECT count(*) FROM redemptions WHERE status = 'issued'"), "8");
  EXPECT_EQ(psql(restored, "SELECT (SELECT sum(points) FROM ledger_entries) = (SELECT sum(balance) FROM accounts)"), "t") << "ledger = balances";
  EXPECT_EQ(psql(restored, "SELECT balance FROM accounts WHERE id = '" + tenant.account_id + "'"), std::to_string(100'000 - 8 * 1000));
  shell(pg + " stop " + dir + "/restored");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rgw::test
