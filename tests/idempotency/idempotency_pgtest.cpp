// Idempotency-Key claims against the real schema: first use, replay, reuse with another request, a concurrent
// holder, and a claim whose transaction rolled back (the key is free again).
#include "gateway/idempotency/idempotency.hpp"
#include "tests/support/schema.hpp"

namespace rgw::idempotency {
namespace {

namespace asio = boost::asio;
using test::run;
constexpr std::chrono::hours keep{72};

class Idempotency : public test::SchemaTest {
 protected:
  // Claims `key` in a transaction of its own; commits with `response` stored, or rolls back without.
  Claim claim_once(const std::string& key, const std::string& fp, std::optional<std::string> response) {
    return run(io, [](pg::Pool& db, std::string program, std::string key, std::string fp, std::optional<std::string> response) -> asio::awaitable<Claim> {
      auto tx = co_await pg::Transaction::begin(db);
      auto claim = co_await idempotency::claim(tx, program, key, fp, keep);
      if (claim.state == claim_state::claimed && response) {
        std::vector<pg::Statement> store;
        store.push_back(remember(program, key, 201, *response));
        co_await tx.commit(std::move(store));
      } else {
        co_await tx.rollback();
      }
      co_return claim;
    }(*pool, program_id.str(), key, fp, std::move(response)));
  }
};

TEST_F(Idempotency, FirstUseIsClaimedAndARepeatReplaysTheStoredResponse) {
  EXPECT_EQ(claim_once("k1", "fp-a", "{\"id\":1}").state, claim_state::claimed);
  const auto again = claim_once("k1", "fp-a", std::nullopt);
  EXPECT_EQ(again.state, claim_state::replay);
  EXPECT_EQ(again.status, 201u);
  EXPECT_EQ(again.body, "{\"id\":1}");
}

TEST_F(Idempotency, TheSameKeyWithAnotherRequestIsReuse) {
  claim_once("k1", "fp-a", "{}");
  EXPECT_EQ(claim_once("k1", "fp-b", std::nullopt).state, claim_state::reuse);
}

TEST_F(Idempotency, AClaimRolledBackLeavesTheKeyFree) {
  EXPECT_EQ(claim_once("k1", "fp-a", std::nullopt).state, claim_state::claimed);
  EXPECT_EQ(claim_once("k1", "fp-b", "{}").state, claim_state::claimed) << "nothing was committed under the key";
}

TEST_F(Idempotency, AConcurrentHolderIsReportedInProgressWithoutWaiting) {
  const auto state = run(io, [](pg::Pool& db, std::string program) -> asio::awaitable<claim_state> {
    auto holder = co_await pg::Transaction::begin(db);
    EXPECT_EQ((co_await claim(holder, program, "k1", "fp-a", keep)).state, claim_state::claimed);
    auto second = co_await pg::Transaction::begin(db);
    const auto other = co_await claim(second, program, "k1", "fp-a", keep);
    co_await second.rollback();
    co_await holder.rollback();
    co_return other.state;
  }(*pool, program_id.str()));
  EXPECT_EQ(state, claim_state::in_progress);
}

TEST_F(Idempotency, KeysAreScopedToTheirProgram) {
  claim_once("k1", "fp-a", "{}");
  const auto other = run(io, [](pg::Pool& db, std::string program) -> asio::awaitable<claim_state> {
    auto tx = co_await pg::Transaction::begin(db);
    const auto c = co_await claim(tx, program, "k1", "fp-b", keep);
    co_await tx.rollback();
    co_return c.state;
  }(*pool, add_program().str()));
  EXPECT_EQ(other, claim_state::claimed) << "another program's key is not this one's";
}

}  // namespace
}  // namespace rgw::idempotency
