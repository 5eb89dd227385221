// Accepting redemptions: the debit, the order, its ledger entry and its dispatch job in one transaction, under
// concurrency and with idempotent retries. (Dispatch to providers is not built yet.)
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "gateway/pg/pool.hpp"
#include "tests/support/feed_world.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

const nlohmann::json voucher = nlohmann::json::parse(R"({
  "type": "egift_card", "brand": "Amazon", "name": {"en": "Amazon.de gift card"}, "countries": ["DE"], "face_currency": "EUR",
  "denominations": {"fixed": ["10.00", "25.00"]}, "routes": [{"provider": "sandbox", "provider_sku": "AMZ"}]})");
const nlohmann::json ten_eur = {{"amount", "10.00"}, {"currency", "EUR"}};  // 1000 points at 0.01 EUR, no spread in EUR

const pg::Query ledger_totals{"t_ledger_totals",
                              "SELECT (SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE account_id = $1) AS ledger,"
                              "       (SELECT balance FROM accounts WHERE id = $1) AS balance,"
                              "       (SELECT coalesce(sum(remaining), 0) FROM point_lots WHERE account_id = $1) AS lots,"
                              "       (SELECT count(*) FROM redemptions WHERE account_id = $1) AS orders,"
                              "       (SELECT count(*) FROM dispatch_jobs j JOIN redemptions r ON r.id = j.redemption_id WHERE r.account_id = $1) AS jobs,"
                              "       (SELECT count(*) FROM redemptions WHERE account_id = $1 AND status = 'issued') AS issued"};

class Redemptions : public ::testing::Test {
 protected:
  void SetUp() override {
    RGW_REQUIRE_DATABASE();
    world = std::make_unique<FeedWorld>();
    gateway = world->gateway();
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
  pg::Row totals() const {
    asio::io_context io;
    auto pool = pg::Pool::create(io.get_executor(), pg::PoolConfig{world->db.url});
    auto rows = run(io, [](pg::Pool& p, std::string id) -> asio::awaitable<pg::Result> { co_return co_await p.exec(pg::statement(ledger_totals, id)); }(
                            *pool, tenant.account_id));
    return rows.front();
  }

  std::unique_ptr<FeedWorld> world;
  std::unique_ptr<Gateway> gateway;
  Client client;
  Tenant tenant;
};

TEST_F(Redemptions, TwoHundredAtOnceAgainstABalanceForFifty) {
  credit(50'000);
  std::vector<Reply> replies(200);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < replies.size(); ++i) threads.emplace_back([&, i] { replies[i] = redeem("r-" + std::to_string(i)); });
  for (auto& t : threads) t.join();
  int accepted = 0, short_of_points = 0;
  for (const auto& r : replies) {
    if (r.status == 202) ++accepted;
    else if (r.status == 422 && r.json()["code"] == "insufficient_points") ++short_of_points;
    else ADD_FAILURE() << r.status << " " << r.body;
  }
  EXPECT_EQ(accepted, 50);
  EXPECT_EQ(short_of_points, 150);
  const auto t = totals();
  EXPECT_EQ(t.int64("balance"), 0);
  EXPECT_EQ(t.int64("ledger"), 0) << "credits minus debits equals the balance";
  EXPECT_EQ(t.int64("lots"), 0) << "the lots were consumed exactly";
  EXPECT_EQ(t.int64("orders"), 50);
  EXPECT_EQ(t.int64("jobs") + t.int64("issued"), 50) << "every accepted order has its dispatch job until it is issued";
  EXPECT_EQ(eventually([&] { return totals().int64("issued"); }, 50), 50) << "the sandbox issues every one";
  EXPECT_EQ(totals().int64("jobs"), 0) << "a final order has no job";
}

TEST_F(Redemptions, AcceptedMeansDebitedAndReadable) {
  credit(5'000);
  auto r = redeem("first");
  ASSERT_EQ(r.status, 202u) << r.body;
  EXPECT_EQ(r.json()["status"], "accepted");
  EXPECT_EQ(r.json()["points"], 1000);
  EXPECT_EQ(r.json()["fx"]["source"], "ecb");
  const std::string id = r.json()["id"];
  EXPECT_TRUE(id.starts_with("red_"));
  auto order = client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.finance));
  ASSERT_EQ(order.status, 200u);
  EXPECT_EQ(order.json()["status"], "accepted");
  EXPECT_EQ(order.json()["face_value"], ten_eur);
  EXPECT_TRUE(order.json()["reward"].is_null());
  auto entries = client.request("GET", "/v1/accounts/" + tenant.account_id + "/ledger", std::nullopt, bearer(tenant.cabinet)).json()["items"];
  EXPECT_EQ(entries[0]["kind"], "debit");
  EXPECT_EQ(entries[0]["points"], -1000);
  EXPECT_EQ(entries[0]["balance_after"], 4000);
  EXPECT_EQ(entries[0]["redemption_id"], id);
  const Tenant other = make_tenant(client, gateway->bootstrap_key);
  EXPECT_EQ(client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(other.cabinet)).status, 404u);
}

TEST_F(Redemptions, IdempotentReplaysAndConcurrentDuplicatesMakeOneOrder) {
  credit(10'000);
  auto first = redeem("same");
  ASSERT_EQ(first.status, 202u);
  auto again = redeem("same");
  EXPECT_EQ(again.status, 202u);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  auto other_body = redeem("same", {{"account_id", tenant.account_id}, {"sku", "AMZ"}, {"face_value", {{"amount", "25.00"}, {"currency", "EUR"}}}});
  EXPECT_EQ(other_body.status, 422u);
  EXPECT_EQ(other_body.json()["code"], "idempotency_key_reuse");
  EXPECT_EQ(client.request("POST", "/v1/redemptions", "{}", bearer(tenant.cabinet)).json()["code"], "idempotency_key_required");

  std::vector<Reply> replies(20);
  std::vector<std::thread> threads;
  for (auto& reply : replies) threads.emplace_back([&] { reply = redeem("dup"); });
  for (auto& t : threads) t.join();
  std::set<std::string> ids;
  for (const auto& r : replies) {
    if (r.status == 202) ids.insert(r.json()["id"]);
    else EXPECT_EQ(r.status, 409u) << r.body;
  }
  EXPECT_EQ(ids.size(), 1u) << "concurrent duplicates: one order";
  const auto t = totals();
  EXPECT_EQ(t.int64("orders"), 2);
  EXPECT_EQ(t.int64("balance"), 8'000);
}

TEST_F(Redemptions, PointsComeFromTheSoonestExpiringLotsFirst) {
  credit(1'000);
  credit(700, "2029-01-01T00:00:00Z");
  credit(400, "2030-01-01T00:00:00Z");
  ASSERT_EQ(redeem("lots").status, 202u);  // 1000 points: all 700 of 2029, then 300 of 2030's 400
  auto account = client.request("GET", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(tenant.cabinet)).json();
  EXPECT_EQ(account["balance"], 1'100);
  EXPECT_EQ(account["expiring"], (nlohmann::json{{{"points", 100}, {"expires_at", "2030-01-01T00:00:00Z"}}}));
  EXPECT_EQ(totals().int64("lots"), 1'100);
}

TEST_F(Redemptions, AQuotePricesExactlyOneRedemption) {
  credit(100'000);
  auto quote = client.request("POST", "/v1/quotes", nlohmann::json{{"account_id", tenant.account_id}, {"sku", "AMZ"}, {"face_value", ten_eur}}.dump(),
                              bearer(tenant.cabinet));
  ASSERT_EQ(quote.status, 201u);
  const std::string quote_id = quote.json()["id"];
  nlohmann::json body = {{"account_id", tenant.account_id}, {"sku", "AMZ"}, {"face_value", ten_eur}, {"quote_id", quote_id}};
  auto r = redeem("q1", body);
  ASSERT_EQ(r.status, 202u) << r.body;
  EXPECT_EQ(r.json()["points"], quote.json()["points"]);
  EXPECT_EQ(redeem("q2", body).json()["code"], "conflict") << "a quote is used once";
  body["face_value"] = {{"amount", "25.00"}, {"currency", "EUR"}};
  EXPECT_EQ(redeem("q3", body).status, 400u) << "the quote is for another face value";
  body["quote_id"] = "quo_missing";
  EXPECT_EQ(redeem("q4", body).status, 404u);
  EXPECT_EQ(totals().int64("orders"), 1);
}

TEST_F(Redemptions, RefusalsWriteNothing) {
  credit(500);
  EXPECT_EQ(redeem("short").json()["code"], "insufficient_points");
  EXPECT_EQ(redeem("sku", {{"account_id", tenant.account_id}, {"sku", "NOPE"}, {"face_value", ten_eur}}).status, 404u);
  EXPECT_EQ(redeem("face", {{"account_id", tenant.account_id}, {"sku", "AMZ"}, {"face_value", {{"amount", "11.00"}, {"currency", "EUR"}}}})
                .json()["code"],
            "denomination_invalid");
  EXPECT_EQ(redeem("mail", {{"account_id", tenant.account_id}, {"sku", "AMZ"}, {"face_value", ten_eur}, {"recipient", {{"email", "nope"}}}}).status,
            400u);
  const auto t = totals();
  EXPECT_EQ(t.int64("balance"), 500);
  EXPECT_EQ(t.int64("orders"), 0);
  credit(500);
  EXPECT_EQ(redeem("short").status, 202u) << "a refused request leaves its key free";
}

TEST_F(Redemptions, ListedNewestFirstWithFiltersAndCursors) {
  credit(10'000);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(redeem("list-" + std::to_string(i)).json()["id"]);
  auto list = [&](const std::string& query) {
    return client.request("GET", "/v1/redemptions" + query, std::nullopt, bearer(tenant.ops));
  };
  std::vector<std::string> seen;
  std::string query = "?limit=2&account_id=" + tenant.account_id;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = list(query).json();
    for (const auto& item : page["items"]) seen.push_back(item["id"]);
    if (page["next_cursor"].is_null()) break;
    query = "?limit=2&account_id=" + tenant.account_id + "&cursor=" + page["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{ids.rbegin(), ids.rend()}));
  EXPECT_EQ(eventually([&] { return list("?status=issued").json()["items"].size(); }, 5u), 5u) << "the sandbox issues them all";
  EXPECT_EQ(list("?status=accepted").json()["items"].size(), 0u);
  EXPECT_EQ(list("?from=2099-01-01T00:00:00Z").json()["items"].size(), 0u);
  EXPECT_EQ(list("?to=2099-01-01T00:00:00Z").json()["items"].size(), 5u);
  EXPECT_EQ(list("?account_id=acc_other").json()["items"].size(), 0u);
  EXPECT_EQ(list("?status=done").status, 400u);
  EXPECT_EQ(list("?from=yesterday").status, 400u);
  const Tenant other = make_tenant(client, gateway->bootstrap_key);
  EXPECT_EQ(client.request("GET", "/v1/redemptions", std::nullopt, bearer(other.ops)).json()["items"].size(), 0u) << "another program's orders";
}

}  // namespace
}  // namespace rgw::test
