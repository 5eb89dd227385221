// Finance end to end: the payout report's days follow the program's time zone (Moscow; Berlin across the end of
// summer time), its totals equal the orders to the minor unit at each order's locked rate, it streams as JSON
// and CSV and the month-end command prints the same CSV; a statement's reconciliation finds exactly what differs.
#include <gtest/gtest.h>

#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

const pg::Query set_issued_at{"t_set_issued_at", "UPDATE redemptions SET issued_at = $2::timestamptz WHERE id = $1"};
const pg::Query set_timezone{"t_set_timezone", "UPDATE programs SET timezone = $2 WHERE id = $1"};
// As if the order had been accepted at another rate (an older day's): what it locked is what finance reports.
const pg::Query relock{"t_relock", "UPDATE redemptions SET applied_rate = $2::numeric, base_amount = $3::numeric WHERE id = $1"};
const pg::Query order_refs{"t_order_refs", "SELECT provider_ref, provider_key, rgw_ts(issued_at) AS issued_at FROM redemptions WHERE id = $1"};
const pg::Query order_sums{
    "t_order_sums",
    "SELECT count(*) AS n, sum(face_amount)::text AS face, sum(points) AS points, sum(base_amount)::text AS base"
    " FROM redemptions WHERE program_id = $1 AND status = 'issued' AND face_currency = $2"};

class Finance : public RedemptionFixture {
 protected:
  void SetUp() override {
    RedemptionFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auto dollars = voucher;
    dollars["face_currency"] = "USD";
    dollars["denominations"] = {{"fixed", {"10.00", "25.00"}}};
    ASSERT_EQ(client.request("PUT", "/v1/catalog/AMZ-US", dollars.dump(), bearer(tenant.admin)).status, 201u);
    credit(1'000'000);
  }

  // Redeems, waits until issued, and returns the order's id.
  std::string issued(const std::string& key, const std::string& sku = "AMZ", const nlohmann::json& face = ten_eur) {
    const auto accepted = redeem(key, {{"account_id", tenant.account_id}, {"sku", sku}, {"face_value", face}});
    EXPECT_EQ(accepted.status, 202u) << accepted.body;
    const std::string id = accepted.json()["id"];
    auto status = [&] { return client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.cabinet)).json()["status"]; };
    EXPECT_EQ(eventually(status, nlohmann::json("issued")), "issued");
    return id;
  }
  std::string issued_at(const std::string& key, const std::string& utc) {
    const auto id = issued(key);
    query(set_issued_at, id, utc);
    return id;
  }
  Reply report(const std::string& query_string) const {
    return client.request("GET", "/v1/reports/payouts?" + query_string, std::nullopt, bearer(tenant.finance));
  }
  // Date -> count of the report's rows.
  std::map<std::string, std::int64_t> counts_by_day(const std::string& query_string) const {
    const auto r = report(query_string);
    EXPECT_EQ(r.status, 200u) << r.body;
    std::map<std::string, std::int64_t> days;
    const auto doc = r.json();
    for (const auto& row : doc["items"]) days[row["date"].get<std::string>()] += row["count"].get<std::int64_t>();
    return days;
  }
  Reply reconcile(const std::string& provider, const std::string& csv, const std::string& key = "") const {
    return client.request("POST", "/v1/reconciliations?provider=" + provider, csv, bearer(key.empty() ? tenant.finance : key, {{"Content-Type", "text/csv"}}));
  }
};

TEST_F(Finance, MoscowOrdersLandOnTheirLocalDay) {
  issued_at("msk-late", "2026-11-10T20:30:00Z");   // 23:30 MSK on the 10th
  issued_at("msk-early", "2026-11-10T21:30:00Z");  // 00:30 MSK on the 11th, still the 10th in UTC
  const auto days = counts_by_day("from=2026-11-10&to=2026-11-11");
  EXPECT_EQ(days, (std::map<std::string, std::int64_t>{{"2026-11-10", 1}, {"2026-11-11", 1}}));
  EXPECT_EQ(counts_by_day("from=2026-11-11&to=2026-11-11"), (std::map<std::string, std::int64_t>{{"2026-11-11", 1}})) << "to is inclusive, from exact";
}

TEST_F(Finance, ALongRangeIsReadAMonthAtATimeAndEveryDayLandsRight) {
  // 31 days per read: these fall in the first, third and seventh reads of the year, and on a read's last day.
  issued_at("jan", "2026-01-15T09:00:00Z");
  issued_at("mar", "2026-03-03T09:00:00Z");
  issued_at("jan-31", "2026-01-31T20:59:59Z");  // 23:59:59 MSK, the 31st day of the range
  issued_at("feb-1", "2026-01-31T21:00:00Z");   // midnight MSK: the first day of the second read
  issued_at("jul", "2026-07-30T09:00:00Z");
  const auto days = counts_by_day("from=2026-01-01&to=2026-12-31");
  EXPECT_EQ(days, (std::map<std::string, std::int64_t>{{"2026-01-15", 1}, {"2026-01-31", 1}, {"2026-02-01", 1}, {"2026-03-03", 1}, {"2026-07-30", 1}}));
  EXPECT_EQ(report("from=2026-01-01&to=2026-12-31").json()["totals"]["count"], 5);
}

TEST_F(Finance, BerlinDaysFollowTheEndOfSummerTime) {
  query(set_timezone, tenant.program_id, "Europe/Berlin");
  issued_at("ber-sat", "2026-10-24T21:30:00Z");  // 23:30 CEST on Saturday the 24th
  issued_at("ber-sun", "2026-10-25T22:30:00Z");  // 23:30 CET on Sunday the 25th: with the summer offset it would be Monday
  issued_at("ber-mon", "2026-10-25T23:30:00Z");  // 00:30 CET on Monday the 26th, still Sunday in UTC
  const auto days = counts_by_day("from=2026-10-24&to=2026-10-26");
  EXPECT_EQ(days, (std::map<std::string, std::int64_t>{{"2026-10-24", 1}, {"2026-10-25", 1}, {"2026-10-26", 1}}));
  const auto doc = report("from=2026-10-24&to=2026-10-26").json();
  EXPECT_EQ(doc["timezone"], "Europe/Berlin");
}

TEST_F(Finance, TotalsEqualTheOrdersToTheMinorUnitAtTheirLockedRates) {
  const nlohmann::json ten_usd = {{"amount", "10.00"}, {"currency", "USD"}}, big_usd = {{"amount", "25.00"}, {"currency", "USD"}};
  std::vector<std::string> dollars;
  for (int i = 0; i < 3; ++i) dollars.push_back(issued("usd-" + std::to_string(i), "AMZ-US", i == 2 ? big_usd : ten_usd));
  for (int i = 0; i < 2; ++i) issued("eur-" + std::to_string(i));
  query(relock, dollars[0], "0.5", "5.00");  // accepted on a day when a dollar was worth 0.50 EUR
  // Today in Moscow may be tomorrow in UTC: a range around today holds every order.
  const auto doc = report("from=2026-01-01&to=2027-12-31").json();
  ASSERT_TRUE(doc["items"].is_array()) << doc.dump();

  std::int64_t count = 0, points = 0;
  for (const auto& row : doc["items"]) count += row["count"].get<std::int64_t>(), points += row["points_total"].get<std::int64_t>();
  const auto totals = doc["totals"];
  EXPECT_EQ(totals["count"], 5);
  EXPECT_EQ(totals["count"], count);
  EXPECT_EQ(totals["points_total"], points);
  for (const std::string currency : {"USD", "EUR"}) {
    const auto sums = query(order_sums, tenant.program_id, currency).front();
    nlohmann::json mine;
    for (const auto& t : totals["by_face_currency"])
      if (t["face_currency"] == currency) mine = t;
    ASSERT_TRUE(mine.is_object()) << totals.dump();
    EXPECT_EQ(mine["count"], sums.int64("n"));
    EXPECT_EQ(mine["face_total"]["amount"], sums.text("face")) << currency;
    EXPECT_EQ(mine["points_total"], sums.int64("points"));
    EXPECT_EQ(mine["base_total"]["amount"], sums.text("base")) << currency << ": the sum of what each order locked";
  }
  EXPECT_EQ(totals["by_face_currency"][1]["face_total"], (nlohmann::json{{"amount", "45.00"}, {"currency", "USD"}})) << "EUR, then USD";
  // The relocked order counts at its 5.00 EUR: the dollar total is not 45 USD at today's rate.
  const pg::Query at_todays_rate{"t_at_todays_rate", "SELECT (45.00 * applied_rate)::numeric(12,2)::text AS base FROM redemptions WHERE id = $1"};
  EXPECT_NE(totals["by_face_currency"][1]["base_total"]["amount"], query(at_todays_rate, dollars[1]).front().text("base"));
  EXPECT_EQ(totals["base_total"]["currency"], "EUR");

  // The same report as CSV: a header, decimal strings, the rows, totals per face currency and overall.
  const auto csv = report("from=2026-01-01&to=2027-12-31&format=csv");
  EXPECT_EQ(csv.status, 200u);
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.header("transfer-encoding"), "chunked") << "streamed";
  EXPECT_TRUE(csv.body.starts_with("date,provider,face_currency,count,face_total,points_total,base_total,base_currency,spread_income,charged_total,"
                                   "charged_currency\r\n"))
      << csv.body;
  EXPECT_NE(csv.body.find("\r\ntotal,,USD,3,45.00,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("\r\ntotal,,,5,," + std::to_string(points) + "," + totals["base_total"]["amount"].get<std::string>() + ",EUR," +
                          totals["spread_income"]["amount"].get<std::string>() + ",,\r\n"),
            std::string::npos)
      << csv.body;

  // The month-end command prints the same bytes.
  const std::string command = "env REWARDGW_DATABASE_URL='" + world->db.url + "' REWARDGW_SECRETS_KEYS='" +
                              test_environment(nullptr)("REWARDGW_SECRETS_KEYS") + "' " RGW_GATEWAY_BINARY " report payouts --program " +
                              tenant.program_id + " --from 2026-01-01 --to 2027-12-31 --format csv 2>/dev/null";
  const auto printed = run_shell(command);
  EXPECT_EQ(printed.status, 0);
  EXPECT_EQ(printed.out, csv.body);
}

TEST_F(Finance, FailedAndReversedOrdersHaveTheirOwnReports) {
  auto gone = voucher;
  gone["routes"] = {{{"provider", "sandbox"}, {"provider_sku", "SBX-REFUSED-GONE"}}};
  ASSERT_EQ(client.request("PUT", "/v1/catalog/GONE", gone.dump(), bearer(tenant.admin)).status, 201u);
  issued("ok-1");
  issued("ok-2");
  const std::string refused = redeem("gone-1", {{"account_id", tenant.account_id}, {"sku", "GONE"}, {"face_value", ten_eur}}).json()["id"];
  auto status = [&] { return client.request("GET", "/v1/redemptions/" + refused, std::nullopt, bearer(tenant.cabinet)).json()["status"]; };
  ASSERT_EQ(eventually(status, nlohmann::json("failed")), "failed");
  const std::string range = "from=2026-01-01&to=2027-12-31";
  for (const auto& [which, count, points] : {std::tuple{"issued", 2, 2000}, std::tuple{"failed", 1, 1000}, std::tuple{"reversed", 1, 1000}}) {
    const auto doc = report(range + "&status=" + which).json();
    EXPECT_EQ(doc["status"], which);
    EXPECT_EQ(doc["totals"]["count"], count) << which;
    EXPECT_EQ(doc["totals"]["points_total"], points) << which;
    ASSERT_EQ(doc["items"].size(), 1u) << doc.dump();
    EXPECT_EQ(doc["items"][0]["provider"], "sandbox");
  }
  EXPECT_EQ(report(range + "&provider=raas").json()["totals"]["count"], 0) << "another provider's orders only";
}

TEST_F(Finance, ReportsCheckTheirInputAndWhoAsks) {
  EXPECT_EQ(report("from=2026-11-01").status, 400u);
  EXPECT_EQ(report("from=2026-11-31&to=2026-12-01").status, 400u) << "no such date";
  EXPECT_EQ(report("from=2026-11-02&to=2026-11-01").status, 400u);
  EXPECT_EQ(report("from=2000-01-01&to=2026-11-01").status, 400u) << "over ten years";
  EXPECT_EQ(report("from=2026-11-01&to=2026-11-30&format=xml").status, 400u);
  EXPECT_EQ(report("from=2026-11-01&to=2026-11-30&status=pending").status, 400u);
  EXPECT_EQ(client.request("GET", "/v1/reports/payouts?from=2026-11-01&to=2026-11-30", std::nullopt, bearer(tenant.cabinet)).status, 403u);
  const auto empty = report("from=2026-11-01&to=2026-11-30&status=failed").json();
  EXPECT_EQ(empty["items"], nlohmann::json::array());
  EXPECT_EQ(empty["totals"]["count"], 0);
}

TEST_F(Finance, AStatementGivesExactlyWhatDiffers) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(issued("rec-" + std::to_string(i)));
  std::vector<pg::Row> refs;
  for (const auto& id : ids) refs.push_back(query(order_refs, id).front());
  const std::string ref0(refs[0].text("provider_ref")), key2(refs[2].text("provider_key"));
  const std::string at0(refs[0].text("issued_at")), at1(refs[1].text("issued_at")), at2(refs[2].text("issued_at"));
  EXPECT_EQ(client.request("GET", "/v1/redemptions/" + ids[0], std::nullopt, bearer(tenant.finance)).json()["provider_ref"], ref0)
      << "finance sees the provider's reference of each order";
  const std::string csv = std::string("provider_ref,order_id,amount,currency,issued_at\r\n") +
                          ref0 + ",,10.00,EUR," + at0 + "\r\n" +                 // line 2: matched by the provider's reference
                          "," + ids[1] + ",12.00,EUR," + at1 + "\r\n" +          // line 3: our id, but the wrong amount
                          ",\"" + key2 + "\",10.00,EUR," + at2 + "\r\n" +        // line 4: matched by the reference we sent
                          "SB-STRANGER,,10.00,EUR," + at2 + "\r\n" +             // line 5: an order we never made
                          "SB-X,,ten euros,EUR," + at2 + "\r\n";                 // line 6: malformed
  // ids[3] is not on the statement.
  const auto r = reconcile("sandbox", csv);
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto result = r.json();
  EXPECT_EQ(result["matched"], 2);
  ASSERT_EQ(result["missing_here"].size(), 1u) << result.dump();
  EXPECT_EQ(result["missing_here"][0]["line"], 5);
  EXPECT_EQ(result["missing_here"][0]["provider_ref"], "SB-STRANGER");
  ASSERT_EQ(result["missing_there"].size(), 1u) << result.dump();
  EXPECT_EQ(result["missing_there"][0]["order_id"], ids[3]);
  ASSERT_EQ(result["mismatched"].size(), 1u) << result.dump();
  EXPECT_EQ(result["mismatched"][0]["line"], 3);
  EXPECT_EQ(result["mismatched"][0]["field"], "amount");
  EXPECT_EQ(result["mismatched"][0]["here"], ten_eur);
  EXPECT_EQ(result["mismatched"][0]["there"], (nlohmann::json{{"amount", "12.00"}, {"currency", "EUR"}}));
  ASSERT_EQ(result["bad_rows"].size(), 1u) << result.dump();
  EXPECT_EQ(result["bad_rows"][0]["line"], 6);
  EXPECT_EQ(result["statement_rows"], 5);
  const auto metrics = client.request("GET", "/metrics").body;
  for (const std::string kind : {"missing_here", "missing_there", "mismatched", "bad_rows"})
    EXPECT_NE(metrics.find("rewardgw_reconciliation_findings_total{provider=\"sandbox\",kind=\"" + kind + "\"} 1"), std::string::npos) << kind;
  EXPECT_EQ(promtool_check(metrics), "");
  EXPECT_TRUE(result["id"].get<std::string>().starts_with("rec_01")) << result["id"];

  // Stored: listed newest first with counts, and readable whole.
  const auto listed = client.request("GET", "/v1/reconciliations", std::nullopt, bearer(tenant.finance)).json();
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["id"], result["id"]);
  EXPECT_EQ(listed["items"][0]["findings"],
            (nlohmann::json{{"missing_here", 1}, {"missing_there", 1}, {"mismatched", 1}, {"bad_rows", 1}}));
  EXPECT_EQ(client.request("GET", "/v1/reconciliations/" + result["id"].get<std::string>(), std::nullopt, bearer(tenant.finance)).json(), result);

  // The same order twice on a statement is a finding of its own; so is another currency.
  const auto twice = reconcile("sandbox", "provider_ref,order_id,amount,currency,issued_at\n" + ref0 + ",,10.00,EUR," + at0 + "\n" + ref0 +
                                              ",,10.00,EUR," + at0 + "\n,\"" + ids[1] + "\",10.00,USD," + at1 + "\n").json();
  ASSERT_EQ(twice["mismatched"].size(), 2u) << twice.dump();
  EXPECT_EQ(twice["mismatched"][0]["field"], "duplicate");
  EXPECT_EQ(twice["mismatched"][0]["here"], 2);
  EXPECT_EQ(twice["mismatched"][1]["field"], "currency");
  EXPECT_EQ(twice["mismatched"][1]["there"], "USD");

  // Listed newest first, a page at a time, and by provider.
  auto list = [&](const std::string& query_string) {
    return client.request("GET", "/v1/reconciliations?" + query_string, std::nullopt, bearer(tenant.finance)).json();
  };
  const auto first_page = list("limit=1");
  ASSERT_EQ(first_page["items"].size(), 1u);
  EXPECT_EQ(first_page["items"][0]["id"], twice["id"]);
  const auto second_page = list("limit=1&cursor=" + first_page["next_cursor"].get<std::string>());
  ASSERT_EQ(second_page["items"].size(), 1u);
  EXPECT_EQ(second_page["items"][0]["id"], result["id"]);
  EXPECT_TRUE(second_page["next_cursor"].is_null());
  EXPECT_EQ(list("provider=sandbox")["items"].size(), 2u);
  EXPECT_EQ(list("provider=raas")["items"].size(), 0u);
}

TEST_F(Finance, ReconciliationsCheckTheirInputAndWhoAsks) {
  EXPECT_EQ(reconcile("sandbox", "ref,amount\nx,1\n").status, 400u) << "wrong header";
  EXPECT_EQ(client.request("POST", "/v1/reconciliations?provider=sandbox", "provider_ref,order_id,amount,currency,issued_at\n",
                           bearer(tenant.finance)).status, 400u) << "not text/csv";
  EXPECT_EQ(reconcile("", "provider_ref,order_id,amount,currency,issued_at\n").status, 400u);
  const auto misspelt = reconcile("sandbx", "provider_ref,order_id,amount,currency,issued_at\n");
  EXPECT_EQ(misspelt.status, 400u);
  EXPECT_NE(misspelt.body.find("no provider 'sandbx'"), std::string::npos) << misspelt.body;
  EXPECT_EQ(reconcile("sandbox", "provider_ref,order_id,amount,currency,issued_at\n", tenant.cabinet).status, 403u);
  EXPECT_EQ(client.request("GET", "/v1/reconciliations/rec_nope", std::nullopt, bearer(tenant.finance)).status, 404u);
  // The period may be given as local dates instead of being read from the lines.
  const std::string header_only = "provider_ref,order_id,amount,currency,issued_at\n";
  const auto csv = bearer(tenant.finance, {{"Content-Type", "text/csv"}});
  const auto given = client.request("POST", "/v1/reconciliations?provider=sandbox&from=2020-01-01&to=2020-01-02", header_only, csv);
  ASSERT_EQ(given.status, 201u) << given.body;
  EXPECT_EQ(given.json()["period"], (nlohmann::json{{"from", "2019-12-31T21:00:00Z"}, {"to", "2020-01-02T21:00:00Z"}})) << "Moscow's days";
  EXPECT_TRUE(reconcile("sandbox", header_only).json()["period"].is_null()) << "no lines, no period";
  EXPECT_EQ(client.request("POST", "/v1/reconciliations?provider=sandbox&from=2020-01-01", header_only, csv).status, 400u) << "both or neither";
  // A statement far over the general body limit (64 KiB) is taken: it has its own. Its lines are matched 20,000
  // at a time; the one real order is on the last line, in the second batch.
  const auto real = issued("big-1");
  const auto real_view = client.request("GET", "/v1/redemptions/" + real, std::nullopt, bearer(tenant.finance)).json();
  std::string big = "provider_ref,order_id,amount,currency,issued_at\r\n";
  for (int i = 0; i < 25'000; ++i) big += "SB-UNKNOWN-" + std::to_string(i) + ",,10.00,EUR,2026-11-22T10:00:00Z\r\n";
  big += real_view["provider_ref"].get<std::string>() + ",,10.00,EUR," + real_view["issued_at"].get<std::string>() + "\r\n";
  ASSERT_GT(big.size(), 1024u * 1024);
  const auto r = reconcile("sandbox", big);
  ASSERT_EQ(r.status, 201u) << r.body.substr(0, 300);
  const auto result = r.json();
  EXPECT_EQ(result["missing_here"].size(), 25'000u);
  EXPECT_EQ(result["missing_here"][24'999]["line"], 25'001);
  EXPECT_EQ(result["matched"], 1);
  EXPECT_EQ(result["missing_there"].size(), 0u);
  EXPECT_EQ(client.request("POST", "/v1/redemptions", big, bearer(tenant.cabinet, {{"Idempotency-Key", "big"}})).status, 413u) << "elsewhere the limit holds";
}

}  // namespace
}  // namespace rgw::test
