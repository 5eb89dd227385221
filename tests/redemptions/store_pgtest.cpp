// A batch's accept statements against the real schema: accepted (order, job, debit, lots, stored response, all
// written), short of points (nothing written, the key let go), a key already used (nothing written), and
// batches whose requests share accounts or keys ending exactly as if their requests had run one by one.
#include "gateway/redemptions/store.hpp"
#include "gateway/accounts/ledger.hpp"
#include "tests/support/accept.hpp"
#include "tests/support/schema.hpp"

namespace rgw::redemptions {
namespace {

const pg::Query order_row{"t_store_order", "SELECT status, points, provider_key, recipient_sealed, recipient::text AS recipient FROM redemptions WHERE id = $1"};
const pg::Query job_row{"t_store_job", "SELECT count(*) AS n FROM dispatch_jobs WHERE redemption_id = $1"};
const pg::Query block_account{"t_store_block", "UPDATE accounts SET status = 'blocked' WHERE id = $1"};
const pg::Query many_accounts{"t_store_many_accounts",
                               "INSERT INTO accounts (id, program_id, external_ref) SELECT 'acc_many_' || n, $1, 'many-' || n FROM generate_series(1, 200) n"};
const pg::Query analyze_accounts{"t_store_analyze", "ANALYZE accounts"};
// Rows of accounts this connection has read, by index or by scan, and not yet reported to the statistics.
const pg::Query accounts_rows_read{"t_store_accounts_read",
                                   "SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0) AS n FROM pg_stat_xact_user_tables WHERE relid = 'accounts'::regclass"};
// Row versions of point_lots this connection has written by update, and how many of them on the same page with no
// new index entries (HOT), not yet reported to the statistics.
const pg::Query lot_updates{"t_store_lot_updates", "SELECT n_tup_upd AS n, n_tup_hot_upd AS hot FROM pg_stat_xact_user_tables WHERE relid = 'point_lots'::regclass"};
// A scan the batch's settings price at 10^10 (there is no index on sku), with its compilation if any (shown with costs only).
const pg::Query explain_scan{"t_store_explain_scan", "EXPLAIN ANALYZE SELECT count(*) FROM redemptions WHERE sku = 'none'"};
const pg::Query stored_response{"t_store_response", "SELECT response_status, response_body FROM idempotency_keys WHERE program_id = $1 AND idem_key = $2"};

class Store : public test::SchemaTest {
 protected:
  AcceptWork work(const std::string& key, std::int64_t points) { return work_for(account_id, key, points); }
  AcceptWork work_for(const AccountId& account, const std::string& key, std::int64_t points) {
    const auto eur = fx::Money::parse("10.00", "EUR").value();
    pricing::Terms terms{account.str(), "AMZ", eur, catalog::Price{points, eur, fx::Decimal::parse("1").value(), fx::Decimal::parse("1").value(), 0},
                         0, "ecb", "2026-11-20T14:00:00Z"};
    const auto ids = OrderIds::mint();
    auto read_key = [this, account]() -> boost::asio::awaitable<std::optional<personal::AccountKey>> {  // a future needs a default-constructible value
      auto key = co_await ledger::account_key(*pool, program_id, account, master);
      co_return std::move(key.value());
    };
    const auto account_key = test::run(io, read_key()).value();
    const auto sealed = seal_recipient(account_key, ids.id, Recipient{"a@example.com", "Ivan Petrov"});
    return AcceptWork{program_id.str(), key, "fp-" + key, std::chrono::hours(72), NewRedemption{terms, std::nullopt, sealed}, ids, "2026-11-22T10:00:00Z",
                      "{\"id\":\"" + ids.id.str() + "\"}"};
  }
  AcceptResult accept(const AcceptWork& w) { return accept_batch({&w}).front(); }
  // One transaction, as AcceptBatcher sends a batch.
  std::vector<AcceptResult> accept_batch(const std::vector<const AcceptWork*>& batch) {
    return test::accept_batch([this](auto statements) { return exec(std::move(statements)); }, batch);
  }
  // A batch with `counter` read before and after it in its transaction: what the batch alone did.
  struct Counted {
    std::vector<AcceptResult> results;
    pg::Row before, after;
  };
  Counted accept_batch_counting(const pg::Query& counter, const std::vector<const AcceptWork*>& batch) {
    std::vector<pg::Result> counts;
    auto results = test::accept_batch(
        [&](std::vector<pg::Statement> statements) {
          statements.insert(statements.begin(), pg::statement(counter));
          statements.push_back(pg::statement(counter));
          auto out = exec(std::move(statements));
          counts.push_back(std::move(out.front()));
          counts.push_back(std::move(out.back()));
          out.pop_back();
          out.erase(out.begin());
          return out;
        },
        batch);
    return {std::move(results), counts[0].front(), counts[1].front()};
  }
  AccountId another_account(std::int64_t points) {
    auto made = test::run(io, ledger::create_account(*pool, program_id, ledger::NewAccount{new_id("ext"), "Other", std::nullopt}, master));
    const AccountId other(made.value().id);
    exec(ledger::credit_statement(program_id, other, ledger::Credit{points, "test", std::nullopt}));
    return other;
  }
};

TEST_F(Store, AnAcceptWritesTheOrderItsJobAndItsDebitTogether) {
  exec(ledger::credit_statement(program_id, account_id, ledger::Credit{1'000, "test", std::nullopt}));
  const auto w = work("k1", 400);
  const auto result = accept(w);
  EXPECT_EQ(result.claim.state, idempotency::claim_state::claimed);
  EXPECT_TRUE(result.accepted);
  const auto order = exec(pg::statement(order_row, w.ids.id));
  ASSERT_EQ(order.size(), 1);
  EXPECT_EQ(order.front().text("status"), "accepted");
  EXPECT_EQ(order.front().int64("points"), 400);
  EXPECT_EQ(order.front().text("provider_key"), w.ids.provider_key.str()) << "minted beside the order id";
  EXPECT_TRUE(order.front().is_null("recipient")) << "nothing in clear";
  EXPECT_EQ(std::string(order.front().text("recipient_sealed")).find("example"), std::string::npos);
  const auto found = test::run(io, find(*pool, program_id, w.ids.id)).value();
  const auto opened = open_recipient(found.recipient, w.ids.id.str(), master).value();
  EXPECT_EQ(opened.email, "a@example.com");
  EXPECT_EQ(opened.name, "Ivan Petrov");
  EXPECT_THROW(open_recipient(found.recipient, "red_other", master), std::exception) << "bound to its order";
  EXPECT_EQ(exec(pg::statement(job_row, w.ids.id)).front().int64("n"), 1);
  EXPECT_EQ(balance(), 600);
  EXPECT_EQ(ledger_sum(), 600);
  EXPECT_EQ(lots_remaining(), 600);
  const auto stored = exec(pg::statement(stored_response, program_id, "k1"));
  EXPECT_EQ(stored.front().int64("response_status"), 202);
  EXPECT_EQ(stored.front().text("response_body"), w.response_body);
}

TEST_F(Store, ShortOfPointsWritesNothingAndLetsTheKeyGo) {
  exec(ledger::credit_statement(program_id, account_id, ledger::Credit{300, "test", std::nullopt}));
  const auto w = work("k1", 400);
  const auto result = accept(w);
  EXPECT_EQ(result.claim.state, idempotency::claim_state::claimed);
  EXPECT_FALSE(result.accepted);
  EXPECT_EQ(exec(pg::statement(order_row, w.ids.id)).size(), 0);
  EXPECT_EQ(balance(), 300);
  EXPECT_EQ(ledger_sum(), 300);
  EXPECT_EQ(exec(pg::statement(stored_response, program_id, "k1")).size(), 0) << "the key was let go";
}

TEST_F(Store, AKeyAlreadyUsedWritesNothing) {
  exec(ledger::credit_statement(program_id, account_id, ledger::Credit{1'000, "test", std::nullopt}));
  ASSERT_TRUE(accept(work("k1", 100)).accepted);
  const auto again = work("k1", 100);
  const auto result = accept(again);
  EXPECT_EQ(result.claim.state, idempotency::claim_state::replay);
  EXPECT_FALSE(result.accepted);
  EXPECT_EQ(exec(pg::statement(order_row, again.ids.id)).size(), 0);
  EXPECT_EQ(balance(), 900);
}

TEST_F(Store, RequestsOnOneAccountInABatchEndAsIfOneAfterAnother) {
  exec(ledger::credit_statement(program_id, account_id, ledger::Credit{500, "test", std::nullopt}));
  const auto a = work("k1", 300), b = work("k2", 300), c = work("k3", 150);
  const auto results = accept_batch({&a, &b, &c});
  EXPECT_TRUE(results[0].accepted);
  EXPECT_FALSE(results[1].accepted) << "the first took what the second needed";
  EXPECT_TRUE(results[2].accepted) << "the third fits in what the first left, the second having taken nothing";
  EXPECT_EQ(balance(), 50);
  EXPECT_EQ(ledger_sum(), 50);
  EXPECT_EQ(lots_remaining(), 50);
  EXPECT_EQ(exec(pg::statement(stored_response, program_id, "k2")).size(), 0) << "the refused one's key was let go";
  EXPECT_EQ(exec(pg::statement(stored_response, program_id, "k3")).front().int64("response_status"), 202);
}

TEST_F(Store, ABatchKeepsEachRequestsOutcomeItsOwn) {
  exec(ledger::credit_statement(program_id, account_id, ledger::Credit{1'000, "test", std::nullopt}));
  const auto rich = another_account(5'000), poor = another_account(50), blocked = another_account(5'000);
  exec(pg::statement(block_account, blocked));
  const auto first = work("same-key", 100), replayed = work("same-key", 100);
  const auto to_rich = work_for(rich, "r1", 4'000), to_poor = work_for(poor, "p1", 100), to_blocked = work_for(blocked, "b1", 100);
  const auto results = accept_batch({&to_rich, &first, &to_poor, &replayed, &to_blocked});
  EXPECT_TRUE(results[0].accepted);
  EXPECT_TRUE(results[1].accepted);
  EXPECT_FALSE(results[2].accepted);
  EXPECT_FALSE(results[2].account_blocked);
  EXPECT_FALSE(results[3].accepted) << "a second request with the first's key, in the same batch";
  EXPECT_EQ(results[3].claim.state, idempotency::claim_state::replay);
  EXPECT_EQ(results[3].claim.body, first.response_body) << "answered as the first";
  EXPECT_FALSE(results[4].accepted);
  EXPECT_TRUE(results[4].account_blocked);
  EXPECT_EQ(balance(), 900) << "one debit for the two requests with one key";
  EXPECT_EQ(exec(pg::statement(order_row, replayed.ids.id)).size(), 0);
  EXPECT_EQ(exec(pg::statement(order_row, to_poor.ids.id)).size(), 0);
  EXPECT_EQ(exec(pg::statement(order_row, to_blocked.ids.id)).size(), 0);
  EXPECT_EQ(exec(pg::statement(job_row, to_rich.ids.id)).front().int64("n"), 1);
}

// A batch's plans are made once per connection (generic): one that joined a batch to its accounts by hashing all of
// the program's accounts cost each batch a read of every account (seen at 1,000 accounts in scripts/bench; here
// at 200, where the planner makes the same choice).
TEST_F(Store, ABatchReadsOnlyTheAccountsItNames) {
  exec(pg::statement(many_accounts, program_id));
  exec(pg::statement(analyze_accounts));
  const auto rich = another_account(1'000);
  const auto a = work_for(rich, "k1", 100), b = work_for(rich, "k2", 100);
  const auto batch = accept_batch_counting(accounts_rows_read, {&a, &b});
  EXPECT_TRUE(batch.results[0].accepted);
  EXPECT_TRUE(batch.results[1].accepted);
  EXPECT_LT(batch.after.int64("n") - batch.before.int64("n"), 20) << "rows of accounts read for a batch of two orders on one account, among 200";
}

// A debit that leaves points in its lot changes no indexed column, so it is a HOT update: no new entries in the
// lots' indexes, none left dead behind it. When `remaining` was in the indexes' predicates, every debit wrote
// entries into all of them, and an account's look-ups of its lots slowed between vacuums.
TEST_F(Store, ADebitThatLeavesPointsInItsLotAddsNoIndexEntries) {
  const auto rich = another_account(1'000);
  const auto a = work_for(rich, "k1", 100), b = work_for(rich, "k2", 100), c = work_for(another_account(1'000), "k3", 1'000);
  const auto batch = accept_batch_counting(lot_updates, {&a, &b, &c});
  for (const auto& r : batch.results) EXPECT_TRUE(r.accepted);
  EXPECT_EQ(batch.after.int64("n") - batch.before.int64("n"), 3) << "the rich account's lot twice (one debit per order), the other's once";
  EXPECT_EQ(batch.after.int64("hot") - batch.before.int64("hot"), 2) << "the two that left points; the one that emptied its lot leaves the open-lots index";
  const auto next = work_for(rich, "k4", 100);
  const auto again = accept_batch_counting(lot_updates, {&next});
  EXPECT_EQ(again.after.int64("hot") - again.before.int64("hot"), 1) << "and the next one on the same lot";
}

// A batch locks only free accounts for requests that have not waited yet; a request passed over takes every later
// request on its account or with its key with it, so what goes ahead is what would have run first anyway.
TEST_F(Store, ARequestPassedOverTakesLaterOnesOnItsAccountOrKeyWithIt) {
  const auto held = another_account(1'000), free = another_account(1'000), other = another_account(1'000);
  const auto on_held = work_for(held, "k", 100), same_key = work_for(free, "k", 100), alone = work_for(other, "z", 100),
             after_same_key = work_for(free, "w", 100);
  const std::vector<const AcceptWork*> batch{&on_held, &same_key, &alone, &after_same_key};
  const auto locks_while_held = [&](const std::vector<bool>& waits) {
    return test::run(io, [&]() -> boost::asio::awaitable<std::optional<Locks>> {  // optional: a future needs a default-constructible value
      auto holder = co_await pg::Transaction::begin(*pool);
      co_await holder.exec(ledger::lock_statement(program_id, held));
      auto batch_tx = co_await pg::Transaction::begin(*pool);  // on another connection of the pool
      auto locks = locks_from(co_await batch_tx.pipeline(lock_statements(batch, waits)), batch, waits);
      co_await batch_tx.rollback();
      co_await holder.rollback();
      co_return locks;
    }()).value();
  };
  const auto first = locks_while_held({false, false, false, false});
  EXPECT_EQ(first.ahead, (std::vector<bool>{false, false, true, false}));
  EXPECT_FALSE(first.status_of.contains(held.str())) << "skipped, not waited for";
  EXPECT_EQ(first.status_of.at(other.str()), "active");
  const auto waited = locks_while_held({false, true, false, false});
  EXPECT_EQ(waited.ahead, first.ahead) << "a request that waits still goes after an earlier one with its key";
}

// With table scans off, a plan that still needs one is costed far over jit_above_cost; compiled, it would cost a
// tenth of a second at every execution of every batch. A batch's transaction plans without JIT.
TEST_F(Store, ABatchNeverCompilesItsPlans) {
  const auto a = work("k1", 100);
  const std::vector<const AcceptWork*> batch{&a};
  const std::vector<bool> waits{false};  // named: GCC 12 mishandles braced lists in coroutines
  const auto plan = test::run(io, [&]() -> boost::asio::awaitable<std::optional<std::string>> {  // optional: a future needs a default-constructible value
    auto tx = co_await pg::Transaction::begin(*pool);
    co_await tx.pipeline(lock_statements(batch, waits));
    const auto rows = co_await tx.exec(pg::statement(explain_scan));
    co_await tx.rollback();
    std::string text;
    for (int r = 0; r < rows.size(); ++r) text.append(rows[r].text("\"QUERY PLAN\"")).append("\n");
    co_return text;
  }()).value();
  EXPECT_NE(plan.find("Seq Scan"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("JIT"), std::string::npos) << plan;
}

}  // namespace
}  // namespace rgw::redemptions
