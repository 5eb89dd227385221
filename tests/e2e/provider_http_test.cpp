// The RaaS-style HTTP adapter against the provider simulator over HTTPS: every fault kind ends in the right final
// state, the simulator never creates an order twice, a refusal fails over, Retry-After is honoured, and a server
// whose certificate is not trusted is refused.
#include <gtest/gtest.h>

#include "providers/registry.hpp"
#include "providers/sim/simulator.hpp"
#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;

const pg::Query raas_orders{"t_raas_orders",
                            "SELECT provider_key, status, coalesce(provider, '') AS provider FROM redemptions WHERE program_id = $1 ORDER BY seq"};

class HttpsProvider : public RedemptionFixture {
 protected:
  HttpsProvider() : provider_sim(sim::SimulatorConfig{.data_dir = RGW_SOURCE_DIR "/tests/data", .tls = http::TlsFiles{cert.cert, cert.key}}) {}

  void adjust(app::Config& c) override {
    const std::string sandbox_dir = c.providers["sandbox"]["record_dir"];
    nlohmann::json raas = {{"kind", "raas"}, {"base_url", provider_sim.url("/raas")}, {"timeout_ms", 500}};
    if (trust_simulator) raas["ca_file"] = cert.cert;
    c.providers["raas"] = raas;
    auto orders = raas;
    orders["kind"] = "orders";
    orders["base_url"] = provider_sim.url("/orders-api");
    c.providers["orders"] = orders;
    auto billing = raas;
    billing["kind"] = "service_credit";
    billing["base_url"] = provider_sim.url("/billing");
    c.providers["billing"] = billing;
    c.providers["backup"] = {{"kind", "sandbox"}, {"record_dir", sandbox_dir.substr(0, sandbox_dir.rfind('/')) + "/backup"}};
  }
  void SetUp() override {
    RedemptionFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auto only = voucher, with_backup = voucher;
    only["routes"] = {{{"provider", "raas"}, {"provider_sku", "U-AMZ-DE"}}};
    with_backup["routes"] = {{{"provider", "raas"}, {"provider_sku", "U-AMZ-DE"}, {"priority", 1}}, {{"provider", "backup"}, {"provider_sku", "BK"}, {"priority", 2}}};
    ASSERT_EQ(client.request("PUT", "/v1/catalog/RAAS", only.dump(), bearer(tenant.admin)).status, 201u);
    ASSERT_EQ(client.request("PUT", "/v1/catalog/RAAS-OR-BACKUP", with_backup.dump(), bearer(tenant.admin)).status, 201u);
    auto orders_only = voucher;
    orders_only["routes"] = {{{"provider", "orders"}, {"provider_sku", "OFFER-AMZ"}}};
    ASSERT_EQ(client.request("PUT", "/v1/catalog/ORDERS", orders_only.dump(), bearer(tenant.admin)).status, 201u);
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
    for (const std::string mode : {"ok", "error500", "error503", "rate429", "timeout", "lost", "malformed", "unknown_status", "pending", "slow_body"}) {
      sim_admin("/admin/" + provider, nlohmann::json{{"mode", mode}, {"times", 1}});
      const auto order = final_order(redeem_sku(provider + "-" + mode, sku));
      EXPECT_EQ(order["status"], "issued") << provider << " " << mode << ": " << order.dump();
      EXPECT_EQ(order["provider"], provider) << mode;
      EXPECT_FALSE(order["reward"]["code"].is_null()) << mode;
      // Every fault makes the first answer fall short, so the order took more than one call; "ok" takes one.
      EXPECT_EQ(order["attempts"].get<int>() > 1, mode != "ok") << provider << " " << mode << ": " << order["attempts"] << " calls";
    }
    const auto created = sim_admin("/admin/" + provider + "/issued");
    EXPECT_EQ(created.size(), 10u) << created.dump();
    for (const auto& [ref, count] : created.items()) EXPECT_EQ(count, 1) << provider << " made " << ref << " " << count << " times";
  }
};

TEST_F(HttpsProvider, EveryFaultKindEndsRightAndTheProviderNeverMakesAnOrderTwice) {
  every_fault_kind("raas", "RAAS");
  every_fault_kind("orders", "ORDERS");
  every_fault_kind("billing", "CREDIT");
  const auto no_account = redeem("credit-without-account", {{"account_id", tenant.account_id}, {"sku", "CREDIT"}, {"face_value", ten_eur}});
  EXPECT_EQ(final_order(no_account.json()["id"])["failure"]["code"], "rejected") << "a service credit needs its service account";
  sim_admin("/admin/raas", nlohmann::json{{"mode", "refuse"}, {"times", 1}});
  const auto refused = final_order(redeem_sku("k-refuse", "RAAS"));
  EXPECT_EQ(refused["status"], "failed");
  EXPECT_EQ(refused["failure"]["code"], "rejected");
  sim_admin("/admin/raas", nlohmann::json{{"mode", "refuse"}, {"times", 1}});
  const auto failed_over = final_order(redeem_sku("k-refuse-backup", "RAAS-OR-BACKUP"));
  EXPECT_EQ(failed_over["status"], "issued");
  EXPECT_EQ(failed_over["provider"], "backup") << "a refusal is a known failure: the next route takes it";

  // The simulator's count against the books: an order created there exactly for the orders issued through it.
  const auto created = sim_admin("/admin/raas/issued");
  const auto rows = query(raas_orders, tenant.program_id);
  std::size_t issued_at_raas = 0;
  for (int i = 0; i < rows.size(); ++i) {
    if (rows[i].text("provider") == "orders" || rows[i].text("provider") == "billing") continue;
    const std::string key(rows[i].text("provider_key"));
    const bool issued_here = rows[i].text("status") == "issued" && rows[i].text("provider") == "raas";
    issued_at_raas += issued_here ? 1 : 0;
    EXPECT_EQ(created.value(key, 0), issued_here ? 1 : 0) << key << " " << rows[i].text("status") << " at " << rows[i].text("provider");
  }
  EXPECT_EQ(issued_at_raas, 10u);
  EXPECT_EQ(created.size(), 10u) << "nothing created for the refused orders";
  // Kept-alive connections are reused (the admin calls above open one each; the adapters far fewer than calls).
  const auto stats = sim_admin("/admin/stats");
  EXPECT_LT(stats["connections"].get<long>(), stats["requests"].get<long>() / 2) << stats.dump();
}

TEST_F(HttpsProvider, RetryAfterIsHonouredAndTheBalanceIsShown) {
  sim_admin("/admin/raas", nlohmann::json{{"rate_per_s", 1}});
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(redeem_sku("rate-" + std::to_string(i), "RAAS"));
  for (const auto& id : ids) EXPECT_EQ(final_order(id)["status"], "issued");
  const pg::Query limited{"t_rate_limited", "SELECT count(*) AS n FROM dispatch_attempts WHERE provider = 'raas' AND outcome = 'retryable'"};
  EXPECT_GE(query(limited).front().int64("n"), 1) << "the simulator's 429s were seen and waited out";
  // Read at most every 10 s: before the orders, or after all three.
  const auto balance = provider_view("raas")["balance"];
  const std::string amount = balance["amount"];
  EXPECT_TRUE(amount == "100000.00" || amount == "99970.00") << amount;
  EXPECT_EQ(balance["currency"], "EUR");
  EXPECT_NE(client.request("GET", "/metrics").body.find("rewardgw_provider_balance{provider=\"raas\",currency=\"EUR\"} " + amount.substr(0, amount.find('.'))),
            std::string::npos)
      << "the last reported balance as a gauge";
}
TEST_F(HttpsProvider, ProviderLatencyFollowsTheSimulatorsDistribution) {
  sim_admin("/admin/raas", nlohmann::json{{"latency_ms", {{"p50", 40}, {"p99", 200}}}});
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(redeem_sku("slow-" + std::to_string(i), "RAAS"));
  for (const auto& id : ids) EXPECT_EQ(final_order(id)["status"], "issued");
  const auto latency = provider_view("raas")["latency_ms"];
  // Bounds a log-normal with median 40 ms keeps with overwhelming probability over 20 calls; nothing is faster.
  EXPECT_GE(latency["p50"].get<double>(), 15) << latency.dump();
  EXPECT_GT(latency["p99"].get<double>(), latency["p50"].get<double>()) << latency.dump();
}

// The orders API answers 409 when an external_id comes back with another payload. The adapter cannot tell what
// happened from that, so it says unknown; asking by the reference then finds the original order.
TEST_F(HttpsProvider, TheOrdersAdapterAnswersAConflictWithUnknownAndFindsTheOriginalOrder) {
  const auto registry = providers::Registry::from_json(
      {{"orders", {{"kind", "orders"}, {"base_url", provider_sim.url("/orders-api")}, {"ca_file", cert.cert}, {"timeout_ms", 2000}}}});
  auto* orders = registry->find("orders");
  providers::IssueRequest first{"rgw-conflict-1", "OFFER-AMZ", fx::Money::parse("10.00", "EUR").value(), std::nullopt, std::nullopt};
  auto other = first;
  other.face = fx::Money::parse("25.00", "EUR").value();
  boost::asio::io_context io;
  auto calls = [](providers::Provider* p, providers::IssueRequest a, providers::IssueRequest b) -> boost::asio::awaitable<std::vector<providers::Result>> {
    std::vector<providers::Result> results;
    const auto permit = p->admit().value();
    results.push_back(co_await p->issue(permit, a));
    results.push_back(co_await p->issue(permit, b));
    results.push_back(co_await p->status(permit, b));
    co_return results;
  };
  const auto results = run(io, calls(orders, first, other));
  orders->drop_idle_connections();
  EXPECT_EQ(results[0].outcome, providers::Outcome::issued);
  EXPECT_EQ(results[1].outcome, providers::Outcome::unknown) << results[1].detail;
  EXPECT_NE(results[1].detail.find("409"), std::string::npos) << results[1].detail;
  EXPECT_EQ(results[2].outcome, providers::Outcome::issued);
  EXPECT_EQ(results[2].provider_ref, results[0].provider_ref) << "the original order, not a second one";
  EXPECT_EQ(sim_admin("/admin/orders/issued"), (nlohmann::json{{"rgw-conflict-1", 1}}));
}

// At most two calls a second to the RaaS API, one at a time.
class PacedHttpsProvider : public HttpsProvider {
 protected:
  void adjust(app::Config& c) override {
    HttpsProvider::adjust(c);
    c.providers["raas"]["max_calls_per_s"] = 2;
  }
};

TEST_F(PacedHttpsProvider, ACallRateKeepsUnderTheProvidersRateLimit) {
  sim_admin("/admin/raas", nlohmann::json{{"rate_per_s", 3}});  // with room: the simulator counts a sliding second
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(redeem_sku("paced-" + std::to_string(i), "RAAS"));
  for (const auto& id : ids) EXPECT_EQ(final_order(id)["status"], "issued");
  const pg::Query outcomes{"t_paced_outcomes", "SELECT count(*) FILTER (WHERE outcome = 'retryable') AS limited, count(*) AS calls FROM dispatch_attempts WHERE provider = 'raas'"};
  const auto row = query(outcomes).front();
  EXPECT_EQ(row.int64("limited"), 0) << "no 429: the gateway paced itself (without the call rate: 3 of 9 calls were 429s)";
  EXPECT_EQ(row.int64("calls"), 6);
}

class UntrustedProvider : public HttpsProvider {
 protected:
  UntrustedProvider() { trust_simulator = false; }
};

TEST_F(UntrustedProvider, AServerWithAnUntrustedCertificateIsRefused) {
  const auto id = redeem_sku("untrusted", "RAAS");
  auto last_error = [&]() -> std::string {
    const auto raas = provider_view("raas");
    return raas["last_error"].is_object() ? raas["last_error"]["detail"].get<std::string>() : "";
  };
  const auto detail = eventually([&] { return last_error().find("certificate") != std::string::npos; }, true);
  EXPECT_TRUE(detail) << last_error();
  const std::string status = client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.cabinet)).json()["status"];
  EXPECT_TRUE(status == "retrying" || status == "dispatching") << status;
  const pg::Query outcomes{"t_untrusted_outcomes",
                           "SELECT count(*) FILTER (WHERE outcome IS DISTINCT FROM 'retryable' AND outcome IS NOT NULL) AS other FROM dispatch_attempts"};
  EXPECT_EQ(query(outcomes).front().int64("other"), 0) << "a refused handshake sent nothing: retryable, never unknown";
  EXPECT_TRUE(sim_admin("/admin/raas/issued").empty());
}


// Opens after three failures, for half a second.
class FlakyHttpsProvider : public HttpsProvider {
 protected:
  void adjust(app::Config& c) override {
    HttpsProvider::adjust(c);
    c.providers["raas"]["breaker_failures"] = 3;
    c.providers["raas"]["breaker_open_ms"] = 500;
  }
  nlohmann::json catalog_item(const std::string& sku) const {
    const auto listing = client.request("GET", "/v1/catalog", std::nullopt, bearer(tenant.cabinet)).json();
    for (const auto& item : listing["items"])
      if (item["sku"] == sku) return item;
    return nullptr;
  }
  std::int64_t balance() const { return client.request("GET", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(tenant.cabinet)).json()["balance"]; }
};

TEST_F(FlakyHttpsProvider, ABreakerOpenedBy500sClosesAfterTheProviderRecovers) {
  auto state = [&]() -> std::string { return provider_view("raas")["state"]; };
  sim_admin("/admin/raas", nlohmann::json{{"mode", "error500"}, {"times", -1}});
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(redeem_sku("flaky-" + std::to_string(i), "RAAS-OR-BACKUP"));
  EXPECT_EQ(eventually([&] { return state() == "open"; }, true), true) << state();
  EXPECT_NE(client.request("GET", "/metrics").body.find("rewardgw_provider_breaker_state{provider=\"raas\"} 2"), std::string::npos);
  sim_admin("/admin/raas", nlohmann::json{{"mode", "ok"}, {"times", 0}});  // recovered
  for (const auto& id : ids) EXPECT_EQ(final_order(id)["status"], "issued");
  EXPECT_EQ(eventually([&] { return state() == "healthy"; }, true), true) << "a successful probe closed it: " << state();
  EXPECT_NE(client.request("GET", "/metrics").body.find("rewardgw_provider_breaker_state{provider=\"raas\"} 0"), std::string::npos);
  const auto created = sim_admin("/admin/raas/issued");  // named: items() of a temporary would dangle
  for (const auto& [ref, count] : created.items()) EXPECT_EQ(count, 1) << ref;
}

TEST_F(FlakyHttpsProvider, AProductWhoseOnlyProviderIsDownIsUnavailableAndRedeemingItDebitsNothing) {
  EXPECT_EQ(catalog_item("RAAS")["available"], true);
  EXPECT_TRUE(catalog_item("RAAS")["unavailable_reason"].is_null());
  sim_admin("/admin/raas", nlohmann::json{{"mode", "error500"}, {"times", -1}});
  const auto waiting = redeem_sku("down-1", "RAAS");  // its calls fail until the breaker opens
  const auto down = eventually([&] { return catalog_item("RAAS")["available"] == false; }, true, 30s);
  ASSERT_TRUE(down) << catalog_item("RAAS").dump();
  EXPECT_NE(catalog_item("RAAS")["unavailable_reason"].get<std::string>().find("raas: circuit open"), std::string::npos);
  EXPECT_EQ(catalog_item("RAAS-OR-BACKUP")["available"], true) << "another route still takes it";

  const auto before = balance();
  const auto refused = redeem("down-2", {{"account_id", tenant.account_id}, {"sku", "RAAS"}, {"face_value", ten_eur}});
  EXPECT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json()["code"], "product_unavailable");
  EXPECT_EQ(balance(), before) << "nothing debited";
  const auto quote = client.request("POST", "/v1/quotes", nlohmann::json{{"account_id", tenant.account_id}, {"sku", "RAAS"}, {"face_value", ten_eur}}.dump(),
                                    bearer(tenant.cabinet));
  EXPECT_EQ(quote.status, 422u);

  sim_admin("/admin/raas", nlohmann::json{{"mode", "ok"}});  // the provider recovers: the next probe closes the breaker
  EXPECT_EQ(final_order(waiting)["status"], "issued");
  EXPECT_EQ(eventually([&] { return catalog_item("RAAS")["available"] == true; }, true, 30s), true);
  EXPECT_EQ(redeem("down-3", {{"account_id", tenant.account_id}, {"sku", "RAAS"}, {"face_value", ten_eur}}).status, 202u);
}

}  // namespace
}  // namespace rgw::test
