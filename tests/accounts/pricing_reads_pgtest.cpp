// Pricing's reads of accounts against the real schema: each read gets its own account's tier and spendable
// points, and the reads asked together share one statement.
#include "gateway/accounts/pricing_reads.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <future>

#include "gateway/accounts/ledger.hpp"
#include "tests/support/schema.hpp"

namespace rgw::ledger {
namespace {

class PricingReadsTest : public test::SchemaTest {
 protected:
  using Answer = std::optional<PricingAccount>;

  // Asks every (program, account) read at once, then runs them: the first goes at once, alone (nothing runs
  // yet), the others wait for it and go together.
  std::vector<Answer> read_together(PricingReads& reads, const std::vector<std::pair<ProgramId, AccountId>>& asked) {
    std::vector<std::future<Answer>> futures;
    for (const auto& [program, account] : asked) futures.push_back(boost::asio::co_spawn(io, reads.find(program, account), boost::asio::use_future));
    io.restart();
    io.run();
    std::vector<Answer> answers;
    for (auto& f : futures) answers.push_back(f.get());
    return answers;
  }

  metrics::Counter statements;
};

TEST_F(PricingReadsTest, ReadsAskedTogetherShareAStatementAndEachGetsItsOwnAccount) {
  exec(credit_statement(program_id, account_id, Credit{500, "test", std::nullopt}));
  exec(credit_statement(program_id, account_id, Credit{200, "lapsed", "2001-01-01T00:00:00Z"}));
  const auto gold = test::run(io, create_account(*pool, program_id, NewAccount{"ext-gold", "Gold", "gold"}, master)).value();
  exec(credit_statement(program_id, AccountId(gold.id), Credit{70, "test", std::nullopt}));
  const auto other_program = add_program();
  auto reads = std::make_shared<PricingReads>(pool, statements);

  const auto answers = read_together(*reads, {{program_id, account_id},
                                              {program_id, AccountId(gold.id)},
                                              {program_id, AccountId("acc_missing")},
                                              {other_program, account_id},
                                              {program_id, account_id}});
  EXPECT_EQ(statements.value(), 2u) << "the first read, then the four asked while it ran";
  ASSERT_EQ(answers.size(), 5u);
  ASSERT_TRUE(answers[0]);
  EXPECT_EQ(answers[0]->spendable, 500) << "the lapsed lot's points are not spendable";
  EXPECT_FALSE(answers[0]->tier);
  ASSERT_TRUE(answers[1]);
  EXPECT_EQ(answers[1]->spendable, 70);
  EXPECT_EQ(answers[1]->tier, "gold");
  EXPECT_FALSE(answers[2]) << "no such account";
  EXPECT_FALSE(answers[3]) << "another program's account";
  ASSERT_TRUE(answers[4]) << "the same account asked twice";
  EXPECT_EQ(answers[4]->spendable, 500);

  ASSERT_TRUE(test::run(io, reads->find(program_id, AccountId(gold.id))));
  EXPECT_EQ(statements.value(), 3u) << "a read asked alone runs alone";
}

TEST_F(PricingReadsTest, MoreReadsThanAStatementTakesRunInSeveral) {
  exec(credit_statement(program_id, account_id, Credit{40, "test", std::nullopt}));
  auto reads = std::make_shared<PricingReads>(pool, statements, 2);
  const auto answers = read_together(*reads, std::vector<std::pair<ProgramId, AccountId>>(5, {program_id, account_id}));
  EXPECT_EQ(statements.value(), 3u) << "the first alone, then the four asked while it ran, two by two";
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->spendable, 40);
  }
}

}  // namespace
}  // namespace rgw::ledger
