// After the 202: the dispatcher takes each order to a final status through the sandbox provider — rewards sealed
// and masked, refusals reversed exactly once, failover only after a known failure, webhooks signed and retried,
// and a thousand orders through every fault kind ending final with the books balanced.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "gateway/core/digest.hpp"
#include "gateway/net/server.hpp"
#include "providers/sandbox/sandbox.hpp"
#include "tests/e2e/redemption_fixture.hpp"
#include "tests/support/allocator.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

const pg::Query order_row{"t_order_row",
                          "SELECT status, provider, provider_key, reward_sealed, reward_key_id, reward_masked::text AS masked,"
                          "       array_to_string(failed_providers, ',') AS failed_providers,"
                          "       (SELECT count(*) FROM dispatch_attempts a WHERE a.redemption_id = r.id) AS attempts,"
                          "       (SELECT string_agg(a.provider || ':' || a.call || ':' || coalesce(a.outcome, '-'), ' ' ORDER BY a.id)"
                          "          FROM dispatch_attempts a WHERE a.redemption_id = r.id) AS history,"
                          "       (SELECT count(*) FROM audit_log v WHERE v.action = 'reward.reveal' AND v.target = r.id) AS reveals"
                          " FROM redemptions r WHERE id = $1"};

class Dispatch : public RedemptionFixture {
 protected:
  std::string status_of(const std::string& id) const {
    return client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.cabinet)).json()["status"];
  }
  // Waits for a final status and returns it.
  std::string final_status(const std::string& id) const {
    auto status = [&] {
      const auto s = status_of(id);
      return s == "issued" || s == "failed" ? s : std::string("pending");
    };
    return eventually([&] { return status() != "pending"; }, true, 30s) ? status() : "not final";
  }
  pg::Row order(const std::string& id) const { return query(order_row, id).front(); }
};

TEST_F(Dispatch, AnIssuedRewardIsSealedMaskedAndRevealedOnlyToTheCabinetWithAnAuditEntry) {
  credit(5'000);
  const std::string id = redeem("r1").json()["id"];
  ASSERT_EQ(final_status(id), "issued");
  const auto shown = client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.ops)).json();
  EXPECT_EQ(shown["provider"], "sandbox");
  EXPECT_GE(shown["attempts"], 1);
  EXPECT_FALSE(shown["issued_at"].is_null());
  const std::string masked = shown["reward"]["code"];
  EXPECT_TRUE(masked.starts_with("****-")) << masked;
  EXPECT_EQ(shown["reward"]["url"], "https://sandbox.rewardgw.invalid/****");

  const auto row = order(id);
  const auto issued_by_sandbox = providers::sandbox_issued(gateway->records("sandbox"));
  ASSERT_EQ(issued_by_sandbox.count(std::string(row.text("provider_key"))), 1u);
  const auto& code = issued_by_sandbox.at(std::string(row.text("provider_key")));
  EXPECT_EQ(std::string(row.text("reward_sealed")).find(code), std::string::npos) << "sealed at rest";
  EXPECT_EQ(row.text("reward_key_id"), "test");
  EXPECT_EQ(row.int64("reveals"), 0);

  EXPECT_EQ(client.request("POST", "/v1/redemptions/" + id + "/reveal", std::nullopt, bearer(tenant.ops)).status, 403u);
  EXPECT_EQ(client.request("POST", "/v1/redemptions/" + id + "/reveal", std::nullopt, bearer(tenant.finance)).status, 403u);
  // Two reveals under one client X-Request-Id: each audit row has our own unique id, and the client's beside it.
  const auto revealed = client.request("POST", "/v1/redemptions/" + id + "/reveal", std::nullopt, bearer(tenant.cabinet, {{"X-Request-Id", "cab-1"}}));
  ASSERT_EQ(revealed.status, 200u) << revealed.body;
  EXPECT_EQ(revealed.header("x-request-id"), "cab-1") << "echoed";
  EXPECT_EQ(revealed.header("cache-control"), "no-store");
  EXPECT_EQ(revealed.json()["code"], code) << "what the provider issued";
  EXPECT_EQ(masked, "****-" + code.substr(code.size() - 4));
  EXPECT_EQ(revealed.json()["pin"].get<std::string>().size(), 4u);
  EXPECT_EQ(order(id).int64("reveals"), 1) << "audited";
  ASSERT_EQ(client.request("POST", "/v1/redemptions/" + id + "/reveal", std::nullopt, bearer(tenant.cabinet, {{"X-Request-Id", "cab-1"}})).status, 200u);
  const pg::Query audit_ids{"t_audit_ids",
                            "SELECT count(DISTINCT request_id) AS ours, count(*) FILTER (WHERE request_id LIKE 'req_%') AS generated,"
                            "       string_agg(DISTINCT detail->>'client_request_id', ',') AS theirs FROM audit_log"
                            " WHERE action = 'reward.reveal' AND target = $1"};
  const auto ids = query(audit_ids, id).front();
  EXPECT_EQ(ids.int64("ours"), 2) << "two reveals, two ids of ours";
  EXPECT_EQ(ids.int64("generated"), 2);
  EXPECT_EQ(ids.text("theirs"), "cab-1");
  const Tenant other = make_tenant(client, gateway->bootstrap_key);
  EXPECT_EQ(client.request("POST", "/v1/redemptions/" + id + "/reveal", std::nullopt, bearer(other.cabinet)).status, 404u);
  EXPECT_EQ(order(id).int64("reveals"), 2) << "a refused reveal is not a reveal";
}

TEST_F(Dispatch, ARefusedOrderFailsAndItsPointsComeBackExactlyOnce) {
  auto refused = voucher;
  refused["routes"] = {{{"provider", "sandbox"}, {"provider_sku", "SBX-REFUSED-AMZ"}}};
  ASSERT_EQ(client.request("PUT", "/v1/catalog/GONE", refused.dump(), bearer(tenant.admin)).status, 201u);
  credit(3'000, "2030-01-01T00:00:00Z");
  const std::string id = redeem("gone", {{"account_id", tenant.account_id}, {"sku", "GONE"}, {"face_value", ten_eur}}).json()["id"];
  ASSERT_EQ(final_status(id), "failed");
  const auto shown = client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.cabinet)).json();
  EXPECT_EQ(shown["failure"]["code"], "rejected");
  EXPECT_TRUE(shown["reward"].is_null());
  EXPECT_EQ(client.request("POST", "/v1/redemptions/" + id + "/reveal", std::nullopt, bearer(tenant.cabinet)).status, 409u);
  const auto t = totals();
  EXPECT_EQ(t.int64("balance"), 3'000) << "the points are back";
  EXPECT_EQ(t.int64("lots"), 3'000) << "in the lot they came from";
  EXPECT_EQ(t.int64("ledger"), 3'000);
  EXPECT_EQ(t.int64("reversals"), 1);
  EXPECT_EQ(t.int64("jobs"), 0);
  const auto ledger = client.request("GET", "/v1/accounts/" + tenant.account_id + "/ledger", std::nullopt, bearer(tenant.cabinet)).json()["items"];
  EXPECT_EQ(ledger[0]["kind"], "reversal");
  EXPECT_EQ(ledger[0]["points"], 1000);
  EXPECT_EQ(ledger[0]["redemption_id"], id);
  EXPECT_TRUE(providers::sandbox_issued(gateway->records("sandbox")).empty());
}

class Failover : public Dispatch {
 protected:
  // Three sandboxes: `sandbox` (well), `flaky` (every answer lost after the order is made), `backup` (well).
  void adjust(app::Config& c) override {
    const std::string sandbox_dir = c.providers["sandbox"]["record_dir"];
    const auto dir = sandbox_dir.substr(0, sandbox_dir.rfind('/'));
    c.providers["flaky"] = {{"kind", "sandbox"}, {"record_dir", dir + "/flaky"}, {"faults", {{"lost", 1.0}}}};
    c.providers["backup"] = {{"kind", "sandbox"}, {"record_dir", dir + "/backup"}};
  }
};

TEST_F(Failover, MovesToTheNextRouteOnlyAfterAKnownFailure) {
  auto refused_first = voucher;
  refused_first["routes"] = {{{"provider", "sandbox"}, {"provider_sku", "SBX-REFUSED-1"}, {"priority", 1}},
                             {{"provider", "backup"}, {"provider_sku", "BK-1"}, {"priority", 2}}};
  auto unknown_first = voucher;
  unknown_first["routes"] = {{{"provider", "flaky"}, {"provider_sku", "FL-1"}, {"priority", 1}},
                             {{"provider", "backup"}, {"provider_sku", "BK-1"}, {"priority", 2}}};
  ASSERT_EQ(client.request("PUT", "/v1/catalog/REFUSED-FIRST", refused_first.dump(), bearer(tenant.admin)).status, 201u);
  ASSERT_EQ(client.request("PUT", "/v1/catalog/UNKNOWN-FIRST", unknown_first.dump(), bearer(tenant.admin)).status, 201u);
  credit(5'000);
  const std::string a = redeem("a", {{"account_id", tenant.account_id}, {"sku", "REFUSED-FIRST"}, {"face_value", ten_eur}}).json()["id"];
  const std::string b = redeem("b", {{"account_id", tenant.account_id}, {"sku", "UNKNOWN-FIRST"}, {"face_value", ten_eur}}).json()["id"];
  ASSERT_EQ(final_status(a), "issued");
  ASSERT_EQ(final_status(b), "issued");

  const auto refused = order(a);
  EXPECT_EQ(refused.text("provider"), "backup");
  EXPECT_EQ(refused.text("failed_providers"), "sandbox");
  EXPECT_EQ(refused.text("history"), "sandbox:issue:rejected backup:issue:issued");

  const auto lost = order(b);
  EXPECT_EQ(lost.text("provider"), "flaky") << "a lost answer is asked about, never failed over";
  EXPECT_EQ(lost.text("history"), "flaky:issue:unknown flaky:status:issued");
  const auto backup_record = providers::sandbox_issued(gateway->records("backup"));
  EXPECT_EQ(backup_record.size(), 1u) << "only the refused order reached the backup";
  EXPECT_EQ(backup_record.count(std::string(refused.text("provider_key"))), 1u);
  EXPECT_EQ(providers::sandbox_issued(gateway->records("flaky")).size(), 1u);
}

// A program's webhook endpoint: answers 500 to the first `failures` deliveries, then 204.
class WebhookReceiver {
 public:
  explicit WebhookReceiver(int failures) : failures_(failures) {
    http::ServerConfig config;
    config.port = 0;
    server_ = std::make_unique<http::Server>(std::vector<asio::io_context*>{&io_}, config,
                                             [this](http::Request& r, std::size_t, const asio::ip::address&) { return receive(r); });
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~WebhookReceiver() {
    server_->stop();
    io_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hooks"; }
  std::vector<http::Request> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  asio::awaitable<http::Reply> receive(http::Request& request) {
    std::lock_guard lock(mutex_);
    received_.push_back(request);
    const bool fail = static_cast<int>(received_.size()) <= failures_;
    co_return http::make_response(fail ? http::Status::internal_server_error : http::Status::no_content, "", "text/plain");
  }

  asio::io_context io_{1};
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<http::Request> received_;
  int failures_;
};

// A program of its own with `webhook_url`, and one 10 EUR redemption in it (its webhook secret, its order id).
struct HookedOrder {
  std::string secret, id;
};

class Webhooks : public Dispatch {
 protected:
  Reply create_hooked_program(const std::string& url) const {
    const nlohmann::json program = {{"name", "Hooked " + unique_suffix()},
                                    {"base_currency", "EUR"},
                                    {"point_value", {{"amount", "0.01"}, {"currency", "EUR"}}},
                                    {"timezone", "Europe/Berlin"},
                                    {"webhook_url", url}};
    return client.request("POST", "/v1/programs", program.dump(), bearer(gateway->bootstrap_key));
  }
  // `before_redeem(program_id, admin key)` runs after the program is set up, before the order.
  HookedOrder redeem_in_hooked_program(const std::string& url,
                                       const std::function<void(const std::string&, const std::string&)>& before_redeem = {}) const {
    const auto created = create_hooked_program(url);
    EXPECT_EQ(created.status, 201u) << created.body;
    if (created.status != 201u) return {};
    const std::string program_id = created.json()["id"];
    auto key = [&](const char* role) -> std::string {
      return client.request("POST", "/v1/programs/" + program_id + "/api-keys", nlohmann::json{{"role", role}}.dump(), bearer(gateway->bootstrap_key))
          .json()["key"];
    };
    const auto admin = key("admin"), cabinet = key("cabinet");
    if (before_redeem) before_redeem(program_id, admin);
    const std::string account = client.request("POST", "/v1/accounts", nlohmann::json{{"external_ref", "x"}, {"name", "X"}}.dump(), bearer(admin)).json()["id"];
    EXPECT_EQ(client.request("PUT", "/v1/catalog/AMZ", voucher.dump(), bearer(admin)).status, 201u);
    EXPECT_EQ(client.request("POST", "/v1/accounts/" + account + "/credits", nlohmann::json{{"points", 1000}, {"reason", "test"}}.dump(),
                             bearer(admin, {{"Idempotency-Key", "c1"}})).status,
              201u);
    const auto accepted = client.request("POST", "/v1/redemptions", nlohmann::json{{"account_id", account}, {"sku", "AMZ"}, {"face_value", ten_eur}}.dump(),
                                         bearer(cabinet, {{"Idempotency-Key", "r1"}}));
    EXPECT_EQ(accepted.status, 202u) << accepted.body;
    return {created.json()["webhook_secret"], accepted.json().value("id", "")};
  }
};

const pg::Query delivery_log{"t_deliveries",
                             "SELECT count(*) AS n, count(*) FILTER (WHERE status = 204) AS ok, max(error) AS error,"
                             "       (SELECT count(*) FROM webhook_events WHERE redemption_id = $1 AND delivered_at IS NOT NULL) AS delivered"
                             " FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE e.redemption_id = $1"};

TEST_F(Webhooks, FinalStatusesReachTheWebhookSignedAndRetriedUntilAccepted) {
  WebhookReceiver receiver(2);
  EXPECT_EQ(create_hooked_program("ftp://x").status, 400u);
  const auto hooked = redeem_in_hooked_program(receiver.url());
  const std::string& secret = hooked.secret;
  const std::string& id = hooked.id;
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(secret.starts_with("whsec_"));

  ASSERT_EQ(eventually([&] { return receiver.received().size(); }, std::size_t{3}), 3u) << "two 500s, then accepted";
  const auto deliveries = receiver.received();
  for (const auto& d : deliveries) {
    EXPECT_EQ(d.body(), deliveries.front().body()) << "the same event every time";
    const std::string header(d["Rewardgw-Signature"]);
    const auto comma = header.find(",v1=");
    ASSERT_TRUE(header.starts_with("t=") && comma != std::string::npos) << header;
    const auto t = header.substr(2, comma - 2);
    EXPECT_EQ(header.substr(comma + 4), crypto::hmac_sha256_hex(secret, t + "." + d.body())) << "verifiable with the program's secret";
  }
  EXPECT_EQ(deliveries.front()[http::beast::http::field::host], receiver.url().substr(7, receiver.url().find("/hooks") - 7)) << "Host names the port";
  const auto event = nlohmann::json::parse(deliveries.front().body());
  EXPECT_EQ(event["type"], "redemption.issued");
  EXPECT_EQ(event["data"]["id"], id);
  EXPECT_EQ(event["data"]["status"], "issued");
  EXPECT_TRUE(event["data"]["reward"]["code"].get<std::string>().starts_with("****-")) << "webhooks carry the masked reward";
  const auto log = eventually([&] { return query(delivery_log, id).front().int64("delivered"); }, 1);
  EXPECT_EQ(log, 1);
  EXPECT_EQ(query(delivery_log, id).front().int64("n"), 3) << "every delivery attempt recorded";
  EXPECT_EQ(query(delivery_log, id).front().int64("ok"), 1);
  EXPECT_TRUE(providers::sandbox_issued(gateway->records("sandbox")).size() == 1u);
}

TEST_F(Webhooks, OpsRedeliverAnOrdersEventsOrARangesAndTheReceiverSeesTheSameEventAgain) {
  WebhookReceiver receiver(0);
  std::string ops, admin_key;
  const auto hooked = redeem_in_hooked_program(receiver.url(), [&](const std::string& program_id, const std::string& admin) {
    admin_key = admin;
    ops = client.request("POST", "/v1/programs/" + program_id + "/api-keys", nlohmann::json{{"role", "ops"}}.dump(), bearer(gateway->bootstrap_key))
              .json()["key"];
  });
  ASSERT_EQ(eventually([&] { return query(delivery_log, hooked.id).front().int64("delivered"); }, 1), 1);
  const auto first = nlohmann::json::parse(receiver.received().front().body());
  auto redeliver = [&](const nlohmann::json& body, const std::string& key) {
    return client.request("POST", "/v1/webhooks/redeliver", body.dump(), bearer(key));
  };
  // An event being sent is left to that send, so each step waits until the last delivery is recorded.
  auto recorded = [&](std::int64_t n) { return eventually([&] { return query(delivery_log, hooked.id).front().int64("n"); }, n) == n; };
  EXPECT_EQ(redeliver({{"redemption_id", hooked.id}}, admin_key).status, 202u) << "admin may";
  ASSERT_TRUE(recorded(2));
  const auto by_order = redeliver({{"redemption_id", hooked.id}, {"reason", "the CRM lost it"}}, ops);
  ASSERT_EQ(by_order.status, 202u) << by_order.body;
  EXPECT_EQ(by_order.json()["queued"], 1);
  ASSERT_TRUE(recorded(3));
  const auto again = nlohmann::json::parse(receiver.received().back().body());
  EXPECT_EQ(again["id"], first["id"]) << "the same event, so a receiver that saw it can tell";
  EXPECT_EQ(again, first);

  const auto range = redeliver({{"from", "2000-01-01T00:00:00Z"}, {"to", "2100-01-01T00:00:00Z"}}, ops);
  ASSERT_EQ(range.status, 202u) << range.body;
  EXPECT_EQ(range.json()["queued"], 1) << "the program's events only";
  ASSERT_TRUE(recorded(4));
  EXPECT_EQ(receiver.received().size(), 4u);
  EXPECT_EQ(redeliver({{"from", "2100-01-01T00:00:00Z"}, {"to", "2100-01-02T00:00:00Z"}}, ops).json()["queued"], 0);

  EXPECT_EQ(redeliver(nlohmann::json::object(), ops).status, 400u) << "an order or a range";
  EXPECT_EQ(redeliver({{"redemption_id", hooked.id}, {"from", "2000-01-01T00:00:00Z"}}, ops).status, 400u);
  EXPECT_EQ(redeliver({{"from", "2000-01-02T00:00:00Z"}, {"to", "2000-01-01T00:00:00Z"}}, ops).status, 400u);
  EXPECT_EQ(redeliver({{"redemption_id", hooked.id}}, tenant.cabinet).status, 403u);
  const auto audited = client.request("GET", "/v1/audit?action=webhook.redeliver", std::nullopt, bearer(admin_key)).json()["items"];
  ASSERT_EQ(audited.size(), 4u) << audited.dump();
  EXPECT_EQ(audited[1]["target"], "2000-01-01T00:00:00Z/2100-01-01T00:00:00Z");
  EXPECT_EQ(audited[2]["reason"], "the CRM lost it");
}

// The v1 signatures of a delivery, in order.
std::vector<std::string> signatures(const std::string& header) {
  std::vector<std::string> out;
  for (std::size_t at = header.find(",v1="); at != std::string::npos; at = header.find(",v1=", at + 4))
    out.push_back(header.substr(at + 4, header.find(',', at + 4) - at - 4));
  return out;
}

TEST_F(Webhooks, ARotatedSecretSignsBesideTheNewOneSoEitherVerifies) {
  WebhookReceiver receiver(0);
  std::string rotated;
  const auto hooked = redeem_in_hooked_program(receiver.url(), [&](const std::string& program_id, const std::string& admin) {
    const auto reply = client.request("POST", "/v1/programs/" + program_id + "/webhook-secret", std::nullopt, bearer(admin));
    ASSERT_EQ(reply.status, 201u) << reply.body;
    EXPECT_EQ(reply.header("cache-control"), "no-store");
    rotated = reply.json()["webhook_secret"];
  });
  ASSERT_FALSE(rotated.empty());
  EXPECT_NE(rotated, hooked.secret);
  ASSERT_EQ(eventually([&] { return receiver.received().size(); }, std::size_t{1}), 1u);
  const auto delivery = receiver.received().front();
  const std::string header(delivery["Rewardgw-Signature"]);
  const auto t = header.substr(2, header.find(',') - 2);
  const auto v1 = signatures(header);
  ASSERT_EQ(v1.size(), 2u) << header;
  EXPECT_EQ(v1[0], crypto::hmac_sha256_hex(rotated, t + "." + delivery.body())) << "the new secret verifies";
  EXPECT_EQ(v1[1], crypto::hmac_sha256_hex(hooked.secret, t + "." + delivery.body())) << "and so does the old one, during the overlap";
}

// A webhook URL is one strictly parsed URL: nothing in it can become a header or a second request.
TEST_F(Webhooks, UrlsThatCouldInjectHeadersAreRefused) {
  WebhookReceiver receiver(0);
  for (const auto& bad : {receiver.url() + " HTTP/1.1\r\nX-Injected: yes\r\nX-A: b", receiver.url() + "\r\nX-Injected: yes", receiver.url() + "/a b",
                          std::string("http://user:pw@example.com/"), std::string("http://2130706433/"), std::string("http://example.com/#x")}) {
    const auto created = create_hooked_program(bad);
    EXPECT_EQ(created.status, 400u) << bad;
    EXPECT_NE(created.body.find("webhook_url"), std::string::npos);
  }
  const auto normalised = create_hooked_program("HTTP://Example.COM:80/Hooks?a=1");
  ASSERT_EQ(normalised.status, 201u) << normalised.body;
  EXPECT_EQ(normalised.json()["webhook_url"], "http://example.com/Hooks?a=1");
  EXPECT_TRUE(receiver.received().empty());
}

// Webhooks go to public addresses only unless an operator allows more (these tests allow 127.0.0.0/8 and nothing else).
class WebhooksOutside : public Webhooks {
 protected:
  void adjust(app::Config& c) override { c.settings.webhook_destinations.allowed.clear(); }
};

TEST_F(WebhooksOutside, InternalAddressesAreRefusedAtCreationAndAtConnect) {
  for (const char* internal : {"http://127.0.0.1:9/h", "http://169.254.169.254/latest/meta-data/", "http://[::1]/h", "http://10.0.0.8/h",
                               "http://[::ffff:127.0.0.1]/h", "http://0.0.0.0/h"}) {
    const auto created = create_hooked_program(internal);
    EXPECT_EQ(created.status, 400u) << internal;
    EXPECT_NE(created.body.find("private network"), std::string::npos) << created.body;
  }
  // A name is checked where it matters, on the address it resolves to when the sender connects.
  WebhookReceiver receiver(0);
  const auto port = receiver.url().substr(17, receiver.url().find("/hooks") - 17);
  const auto id = redeem_in_hooked_program("http://localhost:" + port + "/hooks").id;
  ASSERT_FALSE(id.empty());
  const auto attempts = eventually([&] { return query(delivery_log, id).front().int64("n") >= 2; }, true);
  EXPECT_TRUE(attempts) << "the sender tried, and was refused, more than once";
  const auto log = query(delivery_log, id).front();
  EXPECT_EQ(log.int64("delivered"), 0);
  EXPECT_NE(std::string(log.text("error")).find("loopback"), std::string::npos) << log.text("error");
  EXPECT_TRUE(receiver.received().empty()) << "nothing reached the internal address";
}

class FaultStorm : public Dispatch {
 protected:
  // The sandbox injects every fault kind; timeouts are cut at 100 ms.
  void adjust(app::Config& c) override {
    auto& sandbox = c.providers["sandbox"];
    sandbox["latency_ms"] = 2;
    sandbox["timeout_ms"] = 100;
    sandbox["pending_ms"] = 50;
    sandbox["breaker_failures"] = 1000;  // this test is about outcomes; the breaker has its own tests
    sandbox["faults"] = {{"retryable", 0.15}, {"rejected", 0.05}, {"timeout", 0.03}, {"unknown", 0.1}, {"lost", 0.1}, {"pending", 0.1}};
    c.dispatch.concurrency = 64;
  }
};

TEST_F(FaultStorm, AThousandRedemptionsThroughEveryFaultEndFinalIssuedAtMostOnceAndBalanced) {
  constexpr int orders = 1000;
  credit(orders * 1000);
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < orders; i += 8)
        if (redeem("storm-" + std::to_string(i)).status == 202) ++accepted;
    });
  for (auto& t : threads) t.join();
  ASSERT_EQ(accepted, orders);

  const auto books = expect_final_and_balanced(gateway->records("sandbox"));
  EXPECT_EQ(books.issued + books.failed, orders);
  EXPECT_GT(books.failed, 0) << "the rejected fault makes some fail";
  EXPECT_GT(books.issued, books.failed);
  EXPECT_EQ(books.outcomes, 5) << "issued, pending, rejected, retryable and unknown all happened";
  EXPECT_EQ(totals().int64("balance"), books.failed * 1000) << "exactly the failed orders' points came back";
}


// `sandbox` refuses everything for now (retryable), its breaker opens after three; `backup` is well.
class Breaker : public Dispatch {
 protected:
  void adjust(app::Config& c) override {
    const std::string sandbox_dir = c.providers["sandbox"]["record_dir"];
    auto& sandbox = c.providers["sandbox"];
    sandbox["faults"] = {{"retryable", 1.0}};
    sandbox["breaker_failures"] = 3;
    sandbox["breaker_open_ms"] = 600'000;
    c.providers["backup"] = {{"kind", "sandbox"}, {"record_dir", sandbox_dir.substr(0, sandbox_dir.rfind('/')) + "/backup"}};
  }
};

TEST_F(Breaker, AFailingProviderOpensItsBreakerAndNewOrdersTakeTheNextRoute) {
  auto routed = voucher;
  routed["routes"] = {{{"provider", "sandbox"}, {"provider_sku", "SB-1"}, {"priority", 1}}, {{"provider", "backup"}, {"provider_sku", "BK-1"}, {"priority", 2}}};
  ASSERT_EQ(client.request("PUT", "/v1/catalog/AMZ", routed.dump(), bearer(tenant.admin)).status, 200u);
  credit(20'000);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(redeem("b-" + std::to_string(i)).status, 202u);
  const auto issued_at_backup = eventually([&] { return providers::sandbox_issued(gateway->records("backup")).size() >= 5; }, true);
  EXPECT_TRUE(issued_at_backup) << "new orders moved to the next route while the breaker is open";
  EXPECT_TRUE(providers::sandbox_issued(gateway->records("sandbox")).empty());

  const auto listed = client.request("GET", "/v1/providers", std::nullopt, bearer(tenant.ops));
  ASSERT_EQ(listed.status, 200u) << listed.body;
  ASSERT_EQ(listed.json()["items"].size(), 2u) << listed.body;
  const auto sandbox = provider_view("sandbox"), backup = provider_view("backup");
  EXPECT_EQ(sandbox["state"], "open");
  EXPECT_EQ(sandbox["kind"], "sandbox");
  EXPECT_EQ(sandbox["success_rate"]["value"], 0.0);
  EXPECT_EQ(sandbox["last_error"]["detail"], "sandbox: try again later");
  EXPECT_GE(sandbox["queued"], 1) << "orders bound to it wait for it";
  EXPECT_EQ(backup["state"], "healthy");
  EXPECT_EQ(backup["success_rate"]["value"], 1.0);
  EXPECT_FALSE(backup["latency_ms"]["p99"].is_null());
  EXPECT_EQ(client.request("GET", "/v1/providers", std::nullopt, bearer(tenant.cabinet)).status, 403u);

  const auto text = client.request("GET", "/metrics").body;
  EXPECT_NE(text.find("rewardgw_provider_breaker_state{provider=\"sandbox\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("rewardgw_provider_breaker_state{provider=\"backup\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("rewardgw_dispatch_attempts_total{provider=\"sandbox\",call=\"issue\",outcome=\"retryable\"}"), std::string::npos);
  EXPECT_NE(text.find("rewardgw_redemptions_total{status=\"accepted\"} 10\n"), std::string::npos);
  EXPECT_NE(text.find("rewardgw_http_requests_total{route=\"/v1/redemptions\",method=\"POST\",status=\"202\"} 10\n"), std::string::npos);
  EXPECT_NE(text.find("rewardgw_provider_call_duration_seconds_bucket{provider=\"backup\",call=\"issue\",le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(text.find("rewardgw_fx_rates_age_seconds "), std::string::npos);
  EXPECT_NE(text.find("rewardgw_db_pool_connections{shard=\"0\",state=\"idle\"}"), std::string::npos);
  EXPECT_NE(text.find("rewardgw_dispatch_queue{status=\"retrying\",provider=\"sandbox\"}"), std::string::npos);
  const auto gauge = [&text](const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + name.size() + 2));
  };
  EXPECT_GT(gauge("process_resident_memory_bytes"), gauge("rewardgw_heap_in_use_bytes"));
  if (glibc_allocates()) {  // a sanitizer's allocator is not counted
    EXPECT_GT(gauge("rewardgw_heap_in_use_bytes"), 1e6);
  }
  EXPECT_GE(gauge("rewardgw_heap_free_bytes"), 0.0);
  EXPECT_EQ(promtool_check(text), "") << "promtool check metrics";
}


// The sandbox has 5.00 EUR of funding left.
class ShortOfFunds : public Dispatch {
 protected:
  void adjust(app::Config& c) override { c.providers["sandbox"]["balance"] = {{"amount", "5.00"}, {"currency", "EUR"}}; }
};

TEST_F(ShortOfFunds, AnOrderAboveTheProvidersBalanceWaitsWithAReasonInsteadOfFailing) {
  credit(5'000);
  const std::string id = redeem("r1").json()["id"];
  auto view = [&] { return client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.cabinet)).json(); };
  EXPECT_EQ(eventually([&] { return view()["waiting"].is_object(); }, true), true);
  const auto order = view();
  EXPECT_EQ(order["status"], "retrying") << "held, not failed, not sent";
  const std::string reason = order["waiting"]["reason"];
  EXPECT_TRUE(reason.starts_with("waiting for funds at sandbox: balance 5.00 EUR is below the face value 10.00")) << reason;
  EXPECT_TRUE(order["waiting"]["next_attempt_at"].is_string());
  EXPECT_EQ(order["attempts"], 0);
  EXPECT_TRUE(providers::sandbox_issued(gateway->records("sandbox")).empty());
  EXPECT_EQ(provider_view("sandbox")["balance"], (nlohmann::json{{"amount", "5.00"}, {"currency", "EUR"}}));
}

}  // namespace
}  // namespace rgw::test
