// One accept's statements against the real schema: accepted (order, job, debit, lots, stored response, all
// written), short of points (nothing written, the key let go), and a key already used (nothing written).
#include "gateway/redemptions/store.hpp"
#include "gateway/accounts/ledger.hpp"
#include "tests/support/schema.hpp"

namespace rgw::redemptions {
namespace {

const pg::Query order_row{"t_store_order", "SELECT status, points, provider_key, recipient_sealed, recipient::text AS recipient FROM redemptions WHERE id = $1"};
const pg::Query job_row{"t_store_job", "SELECT count(*) AS n FROM dispatch_jobs WHERE redemption_id = $1"};
const pg::Query stored_response{"t_store_response", "SELECT response_status, response_body FROM idempotency_keys WHERE program_id = $1 AND idem_key = $2"};

class Store : public test::SchemaTest {
 protected:
  AcceptWork work(const std::string& key, std::int64_t points) {
    const auto eur = fx::Money::parse("10.00", "EUR").value();
    pricing::Terms terms{account_id.str(), "AMZ", eur, catalog::Price{points, eur, fx::Decimal::parse("1").value(), fx::Decimal::parse("1").value(), 0},
                         0, "ecb", "2026-11-20T14:00:00Z"};
    const auto ids = OrderIds::mint();
    auto read_key = [this]() -> boost::asio::awaitable<std::optional<personal::AccountKey>> {  // a future needs a default-constructible value
      auto key = co_await ledger::account_key(*pool, program_id, account_id, master);
      co_return std::move(key.value());
    };
    const auto account_key = test::run(io, read_key()).value();
    const auto sealed = seal_recipient(account_key, ids.id, Recipient{"a@example.com", "Ivan Petrov"});
    return AcceptWork{program_id.str(), key, "fp-" + key, std::chrono::hours(72), NewRedemption{terms, std::nullopt, sealed}, ids, "2026-11-22T10:00:00Z",
                      "{\"id\":\"" + ids.id.str() + "\"}"};
  }
  AcceptResult accept(const AcceptWork& w) {
    auto statements = accept_statements(w);
    return accept_result(exec(std::move(statements)), w);
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

TEST_F(Store, AcceptsInOneTransactionSeeEachOthersDebits) {
  exec(ledger::credit_statement(program_id, account_id, ledger::Credit{500, "test", std::nullopt}));
  const auto a = work("k1", 300), b = work("k2", 300);
  auto statements = accept_statements(a);
  const auto first_count = statements.size();
  for (auto& s : accept_statements(b)) statements.push_back(std::move(s));
  const auto results = exec(std::move(statements));
  EXPECT_TRUE(accept_result(std::span(results).first(first_count), a).accepted);
  EXPECT_FALSE(accept_result(std::span(results).subspan(first_count), b).accepted) << "the first took what the second needed";
  EXPECT_EQ(balance(), 200);
  EXPECT_EQ(ledger_sum(), 200);
  EXPECT_EQ(lots_remaining(), 200);
}

}  // namespace
}  // namespace rgw::redemptions
