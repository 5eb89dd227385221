// The points' life over HTTP: lapsed points refused, adjustments once per key and never below zero, tiers by rule
// changing the price, blocked accounts, program changes reaching another process within a second, and the expiry
// job shared by two processes over 100,000 lots.
#include <gtest/gtest.h>

#include <cstdio>
#include <date/tz.h>
#include <thread>

#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

const pg::Query lapse_lots{"t_points_lapse", "UPDATE point_lots SET expires_at = now() - interval '1 second' WHERE account_id = $1"};
const pg::Query adjustments_of{"t_points_adjustments",
                               "SELECT count(*) AS n, min(api_key_id) AS key_id FROM ledger_entries WHERE account_id = $1 AND kind = 'adjustment'"};
const pg::Query events_named{"t_points_events", "SELECT body FROM webhook_events WHERE account_id = $1 AND event = $2 ORDER BY seq"};

// Accounts $4..$2 of the program with `lots` lots of 10 points each, all lapsed a minute ago, as credits wrote them.
const pg::Query seed_lapsed{
    "t_points_seed",
    "WITH acc AS (INSERT INTO accounts (id, program_id, external_ref, name, balance)"
    "             SELECT 'acc_lapsed_' || g, $1, 'lapsed-' || g, 'Lapsed ' || g, 10 * $3::bigint FROM generate_series($4::int, $2::int) g RETURNING id),"
    " ent AS (INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, reason, expires_at)"
    "         SELECT 'led_' || acc.id || '_' || k, $1, acc.id, 'credit', 10, 10 * k, 'seed', now() - interval '1 minute'"
    "         FROM acc, generate_series(1, $3::int) k ORDER BY acc.id, k RETURNING seq, account_id, points, expires_at)"
    " INSERT INTO point_lots (account_id, entry_seq, points, remaining, expires_at) SELECT account_id, seq, points, points, expires_at FROM ent"};
const pg::Query lapsed_left{"t_points_left", "SELECT count(*) AS n FROM point_lots WHERE remaining > 0 AND expires_at <= now()"};
const pg::Query sweep_books{
    "t_points_sweep_books",
    "WITH expiries AS (SELECT lot_id, count(*) AS n FROM ledger_entries WHERE kind = 'expiry' GROUP BY lot_id),"
    "     sums AS (SELECT account_id, sum(points) AS points FROM ledger_entries GROUP BY account_id)"
    "SELECT (SELECT count(*) FROM point_lots l LEFT JOIN expiries e ON e.lot_id = l.id"
    "          WHERE l.account_id LIKE 'acc_lapsed_%' AND coalesce(e.n, 0) <> 1) AS lots_not_once,"
    "       (SELECT coalesce(sum(n), 0) FROM expiries) AS entries,"
    "       (SELECT count(*) FROM accounts a LEFT JOIN sums s ON s.account_id = a.id WHERE a.balance <> coalesce(s.points, 0)) AS unbalanced,"
    "       (SELECT coalesce(sum(balance), 0) FROM accounts WHERE id LIKE 'acc_lapsed_%') AS left_over"};

const nlohmann::json us_voucher = nlohmann::json::parse(R"({
  "type": "egift_card", "brand": "Amazon", "name": {"en": "Amazon.com gift card"}, "countries": ["US"], "face_currency": "USD",
  "denominations": {"fixed": ["10.00"]}, "routes": [{"provider": "sandbox", "provider_sku": "AMZUS"}]})");

class Points : public RedemptionFixture {
 protected:
  Reply adjust(const std::string& key, const std::string& idem, const nlohmann::json& body) const {
    return client.request("POST", "/v1/accounts/" + tenant.account_id + "/adjustments", body.dump(), bearer(key, {{"Idempotency-Key", idem}}));
  }
  nlohmann::json account(const std::string& id) const { return client.request("GET", "/v1/accounts/" + id, std::nullopt, bearer(tenant.admin)).json(); }
  Reply patch_program(const nlohmann::json& body) const {
    return client.request("PATCH", "/v1/programs/" + tenant.program_id, body.dump(), bearer(tenant.admin));
  }
  std::int64_t quoted_points(const Client& via, const std::string& account_id, const std::string& sku, const nlohmann::json& face) const {
    const auto quote = via.request("POST", "/v1/quotes", nlohmann::json{{"account_id", account_id}, {"sku", sku}, {"face_value", face}}.dump(),
                                   bearer(tenant.cabinet));
    EXPECT_EQ(quote.status, 201u) << quote.body;
    return quote.status == 201u ? quote.json()["points"].get<std::int64_t>() : -1;
  }
};

TEST_F(Points, LapsedPointsAreRefusedAtOnceWithNoJobRunning) {
  credit(1'000, "2099-01-01T00:00:00Z");
  query(lapse_lots, tenant.account_id);  // they lapsed a second ago; the expiry job has not run
  EXPECT_EQ(account(tenant.account_id)["balance"], 0);
  const auto refused = redeem("k-" + unique_suffix());
  EXPECT_EQ(refused.status, 422u);
  EXPECT_EQ(refused.json()["code"], "insufficient_points");
  EXPECT_EQ(totals().int64("orders"), 0) << "nothing written";
}

TEST_F(Points, FiftyConcurrentAdjustmentsWithOneKeyMakeOneEntry) {
  credit(1'000);
  const std::string idem = "adj-" + unique_suffix();
  const nlohmann::json body = {{"points", -300}, {"reason", "duplicate credit 2026-11-03"}};
  std::vector<Reply> replies(50);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < replies.size(); ++i) threads.emplace_back([&, i] { replies[i] = adjust(tenant.finance, idem, body); });
  for (auto& t : threads) t.join();
  std::set<std::string> bodies;
  for (const auto& r : replies) {
    if (r.status == 201u) bodies.insert(r.body);
    else EXPECT_EQ(r.json()["code"], "idempotency_in_progress") << r.body;
  }
  ASSERT_EQ(bodies.size(), 1u) << "every 201 is the first answer";
  const auto entry = nlohmann::json::parse(*bodies.begin());
  EXPECT_EQ(entry["kind"], "adjustment");
  EXPECT_EQ(entry["points"], -300);
  const auto written = query(adjustments_of, tenant.account_id).front();
  EXPECT_EQ(written.int64("n"), 1);
  EXPECT_TRUE(written.text("key_id").starts_with("key_")) << "the entry records the key that made it";
  EXPECT_EQ(account(tenant.account_id)["balance"], 700);

  const auto beyond = adjust(tenant.admin, "adj-" + unique_suffix(), {{"points", -701}, {"reason", "too much"}});
  EXPECT_EQ(beyond.status, 422u);
  EXPECT_EQ(beyond.json()["code"], "insufficient_points");
  EXPECT_EQ(query(adjustments_of, tenant.account_id).front().int64("n"), 1) << "nothing written";
  EXPECT_EQ(adjust(tenant.admin, "adj-" + unique_suffix(), {{"points", 5}}).status, 400u) << "a reason is required";
  EXPECT_EQ(adjust(tenant.cabinet, "adj-" + unique_suffix(), {{"points", 5}, {"reason", "x"}}).status, 403u);
  EXPECT_EQ(totals().int64("ledger"), totals().int64("balance"));
  EXPECT_EQ(totals().int64("lots"), totals().int64("balance"));
}

TEST_F(Points, TiersByRuleChangeThePriceAndAnOverrideWins) {
  ASSERT_EQ(patch_program({{"tiers", {{{"name", "silver"}, {"min_points_12m", 1000}}, {{"name", "gold"}, {"min_points_12m", 5000}}}},
                           {"tier_discounts", {{"gold", 1000}}},
                           {"webhook_url", "http://127.0.0.1:9/hooks"}})
                .status,
            200u);
  const std::string id = client.request("POST", "/v1/accounts", R"({"external_ref": "tiered", "name": "Tiered Ltd"})", bearer(tenant.admin)).json()["id"];
  auto credit_to = [&](std::int64_t points) {
    return client.request("POST", "/v1/accounts/" + id + "/credits", nlohmann::json{{"points", points}, {"reason", "volume"}}.dump(),
                          bearer(tenant.admin, {{"Idempotency-Key", "c-" + unique_suffix()}}));
  };
  EXPECT_EQ(account(id)["tier_source"], "none");
  ASSERT_EQ(credit_to(4'000).status, 201u);
  EXPECT_EQ(account(id)["tier"], "silver");
  EXPECT_EQ(account(id)["tier_source"], "rule");
  EXPECT_EQ(quoted_points(client, id, "AMZ", ten_eur), 1000);
  ASSERT_EQ(credit_to(1'000).status, 201u);
  EXPECT_EQ(account(id)["tier"], "gold") << "5,000 points in 365 days";
  EXPECT_EQ(quoted_points(client, id, "AMZ", ten_eur), 900) << "gold's 10 % discount";
  const auto events = query(events_named, id, "account.tier_changed");
  ASSERT_EQ(events.size(), 2);
  EXPECT_EQ(nlohmann::json::parse(events[1].text("body"))["data"]["previous_tier"], "silver");

  const auto patched = client.request("PATCH", "/v1/accounts/" + id, R"({"tier_override": "silver"})", bearer(tenant.admin));
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_EQ(patched.json()["tier_source"], "override");
  EXPECT_EQ(quoted_points(client, id, "AMZ", ten_eur), 1000) << "the override wins";
  ASSERT_EQ(client.request("PATCH", "/v1/accounts/" + id, R"({"tier_override": null})", bearer(tenant.admin)).status, 200u);
  EXPECT_EQ(account(id)["tier"], "gold");
}

TEST_F(Points, ABlockedAccountCannotRedeemButCanBeCredited) {
  credit(5'000);
  const auto blocked = client.request("PATCH", "/v1/accounts/" + tenant.account_id, R"({"status": "blocked", "name": "ООО Лютик"})", bearer(tenant.admin));
  ASSERT_EQ(blocked.status, 200u) << blocked.body;
  EXPECT_EQ(blocked.json()["status"], "blocked");
  EXPECT_EQ(blocked.json()["name"], "ООО Лютик");
  const auto refused = redeem("k-" + unique_suffix());
  EXPECT_EQ(refused.status, 422u);
  EXPECT_EQ(refused.json()["code"], "account_blocked");
  credit(100);
  EXPECT_EQ(client.request("PATCH", "/v1/accounts/" + tenant.account_id, R"({"status": "closed"})", bearer(tenant.admin)).status, 400u);
  ASSERT_EQ(client.request("PATCH", "/v1/accounts/" + tenant.account_id, R"({"status": "active"})", bearer(tenant.admin)).status, 200u);
  EXPECT_EQ(redeem("k-" + unique_suffix()).status, 202u);
}

TEST_F(Points, ProgramChangesReachAnotherProcessWithinASecondAndFixedFieldsStayFixed) {
  ASSERT_EQ(client.request("PUT", "/v1/catalog/AMZUS", us_voucher.dump(), bearer(tenant.admin)).status, 201u);
  auto other = world->gateway();
  const auto b = other->client();
  ASSERT_TRUE(rates_loaded(b, tenant.cabinet));
  const nlohmann::json ten_usd = {{"amount", "10.00"}, {"currency", "USD"}};
  const auto before = quoted_points(b, tenant.account_id, "AMZUS", ten_usd);  // B now holds the program in memory

  const auto patched = patch_program({{"fx_markup_bps", 2000}});
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_EQ(patched.json()["fx_markup_bps"], 2000);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  auto after = quoted_points(b, tenant.account_id, "AMZUS", ten_usd);
  while (after == before && std::chrono::steady_clock::now() < until) after = quoted_points(b, tenant.account_id, "AMZUS", ten_usd);
  EXPECT_GT(after, before) << "process B prices with the new markup within 1 s";

  const auto fixed = patch_program({{"timezone", "Asia/Kuala_Lumpur"}});
  EXPECT_EQ(fixed.status, 422u);
  EXPECT_EQ(fixed.json()["code"], "immutable_field");
  EXPECT_EQ(patch_program({{"base_currency", "EUR"}, {"name", "Same currency, new name"}}).status, 200u) << "the same value is no change";
  EXPECT_EQ(patch_program({{"points_validity", "12 months"}}).status, 400u);
  const auto rule = patch_program({{"points_validity", "P12M"}, {"expiry_rounding", "end_of_quarter"}});
  ASSERT_EQ(rule.status, 200u);
  EXPECT_EQ(client.request("GET", "/v1/programs/" + tenant.program_id, std::nullopt, bearer(tenant.admin)).json()["expiry_rounding"], "end_of_quarter");
  EXPECT_EQ(client.request("GET", "/v1/programs/" + tenant.program_id, std::nullopt, bearer(tenant.cabinet)).status, 403u);

  const auto hooked = patch_program({{"webhook_url", "https://hooks.example.com/rgw"}});
  ASSERT_EQ(hooked.status, 200u) << hooked.body;
  EXPECT_TRUE(hooked.json()["webhook_secret"].get<std::string>().starts_with("whsec_")) << "a program's first webhook_url gets its secret, once";
  EXPECT_EQ(hooked.header("cache-control"), "no-store");
  EXPECT_FALSE(patch_program({{"webhook_url", "https://hooks.example.com/other"}}).json().contains("webhook_secret")) << "a URL change keeps the secret";
  EXPECT_TRUE(patch_program({{"webhook_url", nullptr}}).json()["webhook_url"].is_null());

  credit(100);  // no date of its own: the program's rule gives one, at a local quarter's end
  const auto lots = account(tenant.account_id)["expiring"];
  ASSERT_EQ(lots.size(), 1u);
  const std::string lapses = lots[0]["expires_at"];  // midnight in Moscow (UTC+3) starting a quarter
  EXPECT_TRUE(lapses.ends_with("T21:00:00Z")) << lapses;
  EXPECT_TRUE(std::set<std::string>({"03-31", "06-30", "09-30", "12-31"}).count(lapses.substr(5, 5))) << lapses;
}

TEST_F(Points, FinanceReadsTheLiabilityAndStatementsAsJsonCsvAndFromTheCommandLine) {
  credit(1'000);
  credit(250, "2099-06-15T12:00:00Z");
  ASSERT_EQ(redeem("k-" + unique_suffix()).status, 202u);  // 1,000 points, the 2099 lot first
  const std::string today = date::format("%F", date::floor<date::days>(date::locate_zone("Europe/Moscow")->to_local(std::chrono::system_clock::now())));

  const auto json = client.request("GET", "/v1/reports/liability?as_of=" + today, std::nullopt, bearer(tenant.finance));
  ASSERT_EQ(json.status, 200u) << json.body;
  const auto doc = json.json();
  EXPECT_EQ(doc["outstanding_total"]["points"], 250);
  EXPECT_EQ(doc["outstanding"].back()["month"], "never");
  EXPECT_EQ(doc["outstanding_total"]["value"], nlohmann::json({{"amount", "2.50"}, {"currency", "EUR"}}));
  EXPECT_EQ(doc["expired"].size(), 12u);
  const auto csv = client.request("GET", "/v1/reports/liability?format=csv&as_of=" + today, std::nullopt, bearer(tenant.admin));
  ASSERT_EQ(csv.status, 200u);
  EXPECT_TRUE(csv.body.starts_with("section,month,points,value,currency\r\noutstanding,never,250,2.50,EUR\r\noutstanding_total,,250,2.50,EUR\r\n")) << csv.body;
  EXPECT_EQ(client.request("GET", "/v1/reports/liability?as_of=" + today, std::nullopt, bearer(tenant.cabinet)).status, 403u);
  EXPECT_EQ(client.request("GET", "/v1/reports/liability?as_of=tomorrow", std::nullopt, bearer(tenant.finance)).status, 400u);

  const auto statement = client.request("GET", "/v1/accounts/" + tenant.account_id + "/statement?from=" + today + "&to=" + today, std::nullopt,
                                        bearer(tenant.finance));
  ASSERT_EQ(statement.status, 200u) << statement.body;
  const auto st = statement.json();
  std::int64_t sum = st["opening_balance"];
  for (const auto& e : st["entries"]) sum += e["points"].get<std::int64_t>();
  EXPECT_EQ(st["entries"].size(), 3u);
  EXPECT_EQ(sum, st["closing_balance"].get<std::int64_t>()) << "opening + entries = closing";
  EXPECT_EQ(st["closing_balance"], 250);
  const auto statement_csv = client.request("GET", "/v1/accounts/" + tenant.account_id + "/statement?format=csv&from=" + today + "&to=" + today,
                                            std::nullopt, bearer(tenant.finance));
  EXPECT_TRUE(statement_csv.body.ends_with("closing,,,,250,,,,\r\n")) << statement_csv.body;
  EXPECT_EQ(client.request("GET", "/v1/accounts/acc_missing/statement?from=" + today + "&to=" + today, std::nullopt, bearer(tenant.finance)).status, 404u);

  const std::string command = "env REWARDGW_DATABASE_URL='" + world->db.url + "' REWARDGW_SECRETS_KEYS='" + test_environment(nullptr)("REWARDGW_SECRETS_KEYS") +
                              "' " RGW_GATEWAY_BINARY " report liability --program " + tenant.program_id + " --as-of " + today + " 2>/dev/null";
  const auto printed = run_shell(command);
  EXPECT_EQ(printed.status, 0);
  EXPECT_EQ(printed.out, csv.body) << "the command prints the same CSV";
}

TEST_F(Points, TwoProcessesExpireAHundredThousandLotsEachExactlyOnce) {
  for (int first = 1; first <= 1'000; first += 100) query(seed_lapsed, tenant.program_id, first + 99, 100, first);
  ASSERT_EQ(query(lapsed_left).front().int64("n"), 100'000);
  EXPECT_GE(counter_value(client, "rewardgw_points_expiry_lag_seconds"), 60u) << "the oldest lapsed lot waits since a minute";
  const auto started = std::chrono::steady_clock::now();
  auto fast_jobs = [](app::Config& c) { c.points.interval = std::chrono::milliseconds(100); };
  auto a = world->gateway("/fx/ecb/daily.xml", std::chrono::seconds(600), fast_jobs);
  auto b = world->gateway("/fx/ecb/daily.xml", std::chrono::seconds(600), fast_jobs);
  EXPECT_EQ(eventually([&] { return query(lapsed_left).front().int64("n"); }, 0, std::chrono::seconds(180)), 0);
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto by_a = counter_value(a->client(), "rewardgw_points_expired_lots_total");
  const auto by_b = counter_value(b->client(), "rewardgw_points_expired_lots_total");
  std::printf("expiry sweep: 100000 lots of 1000 accounts in %.2f s by two processes (%llu + %llu lots)\n", took,
              static_cast<unsigned long long>(by_a), static_cast<unsigned long long>(by_b));
  EXPECT_EQ(by_a + by_b, 100'000u) << "each lot written down by one process, once";
  const auto books = query(sweep_books).front();
  EXPECT_EQ(books.int64("lots_not_once"), 0) << "every lot has exactly one expiry entry";
  EXPECT_EQ(books.int64("entries"), 100'000);
  EXPECT_EQ(books.int64("unbalanced"), 0) << "ledger sum = balance for every account";
  EXPECT_EQ(books.int64("left_over"), 0);
  EXPECT_EQ(counter_value(client, "rewardgw_points_expiry_lag_seconds"), 0u);
}

}  // namespace
}  // namespace rgw::test
