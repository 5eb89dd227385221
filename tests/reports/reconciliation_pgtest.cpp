// Reconciliation's matching SQL against the real schema: lines matched by the provider's reference, our order
// id or the provider key we sent; lines with no order here; our issued orders of the period not on the
// statement; amount, charged and status mismatches; an order named twice.
#include "gateway/reports/reconciliation.hpp"
#include "tests/support/schema.hpp"

namespace rgw::reports {
namespace {

using test::run;

const pg::Query issue{"t_rec_issue",
                      "UPDATE redemptions SET status = 'issued', provider = 'raas', provider_ref = $2, issued_at = '2026-11-10T12:00:00Z' WHERE id = $1"};
const pg::Query stored{"t_rec_stored", "SELECT matched, findings::text AS findings FROM reconciliations WHERE id = $1"};

class Reconciliation : public test::SchemaTest {
 protected:
  std::string issued_order(const std::string& provider_ref, const std::string& provider_key = "") {
    const auto id = insert_order(1'000, provider_key);
    exec(pg::statement(issue, id, provider_ref));
    return id.str();
  }
  static StatementLine line(int number, std::string provider_ref, std::string order_id, std::string amount,
                            std::optional<std::string> charged = std::nullopt) {
    std::optional<fx::Money> charged_money;
    if (charged) charged_money = fx::Money::parse(*charged, "EUR").value();
    return {number, std::move(provider_ref), std::move(order_id), fx::Money::parse(amount, "EUR").value(),
            std::chrono::sys_seconds(std::chrono::sys_days(std::chrono::year(2026) / 11 / 10)), charged_money};
  }
  nlohmann::json reconcile_lines(std::vector<StatementLine> lines) {
    Statement statement{std::move(lines), {{9, "amount is not a decimal"}}};
    ReconcileRequest request{program_id.str(), "raas",
                             Period{std::chrono::sys_days(std::chrono::year(2026) / 11 / 1), std::chrono::sys_days(std::chrono::year(2026) / 12 / 1)},
                             std::nullopt};
    return run(io, reconcile(*pool, request, statement));
  }
};

TEST_F(Reconciliation, EveryKindOfFindingComesFromTheSql) {
  const auto by_ref = issued_order("P-1");
  const auto by_id = issued_order("P-2");
  issued_order("P-3", "rgw_key_3");
  const auto wrong_amount = issued_order("P-4");
  const auto not_on_statement = issued_order("P-5");
  insert_order(1'000);  // at no provider yet: never expected on a statement
  const auto result = reconcile_lines({line(2, "P-1", "", "10"), line(3, "", by_id, "10.00"), line(4, "", "rgw_key_3", "10"),
                                       line(5, "P-4", "", "12.00"), line(6, "P-9", "", "10"), line(7, "P-1", "", "10")});
  EXPECT_EQ(result["matched"], 3) << result.dump();
  ASSERT_EQ(result["missing_here"].size(), 1u);
  EXPECT_EQ(result["missing_here"][0]["line"], 6);
  ASSERT_EQ(result["missing_there"].size(), 1u);
  EXPECT_EQ(result["missing_there"][0]["order_id"], not_on_statement);
  ASSERT_EQ(result["mismatched"].size(), 2u);
  EXPECT_EQ(result["mismatched"][0]["order_id"], wrong_amount);
  EXPECT_EQ(result["mismatched"][0]["field"], "amount");
  EXPECT_EQ(result["mismatched"][1]["field"], "duplicate");
  EXPECT_EQ(result["mismatched"][1]["order_id"], by_ref);
  EXPECT_EQ(result["bad_rows"].size(), 1u);
  EXPECT_EQ(result["statement_rows"], 7);

  const auto row = exec(pg::statement(stored, result["id"].get<std::string>())).front();
  EXPECT_EQ(row.int64("matched"), 3) << "stored with its findings";
  EXPECT_EQ(nlohmann::json::parse(row.text("findings"))["missing_there"].size(), 1u);
}

TEST_F(Reconciliation, WhatTheProviderChargedIsComparedWhereBothSidesKnowIt) {
  const pg::Query cost{"t_rec_cost", "UPDATE redemptions SET cost_amount = $2::numeric, cost_currency = 'EUR' WHERE id = $1"};
  const auto same = issued_order("P-1"), differs = issued_order("P-2");
  issued_order("P-3");  // no cost recorded here: nothing to compare
  const auto unstated = issued_order("P-4");
  exec(pg::statement(cost, same, "10.20"));
  exec(pg::statement(cost, differs, "10.20"));
  exec(pg::statement(cost, unstated, "10.20"));
  const auto result = reconcile_lines({line(2, "P-1", "", "10", "10.20"), line(3, "P-2", "", "10", "10.50"), line(4, "P-3", "", "10", "10.50"),
                                       line(5, "P-4", "", "10")});
  EXPECT_EQ(result["matched"], 3) << result.dump();
  ASSERT_EQ(result["mismatched"].size(), 1u) << result.dump();
  EXPECT_EQ(result["mismatched"][0]["order_id"], differs);
  EXPECT_EQ(result["mismatched"][0]["field"], "charged");
  EXPECT_EQ(result["mismatched"][0]["here"]["amount"], "10.20");
  EXPECT_EQ(result["mismatched"][0]["there"]["amount"], "10.50");
}

TEST_F(Reconciliation, AnotherProgramsOrdersAreNeverMatched) {
  const auto ours = issued_order("P-1");
  program_id = add_program();
  const auto result = reconcile_lines({line(2, "P-1", ours, "10")});
  EXPECT_EQ(result["matched"], 0);
  EXPECT_EQ(result["missing_here"].size(), 1u);
}

}  // namespace
}  // namespace rgw::reports
