// The HTTP adapters (Tango, Tremendous, Reloadly, service credit) against the provider simulator's dialects over
// HTTPS: every fault kind ends in the right final state, the simulator never creates an order twice, a refusal
// fails over, Retry-After is honoured, what each order cost is recorded and reported, and a server whose
// certificate is not trusted is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/app/import_catalog.hpp"
#include "gateway/app/load_catalog.hpp"
#include "gateway/reports/days.hpp"
#include "gateway/reports/pulls.hpp"
#include "providers/registry.hpp"
#include "providers/sim/simulator.hpp"
#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;

const pg::Query order_rows{"t_order_rows",
                            "SELECT provider_key, status, coalesce(provider, '') AS provider FROM redemptions WHERE program_id = $1 ORDER BY seq"};

class HttpsProvider : public RedemptionFixture {
 protected:
  HttpsProvider() : provider_sim(sim::SimulatorConfig{.data_dir = RGW_SOURCE_DIR "/tests/data", .tls = http::TlsFiles{cert.cert, cert.key}}) {}

  void adjust(app::Config& c) override {
    const std::string sandbox_dir = c.providers["sandbox"]["record_dir"];
    nlohmann::json common = {{"timeout_ms", 500}};
    if (trust_simulator) common["ca_file"] = cert.cert;
    auto with = [&](nlohmann::json entry) {
      entry.update(common);
      return entry;
    };
    c.providers["tango"] = with({{"kind", "tango"}, {"base_url", provider_sim.url("/raas/v2")}, {"account", "rewardgw-eur"}, {"customer", "rewardgw"}});
    c.providers["tremendous"] = with({{"kind", "tremendous"}, {"base_url", provider_sim.url("/api/v2")}, {"funding_currency", "EUR"}});
    c.providers["reloadly"] = with({{"kind", "reloadly"}, {"base_url", provider_sim.url("/reloadly")}});
    c.providers["billing"] = with({{"kind", "service_credit"}, {"base_url", provider_sim.url("/billing")}});
    c.providers["backup"] = {{"kind", "sandbox"}, {"record_dir", sandbox_dir.substr(0, sandbox_dir.rfind('/')) + "/backup"}};
  }
  void SetUp() override {
    RedemptionFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auto only = voucher, with_backup = voucher;
    only["routes"] = {{{"provider", "tango"}, {"provider_sku", "U561593"}}};
    with_backup["routes"] = {{{"provider", "tango"}, {"provider_sku", "U561593"}, {"priority", 1}}, {{"provider", "backup"}, {"provider_sku", "BK"}, {"priority", 2}}};
    ASSERT_EQ(client.request("PUT", "/v1/catalog/TANGO", only.dump(), bearer(tenant.admin)).status, 201u);
    ASSERT_EQ(client.request("PUT", "/v1/catalog/TANGO-OR-BACKUP", with_backup.dump(), bearer(tenant.admin)).status, 201u);
    for (const auto& [sku, provider, provider_sku] : {std::tuple{"TREMENDOUS", "tremendous", "OKMHM2X2OHYV"}, {"RELOADLY", "reloadly", "120:DE"}}) {
      auto product = voucher;
      product["routes"] = {{{"provider", provider}, {"provider_sku", provider_sku}}};
      ASSERT_EQ(client.request("PUT", std::string("/v1/catalog/") + sku, product.dump(), bearer(tenant.admin)).status, 201u);
    }
    auto credit_only = voucher;
    credit_only["type"] = "service_credit";
    credit_only["routes"] = {{{"provider", "billing"}, {"provider_sku", "PREMIUM-1M"}}};
    ASSERT_EQ(client.request("PUT", "/v1/catalog/CREDIT", credit_only.dump(), bearer(tenant.admin)).status, 201u);
    credit(100'000);
  }

  nlohmann::json sim_admin(const std::string& path, const std::optional<nlohmann::json>& body = std::nullopt) const {
    const Client admin{provider_sim.port(), cert.cert};
    return admin.request(body ? "POST" : "GET", path, body ? std::optional(body->dump()) : std::nullopt).json();
  }
  std::string redeem_sku(const std::string& key, const std::string& sku) const {
    const auto r = redeem(key, {{"account_id", tenant.account_id}, {"sku", sku}, {"face_value", ten_eur}, {"recipient", {{"email", "it@romashka.example"}}}});
    EXPECT_EQ(r.status, 202u) << r.body;
    return r.json().value("id", "");
  }
  nlohmann::json catalog_item(const std::string& sku) const {
    const auto listing = client.request("GET", "/v1/catalog", std::nullopt, bearer(tenant.cabinet)).json();
    for (const auto& item : listing["items"])
      if (item["sku"] == sku) return item;
    return nullptr;
  }
  std::int64_t balance() const { return client.request("GET", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(tenant.cabinet)).json()["balance"]; }
  nlohmann::json final_order(const std::string& id) const {
    nlohmann::json order;
    auto final = [&] {
      order = client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.cabinet)).json();
      return order["status"] == "issued" || order["status"] == "failed";
    };
    eventually(final, true, 30s);
    return order;
  }

  bool trust_simulator = true;
  TestCertificate cert;
  sim::Simulator provider_sim;

  // Every fault kind in turn at `provider` (its simulator API is at /admin/{provider}) through product `sku`:
  // each order ends issued there; then the simulator's own count shows one order per reference.
  void every_fault_kind(const std::string& provider, const std::string& sku) {
    std::vector<std::string> keys;
    for (const std::string mode : {"ok", "error500", "error503", "rate429", "timeout", "lost", "malformed", "unknown_status", "pending", "slow_body", "no_funds"}) {
      sim_admin("/admin/" + provider, nlohmann::json{{"mode", mode}, {"times", 1}});
      const auto order = final_order(redeem_sku(provider + "-" + mode, sku));
      EXPECT_EQ(order["status"], "issued") << provider << " " << mode << ": " << order.dump();
      EXPECT_EQ(order["provider"], provider) << mode;
      EXPECT_FALSE(order["reward"]["code"].is_null()) << mode;
      // Every fault makes the first answer fall short, so the order took more than one call; "ok" takes one.
      EXPECT_EQ(order["attempts"].get<int>() > 1, mode != "ok") << provider << " " << mode << ": " << order["attempts"] << " calls";
    }
    const auto created = sim_admin("/admin/" + provider + "/issued");
    EXPECT_EQ(created.size(), 11u) << created.dump();
    for (const auto& [ref, count] : created.items()) EXPECT_EQ(count, 1) << provider << " made " << ref << " " << count << " times";
  }
};

TEST_F(HttpsProvider, EveryFaultKindEndsRightAndTheProviderNeverMakesAnOrderTwice) {
  every_fault_kind("tango", "TANGO");
  every_fault_kind("tremendous", "TREMENDOUS");
  every_fault_kind("reloadly", "RELOADLY");
  every_fault_kind("billing", "CREDIT");
  const auto no_account = redeem("credit-without-account", {{"account_id", tenant.account_id}, {"sku", "CREDIT"}, {"face_value", ten_eur}});
  EXPECT_EQ(final_order(no_account.json()["id"])["failure"]["code"], "rejected") << "a service credit needs its service account";
  sim_admin("/admin/tango", nlohmann::json{{"mode", "refuse"}, {"times", 1}});
  const auto refused = final_order(redeem_sku("k-refuse", "TANGO"));
  EXPECT_EQ(refused["status"], "failed");
  EXPECT_EQ(refused["failure"]["code"], "rejected");
  sim_admin("/admin/tango", nlohmann::json{{"mode", "refuse"}, {"times", 1}});
  const auto failed_over = final_order(redeem_sku("k-refuse-backup", "TANGO-OR-BACKUP"));
  EXPECT_EQ(failed_over["status"], "issued");
  EXPECT_EQ(failed_over["provider"], "backup") << "a refusal is a known failure: the next route takes it";

  // The simulator's count against the books: an order created there exactly for the orders issued through it.
  const auto created = sim_admin("/admin/tango/issued");
  const auto rows = query(order_rows, tenant.program_id);
  std::size_t issued_at_tango = 0;
  for (int i = 0; i < rows.size(); ++i) {
    if (rows[i].text("provider") != "tango" && rows[i].text("provider") != "backup") continue;
    const std::string key(rows[i].text("provider_key"));
    const bool issued_here = rows[i].text("status") == "issued" && rows[i].text("provider") == "tango";
    issued_at_tango += issued_here ? 1 : 0;
    EXPECT_EQ(created.value(key, 0), issued_here ? 1 : 0) << key << " " << rows[i].text("status") << " at " << rows[i].text("provider");
  }
  EXPECT_EQ(issued_at_tango, 11u);
  EXPECT_EQ(created.size(), 11u) << "nothing created for the refused orders";
  // Kept-alive connections are reused (the admin calls above open one each; the adapters far fewer than calls).
  const auto stats = sim_admin("/admin/stats");
  EXPECT_LT(stats["connections"].get<long>(), stats["requests"].get<long>() / 2) << stats.dump();
}

TEST_F(HttpsProvider, RetryAfterIsHonouredAndTheBalanceIsShown) {
  sim_admin("/admin/tango", nlohmann::json{{"rate_per_s", 1}});
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(redeem_sku("rate-" + std::to_string(i), "TANGO"));
  for (const auto& id : ids) EXPECT_EQ(final_order(id)["status"], "issued");
  const pg::Query limited{"t_rate_limited", "SELECT count(*) AS n FROM dispatch_attempts WHERE provider = 'tango' AND outcome = 'retryable'"};
  EXPECT_GE(query(limited).front().int64("n"), 1) << "the simulator's 429s were seen and waited out";
  // Read at most every 10 s: before the orders, or after all three.
  const auto balance = provider_view("tango")["balance"];
  const std::string amount = balance["amount"];
  EXPECT_TRUE(amount == "100000.00" || amount == "99970.00") << amount;
  EXPECT_EQ(balance["currency"], "EUR");
  EXPECT_NE(client.request("GET", "/metrics").body.find("rewardgw_provider_balance{provider=\"tango\",currency=\"EUR\"} " + amount.substr(0, amount.find('.'))),
            std::string::npos)
      << "the last reported balance as a gauge";
}
TEST_F(HttpsProvider, ProviderLatencyFollowsTheSimulatorsDistribution) {
  sim_admin("/admin/tango", nlohmann::json{{"latency_ms", {{"p50", 40}, {"p99", 200}}}});
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(redeem_sku("slow-" + std::to_string(i), "TANGO"));
  for (const auto& id : ids) EXPECT_EQ(final_order(id)["status"], "issued");
  const auto latency = provider_view("tango")["latency_ms"];
  // Bounds a log-normal with median 40 ms keeps with overwhelming probability over 20 calls; nothing is faster.
  EXPECT_GE(latency["p50"].get<double>(), 15) << latency.dump();
  EXPECT_GT(latency["p99"].get<double>(), latency["p50"].get<double>()) << latency.dump();
}

__extension__ using int128 = __int128;

// Exact (applied − mid) × face, rounded half-even to the cent: the reference the report's spread_income must equal.
std::string spread_cents(const std::vector<nlohmann::json>& orders) {
  const auto scaled = [](const std::string& text, int scale) {  // at `scale` decimals (a Decimal has at most 18)
    const auto value = fx::Decimal::parse(text).value();
    int128 v = value.units();
    for (int i = value.scale(); i < scale; ++i) v *= 10;
    return v;
  };
  int128 units = 0;  // rates at 18 decimals times faces at 2: 20 decimals
  for (const auto& o : orders)
    units += (scaled(o["fx"]["rate"], 18) - scaled(o["fx"]["mid_rate"], 18)) * scaled(o["face_value"]["amount"], 2);
  int128 per_cent = 1;
  for (int i = 0; i < 18; ++i) per_cent *= 10;
  int128 cents = units / per_cent;
  const int128 rest = units % per_cent;
  if (rest * 2 > per_cent || (rest * 2 == per_cent && cents % 2 != 0)) ++cents;
  const auto c = static_cast<long long>(cents);
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld", c / 100, c % 100);
  return text;
}

TEST_F(HttpsProvider, WhatEachOrderCostIsRecordedAndThePayoutReportAddsItUp) {
  sim_admin("/admin/tremendous", nlohmann::json{{"fee_bps", 250}, {"discount_bps", 100}});
  auto dollars = voucher;
  dollars["face_currency"] = "USD";
  dollars["routes"] = {{{"provider", "sandbox"}, {"provider_sku", "USD-CARD"}}};
  ASSERT_EQ(client.request("PUT", "/v1/catalog/USD", dollars.dump(), bearer(tenant.admin)).status, 201u);
  std::vector<std::string> at_tremendous, in_dollars;
  for (const auto* amount : {"10.00", "25.00", "10.00"}) {
    const auto r = redeem(std::string("cost-") + std::to_string(at_tremendous.size()),
                          {{"account_id", tenant.account_id}, {"sku", "TREMENDOUS"}, {"face_value", {{"amount", amount}, {"currency", "EUR"}}}});
    ASSERT_EQ(r.status, 202u) << r.body;
    at_tremendous.push_back(r.json()["id"]);
  }
  for (const auto* amount : {"10.00", "25.00"}) {
    const auto r = redeem(std::string("usd-") + amount, {{"account_id", tenant.account_id}, {"sku", "USD"}, {"face_value", {{"amount", amount}, {"currency", "USD"}}}});
    ASSERT_EQ(r.status, 202u) << r.body;
    in_dollars.push_back(r.json()["id"]);
  }
  std::vector<nlohmann::json> dollar_orders;
  for (const auto& id : at_tremendous) EXPECT_EQ(final_order(id)["status"], "issued");
  for (const auto& id : in_dollars) dollar_orders.push_back(final_order(id));

  // 10.00 less 1 % plus 2.5 %, as the simulator's Tremendous reports it; the cabinet key sees it too.
  const auto first = final_order(at_tremendous[0]);
  EXPECT_EQ(first["cost"], (nlohmann::json{{"charged", {{"amount", "10.15"}, {"currency", "EUR"}}},
                                            {"fee", {{"amount", "0.25"}, {"currency", "EUR"}}},
                                            {"discount", {{"amount", "0.10"}, {"currency", "EUR"}}}}))
      << first.dump();
  EXPECT_EQ(dollar_orders[0]["cost"]["charged"], dollar_orders[0]["face_value"]) << "the sandbox charges the face value";

  const auto cents = [](const std::string& amount) { return std::stol(amount.substr(0, amount.find('.'))) * 100 + std::stol(amount.substr(amount.find('.') + 1)); };
  long simulator_cents = 0;
  const auto charges = sim_admin("/admin/tremendous/charged");  // named: items() of a temporary would dangle
  for (const auto& [ref, charged] : charges.items()) simulator_cents += cents(charged);
  EXPECT_EQ(simulator_cents, 1015 + 2538 + 1015) << "25.00: 25.00 − 0.25 + 0.63 (0.625 rounded up by the simulator)";

  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const auto day = [](std::chrono::sys_days d) {
    const std::chrono::year_month_day ymd{d};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return std::string(text);
  };
  const auto report = client.request("GET", "/v1/reports/payouts?from=" + day(today - std::chrono::days(1)) + "&to=" + day(today + std::chrono::days(1)),
                                     std::nullopt, bearer(tenant.finance)).json();
  long reported_cents = 0;
  std::string spread;
  for (const auto& row : report["items"]) {
    if (row["provider"] == "tremendous") {
      ASSERT_TRUE(row["charged_total"].is_object()) << row.dump();
      reported_cents += cents(row["charged_total"]["amount"]);
      EXPECT_EQ(row["spread_income"]["amount"], "0.00") << "a face value in the base currency carries no spread";
    }
    if (row["provider"] == "sandbox" && row["face_currency"] == "USD") spread = row["spread_income"]["amount"];
  }
  EXPECT_EQ(reported_cents, simulator_cents) << report.dump();
  EXPECT_EQ(spread, spread_cents(dollar_orders)) << report.dump();
  EXPECT_NE(spread, "0.00") << "the program's FX markup earned something on dollars";
}

// Pulled reconciliation: the provider's own order list for a local day, read a page of two at a time, finds the
// order it made for someone else (missing here) and ours that it lost (missing there); a day is reconciled once.
TEST_F(HttpsProvider, APulledReconciliationFindsWhatOnlyOneSideHas) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(redeem_sku("pull-" + std::to_string(i), "TANGO"));
  for (const auto& id : ids) EXPECT_EQ(final_order(id)["status"], "issued");
  const pg::Query key_of{"t_pull_key", "SELECT provider_key FROM redemptions WHERE id = $1"};
  const std::string lost(query(key_of, ids[1]).front().text("provider_key"));
  sim_admin("/admin/tango", nlohmann::json{{"page_size", 2}});
  sim_admin("/admin/tango/orders", nlohmann::json{{"ref", "made-for-someone-else"}, {"sku", "U561593"}, {"amount", "25.00"}});
  sim_admin("/admin/tango/forget", nlohmann::json{{"ref", lost}});

  const auto registry = providers::Registry::from_json(
      {{"tango", {{"kind", "tango"}, {"base_url", provider_sim.url("/raas/v2")}, {"account", "rewardgw-eur"}, {"customer", "rewardgw"}, {"ca_file", cert.cert}}}});
  boost::asio::io_context io;
  auto pool = pg::Pool::create(io.get_executor(), pg::PoolConfig{world->db.url});
  const reports::PullConfig config{std::chrono::minutes(1), std::chrono::minutes(10), "test-worker"};
  auto pull = [&]() -> boost::asio::awaitable<std::optional<nlohmann::json>> {
    const auto program = co_await programs::find(*pool, tenant.program_id);
    const auto today = reports::local_day(program.timezone, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    co_return co_await reports::pull_day(*pool, program, *registry->find("tango"), today, config);
  };
  const auto result = run(io, pull());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ((*result)["matched"], 2) << result->dump();
  ASSERT_EQ((*result)["missing_here"].size(), 1u) << result->dump();
  EXPECT_EQ((*result)["missing_here"][0]["order_id"], "made-for-someone-else");
  EXPECT_EQ((*result)["missing_here"][0]["amount"]["amount"], "25.00");
  ASSERT_EQ((*result)["missing_there"].size(), 1u) << result->dump();
  EXPECT_EQ((*result)["missing_there"][0]["order_id"], ids[1]);
  EXPECT_EQ(client.request("GET", "/v1/reconciliations/" + (*result)["id"].get<std::string>(), std::nullopt, bearer(tenant.finance)).status, 200u)
      << "stored like an uploaded one";
  EXPECT_FALSE(run(io, pull()).has_value()) << "the day is done: no process pulls it again";
  registry->find("tango")->drop_idle_connections();
}

// Replays as each API answers them: Tremendous answers the same external_id (even with another payload) with the
// order it made first; Reloadly refuses a second order under a customIdentifier, which the adapter takes as
// unknown, and the look-up then finds the first. Neither makes a second order.
TEST_F(HttpsProvider, AReplayedReferenceFindsTheFirstOrderAtTremendousAndReloadly) {
  const auto registry = providers::Registry::from_json(
      {{"tremendous", {{"kind", "tremendous"}, {"base_url", provider_sim.url("/api/v2")}, {"ca_file", cert.cert}, {"timeout_ms", 2000}, {"funding_currency", "EUR"}}},
       {"reloadly", {{"kind", "reloadly"}, {"base_url", provider_sim.url("/reloadly")}, {"ca_file", cert.cert}, {"timeout_ms", 2000}}}});
  boost::asio::io_context io;
  auto calls = [](providers::Provider* p, providers::IssueRequest a, providers::IssueRequest b) -> boost::asio::awaitable<std::vector<providers::Result>> {
    std::vector<providers::Result> results;
    const auto permit = p->admit(providers::Provider::Call::issue).value();
    results.push_back(co_await p->issue(permit, a));
    results.push_back(co_await p->issue(permit, b));
    results.push_back(co_await p->status(permit, b));
    co_return results;
  };
  for (const auto& [name, sku] : {std::pair{"tremendous", "OKMHM2X2OHYV"}, {"reloadly", "120"}}) {
    auto* provider = registry->find(name);
    providers::IssueRequest first{std::string("rgw-replay-") + name, sku, fx::Money::parse("10.00", "EUR").value(), std::nullopt, std::nullopt};
    auto other = first;
    other.face = fx::Money::parse("25.00", "EUR").value();
    const auto results = run(io, calls(provider, first, other));
    provider->drop_idle_connections();
    EXPECT_EQ(results[0].outcome, providers::Outcome::issued) << name << ": " << results[0].detail;
    ASSERT_TRUE(results[0].cost) << name;
    EXPECT_EQ(results[0].cost->charged.amount_string(), "10.00") << name;
    if (std::string(name) == "tremendous") {
      EXPECT_EQ(results[1].outcome, providers::Outcome::issued) << results[1].detail;
      EXPECT_EQ(results[1].provider_ref, results[0].provider_ref) << "the first order, answered again";
    } else {
      EXPECT_EQ(results[1].outcome, providers::Outcome::unknown) << results[1].detail;
      EXPECT_NE(results[1].detail.find("customIdentifier"), std::string::npos) << results[1].detail;
    }
    EXPECT_EQ(results[2].outcome, providers::Outcome::issued) << name << ": " << results[2].detail;
    EXPECT_EQ(results[2].provider_ref, results[0].provider_ref) << "the original order, not a second one";
    EXPECT_EQ(results[2].reward->code.reveal(), results[0].reward->code.reveal());
    EXPECT_EQ(sim_admin(std::string("/admin/") + name + "/issued"), (nlohmann::json{{first.idempotency_key, 1}})) << name;
  }
}

// At most two calls a second to the Tango API, one at a time.
class PacedHttpsProvider : public HttpsProvider {
 protected:
  void adjust(app::Config& c) override {
    HttpsProvider::adjust(c);
    c.providers["tango"]["max_calls_per_s"] = 2;
  }
};

TEST_F(PacedHttpsProvider, ACallRateKeepsUnderTheProvidersRateLimit) {
  sim_admin("/admin/tango", nlohmann::json{{"rate_per_s", 3}});  // with room: the simulator counts a sliding second
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(redeem_sku("paced-" + std::to_string(i), "TANGO"));
  for (const auto& id : ids) EXPECT_EQ(final_order(id)["status"], "issued");
  const pg::Query outcomes{"t_paced_outcomes", "SELECT count(*) FILTER (WHERE outcome = 'retryable') AS limited, count(*) AS calls FROM dispatch_attempts WHERE provider = 'tango'"};
  const auto row = query(outcomes).front();
  EXPECT_EQ(row.int64("limited"), 0) << "no 429: the gateway paced itself (without the call rate: 3 of 9 calls were 429s)";
  EXPECT_EQ(row.int64("calls"), 6);
}

class UntrustedProvider : public HttpsProvider {
 protected:
  UntrustedProvider() { trust_simulator = false; }
};

TEST_F(UntrustedProvider, AServerWithAnUntrustedCertificateIsRefused) {
  const auto id = redeem_sku("untrusted", "TANGO");
  auto last_error = [&]() -> std::string {
    const auto tango = provider_view("tango");
    return tango["last_error"].is_object() ? tango["last_error"]["detail"].get<std::string>() : "";
  };
  const auto detail = eventually([&] { return last_error().find("certificate") != std::string::npos; }, true);
  EXPECT_TRUE(detail) << last_error();
  const std::string status = client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.cabinet)).json()["status"];
  EXPECT_TRUE(status == "retrying" || status == "dispatching") << status;
  const pg::Query outcomes{"t_untrusted_outcomes",
                           "SELECT count(*) FILTER (WHERE outcome IS DISTINCT FROM 'retryable' AND outcome IS NOT NULL) AS other FROM dispatch_attempts"};
  EXPECT_EQ(query(outcomes).front().int64("other"), 0) << "a refused handshake sent nothing: retryable, never unknown";
  EXPECT_TRUE(sim_admin("/admin/tango/issued").empty());
}


// Opens after three failures, for half a second.
class FlakyHttpsProvider : public HttpsProvider {
 protected:
  void adjust(app::Config& c) override {
    HttpsProvider::adjust(c);
    c.providers["tango"]["breaker_failures"] = 3;
    c.providers["tango"]["breaker_open_ms"] = 500;
  }
};

TEST_F(FlakyHttpsProvider, ABreakerOpenedBy500sClosesAfterTheProviderRecovers) {
  auto state = [&]() -> std::string { return provider_view("tango")["state"]; };
  sim_admin("/admin/tango", nlohmann::json{{"mode", "error500"}, {"times", -1}});
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(redeem_sku("flaky-" + std::to_string(i), "TANGO-OR-BACKUP"));
  EXPECT_EQ(eventually([&] { return state() == "open"; }, true), true) << state();
  EXPECT_NE(client.request("GET", "/metrics").body.find("rewardgw_provider_breaker_state{provider=\"tango\"} 2"), std::string::npos);
  sim_admin("/admin/tango", nlohmann::json{{"mode", "ok"}, {"times", 0}});  // recovered
  for (const auto& id : ids) EXPECT_EQ(final_order(id)["status"], "issued");
  EXPECT_EQ(eventually([&] { return state() == "healthy"; }, true), true) << "a successful probe closed it: " << state();
  EXPECT_NE(client.request("GET", "/metrics").body.find("rewardgw_provider_breaker_state{provider=\"tango\"} 0"), std::string::npos);
  const auto created = sim_admin("/admin/tango/issued");  // named: items() of a temporary would dangle
  for (const auto& [ref, count] : created.items()) EXPECT_EQ(count, 1) << ref;
}

TEST_F(FlakyHttpsProvider, AProductWhoseOnlyProviderIsDownIsUnavailableAndRedeemingItDebitsNothing) {
  EXPECT_EQ(catalog_item("TANGO")["available"], true);
  EXPECT_TRUE(catalog_item("TANGO")["unavailable_reason"].is_null());
  sim_admin("/admin/tango", nlohmann::json{{"mode", "error500"}, {"times", -1}});
  const auto waiting = redeem_sku("down-1", "TANGO");  // its calls fail until the breaker opens
  const auto down = eventually([&] { return catalog_item("TANGO")["available"] == false; }, true, 30s);
  ASSERT_TRUE(down) << catalog_item("TANGO").dump();
  EXPECT_NE(catalog_item("TANGO")["unavailable_reason"].get<std::string>().find("tango: circuit open"), std::string::npos);
  EXPECT_EQ(catalog_item("TANGO-OR-BACKUP")["available"], true) << "another route still takes it";

  const auto before = balance();
  const auto refused = redeem("down-2", {{"account_id", tenant.account_id}, {"sku", "TANGO"}, {"face_value", ten_eur}});
  EXPECT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json()["code"], "product_unavailable");
  EXPECT_EQ(balance(), before) << "nothing debited";
  const auto quote = client.request("POST", "/v1/quotes", nlohmann::json{{"account_id", tenant.account_id}, {"sku", "TANGO"}, {"face_value", ten_eur}}.dump(),
                                    bearer(tenant.cabinet));
  EXPECT_EQ(quote.status, 422u);

  sim_admin("/admin/tango", nlohmann::json{{"mode", "ok"}});  // the provider recovers: the next probe closes the breaker
  EXPECT_EQ(final_order(waiting)["status"], "issued");
  EXPECT_EQ(eventually([&] { return catalog_item("TANGO")["available"] == true; }, true, 30s), true);
  EXPECT_EQ(redeem("down-3", {{"account_id", tenant.account_id}, {"sku", "TANGO"}, {"face_value", ten_eur}}).status, 202u);
}

// The providers' catalogs: imported as load-catalog files, and read for what they report out of stock.
class StockedHttpsProvider : public HttpsProvider {
 protected:
  void adjust(app::Config& c) override {
    HttpsProvider::adjust(c);
    c.stock_interval = 100ms;
  }
  // The configuration a person running `rewardgw import-catalog` would have: the same providers file.
  app::Config command_config() {
    auto c = app::config_from_environment(test_environment(world->db.url.c_str()));
    adjust(c);
    for (const auto& [name, _] : c.providers.items()) c.settings.providers.insert(name);
    return c;
  }
};

TEST_F(StockedHttpsProvider, ImportCatalogWritesEachProvidersCatalogAsAFileThatLoads) {
  const auto config = command_config();
  std::map<std::string, nlohmann::json> files;
  for (const std::string name : {"tango", "tremendous", "reloadly"}) {
    std::ostringstream out, err;
    ASSERT_EQ(app::import_catalog(config, name, out, err), 0) << err.str();
    files[name] = nlohmann::json::parse(out.str())["products"];
  }
  const auto& tango = files["tango"];
  ASSERT_EQ(tango.size(), 3u) << tango.dump(2);
  EXPECT_EQ(tango["TANGO-U561593-EUR"]["denominations"], (nlohmann::json{{"min", "5.00"}, {"max", "500.00"}, {"step", "0.01"}}));
  EXPECT_EQ(tango["TANGO-U561593-EUR"]["routes"], (nlohmann::json{{{"provider", "tango"}, {"provider_sku", "U561593"}, {"priority", 1}}}));
  EXPECT_EQ(tango["TANGO-U561593-EUR"]["brand"], "Amazon.de");
  EXPECT_EQ(tango["TANGO-U561593-EUR"]["active"], true);
  EXPECT_EQ(tango["TANGO-U000001-EUR"]["active"], false) << "inactive at Tango: written inactive";
  EXPECT_EQ(tango["TANGO-U733220-EUR"]["denominations"]["fixed"], nlohmann::json::array({"25.00"}));
  EXPECT_EQ(tango["TANGO-U733220-EUR"]["countries"], nlohmann::json::array({"DE", "AT"}));
  const auto& tremendous = files["tremendous"];
  ASSERT_EQ(tremendous.size(), 3u) << "one product per currency: " << tremendous.dump(2);
  EXPECT_EQ(tremendous["TREMENDOUS-OKMHM2X2OHYV-EUR"]["type"], "egift_card");
  EXPECT_EQ(tremendous["TREMENDOUS-KV934TZ93NQM-USD"]["type"], "prepaid_card");
  EXPECT_EQ(tremendous["TREMENDOUS-KV934TZ93NQM-USD"]["denominations"]["max"], "1000.00");
  const auto& reloadly = files["reloadly"];
  ASSERT_EQ(reloadly.size(), 2u) << reloadly.dump(2);
  EXPECT_EQ(reloadly["RELOADLY-120-DE-EUR"]["routes"][0]["provider_sku"], "120:DE") << "the SKU an order names, country included";
  EXPECT_EQ(reloadly["RELOADLY-120-DE-EUR"]["denominations"]["fixed"], nlohmann::json::array({"10.00", "25.00", "50.00"}));
  EXPECT_EQ(reloadly["RELOADLY-1750-DE-EUR"]["denominations"]["min"], "5.00");

  // Each file loads as it is, and a product from it is redeemed through its provider.
  for (const auto& [name, products] : files) {
    const auto file = std::filesystem::temp_directory_path() / ("rgw-import-" + name + "-" + unique_suffix() + ".json");
    std::ofstream(file) << nlohmann::json{{"products", products}}.dump();
    EXPECT_EQ(app::load_catalog(config, tenant.program_id, file.string()), 0) << name;
    std::filesystem::remove(file);
  }
  ASSERT_TRUE(eventually([&] { return !catalog_item("RELOADLY-120-DE-EUR").is_null(); }, true));
  const auto r = redeem("imported-1", {{"account_id", tenant.account_id}, {"sku", "RELOADLY-120-DE-EUR"}, {"face_value", ten_eur}});
  ASSERT_EQ(r.status, 202u) << r.body;
  const auto order = final_order(r.json()["id"]);
  EXPECT_EQ(order["status"], "issued");
  EXPECT_EQ(order["provider"], "reloadly");

  // What it cannot import it says, with a usage exit code; a catalog it cannot reach is a failure.
  std::ostringstream out, err;
  EXPECT_EQ(app::import_catalog(config, "backup", out, err), 2);
  EXPECT_NE(err.str().find("kind 'sandbox' has no catalog"), std::string::npos) << err.str();
  EXPECT_EQ(app::import_catalog(config, "nobody", out, err), 2);
  auto unreachable = config;
  unreachable.providers["tango"]["base_url"] = "https://127.0.0.1:1/raas/v2";
  EXPECT_EQ(app::import_catalog(unreachable, "tango", out, err), 1);
  EXPECT_NE(err.str().find("cannot read tango's catalog"), std::string::npos) << err.str();
}

TEST_F(StockedHttpsProvider, AProductTheProviderReportsOutOfStockIsUnavailableUntilRestocked) {
  ASSERT_EQ(catalog_item("TANGO")["available"], true);
  sim_admin("/admin/tango", nlohmann::json{{"out_of_stock", {"U561593"}}});
  ASSERT_EQ(eventually([&] { return catalog_item("TANGO")["available"] == false; }, true), true) << catalog_item("TANGO").dump();
  EXPECT_NE(catalog_item("TANGO")["unavailable_reason"].get<std::string>().find("tango: out of stock (product U561593)"), std::string::npos);
  EXPECT_EQ(catalog_item("TANGO-OR-BACKUP")["available"], true) << "another route still takes it";
  const auto before = balance();
  const auto refused = redeem("stock-1", {{"account_id", tenant.account_id}, {"sku", "TANGO"}, {"face_value", ten_eur}});
  EXPECT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json()["code"], "product_unavailable");
  EXPECT_EQ(balance(), before) << "nothing debited";
  const auto elsewhere = final_order(redeem_sku("stock-2", "TANGO-OR-BACKUP"));
  EXPECT_EQ(elsewhere["provider"], "backup") << "Tango refuses what it has not got; the next route issues it";

  // Reloadly reports it by status; Tremendous by leaving it off its list, which is not a report: still offered.
  sim_admin("/admin/reloadly", nlohmann::json{{"out_of_stock", {"120"}}});
  sim_admin("/admin/tremendous", nlohmann::json{{"out_of_stock", {"OKMHM2X2OHYV"}}});
  EXPECT_EQ(eventually([&] { return catalog_item("RELOADLY")["available"] == false; }, true), true);
  EXPECT_EQ(catalog_item("TREMENDOUS")["available"], true);

  sim_admin("/admin/tango", nlohmann::json{{"out_of_stock", nlohmann::json::array()}});
  EXPECT_EQ(eventually([&] { return catalog_item("TANGO")["available"] == true; }, true), true);
  EXPECT_EQ(final_order(redeem_sku("stock-3", "TANGO"))["status"], "issued");
  const auto created = sim_admin("/admin/tango/issued");
  EXPECT_EQ(created.size(), 1u) << "the refused order made nothing: " << created.dump();
}

}  // namespace
}  // namespace rgw::test
