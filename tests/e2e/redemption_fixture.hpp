#pragma once
// What the redemption and dispatch suites stand on: their own database and feed, a gateway, a tenant whose
// account can be credited, a EUR voucher routed to the sandbox, and direct SQL for checking the books.
#include <gtest/gtest.h>

#include <set>

#include "gateway/pg/pool.hpp"
#include "providers/sandbox/sandbox.hpp"
#include "tests/support/feed_world.hpp"

namespace rgw::test {

inline const nlohmann::json voucher = nlohmann::json::parse(R"({
  "type": "egift_card", "brand": "Amazon", "name": {"en": "Amazon.de gift card"}, "countries": ["DE"], "face_currency": "EUR",
  "denominations": {"fixed": ["10.00", "25.00"]}, "routes": [{"provider": "sandbox", "provider_sku": "AMZ"}]})");
inline const nlohmann::json ten_eur = {{"amount", "10.00"}, {"currency", "EUR"}};  // 1000 points at 0.01 EUR, no spread in EUR

// One account's books in one snapshot.
inline const pg::Query account_totals{
    "t_account_totals",
    "SELECT (SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE account_id = $1) AS ledger,"
    "       (SELECT balance FROM accounts WHERE id = $1) AS balance,"
    "       (SELECT coalesce(sum(remaining), 0) FROM point_lots WHERE account_id = $1) AS lots,"
    "       (SELECT count(*) FROM redemptions WHERE account_id = $1) AS orders,"
    "       (SELECT count(*) FROM dispatch_jobs j JOIN redemptions r ON r.id = j.redemption_id WHERE r.account_id = $1) AS jobs,"
    "       (SELECT count(*) FROM redemptions WHERE account_id = $1 AND status = 'issued') AS issued,"
    "       (SELECT count(*) FROM redemptions WHERE account_id = $1 AND status = 'failed') AS failed,"
    "       (SELECT count(*) FROM ledger_entries WHERE account_id = $1 AND kind = 'reversal') AS reversals"};

// A program's books after dispatch, in one snapshot.
inline const pg::Query program_books{
    "t_program_books",
    "SELECT (SELECT count(*) FROM redemptions WHERE program_id = $1 AND status NOT IN ('issued', 'failed')) AS open,"
    "       (SELECT count(*) FROM redemptions WHERE program_id = $1 AND status = 'issued') AS issued,"
    "       (SELECT count(*) FROM redemptions WHERE program_id = $1 AND status = 'failed') AS failed,"
    "       (SELECT string_agg(provider_key, ',') FROM redemptions WHERE program_id = $1 AND status = 'issued') AS issued_keys,"
    "       (SELECT count(*) FROM redemptions r WHERE program_id = $1 AND status = 'failed' AND"
    "          (SELECT count(*) FROM ledger_entries l WHERE l.redemption_id = r.id AND l.kind = 'reversal') <> 1) AS failed_not_reversed_once,"
    "       (SELECT count(*) FROM ledger_entries WHERE program_id = $1 AND kind = 'reversal') AS reversals,"
    "       (SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE program_id = $1) AS ledger,"
    "       (SELECT coalesce(sum(balance), 0) FROM accounts WHERE program_id = $1) AS balances,"
    "       (SELECT count(DISTINCT outcome) FROM dispatch_attempts a JOIN redemptions r ON r.id = a.redemption_id WHERE r.program_id = $1) AS outcomes,"
    "       (SELECT count(*) FROM dispatch_attempts a JOIN dispatch_attempts b ON a.redemption_id = b.redemption_id AND a.id < b.id"
    "          JOIN redemptions r ON r.id = a.redemption_id"
    "          WHERE r.program_id = $1 AND b.started_at < a.finished_at) AS overlapping_calls"};  // unfinished: its worker died

// `command`'s output without its final newline; fails the test when it does not exit 0.
inline std::string shell(const std::string& command) {
  const auto done = run_shell(command + " 2>&1");
  EXPECT_EQ(done.status, 0) << command << ":\n" << done.out;
  auto out = done.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}
inline std::string psql(const std::string& url, const std::string& sql) { return shell("psql '" + url + "' -Atqc \"" + sql + "\""); }
inline const std::string pg = RGW_SOURCE_DIR "/scripts/pg";

struct Books {
  std::int64_t issued = 0, failed = 0, outcomes = 0;
};

class RedemptionFixture : public ::testing::Test {
 protected:
  // The gateway's configuration beyond the test defaults.
  virtual void adjust(app::Config&) {}

  void SetUp() override {
    RGW_REQUIRE_DATABASE();
    world = std::make_unique<FeedWorld>();
    gateway = world->gateway("/fx/ecb/daily.xml", std::chrono::seconds(600), [this](app::Config& c) {
      adjust(c);
      database = c.database_url;
    });
    client = gateway->client();
    tenant = make_tenant(client, gateway->bootstrap_key);
    ASSERT_EQ(client.request("PUT", "/v1/catalog/AMZ", voucher.dump(), bearer(tenant.admin)).status, 201u);
    ASSERT_TRUE(rates_loaded(client, tenant.cabinet)) << "rates never loaded";
  }

  void credit(std::int64_t points, std::optional<std::string> expires_at = std::nullopt) const {
    nlohmann::json body = {{"points", points}, {"reason", "test"}};
    if (expires_at) body["expires_at"] = *expires_at;
    ASSERT_EQ(client.request("POST", "/v1/accounts/" + tenant.account_id + "/credits", body.dump(),
                             bearer(tenant.admin, {{"Idempotency-Key", "c-" + unique_suffix()}})).status,
              201u);
  }
  Reply redeem(const std::string& key, nlohmann::json body = {}) const {
    if (body.is_null()) body = {{"account_id", tenant.account_id}, {"sku", "AMZ"}, {"face_value", ten_eur}};
    return client.request("POST", "/v1/redemptions", body.dump(), bearer(tenant.cabinet, {{"Idempotency-Key", key}}));
  }
  // Runs one statement on the test's database.
  template <class... Args>
  pg::Result query(const pg::Query& q, const Args&... args) const {
    boost::asio::io_context io;
    auto pool = pg::Pool::create(io.get_executor(), pg::PoolConfig{database});
    const auto statement = pg::statement(q, args...);
    auto body = [&]() -> boost::asio::awaitable<pg::Result> { co_return co_await pool->exec(statement); };
    return run(io, body());
  }
  pg::Row totals() const { return query(account_totals, tenant.account_id).front(); }
  // One provider's item of GET /v1/providers (ops key); null when it is not listed.
  nlohmann::json provider_view(const std::string& name) const {
    const auto listed = client.request("GET", "/v1/providers", std::nullopt, bearer(tenant.ops)).json();
    for (const auto& p : listed["items"])
      if (p["name"] == name) return p;
    return nullptr;
  }

  // Waits (up to 2 min) until every order of the tenant is final, then checks the invariants of dispatch: the
  // sandbox recording under `records` issued exactly the issued orders, once each; every failed order was
  // reversed exactly once; the ledger sums to the balances; no order had two provider calls at once.
  Books expect_final_and_balanced(const std::string& records) const {
    const auto open = eventually([&] { return query(program_books, tenant.program_id).front().int64("open"); }, 0, std::chrono::seconds(120));
    EXPECT_EQ(open, 0) << "every order final";
    const auto books = query(program_books, tenant.program_id).front();
    const Books out{books.int64("issued"), books.int64("failed"), books.int64("outcomes")};
    EXPECT_EQ(books.int64("failed_not_reversed_once"), 0) << "every failed order reversed exactly once";
    EXPECT_EQ(books.int64("reversals"), out.failed);
    EXPECT_EQ(books.int64("ledger"), books.int64("balances")) << "sum of the ledger = account balances";
    EXPECT_EQ(books.int64("overlapping_calls"), 0) << "no order worked by two workers at once";
    std::set<std::string> issued_keys;
    std::string_view list = books.is_null("issued_keys") ? std::string_view{} : books.text("issued_keys");
    while (!list.empty()) {
      const auto comma = list.find(',');
      issued_keys.emplace(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    std::set<std::string> recorded;
    for (const auto& [key, code] : providers::sandbox_issued(records)) recorded.insert(key);
    EXPECT_EQ(recorded, issued_keys) << "the sandbox issued exactly the issued orders, once each";
    return out;
  }

  std::unique_ptr<FeedWorld> world;
  std::unique_ptr<Gateway> gateway;
  std::string database;  // the gateway's database URL
  Client client;
  Tenant tenant;
};

}  // namespace rgw::test
