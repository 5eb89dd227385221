// The gateway over real HTTP against the real database: auth matrix, idempotent credits under concurrency,
// input validation, pagination, limits.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <set>
#include <thread>

#include "tests/support/gateway.hpp"

namespace rgw::test {
namespace {

class Api : public ::testing::Test {
 protected:
  void SetUp() override {
    RGW_REQUIRE_DATABASE();
    gateway = std::make_unique<Gateway>();
    client = gateway->client();
    tenant = make_tenant(client, gateway->bootstrap_key);
  }

  Reply credit(const std::string& key, const std::string& idem, const nlohmann::json& body, const std::string& account = {}) const {
    return client.request("POST", "/v1/accounts/" + (account.empty() ? tenant.account_id : account) + "/credits", body.dump(),
                          bearer(key, {{"Idempotency-Key", idem}}));
  }

  std::int64_t balance() const {
    return client.request("GET", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(tenant.admin)).json()["balance"];
  }

  std::vector<nlohmann::json> all_entries() const {
    std::vector<nlohmann::json> out;
    std::string target = "/v1/accounts/" + tenant.account_id + "/ledger?limit=500";
    for (;;) {
      auto page = client.request("GET", target, std::nullopt, bearer(tenant.admin)).json();
      for (auto& e : page["items"]) out.push_back(e);
      if (page["next_cursor"].is_null()) return out;
      target = "/v1/accounts/" + tenant.account_id + "/ledger?limit=500&cursor=" + page["next_cursor"].get<std::string>();
    }
  }

  static void expect_problem(const Reply& r, unsigned status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    if (r.header("content-type") == "application/problem+json") {
      EXPECT_EQ(r.json()["code"], code) << r.body;
      EXPECT_EQ(r.json()["status"], status);
    }
  }

  std::unique_ptr<Gateway> gateway;
  Client client;
  Tenant tenant;
};

TEST_F(Api, HealthAndReadiness) {
  EXPECT_EQ(client.request("GET", "/healthz").status, 200u);
  auto ready = client.request("GET", "/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(ready.json()["checks"]["database"], "ok");
}

TEST_F(Api, RequestIdIsEchoedOrGenerated) {
  auto echoed = client.request("GET", "/healthz", std::nullopt, {{"X-Request-Id", "trace-abc-123"}});
  EXPECT_EQ(echoed.header("x-request-id"), "trace-abc-123");
  auto generated = client.request("GET", "/healthz");
  EXPECT_TRUE(generated.header("x-request-id").starts_with("req_"));
  auto problem = client.request("GET", "/v1/nowhere");
  EXPECT_TRUE(problem.header("x-request-id").starts_with("req_"));
  expect_problem(problem, 404, "not_found");
}

TEST_F(Api, NoUnknownOrRevokedKeyIsUnauthorized) {
  const auto account = "/v1/accounts/" + tenant.account_id;
  expect_problem(client.request("GET", account), 401, "unauthorized");
  expect_problem(client.request("GET", account, std::nullopt, bearer("rgw_not-a-real-key")), 401, "unauthorized");
  expect_problem(client.request("GET", account, std::nullopt, {{"Authorization", "Basic Zm9vOmJhcg=="}}), 401, "unauthorized");
  EXPECT_EQ(client.request("GET", account, std::nullopt, bearer(tenant.cabinet)).status, 200u);

  // Revoke the cabinet key: the process that revoked refuses it at once.
  auto created = client.request("POST", "/v1/programs/" + tenant.program_id + "/api-keys", R"({"role":"cabinet"})", bearer(tenant.admin));
  ASSERT_EQ(created.status, 201u);
  const std::string key = created.json()["key"], id = created.json()["id"];
  EXPECT_EQ(client.request("GET", account, std::nullopt, bearer(key)).status, 200u);
  EXPECT_EQ(client.request("DELETE", "/v1/api-keys/" + id, std::nullopt, bearer(tenant.admin)).status, 204u);
  expect_problem(client.request("GET", account, std::nullopt, bearer(key)), 401, "unauthorized");
}

TEST_F(Api, RevocationReachesOtherProcessesWithinFiveSeconds) {
  Gateway other;  // a second gateway process on the same database
  const auto account = "/v1/accounts/" + tenant.account_id;
  auto created = client.request("POST", "/v1/programs/" + tenant.program_id + "/api-keys", R"({"role":"cabinet"})", bearer(tenant.admin));
  const std::string key = created.json()["key"], id = created.json()["id"];
  ASSERT_EQ(other.client().request("GET", account, std::nullopt, bearer(key)).status, 200u);  // now cached there
  ASSERT_EQ(client.request("DELETE", "/v1/api-keys/" + id, std::nullopt, bearer(tenant.admin)).status, 204u);
  const auto revoked = std::chrono::steady_clock::now();
  unsigned status = 200;
  while (status == 200 && std::chrono::steady_clock::now() - revoked < std::chrono::seconds(6))
    status = other.client().request("GET", account, std::nullopt, bearer(key)).status;
  EXPECT_EQ(status, 401u);
  EXPECT_LT(std::chrono::steady_clock::now() - revoked, std::chrono::seconds(5));
}

TEST_F(Api, WrongRoleIsForbidden) {
  const auto account = "/v1/accounts/" + tenant.account_id;
  expect_problem(client.request("GET", account, std::nullopt, bearer(tenant.finance)), 403, "forbidden");
  expect_problem(client.request("GET", account, std::nullopt, bearer(tenant.ops)), 403, "forbidden");
  expect_problem(credit(tenant.cabinet, "k-" + unique_suffix(), {{"points", 5}, {"reason", "x"}}), 403, "forbidden");
  expect_problem(client.request("POST", "/v1/accounts", R"({"external_ref":"x","name":"y"})", bearer(tenant.cabinet)), 403, "forbidden");
  expect_problem(client.request("POST", "/v1/programs", "{}", bearer(tenant.admin)), 403, "forbidden");
  // The bootstrap key manages programs, not a program's accounts.
  expect_problem(client.request("GET", account, std::nullopt, bearer(gateway->bootstrap_key)), 403, "forbidden");
  expect_problem(client.request("POST", "/v1/programs/" + tenant.program_id + "/api-keys", R"({"role":"admin"})", bearer(tenant.cabinet)),
                 403, "forbidden");
}

TEST_F(Api, AnotherProgramsResourcesAreNotFound) {
  const Tenant other = make_tenant(client, gateway->bootstrap_key);
  expect_problem(client.request("GET", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(other.admin)), 404, "not_found");
  expect_problem(client.request("GET", "/v1/accounts/" + tenant.account_id + "/ledger", std::nullopt, bearer(other.cabinet)), 404,
                 "not_found");
  expect_problem(credit(other.admin, "k-" + unique_suffix(), {{"points", 5}, {"reason", "x"}}), 404, "not_found");
  expect_problem(client.request("POST", "/v1/programs/" + tenant.program_id + "/api-keys", R"({"role":"admin"})", bearer(other.admin)),
                 404, "not_found");
  auto key = client.request("POST", "/v1/programs/" + tenant.program_id + "/api-keys", R"({"role":"ops"})", bearer(tenant.admin));
  expect_problem(client.request("DELETE", "/v1/api-keys/" + key.json()["id"].get<std::string>(), std::nullopt, bearer(other.admin)), 404,
                 "not_found");
  EXPECT_EQ(balance(), 0);
}

TEST_F(Api, HundredConcurrentCreditsWithOneKeyCreditOnce) {
  const std::string idem = "bonus-" + unique_suffix();
  const nlohmann::json body = {{"points", 5000}, {"reason", "Q3 volume bonus"}};
  std::vector<Reply> replies(100);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < replies.size(); ++i) threads.emplace_back([&, i] { replies[i] = credit(tenant.admin, idem, body); });
  for (auto& t : threads) t.join();

  std::set<std::string> created_bodies;
  int created = 0, in_progress = 0;
  for (const auto& r : replies) {
    if (r.status == 201) {
      ++created;
      created_bodies.insert(r.body);
    } else {
      expect_problem(r, 409, "idempotency_in_progress");
      ++in_progress;
    }
  }
  EXPECT_GE(created, 1);
  EXPECT_EQ(created + in_progress, 100);
  EXPECT_EQ(created_bodies.size(), 1u) << "every 201 carries the first response";
  // A late repeat replays, marked as such.
  auto late = credit(tenant.admin, idem, body);
  EXPECT_EQ(late.status, 201u);
  EXPECT_EQ(late.body, *created_bodies.begin());
  EXPECT_EQ(late.header("idempotent-replayed"), "true");

  EXPECT_EQ(all_entries().size(), 1u);
  EXPECT_EQ(balance(), 5000);
}

TEST_F(Api, IdempotencyKeyRules) {
  const nlohmann::json body = {{"points", 10}, {"reason", "r"}};
  expect_problem(client.request("POST", "/v1/accounts/" + tenant.account_id + "/credits", body.dump(), bearer(tenant.admin)), 400,
                 "idempotency_key_required");
  expect_problem(client.request("POST", "/v1/accounts/" + tenant.account_id + "/credits", body.dump(),
                                bearer(tenant.admin, {{"Idempotency-Key", "a"}, {"Idempotency-Key", "b"}})),
                 400, "idempotency_key_required");
  expect_problem(credit(tenant.admin, std::string(256, 'k'), body), 400, "idempotency_key_required");

  const std::string idem = "k-" + unique_suffix();
  EXPECT_EQ(credit(tenant.admin, idem, body).status, 201u);
  expect_problem(credit(tenant.admin, idem, {{"points", 11}, {"reason", "r"}}), 422, "idempotency_key_reuse");
  // Same key in another program is another key.
  const Tenant other = make_tenant(client, gateway->bootstrap_key);
  EXPECT_EQ(credit(other.admin, idem, body, other.account_id).status, 201u);
  // A failed request leaves the key unclaimed: nothing was committed under it.
  const std::string fresh = "k-" + unique_suffix();
  expect_problem(credit(tenant.admin, fresh, body, "acc_missing"), 404, "not_found");
  EXPECT_EQ(credit(tenant.admin, fresh, body).status, 201u);
  EXPECT_EQ(balance(), 20);
}

TEST_F(Api, BadInputIsRefusedNeverA500) {
  const auto post = [&](const std::string& body, const std::string& type = "application/json") {
    return client.request("POST", "/v1/accounts/" + tenant.account_id + "/credits", body,
                          bearer(tenant.admin, {{"Idempotency-Key", "k-" + unique_suffix()}, {"Content-Type", type}}));
  };
  for (const std::string body : {"{", "not json", "[]", "\"points\"", R"({"points": "5000", "reason": "x"})",
                                 R"({"points": 5000.5, "reason": "x"})", R"({"points": 1e3, "reason": "x"})",
                                 R"({"points": 0, "reason": "x"})", R"({"points": -5, "reason": "x"})",
                                 R"({"points": 1000000000001, "reason": "x"})", R"({"points": 99999999999999999999999, "reason": "x"})",
                                 R"({"points": 18446744073709551615, "reason": "x"})", R"({"points": null, "reason": "x"})",
                                 R"({"reason": "x"})", R"({"points": 5})", R"({"points": 5, "reason": ""})",
                                 R"({"points": 5, "reason": 7})", R"({"points": 5, "reason": "x", "bonus": true})",
                                 R"({"points": 5, "reason": "x", "expires_at": "2020-01-01T00:00:00Z"})",
                                 R"({"points": 5, "reason": "x", "expires_at": "2030-01-01"})",
                                 R"({"points": 5, "reason": "x", "expires_at": "2030-01-01T00:00:00"})",
                                 R"({"points": 5, "reason": "x", "expires_at": "2030-13-01T00:00:00Z"})",
                                 "{\"points\": 5, \"reason\": \"\xff\xfe\"}"}) {
    expect_problem(post(body), 400, "invalid_request");
  }
  expect_problem(post(R"({"points": 5, "reason": "x"})", "text/plain"), 400, "invalid_request");
  std::string deep(100, '[');
  expect_problem(post(R"({"points": 5, "reason": "x", "n": )" + deep + std::string(100, ']') + "}"), 400, "invalid_request");
  expect_problem(post(std::string(1024 * 1024, ' ')), 413, "payload_too_large");

  const auto program = [&](nlohmann::json patch) {
    nlohmann::json body = {{"name", "P"}, {"base_currency", "EUR"}, {"point_value", {{"amount", "0.01"}, {"currency", "EUR"}}},
                           {"timezone", "Europe/Berlin"}};
    body.merge_patch(patch);
    return client.request("POST", "/v1/programs", body.dump(), bearer(gateway->bootstrap_key));
  };
  EXPECT_EQ(program(nlohmann::json::object()).status, 201u);
  for (const auto& patch : {nlohmann::json{{"base_currency", "EURO"}}, nlohmann::json{{"base_currency", "XXX"}},
                            nlohmann::json{{"timezone", "Mars/Olympus"}}, nlohmann::json{{"fx_markup_bps", -1}},
                            nlohmann::json{{"fx_markup_bps", 10001}}, nlohmann::json{{"point_value", {{"amount", "0"}, {"currency", "EUR"}}}},
                            nlohmann::json{{"point_value", {{"amount", "-1"}, {"currency", "EUR"}}}},
                            nlohmann::json{{"point_value", {{"amount", "1e-2"}, {"currency", "EUR"}}}},
                            nlohmann::json{{"point_value", {{"amount", "0.01"}, {"currency", "USD"}}}},
                            nlohmann::json{{"point_value", "0.01"}}, nlohmann::json{{"name", nullptr}}}) {
    expect_problem(program(patch), 400, "invalid_request");
  }
  expect_problem(client.request("POST", "/v1/programs/" + tenant.program_id + "/api-keys", R"({"role":"root"})", bearer(tenant.admin)), 400,
                 "invalid_request");
  expect_problem(client.request("GET", "/v1/accounts/" + tenant.account_id + "/ledger?limit=0", std::nullopt, bearer(tenant.admin)), 400,
                 "invalid_request");
  expect_problem(client.request("GET", "/v1/accounts/" + tenant.account_id + "/ledger?limit=501", std::nullopt, bearer(tenant.admin)), 400,
                 "invalid_request");
  expect_problem(client.request("GET", "/v1/accounts/" + tenant.account_id + "/ledger?cursor=zzz", std::nullopt, bearer(tenant.admin)),
                 400, "invalid_request");
  expect_problem(client.request("DELETE", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(tenant.admin)), 405,
                 "method_not_allowed");
  EXPECT_EQ(balance(), 0);
}

// RFC 9110: a resource that answers GET answers HEAD with the same head and no body; a 405 says what is allowed.
TEST_F(Api, HeadIsAnsweredAsGetWithoutItsBodyAndA405NamesTheAllowedMethods) {
  const auto account = "/v1/accounts/" + tenant.account_id;
  const auto got = client.request("GET", account, std::nullopt, bearer(tenant.admin));
  ASSERT_EQ(got.status, 200u);
  const auto head = client.request("HEAD", account, std::nullopt, bearer(tenant.admin));
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("content-length"), std::to_string(got.body.size()));
  EXPECT_EQ(head.header("content-type"), got.header("content-type"));
  EXPECT_EQ(client.request("HEAD", account, std::nullopt, bearer(tenant.cabinet + "x")).status, 401u) << "HEAD is authenticated as GET";
  const auto refused = client.request("DELETE", account, std::nullopt, bearer(tenant.admin));
  EXPECT_EQ(refused.status, 405u);
  EXPECT_EQ(refused.header("allow"), "GET, HEAD, PATCH");
  EXPECT_EQ(client.request("PUT", "/v1/redemptions", "{}", bearer(tenant.admin)).header("allow"), "GET, HEAD, POST");
}

TEST_F(Api, DuplicateExternalRefConflicts) {
  const nlohmann::json body = {{"external_ref", "dup-" + unique_suffix()}, {"name", "A"}};
  EXPECT_EQ(client.request("POST", "/v1/accounts", body.dump(), bearer(tenant.admin)).status, 201u);
  expect_problem(client.request("POST", "/v1/accounts", body.dump(), bearer(tenant.admin)), 409, "conflict");
}

TEST_F(Api, LedgerPagesNewestFirstAndSumsToTheBalance) {
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(credit(tenant.admin, "k-" + unique_suffix(), {{"points", i * 100}, {"reason", "r"}}).status, 201u);
  std::vector<std::int64_t> seen;
  std::string target = "/v1/accounts/" + tenant.account_id + "/ledger?limit=2";
  std::vector<std::size_t> page_sizes;
  for (;;) {
    auto page = client.request("GET", target, std::nullopt, bearer(tenant.cabinet)).json();
    page_sizes.push_back(page["items"].size());
    for (auto& e : page["items"]) seen.push_back(e["points"]);
    if (page["next_cursor"].is_null()) break;
    target = "/v1/accounts/" + tenant.account_id + "/ledger?limit=2&cursor=" + page["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{2, 2, 1}));
  EXPECT_EQ(seen, (std::vector<std::int64_t>{500, 400, 300, 200, 100}));
  EXPECT_EQ(balance(), 1500);
  auto newest = all_entries().front();
  EXPECT_EQ(newest["balance_after"], 1500);
  EXPECT_EQ(newest["kind"], "credit");
}

TEST_F(Api, ExpiringPointsAreShownSoonestFirst) {
  ASSERT_EQ(credit(tenant.admin, "k-" + unique_suffix(), {{"points", 300}, {"reason", "r"}, {"expires_at", "2031-06-30T23:59:59+03:00"}}).status,
            201u);
  ASSERT_EQ(credit(tenant.admin, "k-" + unique_suffix(), {{"points", 200}, {"reason", "r"}, {"expires_at", "2030-01-01T00:00:00Z"}}).status,
            201u);
  ASSERT_EQ(credit(tenant.admin, "k-" + unique_suffix(), {{"points", 100}, {"reason", "r"}}).status, 201u);
  auto account = client.request("GET", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(tenant.cabinet)).json();
  EXPECT_EQ(account["balance"], 600);
  ASSERT_EQ(account["expiring"].size(), 2u);
  EXPECT_EQ(account["expiring"][0], (nlohmann::json{{"points", 200}, {"expires_at", "2030-01-01T00:00:00Z"}}));
  EXPECT_EQ(account["expiring"][1], (nlohmann::json{{"points", 300}, {"expires_at", "2031-06-30T20:59:59Z"}}));
}

TEST(ApiRateLimit, OverTheKeysRateIs429WithRetryAfter) {
  RGW_REQUIRE_DATABASE();
  Gateway gateway([](app::Config& c) {
    c.settings.rate_limit_per_second = 1;
    c.settings.rate_limit_burst = 20;
  });
  auto client = gateway.client();
  const Tenant t = make_tenant(client, gateway.bootstrap_key);  // the bootstrap key has a bucket of its own
  Reply last;
  int allowed = 0;
  for (int i = 0; i < 25 && last.status != 429; ++i) {
    last = client.request("GET", "/v1/accounts/" + t.account_id, std::nullopt, bearer(t.cabinet));
    allowed += last.status == 200;
  }
  EXPECT_EQ(last.status, 429u);
  EXPECT_EQ(last.json()["code"], "rate_limited");
  EXPECT_EQ(last.header("retry-after"), "1");
  EXPECT_GE(allowed, 20);
  EXPECT_EQ(client.request("GET", "/v1/accounts/" + t.account_id, std::nullopt, bearer(t.admin)).status, 200u) << "other keys are unaffected";
}

}  // namespace
}  // namespace rgw::test
