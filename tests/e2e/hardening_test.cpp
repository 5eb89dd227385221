// What an outside probe found (issue 12), each as a test that failed before its fix: key look-ups that stampede
// the database, webhook URLs that inject headers or reach internal addresses, bytes that made 500s.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

#include "tests/support/gateway.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* lookups = "rewardgw_api_key_lookups_total";

class Hardening : public ::testing::Test {
 protected:
  virtual void adjust(app::Config&) {}
  void SetUp() override {
    RGW_REQUIRE_DATABASE();
    gateway = std::make_unique<Gateway>([this](app::Config& c) { adjust(c); });
    client = gateway->client();
    tenant = make_tenant(client, gateway->bootstrap_key);
  }
  // `threads` clients at once, `each` requests each; returns the statuses seen, counted.
  std::map<unsigned, int> burst(const std::string& target, const std::string& key, int threads, int each) const {
    std::mutex mutex;
    std::map<unsigned, int> seen;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&] {
        for (int i = 0; i < each; ++i) {
          const auto status = client.request("GET", target, std::nullopt, bearer(key)).status;
          std::lock_guard lock(mutex);
          ++seen[status];
        }
      });
    for (auto& t : pool) t.join();
    return seen;
  }
  std::unique_ptr<Gateway> gateway;
  Client client;
  Tenant tenant;
};

class KeyCache : public Hardening {
 protected:
  void adjust(app::Config& c) override { c.key_cache_ttl = 1s; }
};

// One look-up per key at a time: a cold key asked by 48 clients at once, and its re-checks falling due under load,
// cost a handful of look-ups, not one per request.
TEST_F(KeyCache, OneLookupPerKeyAtATimeWhateverTheLoad) {
  const auto before = counter_value(client, lookups);
  const auto started = std::chrono::steady_clock::now();
  const auto seen = burst("/v1/fx/rates", tenant.cabinet, 48, 40);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_NE(seen.count(200u) + seen.count(503u), 0u);
  EXPECT_EQ(seen.count(401u), 0u);
  const auto made = counter_value(client, lookups) - before;
  // The first look-up, then at most one re-check per ttl (1 s) while the burst lasts.
  EXPECT_LE(made, 2 + static_cast<std::uint64_t>(seconds)) << made << " look-ups for 1,920 requests in " << seconds << " s";
}

// A revoked key is refused at once although re-checks are single-flight; an unknown key is remembered, not
// looked up again and again.
TEST_F(KeyCache, ARevokedKeyIsRefusedAndAnUnknownOneStaysUnknown) {
  const auto created = client.request("POST", "/v1/programs/" + tenant.program_id + "/api-keys", nlohmann::json{{"role", "cabinet"}}.dump(),
                                      bearer(gateway->bootstrap_key)).json();
  const std::string key = created["key"];
  EXPECT_NE(client.request("GET", "/v1/fx/rates", std::nullopt, bearer(key)).status, 401u);
  EXPECT_EQ(client.request("DELETE", "/v1/api-keys/" + created["id"].get<std::string>(), std::nullopt, bearer(tenant.admin)).status, 204u);
  EXPECT_EQ(client.request("GET", "/v1/fx/rates", std::nullopt, bearer(key)).status, 401u);

  const auto made_up = "rgw_made_up_" + unique_suffix();
  EXPECT_EQ(client.request("GET", "/v1/fx/rates", std::nullopt, bearer(made_up)).status, 401u);
  const auto before = counter_value(client, lookups);
  EXPECT_EQ(burst("/v1/fx/rates", made_up, 8, 10), (std::map<unsigned, int>{{401u, 80}}));
  EXPECT_LE(counter_value(client, lookups) - before, 2u) << "an unknown key is remembered for the ttl";
}

class UnknownKeys : public Hardening {
 protected:
  void adjust(app::Config& c) override { c.key_lookups_per_s = 5; }
};

// Made-up keys cannot drain the database pool: past the per-address limit they are refused before any look-up.
TEST_F(UnknownKeys, AreLimitedPerAddressBeforeTheDatabase) {
  ASSERT_EQ(client.request("GET", "/v1/fx/rates", std::nullopt, bearer(tenant.cabinet)).status != 401, true);  // cached now
  const auto before = counter_value(client, lookups);
  std::map<unsigned, int> seen;
  std::optional<Reply> throttled;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 60; ++i) {
    auto reply = client.request("GET", "/v1/fx/rates", std::nullopt, bearer("rgw_guess_" + std::to_string(i)));
    ++seen[reply.status];
    if (reply.status == 429u && !throttled) throttled = std::move(reply);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // A burst of twice the rate (10), then 5 a second: everything beyond that is refused before the database.
  const auto allowed = 10 + static_cast<int>(5 * seconds) + 1;
  EXPECT_LE(seen[401u], allowed) << "in " << seconds << " s";
  EXPECT_EQ(seen[401u] + seen[429u], 60);
  ASSERT_TRUE(throttled);
  EXPECT_FALSE(throttled->header("retry-after").empty());
  EXPECT_EQ(throttled->json()["code"], "rate_limited");
  EXPECT_LE(counter_value(client, lookups) - before, static_cast<std::uint64_t>(allowed));
  EXPECT_EQ(counter_value(client, "rewardgw_api_key_lookups_throttled_total"), static_cast<std::uint64_t>(seen[429u]));
  EXPECT_NE(client.request("GET", "/v1/fx/rates", std::nullopt, bearer(tenant.cabinet)).status, 429u) << "a cached key still works";
}

// Bytes PostgreSQL cannot store as text were a 500 (SQLSTATE 22021) on every route that took an id or a text
// parameter; now they are refused at the edge.
TEST_F(Hardening, BadBytesAreRefusedAtTheEdgeNot500) {
  for (const std::string target : {"/v1/redemptions/\xff", "/v1/accounts/\xff", "/v1/accounts/\xff/ledger", "/v1/quotes/\xff",
                                   "/v1/reconciliations/\xff", "/v1/catalog/\xff\xfe", "/v1/redemptions/%ff"}) {
    const auto reply = client.request("GET", target, std::nullopt, bearer(tenant.admin));
    EXPECT_TRUE(reply.status == 404u || reply.status == 403u) << target << " " << reply.status << " " << reply.body;
  }
  EXPECT_EQ(client.request("POST", "/v1/redemptions/\xff/reveal", std::nullopt, bearer(tenant.cabinet)).status, 404u);
  EXPECT_EQ(client.request("DELETE", "/v1/api-keys/\xff", std::nullopt, bearer(tenant.admin)).status, 404u);
  for (const std::string query : {"/v1/redemptions?account_id=%ff", "/v1/redemptions?account_id=%00", "/v1/redemptions?status=%C0%AF",
                                  "/v1/redemptions?cursor=c0009"}) {
    const auto reply = client.request("GET", query, std::nullopt, bearer(tenant.admin));
    EXPECT_EQ(reply.status, 400u) << query << " " << reply.body;
  }
  EXPECT_EQ(client.request("GET", "/v1/reconciliations?provider=%ff", std::nullopt, bearer(tenant.finance)).status, 400u);
}

// A NUL cut stored text short (two accounts' external_refs collided); a member named twice was read as its last.
TEST_F(Hardening, NulAndDuplicateMembersAreRefused) {
  const auto nul = client.request("POST", "/v1/accounts", R"({"external_ref": "crm-1\u0000x", "name": "A"})", bearer(tenant.admin));
  EXPECT_EQ(nul.status, 400u) << nul.body;
  const auto reason = client.request("POST", "/v1/accounts/" + tenant.account_id + "/credits", R"({"points": 5, "reason": "ok\u0000cut"})",
                                     bearer(tenant.admin, {{"Idempotency-Key", "nul-1"}}));
  EXPECT_EQ(reason.status, 400u) << reason.body;
  const auto twice = client.request("POST", "/v1/accounts/" + tenant.account_id + "/credits", R"({"points": 5, "points": 500000, "reason": "x"})",
                                    bearer(tenant.admin, {{"Idempotency-Key", "dup-1"}}));
  EXPECT_EQ(twice.status, 400u) << twice.body;
  EXPECT_NE(twice.body.find("appears twice"), std::string::npos) << twice.body;
  EXPECT_EQ(client.request("GET", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(tenant.admin)).json()["balance"], 0) << "nothing credited";
}

// Answers that carry a secret are not to be kept by any cache.
TEST_F(Hardening, SecretsAreSentWithNoStore) {
  const auto key = client.request("POST", "/v1/programs/" + tenant.program_id + "/api-keys", nlohmann::json{{"role", "ops"}}.dump(),
                                  bearer(gateway->bootstrap_key));
  ASSERT_EQ(key.status, 201u);
  EXPECT_EQ(key.header("cache-control"), "no-store");
  const nlohmann::json hooked = {{"name", "Hooked " + unique_suffix()}, {"base_currency", "EUR"}, {"point_value", {{"amount", "0.01"}, {"currency", "EUR"}}},
                                 {"timezone", "Europe/Berlin"}, {"webhook_url", "https://hooks.example.com/rgw"}};
  const auto program = client.request("POST", "/v1/programs", hooked.dump(), bearer(gateway->bootstrap_key));
  ASSERT_EQ(program.status, 201u) << program.body;
  EXPECT_EQ(program.header("cache-control"), "no-store");
}

}  // namespace
}  // namespace rgw::test
