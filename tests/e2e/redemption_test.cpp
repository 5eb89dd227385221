// Accepting redemptions: the debit, the order, its ledger entry and its dispatch job in one transaction, under
// concurrency and with idempotent retries. What happens after the 202 is in dispatch_test.cpp.
#include <gtest/gtest.h>

#include <time.h>

#include <set>
#include <thread>

#include <boost/asio/detached.hpp>

#include "gateway/accounts/ledger.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/redemptions/accept_batcher.hpp"
#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// The accept path alone: this gateway dispatches nothing (REWARDGW_DISPATCH_CONCURRENCY=0, an API-only node).
class Redemptions : public RedemptionFixture {
 protected:
  void adjust(app::Config& c) override { c.dispatch.concurrency = 0; }

  // The tenant's account (2,000 points) held by another transaction, as another process's batch would hold it,
  // beside another tenant's account, free, with one order's points (1,000); `io` ready to run a batcher on `pool`.
  struct HeldAccount {
    Tenant other;
    asio::io_context io;
    std::shared_ptr<pg::Pool> pool;
    std::optional<pg::Transaction> holder;
    metrics::Counter passed_over, shed;
  };
  std::unique_ptr<HeldAccount> hold_account() {
    credit(2'000);
    auto held = std::make_unique<HeldAccount>();
    held->other = make_tenant(client, gateway->bootstrap_key);
    EXPECT_EQ(client.request("POST", "/v1/accounts/" + held->other.account_id + "/credits", R"({"points": 1000, "reason": "test"})",
                             bearer(held->other.admin, {{"Idempotency-Key", "c-" + unique_suffix()}})).status,
              201u);
    held->pool = pg::Pool::create(held->io.get_executor(), pg::PoolConfig{world->db.url});
    run(held->io, [&]() -> asio::awaitable<void> {
      held->holder.emplace(co_await pg::Transaction::begin(*held->pool));
      co_await held->holder->exec(ledger::lock_statement(ProgramId(tenant.program_id), AccountId(tenant.account_id)));
    }());
    held->io.restart();  // run() left it stopped
    return held;
  }
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
  EXPECT_EQ(t.int64("jobs"), 50) << "every accepted order has its dispatch job";
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

// A key is any printable ASCII: its quote and backslash travel escaped in the batch's JSON of orders.
TEST_F(Redemptions, AKeyWithQuotesAndBackslashesIsAcceptedAndReplayed) {
  credit(10'000);
  const std::string key = "say \"hi\" \\ to C:\\orders\\" + unique_suffix();
  const auto first = redeem(key);
  ASSERT_EQ(first.status, 202u) << first.body;
  const auto again = redeem(key);
  EXPECT_EQ(again.status, 202u);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(totals().int64("orders"), 1);
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
  EXPECT_EQ(list("?status=accepted").json()["items"].size(), 5u);
  EXPECT_EQ(list("?status=issued").json()["items"].size(), 0u);
  EXPECT_EQ(list("?from=2099-01-01T00:00:00Z").json()["items"].size(), 0u);
  EXPECT_EQ(list("?to=2099-01-01T00:00:00Z").json()["items"].size(), 5u);
  EXPECT_EQ(list("?account_id=acc_other").json()["items"].size(), 0u);
  EXPECT_EQ(list("?status=done").status, 400u);
  EXPECT_EQ(list("?from=yesterday").status, 400u);
  const Tenant other = make_tenant(client, gateway->bootstrap_key);
  EXPECT_EQ(client.request("GET", "/v1/redemptions", std::nullopt, bearer(other.ops)).json()["items"].size(), 0u) << "another program's orders";
}


// Terms for 10.00 EUR at 1000 points, as the API would price them for the fixture's voucher.
redemptions::AcceptWork work_for(const Tenant& tenant, const std::string& key, std::optional<std::string> quote_id = std::nullopt) {
  const auto eur = fx::Money::parse("10.00", "EUR").value();
  pricing::Terms terms{tenant.account_id, "AMZ", eur, catalog::Price{1000, eur, fx::Decimal::parse("1").value(), fx::Decimal::parse("1").value(), 0},
                      0, "ecb", "2026-11-20T14:00:00Z"};
  const auto ids = redemptions::OrderIds::mint();
  return redemptions::AcceptWork{tenant.program_id, key, "fp-" + key, std::chrono::hours(72),
                                 redemptions::NewRedemption{terms, std::move(quote_id), std::nullopt}, ids, "2026-11-22T10:00:00Z",
                                 "{\"id\": \"" + ids.id.str() + "\"}"};
}

const pg::Query shared_commits{"t_shared_commits",
                               "SELECT count(*) AS orders, count(DISTINCT xmin::text) AS transactions FROM redemptions WHERE account_id = $1"};

asio::awaitable<std::string> outcome_of(redemptions::AcceptBatcher& batcher, const redemptions::AcceptWork& work) {
  try {
    const auto r = co_await batcher.submit(work);
    if (r.shed) co_return "shed";
    co_return r.quote_taken ? "quote taken" : r.claim.state != idempotency::claim_state::claimed ? "refused" : r.accepted ? "accepted" : "short";
  } catch (const pg::Error& e) {
    co_return e.what();
  }
}

// Submits `works` to a fresh batcher before it writes anything, so they go out as one batch; returns each outcome.
std::vector<std::string> submit_together(const std::string& db_url, const std::vector<redemptions::AcceptWork>& works) {
  asio::io_context io;
  metrics::Counter passed_over, shed;
  auto batcher = std::make_shared<redemptions::AcceptBatcher>(pg::Pool::create(io.get_executor(), pg::PoolConfig{db_url}),
                                                              redemptions::AcceptCounters{passed_over, shed});
  std::vector<std::string> outcomes(works.size());
  auto submit = [&](std::size_t i) -> asio::awaitable<void> { outcomes[i] = co_await outcome_of(*batcher, works[i]); };
  for (std::size_t i = 0; i < works.size(); ++i) asio::co_spawn(io, submit(i), asio::detached);
  auto all_answered = [&] { return std::none_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return o.empty(); }); };
  while (!all_answered() && io.run_one_for(10s) > 0) {
  }
  return outcomes;
}

TEST_F(Redemptions, RequestsSharingACommitStayAllOrNothingEach) {
  credit(3'500);
  const std::string quote_id = client.request("POST", "/v1/quotes", nlohmann::json{{"account_id", tenant.account_id}, {"sku", "AMZ"}, {"face_value", ten_eur}}.dump(),
                                              bearer(tenant.cabinet))
                                   .json()["id"];
  // One transaction: three accepted, a repeated key refused, one the balance no longer covers.
  std::vector<redemptions::AcceptWork> first;
  for (const auto& [key, quote] : std::vector<std::pair<std::string, std::optional<std::string>>>{
           {"plain-1", std::nullopt}, {"plain-1", std::nullopt}, {"plain-2", std::nullopt}, {"quoted-1", quote_id}, {"plain-3", std::nullopt}})
    first.push_back(work_for(tenant, key, quote));
  EXPECT_EQ(submit_together(world->db.url, first), (std::vector<std::string>{"accepted", "refused", "accepted", "accepted", "short"}));
  const auto commits = query(shared_commits, tenant.account_id).front();
  EXPECT_EQ(commits.int64("orders"), 3);
  EXPECT_EQ(commits.int64("transactions"), 1) << "they shared one commit";
  EXPECT_EQ(redeem("plain-3").status, 422u) << "the short request's key was let go, not stored";

  // The quote again breaks its batch (unique violation): each request is run alone, the other one still succeeds.
  credit(1'000);
  std::vector<redemptions::AcceptWork> second;
  second.push_back(work_for(tenant, "quoted-2", quote_id));
  second.push_back(work_for(tenant, "plain-4"));
  EXPECT_EQ(submit_together(world->db.url, second), (std::vector<std::string>{"quote taken", "accepted"}));
  const auto t = totals();
  EXPECT_EQ(t.int64("orders"), 4);
  EXPECT_EQ(t.int64("balance"), 500);
  EXPECT_EQ(t.int64("ledger"), 500);
  EXPECT_EQ(t.int64("lots"), 500);
  EXPECT_EQ(t.int64("jobs"), 4);
}

// A batch does not wait for an account another transaction holds (another process's batch, a points job): the
// requests on it are passed over and wait for it in a later batch; the batch's other requests commit at once.
TEST_F(Redemptions, ABatchPassesOverAnAccountAnotherTransactionHolds) {
  const auto held = hold_account();
  auto& [other, io, pool, holder, passed_over, shed] = *held;
  auto batcher = std::make_shared<redemptions::AcceptBatcher>(pool, redemptions::AcceptCounters{passed_over, shed});
  const std::vector<redemptions::AcceptWork> works{work_for(tenant, "held-1"), work_for(other, "free-1"), work_for(tenant, "held-2")};
  std::vector<std::string> outcomes(works.size());
  for (std::size_t i = 0; i < works.size(); ++i)
    asio::co_spawn(io, [&, i]() -> asio::awaitable<void> { outcomes[i] = co_await outcome_of(*batcher, works[i]); }, asio::detached);
  while (outcomes[1].empty() && io.run_one_for(10s) > 0) {
  }
  EXPECT_EQ(outcomes[1], "accepted") << "committed while the other account was held";
  EXPECT_EQ(outcomes[0], "") << "waits for its account";
  EXPECT_EQ(outcomes[2], "");
  EXPECT_EQ(passed_over.value(), 2u) << "both requests on the held account, counted";

  asio::co_spawn(io, holder->rollback(), asio::detached);
  while ((outcomes[0].empty() || outcomes[2].empty()) && io.run_one_for(10s) > 0) {
  }
  EXPECT_EQ(outcomes, (std::vector<std::string>{"accepted", "accepted", "accepted"})) << "accepted once the account was free";
  const auto t = totals();
  EXPECT_EQ(t.int64("orders"), 2);
  EXPECT_EQ(t.int64("balance"), 0);
  EXPECT_EQ(t.int64("ledger"), 0);
  EXPECT_EQ(query(account_totals, other.account_id).front().int64("balance"), 0);
}

// An overloaded gateway answers at once instead of queueing without end: a request that waits longer than its bound
// for a batch to take it is shed, with nothing written, so it can be sent again with its key. Here the only writer is
// stuck on a held account, and the request behind it waits past a bound of 50 ms.
TEST_F(Redemptions, ARequestWaitingLongerThanItsBoundIsShedWithNothingWritten) {
  const auto held = hold_account();
  auto& [other, io, pool, holder, passed_over, shed] = *held;
  // One request per batch: the one behind the stuck batch cannot ride in it.
  auto batcher = std::make_shared<redemptions::AcceptBatcher>(pool, redemptions::AcceptCounters{passed_over, shed},
                                                              redemptions::AcceptLimits{1, 1, std::chrono::milliseconds(50)});
  const auto stuck = work_for(tenant, "stuck-1"), behind = work_for(other, "behind-1");
  std::string stuck_outcome, behind_outcome;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { stuck_outcome = co_await outcome_of(*batcher, stuck); }, asio::detached);
  while (passed_over.value() == 0 && io.run_one_for(10s) > 0) {  // passed over once; its next batch waits for the account
  }
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { behind_outcome = co_await outcome_of(*batcher, behind); }, asio::detached);
  while (behind_outcome.empty() && io.run_one_for(10s) > 0) {
  }
  EXPECT_EQ(behind_outcome, "shed");
  EXPECT_EQ(shed.value(), 1u);
  EXPECT_EQ(stuck_outcome, "") << "taken into a batch: it waits for its account, never shed";
  EXPECT_EQ(query(account_totals, other.account_id).front().int64("balance"), 1'000) << "nothing written for the shed request";

  asio::co_spawn(io, holder->rollback(), asio::detached);
  while (stuck_outcome.empty() && io.run_one_for(10s) > 0) {
  }
  EXPECT_EQ(stuck_outcome, "accepted");
  behind_outcome.clear();
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { behind_outcome = co_await outcome_of(*batcher, behind); }, asio::detached);
  while (behind_outcome.empty() && io.run_one_for(10s) > 0) {
  }
  EXPECT_EQ(behind_outcome, "accepted") << "sent again with its key: its claim had never been made";
  EXPECT_EQ(query(account_totals, other.account_id).front().int64("balance"), 0);
}

// The same over HTTP: the client is told at once, and how soon to come back.
class RedemptionsWithAShortWait : public Redemptions {
 protected:
  void adjust(app::Config& c) override {
    Redemptions::adjust(c);
    c.threads = 1;  // one shard, one batcher: both requests meet in its queue
    c.settings.accept_max_wait = 200ms;
  }
};

TEST_F(RedemptionsWithAShortWait, AShedRequestIsAnswered503OverloadedWithRetryAfterAndItsKeyWorksWhenSentAgain) {
  const auto held = hold_account();
  const auto& other = held->other;
  ASSERT_EQ(client.request("PUT", "/v1/catalog/AMZ", voucher.dump(), bearer(other.admin)).status, 201u);
  Reply stuck;
  std::thread stuck_client([&] { stuck = redeem("stuck-1"); });
  // Passed over once, its next batch waits for the account's lock: the only writer is busy from here on.
  const pg::Query lock_waits{"t_lock_waits", "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"};
  ASSERT_EQ(eventually([&] { return query(lock_waits).front().int64("n"); }, 1, 15s), 1);

  const nlohmann::json body = {{"account_id", other.account_id}, {"sku", "AMZ"}, {"face_value", ten_eur}};
  const auto send_behind = [&] { return client.request("POST", "/v1/redemptions", body.dump(), bearer(other.cabinet, {{"Idempotency-Key", "behind-1"}})); };
  const auto behind = send_behind();
  EXPECT_EQ(behind.status, 503u);
  EXPECT_EQ(behind.json()["code"], "overloaded");
  EXPECT_EQ(behind.header("retry-after"), "1");
  EXPECT_EQ(counter_value(client, "rewardgw_accepts_shed_total"), 1u);
  EXPECT_EQ(query(account_totals, other.account_id).front().int64("balance"), 1'000) << "nothing written";

  run(held->io, held->holder->rollback());
  stuck_client.join();
  EXPECT_EQ(stuck.status, 202u) << "taken into a batch: it waited for its account";
  EXPECT_EQ(send_behind().status, 202u) << "its key was never claimed";
  EXPECT_EQ(query(account_totals, other.account_id).front().int64("balance"), 0);
}

TEST_F(Redemptions, ConcurrentRequestsShareCommits) {
  credit(1'000'000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) EXPECT_EQ(redeem("c-" + std::to_string(t) + "-" + std::to_string(i)).status, 202u);
    });
  for (auto& t : threads) t.join();
  const auto commits = query(shared_commits, tenant.account_id).front();
  EXPECT_EQ(commits.int64("orders"), 320);
  EXPECT_LT(commits.int64("transactions"), 320) << "some requests shared a transaction (group commit)";
  const auto t = totals();
  EXPECT_EQ(t.int64("balance"), 1'000'000 - 320'000);
  EXPECT_EQ(t.int64("ledger"), t.int64("balance"));
}

// A gateway at rest costs nothing: after a redemption its accept writers wait without waking each other. (A
// property over an idle window, not a timing benchmark: the spinning writers burned a whole core, 100 %.)
TEST_F(Redemptions, AnIdleGatewayBurnsNoCpuAfterARedemption) {
  credit(2000);
  ASSERT_EQ(redeem("idle-1").status, 202u);
  ASSERT_EQ(redeem("idle-2").status, 202u);
  const auto cpu_seconds = [] {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
  };
  const auto cpu_before = cpu_seconds();
  const auto wall_before = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(2s);  // the idle window being measured
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  const double cpu = cpu_seconds() - cpu_before;
  EXPECT_LT(cpu, 0.05 * wall) << "the process used " << cpu << " s of CPU in " << wall << " s at rest";
}

}  // namespace
}  // namespace rgw::test
