// Provider credentials against the simulator's authentication: HTTP Basic, bearer and API-key headers read from
// files, wrong credentials that keep orders waiting until the file is fixed, and OAuth2 client credentials with
// one token request for a burst of orders and one refresh after a revocation. No secret leaks into what the
// gateway shows or logs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "providers/sim/simulator.hpp"
#include "tests/e2e/redemption_fixture.hpp"
#include "tests/support/gateway_process.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;

const pg::Query order_statuses{"t_auth_statuses",
                               "SELECT count(*) FILTER (WHERE status = 'issued') AS issued, count(*) FILTER (WHERE status = 'failed') AS failed,"
                               " count(*) AS orders FROM redemptions WHERE program_id = $1"};

// A secret in a file of its own, as an operator would keep it.
struct SecretFile {
  explicit SecretFile(const std::string& value) : path(std::filesystem::temp_directory_path() / ("rgw-secret-" + unique_suffix())) { write(value); }
  ~SecretFile() { std::filesystem::remove(path); }
  void write(const std::string& value) const { std::ofstream(path) << value << "\n"; }
  std::filesystem::path path;
};

class ProviderAuth : public RedemptionFixture {
 protected:
  ProviderAuth() : provider_sim(sim::SimulatorConfig{.data_dir = RGW_SOURCE_DIR "/tests/data", .tls = std::nullopt}) {}

  // This gateway accepts only; dispatching() starts the one that calls the providers.
  void adjust(app::Config& c) override {
    c.dispatch.concurrency = 0;
    const auto known = providers(nullptr);  // known to the catalog, never called here
    for (const auto& [name, entry] : known.items()) c.providers[name] = entry;
  }

  void SetUp() override {
    RedemptionFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    for (const auto& [sku, provider, provider_sku] :
         {std::tuple{"TANGO", "tango", "U561593"}, {"TREMENDOUS", "tremendous", "OKMHM2X2OHYV"}, {"RELOADLY", "reloadly", "120"}, {"CREDIT", "billing", "PREMIUM-1M"}}) {
      auto product = voucher;
      product["routes"] = {{{"provider", provider}, {"provider_sku", provider_sku}}};
      const auto put = client.request("PUT", std::string("/v1/catalog/") + sku, product.dump(), bearer(tenant.admin));
      ASSERT_EQ(put.status, 201u) << put.body;
    }
    credit(1'000'000);
  }

  // The providers as the dispatching gateway sees them: each simulator API with its `auth` (null: none).
  nlohmann::json providers(const nlohmann::json& tango_auth, const nlohmann::json& tremendous_auth = nullptr, const nlohmann::json& billing_auth = nullptr,
                           const nlohmann::json& reloadly_auth = nullptr) const {
    auto entry = [&](nlohmann::json e, const nlohmann::json& auth) {
      e.update({{"timeout_ms", 2000}, {"breaker_open_ms", 300}});
      if (!auth.is_null()) e["auth"] = auth;
      return e;
    };
    return {{"tango", entry({{"kind", "tango"}, {"base_url", provider_sim.url("/raas/v2")}, {"account", "rewardgw-eur"}, {"customer", "rewardgw"}}, tango_auth)},
            {"tremendous", entry({{"kind", "tremendous"}, {"base_url", provider_sim.url("/api/v2")}, {"funding_currency", "EUR"}}, tremendous_auth)},
            {"reloadly", entry({{"kind", "reloadly"}, {"base_url", provider_sim.url("/reloadly")}}, reloadly_auth)},
            {"billing", entry({{"kind", "service_credit"}, {"base_url", provider_sim.url("/billing")}}, billing_auth)}};
  }
  std::unique_ptr<Gateway> dispatching(const nlohmann::json& providers_config) const {
    return world->gateway("/fx/ecb/daily.xml", std::chrono::seconds(600), [providers_config](app::Config& c) { c.providers = providers_config; });
  }
  nlohmann::json sim(const std::string& path, const std::optional<nlohmann::json>& body = std::nullopt) const {
    const Client admin{provider_sim.port(), std::nullopt};
    return admin.request(body ? "POST" : "GET", path, body ? std::optional(body->dump()) : std::nullopt).json();
  }
  std::vector<std::string> redeem_many(const std::string& sku, int n) const {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      const auto r = redeem(sku + "-" + unique_suffix(), {{"account_id", tenant.account_id}, {"sku", sku}, {"face_value", ten_eur},
                                                          {"recipient", {{"email", "it@romashka.example"}}}});
      EXPECT_EQ(r.status, 202u) << r.body;
      ids.push_back(r.json().value("id", ""));
    }
    return ids;
  }
  std::int64_t issued() const { return query(order_statuses, tenant.program_id).front().int64("issued"); }
  void expect_each_reference_once(const std::string& api, std::size_t n) const {
    const auto created = sim("/admin/" + api + "/issued");
    EXPECT_EQ(created.size(), n) << created.dump();
    for (const auto& [ref, count] : created.items()) EXPECT_EQ(count, 1) << api << " made " << ref << " " << count << " times";
  }

  sim::Simulator provider_sim;
};

TEST_F(ProviderAuth, BasicBearerAndApiKeyHeadersComeFromTheirFiles) {
  SecretFile password("tango-password-1"), token("tremendous-key-1"), key("billing-key-1");
  sim("/admin/tango/auth", nlohmann::json{{"basic", {{"username", "rewardgw"}, {"password", "tango-password-1"}}}});
  sim("/admin/tremendous/auth", nlohmann::json{{"bearer", "tremendous-key-1"}});
  sim("/admin/billing/auth", nlohmann::json{{"api_key", {{"header", "X-Api-Key"}, {"key", "billing-key-1"}}}});
  redeem_many("TANGO", 2);
  redeem_many("TREMENDOUS", 2);
  redeem_many("CREDIT", 2);
  auto dispatcher = dispatching(providers({{"kind", "basic"}, {"username", "rewardgw"}, {"password_file", password.path}},
                                          {{"kind", "bearer"}, {"token_file", token.path}},
                                          {{"kind", "api_key"}, {"header", "X-Api-Key"}, {"key_file", key.path}}));
  EXPECT_EQ(eventually([&] { return issued(); }, 6, 30s), 6);
  expect_each_reference_once("tango", 2);
  expect_each_reference_once("tremendous", 2);
  expect_each_reference_once("billing", 2);
}

TEST_F(ProviderAuth, WrongCredentialsKeepOrdersWaitingUntilTheSecretFileIsFixed) {
  SecretFile password("not-the-password");
  sim("/admin/tango/auth", nlohmann::json{{"basic", {{"username", "rewardgw"}, {"password", "tango-password-2"}}}});
  redeem_many("TANGO", 3);
  auto dispatcher = dispatching(providers({{"kind", "basic"}, {"username", "rewardgw"}, {"password_file", password.path}}));
  const Client ops = dispatcher->client();
  auto tango_view = [&] {
    const auto listed = ops.request("GET", "/v1/providers", std::nullopt, bearer(tenant.ops)).json();
    for (const auto& p : listed["items"])
      if (p["name"] == "tango") return p;
    return nlohmann::json();
  };
  const auto refused = eventually([&] { return tango_view()["state"] == "open"; }, true, 30s);
  EXPECT_TRUE(refused) << tango_view().dump();
  EXPECT_NE(tango_view()["last_error"].value("detail", "").find("unauthorized"), std::string::npos) << tango_view().dump();
  const auto books = query(order_statuses, tenant.program_id).front();
  EXPECT_EQ(books.int64("failed"), 0) << "a refused credential fails no order: they wait";
  EXPECT_EQ(books.int64("issued"), 0);
  EXPECT_EQ(sim("/admin/tango/issued").size(), 0u);

  password.write("tango-password-2");  // the operator fixes the file; the next 401 makes the gateway read it again
  EXPECT_EQ(eventually([&] { return issued(); }, 3, 60s), 3);
  expect_each_reference_once("tango", 3);
}

TEST_F(ProviderAuth, OAuth2TakesOneTokenForABurstAndOneRefreshAfterARevocation) {
  SecretFile secret("reloadly-secret");
  sim("/admin/reloadly/auth", nlohmann::json{{"oauth2", {{"client_id", "rewardgw-client"}, {"client_secret", "reloadly-secret"}, {"audience", "https://giftcards.example"}}}});
  redeem_many("RELOADLY", 50);
  const nlohmann::json oauth2 = {{"kind", "oauth2"}, {"token_url", provider_sim.url("/oauth/token")}, {"client_id", "rewardgw-client"},
                                 {"client_secret_file", secret.path}, {"audience", "https://giftcards.example"}, {"token_format", "json"}};
  auto dispatcher = dispatching(providers(nullptr, nullptr, nullptr, oauth2));
  EXPECT_EQ(eventually([&] { return issued(); }, 50, 60s), 50);
  EXPECT_EQ(sim("/admin/oauth/stats")["token_requests"], 1) << "50 orders dispatched at once with an empty cache: one token request";

  sim("/admin/oauth/revoke", nlohmann::json::object());
  redeem_many("RELOADLY", 10);
  EXPECT_EQ(eventually([&] { return issued(); }, 60, 60s), 60);
  EXPECT_EQ(sim("/admin/oauth/stats")["token_requests"], 2) << "a revoked token: one refresh for all the calls it failed";
  expect_each_reference_once("reloadly", 60);
}

TEST_F(ProviderAuth, NoSecretReachesTheLogMetricsProviderViewOrErrors) {
  SecretFile password("s3cret-basic-password"), token("s3cret-bearer-token"), client_secret("s3cret-oauth-client");
  const std::string api_key = "s3cret-api-key-in-env";
  sim("/admin/reloadly/auth", nlohmann::json{{"oauth2", {{"client_id", "leak-test"}, {"client_secret", "another-secret-entirely"}}}});  // refuses ours
  sim("/admin/tremendous/auth", nlohmann::json{{"bearer", "the-right-token"}});                                                      // refuses ours
  sim("/admin/billing/auth", nlohmann::json{{"api_key", {{"header", "X-Api-Key"}, {"key", api_key}}}});
  const auto dir = std::filesystem::temp_directory_path() / ("rgw-leak-" + unique_suffix());
  std::filesystem::create_directories(dir);
  nlohmann::json config = providers({{"kind", "basic"}, {"username", "u"}, {"password_file", password.path}}, {{"kind", "bearer"}, {"token_file", token.path}},
                                    {{"kind", "api_key"}, {"key_env", "RGW_TEST_BILLING_KEY"}},
                                    {{"kind", "oauth2"}, {"token_url", provider_sim.url("/oauth/token")}, {"client_id", "leak-test"},
                                     {"client_secret_file", client_secret.path}});
  std::ofstream(dir / "providers.json") << config.dump();
  redeem_many("RELOADLY", 2);
  redeem_many("TREMENDOUS", 2);
  redeem_many("CREDIT", 2);
  {
    GatewayProcess gateway({{"REWARDGW_DATABASE_URL", world->db.url},
                            {"REWARDGW_SECRETS_KEYS", test_environment(nullptr)("REWARDGW_SECRETS_KEYS")},  // one deployment, one master key
                            {"REWARDGW_PROVIDERS_FILE", (dir / "providers.json").string()},
                            {"RGW_TEST_BILLING_KEY", api_key},
                            {"REWARDGW_RETRY_BASE_MS", "20"}},
                           (dir / "gateway.log").string());
    EXPECT_EQ(eventually([&] { return issued(); }, 2, 30s), 2) << "the billing orders go through";
    const auto ops = gateway.client();
    std::string shown;
    // What anyone can read: the provider view, the metrics, answers to bad requests, the orders.
    eventually([&] {
      shown = ops.request("GET", "/v1/providers", std::nullopt, bearer(tenant.ops)).body;
      return shown.find("unauthorized") != std::string::npos && shown.find("token request") != std::string::npos;
    }, true, 30s);
    shown += ops.request("GET", "/metrics").body;
    shown += ops.request("GET", "/v1/redemptions", std::nullopt, bearer(tenant.ops)).body;
    shown += ops.request("POST", "/v1/redemptions", "{", bearer(tenant.cabinet, {{"Idempotency-Key", "x"}})).body;
    EXPECT_NE(shown.find("unauthorized"), std::string::npos) << "the refusals are visible, only not the secrets";
    for (const auto* secret : {"s3cret-basic-password", "s3cret-bearer-token", "s3cret-oauth-client", "s3cret-api-key-in-env"})
      EXPECT_EQ(shown.find(secret), std::string::npos) << secret << " shown";
  }
  std::ifstream log(dir / "gateway.log");
  const std::string logged{std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>()};
  EXPECT_FALSE(logged.empty());
  for (const auto* secret : {"s3cret-basic-password", "s3cret-bearer-token", "s3cret-oauth-client", "s3cret-api-key-in-env"})
    EXPECT_EQ(logged.find(secret), std::string::npos) << secret << " logged";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rgw::test
