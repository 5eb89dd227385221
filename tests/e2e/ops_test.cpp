// Ops actions (docs/operations.md): pausing a provider stops its issue calls in every process while its orders
// move to another route or wait; cancel, resolve and retry move an order only through the dispatcher's
// transitions; each action is in the audit log with its key, reason and request id.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "providers/sim/simulator.hpp"
#include "tests/e2e/redemption_fixture.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;

const pg::Query reversals_of{"t_reversals_of", "SELECT count(*) AS n FROM ledger_entries WHERE redemption_id = $1 AND kind = 'reversal'"};
const pg::Query attempts_of{"t_attempts_of", "SELECT count(*) AS n FROM dispatch_attempts WHERE redemption_id = $1"};

class OpsActions : public RedemptionFixture {
 protected:
  OpsActions() : provider_sim(sim::SimulatorConfig{.data_dir = RGW_SOURCE_DIR "/tests/data", .tls = std::nullopt}) {}

  // The gateway the test talks to accepts only, so an order stays `accepted` until a worker() dispatches it.
  void adjust(app::Config& c) override {
    with_providers(c);
    c.dispatch.concurrency = 0;
  }
  void with_providers(app::Config& c) const {
    c.providers["tango"] = {{"kind", "tango"}, {"base_url", provider_sim.url("/raas/v2")}, {"account", "rewardgw-eur"}, {"customer", "rewardgw"},
                            {"timeout_ms", 500}, {"max_in_flight", 4}};
    // An unknown order is asked about again only after seconds, so what moves it in a test is the action.
    c.dispatch.retry = {10s, 30s, 600s};
  }
  // A second process on the same database that dispatches, and a client of it.
  Client worker() {
    dispatcher = world->gateway("/fx/ecb/daily.xml", std::chrono::seconds(600), [this](app::Config& c) { with_providers(c); });
    return dispatcher->client();
  }
  void SetUp() override {
    RedemptionFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auto only = voucher, with_backup = voucher;
    only["routes"] = {{{"provider", "tango"}, {"provider_sku", "U561593"}}};
    with_backup["routes"] = {{{"provider", "tango"}, {"provider_sku", "U561593"}, {"priority", 1}}, {{"provider", "sandbox"}, {"provider_sku", "BK"}, {"priority", 2}}};
    ASSERT_EQ(client.request("PUT", "/v1/catalog/TANGO", only.dump(), bearer(tenant.admin)).status, 201u);
    ASSERT_EQ(client.request("PUT", "/v1/catalog/TANGO-OR-SANDBOX", with_backup.dump(), bearer(tenant.admin)).status, 201u);
    credit(1'000'000);
  }

  nlohmann::json sim(const std::string& path, const std::optional<nlohmann::json>& body = std::nullopt) const {
    const Client admin{provider_sim.port(), std::nullopt};
    return admin.request(body ? "POST" : "GET", path, body ? std::optional(body->dump()) : std::nullopt).json();
  }
  // Orders the simulator's Tango API has made, in all.
  int made_at_tango() const {
    int made = 0;
    const auto issued = sim("/admin/tango/issued");  // named: items() of a temporary would dangle
    for (const auto& [ref, n] : issued.items()) made += n.get<int>();
    return made;
  }
  Reply act(const std::string& path, const nlohmann::json& body = nlohmann::json::object(), const std::string* key = nullptr) const {
    return client.request("POST", path, body.dump(), bearer(key ? *key : tenant.ops));
  }
  std::string redeem_sku(const std::string& sku) const {
    const auto r = redeem(sku + "-" + unique_suffix(), {{"account_id", tenant.account_id}, {"sku", sku}, {"face_value", ten_eur}});
    EXPECT_EQ(r.status, 202u) << r.body;
    return r.json().value("id", "");
  }
  nlohmann::json order(const std::string& id) const { return client.request("GET", "/v1/redemptions/" + id, std::nullopt, bearer(tenant.ops)).json(); }
  std::string status(const std::string& id) const { return order(id)["status"]; }
  std::int64_t balance() const { return client.request("GET", "/v1/accounts/" + tenant.account_id, std::nullopt, bearer(tenant.cabinet)).json()["balance"]; }
  // An order left `unknown`: Tango made it but its answer never came, and look-ups fail until `lookups_fail` is off.
  std::string unknown_order() const {
    sim("/admin/tango", nlohmann::json{{"mode", "lost"}, {"times", 1}, {"lookups_fail", true}});
    const auto id = redeem_sku("TANGO");
    EXPECT_EQ(eventually([&] { return status(id); }, std::string("unknown")), "unknown") << order(id).dump();
    return id;
  }
  nlohmann::json audit(const std::string& action) const {
    return client.request("GET", "/v1/audit?action=" + action, std::nullopt, bearer(tenant.admin)).json()["items"];
  }

  sim::Simulator provider_sim;
  std::unique_ptr<Gateway> dispatcher;
};

TEST_F(OpsActions, APausedProviderGetsNoIssueCallsItsOrdersMoveOrWaitAndResumeFinishesThem) {
  // Four calls at a time, 100 ms each: the 100 orders queue for Tango.
  sim("/admin/tango", nlohmann::json{{"latency_ms", {{"p50", 100}, {"p99", 150}}}});
  std::vector<std::string> only, either;
  for (int i = 0; i < 50; ++i) {
    only.push_back(redeem_sku("TANGO"));
    either.push_back(redeem_sku("TANGO-OR-SANDBOX"));
  }
  // The pause goes to the process that calls Tango: once it answers, none of that process's calls is on its way.
  const auto calling = worker();
  EXPECT_EQ(act("/v1/providers/tango/pause", {{"reason", "statement mismatch"}}, &tenant.cabinet).status, 403u) << "ops or admin only";
  EXPECT_EQ(act("/v1/providers/tango/pause", nlohmann::json::object()).status, 400u) << "a pause says why";
  EXPECT_EQ(act("/v1/providers/nobody/pause", {{"reason", "x"}}).status, 404u);
  const auto paused = calling.request("POST", "/v1/providers/tango/pause", nlohmann::json{{"reason", "statement mismatch"}}.dump(), bearer(tenant.ops));
  ASSERT_EQ(paused.status, 200u) << paused.body;
  const auto made_at_pause = made_at_tango();
  EXPECT_EQ(paused.json()["state"], "paused");
  EXPECT_EQ(paused.json()["paused_reason"], "statement mismatch");

  // Orders with a second route finish there; the rest wait, saying why.
  for (const auto& id : either) EXPECT_EQ(eventually([&] { return status(id); }, std::string("issued"), 60s), "issued") << order(id).dump();
  std::size_t waiting = 0;
  for (const auto& id : only) {
    const auto o = order(id);
    if (o["status"] == "issued") continue;
    ++waiting;
    EXPECT_TRUE(eventually([&] { return order(id)["waiting"].dump().find("paused: tango (statement mismatch)") != std::string::npos; }, true))
        << order(id).dump();
  }
  EXPECT_GT(waiting, 0u) << "the pause came before Tango had them all";
  EXPECT_EQ(made_at_tango(), made_at_pause) << "no issue call reached Tango after the pause answered";
  EXPECT_EQ(provider_view("tango")["state"], "paused") << "the other process obeys too";
  const auto refused = redeem("after-pause", {{"account_id", tenant.account_id}, {"sku", "TANGO"}, {"face_value", ten_eur}});
  EXPECT_EQ(refused.status, 422u) << refused.body;
  EXPECT_NE(refused.body.find("paused (statement mismatch)"), std::string::npos) << refused.body;

  const auto resumed = act("/v1/providers/tango/resume");
  ASSERT_EQ(resumed.status, 200u) << resumed.body;
  EXPECT_NE(resumed.json()["state"], "paused");
  for (const auto& id : only) EXPECT_EQ(eventually([&] { return status(id); }, std::string("issued"), 60s), "issued") << order(id).dump();
  const auto made = sim("/admin/tango/issued");
  for (const auto& [ref, n] : made.items()) EXPECT_EQ(n, 1) << ref << " made " << n << " times";

  const auto pauses = audit("provider.pause");
  ASSERT_EQ(pauses.size(), 1u) << pauses.dump();
  EXPECT_EQ(pauses[0]["target"], "tango");
  EXPECT_EQ(pauses[0]["reason"], "statement mismatch");
  EXPECT_EQ(pauses[0]["role"], "ops");
  EXPECT_EQ(pauses[0]["request_id"], paused.headers.at("x-request-id"));
  EXPECT_EQ(audit("provider.resume").size(), 1u);
  EXPECT_EQ(client.request("GET", "/v1/audit", std::nullopt, bearer(tenant.ops)).status, 403u) << "the audit log is the admin's";
}

TEST_F(OpsActions, CancelReversesOnlyAnOrderNoProviderCanHold) {
  const auto before = balance();
  const auto id = redeem_sku("TANGO");  // nobody dispatches yet
  EXPECT_EQ(status(id), "accepted");
  EXPECT_EQ(balance(), before - 1000);
  const auto cancelled = act("/v1/redemptions/" + id + "/cancel", {{"reason", "member asked"}});
  ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
  EXPECT_EQ(cancelled.json()["status"], "failed");
  EXPECT_EQ(cancelled.json()["failure"]["code"], "cancelled");
  EXPECT_EQ(balance(), before) << "the points are back";
  EXPECT_EQ(query(reversals_of, id).front().int64("n"), 1);
  EXPECT_NE(client.request("GET", "/metrics").body.find("rewardgw_redemptions_total{status=\"failed\"} 1\n"), std::string::npos) << "counted as final";
  const auto again = act("/v1/redemptions/" + id + "/cancel", {{"reason", "member asked"}});
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.json()["code"], "cannot_cancel");
  EXPECT_EQ(query(reversals_of, id).front().int64("n"), 1) << "reversed once";

  // An order whose outcome at Tango is unknown may exist there: nothing is changed.
  worker();
  const auto unknown = unknown_order();
  const auto held = balance();
  const auto refused = act("/v1/redemptions/" + unknown + "/cancel", {{"reason", "member asked"}});
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(refused.json()["code"], "cannot_cancel");
  EXPECT_EQ(status(unknown), "unknown");
  EXPECT_EQ(balance(), held);
  EXPECT_EQ(query(reversals_of, unknown).front().int64("n"), 0);
  EXPECT_EQ(act("/v1/redemptions/rdm_nothing/cancel", {{"reason", "x"}}).status, 404u);
  EXPECT_EQ(audit("redemption.cancel").size(), 1u) << "only what was done is audited";
}

TEST_F(OpsActions, ResolveSettlesAnUnknownOrderByHandThroughTheSameTransitions) {
  worker();
  // not_issued: issued again under the same provider key; Tango, which had made it, answers with that order.
  const auto again = unknown_order();
  const auto calls = query(attempts_of, again).front().int64("n");
  sim("/admin/tango", nlohmann::json{{"lookups_fail", false}});
  const auto resolved = act("/v1/redemptions/" + again + "/resolve", {{"outcome", "not_issued"}, {"reason", "not on Tango's order list"}});
  ASSERT_EQ(resolved.status, 200u) << resolved.body;
  EXPECT_EQ(eventually([&] { return status(again); }, std::string("issued")), "issued") << order(again).dump();
  EXPECT_GT(query(attempts_of, again).front().int64("n"), calls);

  // issued: final with the reference given, and no call made.
  const auto found = unknown_order();
  const auto made = made_at_tango();
  const auto attempts = query(attempts_of, found).front().int64("n");
  EXPECT_EQ(act("/v1/redemptions/" + found + "/resolve", {{"outcome", "issued"}, {"reason", "found"}}).status, 400u) << "issued needs provider_ref";
  EXPECT_EQ(act("/v1/redemptions/" + found + "/resolve", {{"outcome", "maybe"}, {"reason", "x"}}).status, 400u);
  const auto settled = act("/v1/redemptions/" + found + "/resolve", {{"outcome", "issued"}, {"provider_ref", "RA-123"}, {"reason", "seen in Tango's portal"}});
  ASSERT_EQ(settled.status, 200u) << settled.body;
  EXPECT_EQ(settled.json()["status"], "issued");
  EXPECT_EQ(settled.json()["provider_ref"], "RA-123");
  EXPECT_EQ(query(attempts_of, found).front().int64("n"), attempts) << "no provider call";
  EXPECT_EQ(made_at_tango(), made);
  const auto final_again = act("/v1/redemptions/" + found + "/resolve", {{"outcome", "not_issued"}, {"reason", "x"}});
  EXPECT_EQ(final_again.status, 409u);
  EXPECT_EQ(final_again.json()["code"], "cannot_resolve");

  const auto entries = audit("redemption.resolve");
  ASSERT_EQ(entries.size(), 2u) << entries.dump();
  EXPECT_EQ(entries[0]["target"], found);
  EXPECT_EQ(entries[0]["detail"], (nlohmann::json{{"outcome", "issued"}, {"provider_ref", "RA-123"}}));
  const auto issued = sim("/admin/tango/issued");
  for (const auto& [ref, n] : issued.items()) EXPECT_EQ(n, 1) << ref;
}

TEST_F(OpsActions, RetryAsksAboutAnUnknownOrderNowInsteadOfAtItsBackoff) {
  worker();
  const auto id = unknown_order();
  sim("/admin/tango", nlohmann::json{{"lookups_fail", false}});
  // Its next question is seconds away; the retry makes it due at once.
  const auto retried = act("/v1/redemptions/" + id + "/retry");
  ASSERT_EQ(retried.status, 200u) << retried.body;
  EXPECT_EQ(eventually([&] { return status(id); }, std::string("issued"), 2s), "issued");
  EXPECT_EQ(act("/v1/redemptions/" + id + "/retry").status, 409u) << "a final order is not dispatched again";
  EXPECT_EQ(audit("redemption.retry").size(), 1u);
}

TEST_F(OpsActions, APauseThroughOneProcessIsObeyedByAnotherWithinASecond) {
  const auto other_client = worker();
  auto state_there = [&] {
    const auto listed = other_client.request("GET", "/v1/providers", std::nullopt, bearer(tenant.ops)).json();
    for (const auto& p : listed["items"])
      if (p["name"] == "tango") return p["state"].get<std::string>();
    return listed.dump();
  };
  ASSERT_NE(state_there(), "paused");
  ASSERT_EQ(act("/v1/providers/tango/pause", {{"reason", "both processes"}}).status, 200u);
  EXPECT_EQ(eventually(state_there, std::string("paused"), 1s), "paused");
  ASSERT_EQ(act("/v1/providers/tango/resume").status, 200u);
  EXPECT_NE(eventually([&] { return state_there() != "paused"; }, true, 1s), false);
  // A process that starts later reads the table.
  ASSERT_EQ(act("/v1/providers/tango/pause", {{"reason", "for newcomers"}}).status, 200u);
  const auto late_client = worker();
  const auto listed = late_client.request("GET", "/v1/providers", std::nullopt, bearer(tenant.ops)).json();
  bool seen = false;
  for (const auto& p : listed["items"])
    if (p["name"] == "tango") seen = p["state"] == "paused";
  EXPECT_TRUE(seen) << listed.dump();
}

TEST_F(OpsActions, TheProvidersFileIsReadAgainABadOneChangesNothingAndARemovedProviderOnlyAnswersForItsOrders) {
  const auto file = std::filesystem::temp_directory_path() / ("rgw-providers-" + unique_suffix() + ".json");
  nlohmann::json providers;
  dispatcher = world->gateway("/fx/ecb/daily.xml", std::chrono::seconds(600), [&](app::Config& c) {
    with_providers(c);
    providers = c.providers;
    std::ofstream(file) << providers.dump();
    c.providers_file = file.string();
  });
  const auto calling = dispatcher->client();
  auto listed = [&] {
    std::map<std::string, nlohmann::json> out;
    const auto reply = calling.request("GET", "/v1/providers", std::nullopt, bearer(tenant.ops));
    EXPECT_EQ(reply.status, 200u) << reply.body;
    const auto body = reply.json();  // named: iterating a temporary's member would dangle
    for (const auto& p : body["items"]) out[p["name"].get<std::string>()] = p;
    return out;
  };
  auto rewrite = [&](const std::string& text) { std::ofstream(file, std::ios::trunc) << text; };
  redeem_sku("TANGO");
  ASSERT_EQ(eventually([&] { return listed()["tango"]["success_rate"]["calls"]; }, nlohmann::json(1)), 1);

  rewrite("{\"tango\": ");
  const auto broken = dispatcher->reload_providers();
  ASSERT_TRUE(broken.has_value());
  EXPECT_NE(broken->find("not JSON"), std::string::npos) << *broken;
  auto unknown_kind = providers;
  unknown_kind["extra"] = {{"kind", "carrier-pigeon"}};
  rewrite(unknown_kind.dump());
  const auto refused = dispatcher->reload_providers();
  ASSERT_TRUE(refused.has_value());
  EXPECT_NE(refused->find("unknown kind 'carrier-pigeon'"), std::string::npos) << *refused;
  EXPECT_EQ(listed().size(), 2u) << "the running set stays";

  // A provider added; one unchanged carried over as it was (its figures go on).
  auto added = providers;
  added["extra"] = {{"kind", "sandbox"}, {"record_dir", gateway->records("extra")}};
  rewrite(added.dump());
  ASSERT_EQ(dispatcher->reload_providers(), std::nullopt);
  EXPECT_EQ(listed().size(), 3u);
  EXPECT_EQ(listed()["tango"]["success_rate"]["calls"], 1) << "the same tango, not a new one";

  // Tango removed while one of its orders is unknown: it is still asked about that order, and nothing new goes there.
  const auto open_at_tango = unknown_order();
  rewrite(nlohmann::json{{"sandbox", providers["sandbox"]}, {"extra", added["extra"]}}.dump());
  ASSERT_EQ(dispatcher->reload_providers(), std::nullopt);
  EXPECT_EQ(listed()["tango"]["state"], "retired");
  const auto elsewhere = redeem_sku("TANGO-OR-SANDBOX");
  EXPECT_EQ(eventually([&] { return status(elsewhere); }, std::string("issued")), "issued");
  EXPECT_EQ(order(elsewhere)["provider"], "sandbox") << "a retired provider gets no new order";
  sim("/admin/tango", nlohmann::json{{"lookups_fail", false}});
  ASSERT_EQ(act("/v1/redemptions/" + open_at_tango + "/retry").status, 200u);
  EXPECT_EQ(eventually([&] { return status(open_at_tango); }, std::string("issued")), "issued");
  EXPECT_EQ(order(open_at_tango)["provider"], "tango") << "answered by the provider that holds it";
  auto routed = voucher;
  routed["routes"] = {{{"provider", "tango"}, {"provider_sku", "U561593"}}};
  EXPECT_EQ(calling.request("PUT", "/v1/catalog/NEW-TANGO", routed.dump(), bearer(tenant.admin)).status, 400u) << "no new route to it";
  // Kept across restarts by saying so in the file: "retired": true.
  auto retired = added;
  retired["tango"]["retired"] = true;
  rewrite(retired.dump());
  ASSERT_EQ(dispatcher->reload_providers(), std::nullopt);
  EXPECT_EQ(listed()["tango"]["state"], "retired");
  EXPECT_EQ(calling.request("PUT", "/v1/catalog/NEW-TANGO", routed.dump(), bearer(tenant.admin)).status, 400u);
  std::filesystem::remove(file);
}

// One append-only table records who did what: ops actions, reveals, keys made and revoked, program changes and
// adjustments, each row in the program acted on — the bootstrap key's acts included — and no row can be changed.
TEST_F(OpsActions, TheAuditLogHoldsRevealsKeysProgramChangesAndAdjustmentsAndCannotBeRewritten) {
  worker();
  const auto id = redeem_sku("TANGO");
  ASSERT_EQ(eventually([&] { return status(id); }, std::string("issued")), "issued");
  ASSERT_EQ(client.request("POST", "/v1/redemptions/" + id + "/reveal", std::nullopt, bearer(tenant.cabinet, {{"X-Request-Id", "crm-7"}})).status, 200u);
  const auto made = client.request("POST", "/v1/programs/" + tenant.program_id + "/api-keys", nlohmann::json{{"role", "finance"}}.dump(),
                                   bearer(gateway->bootstrap_key));
  ASSERT_EQ(made.status, 201u) << made.body;
  const std::string made_id = made.json()["id"];
  ASSERT_EQ(client.request("DELETE", "/v1/api-keys/" + made_id, std::nullopt, bearer(tenant.admin)).status, 204u);
  ASSERT_EQ(client.request("PATCH", "/v1/programs/" + tenant.program_id, nlohmann::json{{"quote_ttl_s", 120}}.dump(), bearer(tenant.admin)).status, 200u);
  ASSERT_EQ(client.request("POST", "/v1/programs/" + tenant.program_id + "/webhook-secret", std::nullopt, bearer(tenant.admin)).status, 201u);
  ASSERT_EQ(client.request("POST", "/v1/accounts/" + tenant.account_id + "/adjustments", nlohmann::json{{"points", -500}, {"reason", "goodwill reversed"}}.dump(),
                           bearer(tenant.admin, {{"Idempotency-Key", "adj-1"}})).status,
            201u);

  const auto reveal = audit("reward.reveal");
  ASSERT_EQ(reveal.size(), 1u) << reveal.dump();
  EXPECT_EQ(reveal[0]["target"], id);
  EXPECT_EQ(reveal[0]["key_id"], tenant.cabinet_key_id);
  EXPECT_EQ(reveal[0]["detail"]["client_request_id"], "crm-7");
  const auto created = audit("key.create");
  ASSERT_EQ(created.size(), 5u) << "the tenant's four keys and this one, in the program they were made for: " << created.dump();
  EXPECT_EQ(created[0]["target"], made_id);
  EXPECT_EQ(created[0]["key_id"], "bootstrap");
  EXPECT_EQ(created[0]["role"], "bootstrap");
  EXPECT_EQ(created[0]["detail"]["role"], "finance");
  EXPECT_EQ(audit("key.revoke")[0]["target"], made_id);
  EXPECT_EQ(audit("key.revoke")[0]["key_id"], tenant.admin_key_id);
  EXPECT_EQ(audit("program.update")[0]["detail"], (nlohmann::json{{"quote_ttl_s", 120}}));
  EXPECT_EQ(audit("program.webhook_secret_rotate").size(), 1u);
  const auto adjusted = audit("points.adjust");
  ASSERT_EQ(adjusted.size(), 1u);
  EXPECT_EQ(adjusted[0]["target"], tenant.account_id);
  EXPECT_EQ(adjusted[0]["reason"], "goodwill reversed");
  EXPECT_EQ(adjusted[0]["detail"]["points"], -500);

  const pg::Query rewrite{"t_audit_rewrite", "UPDATE audit_log SET reason = 'nothing happened' WHERE program_id = $1"};
  EXPECT_THROW(query(rewrite, tenant.program_id), pg::Error) << "append-only";
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// What users deploy — the alerting rules and the dashboard — names only series a gateway serves (each family's
// # TYPE line is there before it has a sample; a histogram's _bucket series belong to its family), and every
// dashboard query is PromQL that parses.
TEST_F(OpsActions, EveryMetricTheAlertsAndTheDashboardNameIsServedAndEveryQueryParses) {
  const auto dashboard = nlohmann::json::parse(file_text(RGW_SOURCE_DIR "/docs/deploy/grafana/rewardgw.json"));
  std::string queries, as_rules = "groups:\n  - name: dashboard\n    rules:\n";
  int n = 0;
  for (const auto& panel : dashboard["panels"])
    for (const auto& target : panel["targets"]) {
      queries += target["expr"].get<std::string>() + "\n";
      as_rules += "      - record: dashboard:query" + std::to_string(++n) + "\n        expr: " + target["expr"].dump() + "\n";
    }
  ASSERT_GE(dashboard["panels"].size(), 10u);
  const auto rules_file = std::filesystem::temp_directory_path() / ("rgw-dashboard-" + unique_suffix() + ".yml");
  std::ofstream(rules_file) << as_rules;
  const auto checked = run_shell("promtool check rules " + rules_file.string() + " 2>&1");
  std::filesystem::remove(rules_file);
  EXPECT_EQ(checked.status, 0) << checked.out;

  const auto text = file_text(RGW_SOURCE_DIR "/docs/deploy/prometheus/rewardgw.rules.yml") + queries;
  const auto served = client.request("GET", "/metrics").body;
  std::set<std::string> named;
  const std::regex metric("rewardgw_[a-z_]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), metric); it != std::sregex_iterator(); ++it) {
    auto name = it->str();
    if (name.ends_with("_bucket")) name.resize(name.size() - 7);
    named.insert(name);
  }
  ASSERT_GT(named.size(), 15u);
  for (const auto& name : named) EXPECT_NE(served.find("# TYPE " + name + " "), std::string::npos) << name << " is not in /metrics";
}

}  // namespace
}  // namespace rgw::test
