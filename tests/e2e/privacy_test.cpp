// Personal data by design (docs/privacy.md): names and recipients sealed under a key per account, nothing of them
// in a dump of the database; reads in clear audited, finance and ops shown masks; erasure destroys the key and
// leaves the books exact; retention blanks old recipients; rows from before sealing are sealed at start; a
// rotated master key re-wraps every account key and the others stay readable.
#include <gtest/gtest.h>

#include "gateway/privacy/privacy.hpp"
#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;

// Test keys (32 bytes each), not secrets: "rewardgw privacy test: old key!!" and "... new key!!".
const std::string master_a = "old:cmV3YXJkZ3cgcHJpdmFjeSB0ZXN0OiBvbGQga2V5ISE=", master_b = "new:cmV3YXJkZ3cgcHJpdmFjeSB0ZXN0OiBuZXcga2V5ISE=";

class PersonalData : public RedemptionFixture {
 protected:
  void adjust(app::Config& c) override { c.sealer = std::make_shared<const crypto::Sealer>(crypto::Sealer::from_text(keys)); }

  std::string new_account(const std::string& name) const {
    const nlohmann::json body = {{"external_ref", "crm-" + unique_suffix()}, {"name", name}};
    const auto r = client.request("POST", "/v1/accounts", body.dump(), bearer(tenant.admin));
    EXPECT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(r.json()["name"], name);
    return r.json()["id"];
  }
  void credit_account(const std::string& account, std::int64_t points) const {
    const nlohmann::json body = {{"points", points}, {"reason", "test"}};
    ASSERT_EQ(client.request("POST", "/v1/accounts/" + account + "/credits", body.dump(), bearer(tenant.admin, {{"Idempotency-Key", "c-" + unique_suffix()}})).status,
              201u);
  }
  // An issued order of `account` for `email` and `name`; its id.
  std::string issued_order(const std::string& account, const std::string& email, const std::string& name) const {
    const nlohmann::json body = {{"account_id", account}, {"sku", "AMZ"}, {"face_value", ten_eur}, {"recipient", {{"email", email}, {"name", name}}}};
    const auto r = redeem("r-" + unique_suffix(), body);
    EXPECT_EQ(r.status, 202u) << r.body;
    const std::string id = r.json()["id"];
    // Polled with the finance key: its view is masked, so the polls are no reads of personal data.
    EXPECT_EQ(eventually([&] { return get("/v1/redemptions/" + id, tenant.finance).json()["status"].get<std::string>(); }, std::string("issued")),
              "issued");
    return id;
  }
  Reply get(const std::string& target, const std::string& key) const { return client.request("GET", target, std::nullopt, bearer(key)); }
  std::string dump() const { return shell("pg_dump --data-only '" + database + "'"); }
  std::string sql(const std::string& statement) const { return psql(database, statement); }

  std::string keys = master_a;
};

TEST_F(PersonalData, NoNameOrEmailInClearInTheDatabaseAndClearReadsAreAudited) {
  const auto account = new_account("Иван Петров");
  credit_account(account, 10'000);
  const auto order = issued_order(account, "ivan.petrov@example.com", "Ivan Petrov");
  const nlohmann::json rename = {{"name", "Ivan Sidorov"}};
  ASSERT_EQ(client.request("PATCH", "/v1/accounts/" + account, rename.dump(), bearer(tenant.admin)).status, 200u);

  const auto dumped = dump();
  ASSERT_NE(dumped.find(account), std::string::npos) << "the dump holds the account";
  for (const auto* personal : {"Иван Петров", "Ivan Sidorov", "ivan.petrov", "example.com", "Ivan Petrov", "Ромашка"})
    EXPECT_EQ(dumped.find(personal), std::string::npos) << personal << " is in the database in clear";

  EXPECT_EQ(get("/v1/accounts/" + account, tenant.cabinet).json()["name"], "Ivan Sidorov") << "read back in clear";
  const auto shown = get("/v1/redemptions/" + order, tenant.cabinet).json();
  EXPECT_EQ(shown["recipient"], (nlohmann::json{{"email", "ivan.petrov@example.com"}, {"name", "Ivan Petrov"}}));
  for (const auto& key : {tenant.finance, tenant.ops}) {
    const auto masked = get("/v1/redemptions/" + order, key).json();
    EXPECT_EQ(masked["recipient"], (nlohmann::json{{"email", "i***@example.com"}, {"name", "I*** P***"}})) << masked.dump();
  }
  const auto audit = get("/v1/audit?action=personal_data.read", tenant.admin).json()["items"];
  std::multiset<std::string> read;
  for (const auto& row : audit) read.insert(row["role"].get<std::string>() + " " + row["target"].get<std::string>());
  EXPECT_EQ(read.count("cabinet " + account), 1u) << audit.dump();
  EXPECT_EQ(read.count("cabinet " + order), 1u) << "the clear read of the recipient";
  EXPECT_EQ(read.count("finance " + order) + read.count("ops " + order), 0u) << "masked reads are not reads of personal data";
  // Free text is kept in clear (ledger, audit log): an e-mail address in it is refused.
  const nlohmann::json leaky = {{"points", 10}, {"reason", "goodwill for ivan.petrov@example.com"}};
  const auto refused = client.request("POST", "/v1/accounts/" + account + "/credits", leaky.dump(), bearer(tenant.admin, {{"Idempotency-Key", "leaky"}}));
  EXPECT_EQ(refused.status, 400u) << refused.body;
  const nlohmann::json leaky_erasure = {{"reason", "asked by ivan.petrov@example.com"}};
  EXPECT_EQ(client.request("POST", "/v1/accounts/" + account + "/erasure", leaky_erasure.dump(), bearer(tenant.admin)).status, 400u);
  // The list and the event stream never carry the recipient.
  EXPECT_EQ(get("/v1/redemptions?account_id=" + account, tenant.cabinet).body.find("example.com"), std::string::npos);
}

TEST_F(PersonalData, ErasureShredsTheAccountAndLeavesTheBooksExact) {
  const nlohmann::json hooked = {{"webhook_url", "http://127.0.0.1:9/hooks"}};
  ASSERT_EQ(client.request("PATCH", "/v1/programs/" + tenant.program_id, hooked.dump(), bearer(tenant.admin)).status, 200u);
  const auto erased = new_account("Мария Иванова"), kept = new_account("Olga Smirnova");
  credit_account(erased, 10'000);
  credit_account(kept, 10'000);
  const auto erased_order = issued_order(erased, "maria@example.org", "Maria Ivanova");
  const auto kept_order = issued_order(kept, "olga@example.org", "Olga Smirnova");
  const auto period = "from=" + sql("SELECT current_date - 1") + "&to=" + sql("SELECT current_date + 1");
  const auto payouts = [&] { return client.request("GET", "/v1/reports/payouts?" + period + "&format=csv", std::nullopt, bearer(tenant.finance)).body; };
  const auto report_before = payouts();
  ASSERT_NE(report_before.find("sandbox"), std::string::npos) << report_before;

  const nlohmann::json why = {{"reason", "data subject request 2026-12-02"}};
  const auto first = client.request("POST", "/v1/accounts/" + erased + "/erasure", why.dump(), bearer(tenant.admin));
  ASSERT_EQ(first.status, 200u) << first.body;
  const auto again = client.request("POST", "/v1/accounts/" + erased + "/erasure", why.dump(), bearer(tenant.admin));
  EXPECT_EQ(again.json()["erased_at"], first.json()["erased_at"]) << "asked again: the first erasure's answer";
  EXPECT_EQ(client.request("POST", "/v1/accounts/" + erased + "/erasure", why.dump(), bearer(tenant.finance)).status, 403u);

  const auto account = get("/v1/accounts/" + erased, tenant.admin).json();
  EXPECT_TRUE(account["name"].is_null());
  EXPECT_EQ(account["status"], "erased");
  EXPECT_EQ(account["balance"], 9'000) << "the points stay on the books";
  EXPECT_TRUE(get("/v1/redemptions/" + erased_order, tenant.admin).json()["recipient"].is_null());
  const auto reveal = client.request("POST", "/v1/redemptions/" + erased_order + "/reveal", std::nullopt, bearer(tenant.cabinet));
  EXPECT_EQ(reveal.status, 410u) << reveal.body;
  EXPECT_EQ(reveal.json()["code"], "reward_erased");
  EXPECT_EQ(sql("SELECT count(*) FROM accounts WHERE id = '" + erased + "' AND data_key IS NULL AND name_sealed IS NULL"), "1") << "the key is gone";
  EXPECT_EQ(sql("SELECT count(*) FROM webhook_events WHERE account_id = '" + erased + "' AND event = 'account.erased'"), "1");
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'account.erase' AND target = '" + erased + "'"), "1") << "once: the second changed nothing";

  const nlohmann::json credit = {{"points", 100}, {"reason", "test"}};
  const auto refused_credit = client.request("POST", "/v1/accounts/" + erased + "/credits", credit.dump(), bearer(tenant.admin, {{"Idempotency-Key", "after"}}));
  EXPECT_EQ(refused_credit.status, 422u);
  EXPECT_EQ(refused_credit.json()["code"], "account_erased");
  const nlohmann::json order = {{"account_id", erased}, {"sku", "AMZ"}, {"face_value", ten_eur}};
  const auto refused_order = redeem("after-erasure", order);
  EXPECT_EQ(refused_order.status, 422u);
  EXPECT_EQ(refused_order.json()["code"], "account_erased");
  EXPECT_EQ(client.request("POST", "/v1/accounts/" + erased + "/sessions", "{}", bearer(tenant.cabinet)).status, 422u);

  EXPECT_EQ(payouts(), report_before) << "the payout report is byte-identical";
  EXPECT_EQ(sql("SELECT (SELECT sum(points) FROM ledger_entries) = (SELECT sum(balance) FROM accounts)"), "t") << "ledger = balances";
  EXPECT_EQ(get("/v1/accounts/" + kept, tenant.admin).json()["name"], "Olga Smirnova");
  EXPECT_EQ(get("/v1/redemptions/" + kept_order, tenant.admin).json()["recipient"]["email"], "olga@example.org");
  EXPECT_EQ(client.request("POST", "/v1/redemptions/" + kept_order + "/reveal", std::nullopt, bearer(tenant.cabinet)).status, 200u);

  // A rotation: the new master key first, the old one still listed; the start-up pass re-wraps every account key.
  gateway.reset();
  keys = master_b + "," + master_a;
  gateway = world->gateway("/fx/ecb/daily.xml", 600s, [this](app::Config& c) { adjust(c); });
  EXPECT_EQ(eventually([&] { return sql("SELECT count(*) FROM accounts WHERE data_key LIKE 'old:%'"); }, std::string("0")), "0");
  // Then the old key removed: the other accounts read as before, the erased one stays erased.
  gateway.reset();
  keys = master_b;
  gateway = world->gateway("/fx/ecb/daily.xml", 600s, [this](app::Config& c) { adjust(c); });
  client = gateway->client();
  EXPECT_EQ(get("/v1/accounts/" + kept, tenant.admin).json()["name"], "Olga Smirnova");
  EXPECT_EQ(get("/v1/redemptions/" + kept_order, tenant.admin).json()["recipient"]["name"], "Olga Smirnova");
  EXPECT_TRUE(get("/v1/accounts/" + erased, tenant.admin).json()["name"].is_null());
  EXPECT_EQ(payouts(), report_before);
}

TEST_F(PersonalData, AProgramMayKeepAnErasedAccountsRewardsRevealable) {
  const nlohmann::json keep = {{"erasure_keeps_rewards", true}};
  const auto patched = client.request("PATCH", "/v1/programs/" + tenant.program_id, keep.dump(), bearer(tenant.admin));
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_EQ(patched.json()["erasure_keeps_rewards"], true);
  credit(10'000);
  const auto order = issued_order(tenant.account_id, "a@example.net", "A B");
  const nlohmann::json why = {{"reason", "request"}};
  ASSERT_EQ(client.request("POST", "/v1/accounts/" + tenant.account_id + "/erasure", why.dump(), bearer(tenant.admin)).status, 200u);
  EXPECT_TRUE(get("/v1/redemptions/" + order, tenant.admin).json()["recipient"].is_null());
  const auto reveal = client.request("POST", "/v1/redemptions/" + order + "/reveal", std::nullopt, bearer(tenant.cabinet));
  EXPECT_EQ(reveal.status, 200u) << reveal.body;
}

TEST_F(PersonalData, RetentionBlanksOldFinalOrdersRecipientsOnly) {
  const nlohmann::json days = {{"personal_data_retention_days", 30}};
  ASSERT_EQ(client.request("PATCH", "/v1/programs/" + tenant.program_id, days.dump(), bearer(tenant.admin)).status, 200u);
  credit(10'000);
  const auto old_order = issued_order(tenant.account_id, "old@example.net", "Old");
  const auto new_order = issued_order(tenant.account_id, "new@example.net", "New");
  sql("UPDATE redemptions SET created_at = now() - interval '31 days' WHERE id = '" + old_order + "'");
  boost::asio::io_context io;
  auto pool = pg::Pool::create(io.get_executor(), pg::PoolConfig{database});
  EXPECT_EQ(run(io, privacy::apply_retention(*pool)), 1);
  EXPECT_EQ(run(io, privacy::apply_retention(*pool)), 0) << "once";
  EXPECT_TRUE(get("/v1/redemptions/" + old_order, tenant.admin).json()["recipient"].is_null());
  EXPECT_EQ(get("/v1/redemptions/" + new_order, tenant.admin).json()["recipient"]["email"], "new@example.net");
  EXPECT_EQ(get("/v1/redemptions/" + old_order, tenant.admin).json()["status"], "issued") << "the order itself stays";
}

TEST_F(PersonalData, RowsWrittenInClearBeforeSealingAreSealedAtStart) {
  credit(10'000);
  const auto order = issued_order(tenant.account_id, "legacy@example.net", "Legacy Person");
  // As an earlier version stored them: in clear, and the account without a key.
  sql("UPDATE accounts SET name = 'Legacy Name', name_sealed = NULL, data_key = NULL WHERE id = '" + tenant.account_id + "'");
  sql("UPDATE redemptions SET recipient = '{\\\"email\\\": \\\"legacy@example.net\\\"}', recipient_sealed = NULL WHERE id = '" + order + "'");
  EXPECT_EQ(get("/v1/accounts/" + tenant.account_id, tenant.admin).json()["name"], "Legacy Name") << "read while still in clear";
  gateway.reset();
  gateway = world->gateway("/fx/ecb/daily.xml", 600s, [this](app::Config& c) { adjust(c); });
  client = gateway->client();
  EXPECT_EQ(eventually([&] { return sql("SELECT count(*) FROM accounts WHERE name IS NOT NULL") + sql("SELECT count(*) FROM redemptions WHERE recipient IS NOT NULL"); },
                       std::string("00")),
            "00");
  EXPECT_EQ(dump().find("legacy@example.net"), std::string::npos);
  EXPECT_EQ(get("/v1/accounts/" + tenant.account_id, tenant.admin).json()["name"], "Legacy Name");
  EXPECT_EQ(get("/v1/redemptions/" + order, tenant.admin).json()["recipient"]["email"], "legacy@example.net");
}

}  // namespace
}  // namespace rgw::test
