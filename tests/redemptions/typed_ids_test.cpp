// Typed ids: the store's and the ledger's functions take ids of one kind each, so arguments passed the other
// way round, or bare text, do not compile. Checked at compile time; the test exists to be read.
#include <gtest/gtest.h>

#include <type_traits>

#include "gateway/accounts/ledger.hpp"
#include "gateway/pg/query.hpp"
#include "gateway/redemptions/store.hpp"

namespace rgw {
namespace {

static_assert(std::is_invocable_v<decltype(&redemptions::find), pg::Pool&, const ProgramId&, const RedemptionId&>);
static_assert(!std::is_invocable_v<decltype(&redemptions::find), pg::Pool&, const RedemptionId&, const ProgramId&>,
              "find(db, program, redemption) cannot take them the other way round");
static_assert(!std::is_invocable_v<decltype(&redemptions::find), pg::Pool&, const std::string&, const std::string&>,
              "nor bare text");
static_assert(!std::is_invocable_v<decltype(&ledger::find_account), pg::Pool&, const AccountId&, const ProgramId&, const crypto::Sealer&>);
static_assert(!std::is_invocable_v<decltype(&ledger::debit_statement), const AccountId&>, "a debit is for an order");
static_assert(!std::is_convertible_v<std::string, ProviderKey>, "ids are made from text explicitly");

TEST(TypedIds, TravelAsTheirTextAndCompareByIt) {
  const RedemptionId a("red_1"), b("red_1"), c("red_2");
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  EXPECT_EQ(pg::to_param(a), "red_1") << "a query parameter is the id's text";
  const auto ids = redemptions::OrderIds::mint();
  EXPECT_TRUE(ids.id.str().starts_with("red_"));
  EXPECT_TRUE(ids.provider_key.str().starts_with("rgw_")) << "minted with the order id, never apart from it";
}

}  // namespace
}  // namespace rgw
