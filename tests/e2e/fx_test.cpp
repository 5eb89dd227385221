// Live rates end to end: the gateway fetching from the provider simulator's feeds, over HTTP, into its own
// database; a feed that goes away, comes back, or sends garbage; two processes sharing one fetch.
#include <gtest/gtest.h>

#include <date/date.h>
#include <filesystem>
#include <fstream>

#include "tests/support/feed_world.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;

class Fx : public ::testing::Test {
 protected:
  void SetUp() override {
    RGW_REQUIRE_DATABASE();
    world = std::make_unique<FeedWorld>();
  }

  std::unique_ptr<Gateway> start_gateway(const std::string& feed, std::chrono::seconds refresh, std::chrono::seconds ready_age = 172800s) {
    return world->gateway(feed, refresh, [&](app::Config& c) { c.settings.fx_readiness_max_age = ready_age; });
  }

  void set_feed(const std::string& mode) const {
    ASSERT_EQ(sim_client().request("POST", "/admin/fx", nlohmann::json{{"mode", mode}}.dump()).status, 200u);
  }
  long feed_requests() const { return sim_client().request("GET", "/admin/stats").json()["fx_requests"]; }
  Client sim_client() const { return Client{world->sim.port(), std::nullopt}; }

  std::unique_ptr<FeedWorld> world;
};

TEST_F(Fx, RatesAndConversionFromTheLiveFeed) {
  auto gateway = start_gateway("/fx/ecb/daily.xml", 600s);
  auto client = gateway->client();
  const Tenant t = make_tenant(client, gateway->bootstrap_key);
  auto rates = [&] { return client.request("GET", "/v1/fx/rates", std::nullopt, bearer(t.cabinet)).status; };
  ASSERT_EQ(eventually(rates, 200u), 200u);

  auto body = client.request("GET", "/v1/fx/rates", std::nullopt, bearer(t.finance)).json();
  EXPECT_EQ(body["base"], "EUR");
  EXPECT_EQ(body["source"], "ecb");
  EXPECT_EQ(body["rates"]["RUB"], "62.0628");
  EXPECT_EQ(body["stale"], false);
  EXPECT_TRUE(body["as_of"].get<std::string>().ends_with("T14:00:00Z"));

  auto c = client.request("GET", "/v1/fx/convert?from=USD&to=RUB&amount=10.00", std::nullopt, bearer(t.cabinet));
  ASSERT_EQ(c.status, 200u) << c.body;
  EXPECT_EQ(c.json()["to"], (nlohmann::json{{"amount", "587.44"}, {"currency", "RUB"}}));
  EXPECT_EQ(c.json()["from"], (nlohmann::json{{"amount", "10.00"}, {"currency", "USD"}}));
  EXPECT_EQ(c.json()["rate"], "58.74377662091812589");
  EXPECT_EQ(client.request("GET", "/v1/fx/convert?from=JPY&to=EUR&amount=1000", std::nullopt, bearer(t.ops)).json()["to"]["amount"], "8.28");

  for (const std::string bad : {"from=USD&to=RUB", "from=USD&amount=1", "from=XXX&to=RUB&amount=1", "from=USD&to=rub&amount=1",
                                "from=USD&to=RUB&amount=1.001", "from=USD&to=RUB&amount=-1", "from=USD&to=RUB&amount=1e3",
                                "from=USD&to=BHD&amount=1.00"}) {
    auto r = client.request("GET", "/v1/fx/convert?" + bad, std::nullopt, bearer(t.cabinet));
    EXPECT_EQ(r.status, 400u) << bad << " " << r.body;
  }
  EXPECT_EQ(client.request("GET", "/v1/fx/rates").status, 401u);
  EXPECT_EQ(client.request("GET", "/readyz").json()["checks"]["fx"], "ok");
}

// The simulator re-dates its ECB day as the ECB publishes: in the morning (UTC) the newest rates are yesterday's,
// so their as_of (14:00 UTC of the day) is never in the future.
TEST(SimulatedEcbFeed, IsReDatedToTheNewestPublishedDay) {
  using namespace std::chrono;
  const sys_days day{date::sys_days(date::year{2026} / 12 / 3).time_since_epoch()};
  EXPECT_EQ(sim::ecb_reference_day(day + 13h + 59min), "2026-12-02");
  EXPECT_EQ(sim::ecb_reference_day(day + 14h), "2026-12-03");
  EXPECT_EQ(sim::ecb_reference_day(day + 23h + 59min), "2026-12-03");
}

// The Bank of Russia quotes Value roubles for Nominal units: kept as published, shown as published, and read back
// so by a process that loads the set from the database instead of the feed.
TEST_F(Fx, BankOfRussiaRatesAsPublished) {
  auto first = start_gateway("/fx/cbr/daily.xml", 600s);
  const Tenant t = make_tenant(first->client(), first->bootstrap_key);
  ASSERT_TRUE(rates_loaded(first->client(), t.finance));
  auto second = start_gateway("/fx/cbr/daily.xml", 600s);
  ASSERT_TRUE(rates_loaded(second->client(), t.finance));
  EXPECT_EQ(feed_requests(), 1) << "the second process read the stored set";
  for (const auto* gateway : {first.get(), second.get()}) {
    auto client = gateway->client();
    const auto body = client.request("GET", "/v1/fx/rates", std::nullopt, bearer(t.finance)).json();
    EXPECT_EQ(body["source"], "cbr");
    EXPECT_EQ(body["published"]["USD"], (nlohmann::json{{"units", "1"}, {"base_units", "80.9870"}}));
    EXPECT_EQ(body["published"]["JPY"], (nlohmann::json{{"units", "100"}, {"base_units", "52.3110"}}));
    EXPECT_EQ(body["rates"]["USD"], "0.012347660735673627") << "what one rouble buys, as the contract's rates say";
    const auto usd = client.request("GET", "/v1/fx/convert?from=USD&to=RUB&amount=10.00", std::nullopt, bearer(t.finance)).json();
    EXPECT_EQ(usd["rate"], "80.987");
    EXPECT_EQ(usd["to"]["amount"], "809.87");
  }
}

TEST_F(Fx, AFeedThatGoesAwayServesTheLastGoodSetUntilStaleThenFailsClosedAndRecovers) {
  auto gateway = start_gateway("/fx/json/latest.json", 1s, 3s);
  auto client = gateway->client();
  const Tenant t = make_tenant(client, gateway->bootstrap_key);
  // This program accepts rates up to 3 s old (a JSON feed: wall-clock age).
  const auto program = client.request("POST", "/v1/programs",
                                      R"({"name": "Strict", "base_currency": "EUR", "point_value": {"amount": "0.01", "currency": "EUR"},
                                          "timezone": "Europe/Berlin", "fx_max_age_s": 3})",
                                      bearer(gateway->bootstrap_key));
  ASSERT_EQ(program.status, 201u) << program.body;
  const std::string key = client.request("POST", "/v1/programs/" + program.json()["id"].get<std::string>() + "/api-keys",
                                         R"({"role": "cabinet"})", bearer(gateway->bootstrap_key)).json()["key"];
  auto convert = [&] { return client.request("GET", "/v1/fx/convert?from=USD&to=EUR&amount=10.00", std::nullopt, bearer(key)).status; };
  auto ready = [&] { return client.request("GET", "/readyz").status; };
  ASSERT_EQ(eventually(convert, 200u), 200u);
  ASSERT_EQ(eventually(ready, 200u), 200u);

  set_feed("down");
  EXPECT_EQ(convert(), 200u) << "the last good set stays in force";
  EXPECT_EQ(eventually(convert, 503u), 503u) << "stale rates must not price anything";
  auto failed = client.request("GET", "/v1/fx/convert?from=USD&to=EUR&amount=10.00", std::nullopt, bearer(key));
  EXPECT_EQ(failed.json()["code"], "fx_unavailable");
  EXPECT_EQ(eventually(ready, 503u), 503u);
  EXPECT_NE(client.request("GET", "/readyz").json()["detail"].get<std::string>().find("fx:"), std::string::npos);
  // Rates the program still accepts are shown, marked stale.
  EXPECT_EQ(client.request("GET", "/v1/fx/rates", std::nullopt, bearer(key)).json()["stale"], true);

  set_feed("ok");
  EXPECT_EQ(eventually(convert, 200u), 200u) << "a feed that comes back recovers without a restart";
  EXPECT_EQ(eventually(ready, 200u), 200u);
}

TEST_F(Fx, MalformedFeedsNeverReplaceGoodRates) {
  auto gateway = start_gateway("/fx/ecb/daily.xml", 1s);
  auto client = gateway->client();
  const Tenant t = make_tenant(client, gateway->bootstrap_key);
  auto rates = [&] { return client.request("GET", "/v1/fx/rates", std::nullopt, bearer(t.cabinet)); };
  ASSERT_EQ(eventually([&] { return rates().status; }, 200u), 200u);
  const auto before = rates().json();

  set_feed("malformed");
  const long seen = feed_requests();
  ASSERT_GE(eventually([&] { return std::min(feed_requests(), seen + 3); }, seen + 3), seen + 3) << "the gateway kept asking";
  auto after = rates().json();
  EXPECT_EQ(after["rates"], before["rates"]);
  EXPECT_EQ(after["as_of"], before["as_of"]);
  EXPECT_EQ(client.request("GET", "/v1/fx/convert?from=USD&to=RUB&amount=10.00", std::nullopt, bearer(t.cabinet)).status, 200u);
}

TEST_F(Fx, ASecondProcessUsesTheSetTheFirstStored) {
  auto first = start_gateway("/fx/ecb/daily.xml", 600s);
  const Tenant t = make_tenant(first->client(), first->bootstrap_key);
  auto has_rates = [&](const Gateway& g) {
    return [&g, &t] { return g.client().request("GET", "/v1/fx/rates", std::nullopt, bearer(t.cabinet)).status; };
  };
  ASSERT_EQ(eventually(has_rates(*first), 200u), 200u);
  const long fetched = feed_requests();
  EXPECT_EQ(fetched, 1);

  auto second = start_gateway("/fx/ecb/daily.xml", 600s);
  EXPECT_EQ(eventually(has_rates(*second), 200u), 200u);
  EXPECT_EQ(feed_requests(), fetched) << "the second process must not fetch a set the first fetched moments ago";
}

TEST_F(Fx, HttpsFeedsAreVerifiedAgainstTheConfiguredCa) {
  const TestCertificate tls;
  sim::Simulator secure(sim::SimulatorConfig{.data_dir = RGW_SOURCE_DIR "/tests/data", .redate_today = true, .tls = http::TlsFiles{tls.cert, tls.key}});
  auto start = [&](std::optional<std::string> ca) {
    return std::make_unique<Gateway>([&](app::Config& c) {
      world->db.configure(c);
      c.fx = pricing::RefreshConfig{secure.url("/fx/ecb/daily.xml"), 1s, ca};
      c.settings.fx_readiness_max_age = 172800s;
    });
  };
  {
    // Not trusted (the system store does not know this CA): refused, and /readyz says so.
    auto gateway = start(std::nullopt);
    auto detail = [&] { return gateway->client().request("GET", "/readyz").json().value("detail", ""); };
    auto mentions_certificate = [&] { return detail().find("certificate") != std::string::npos; };
    EXPECT_TRUE(eventually(mentions_certificate, true)) << detail();
    EXPECT_EQ(gateway->client().request("GET", "/readyz").status, 503u);
  }
  auto gateway = start(tls.cert);
  auto ready = [&] { return gateway->client().request("GET", "/readyz").status; };
  EXPECT_EQ(eventually(ready, 200u), 200u);
}

TEST_F(Fx, AFileSourceForAirGappedInstalls) {
  const auto path = std::filesystem::temp_directory_path() / ("rgw-rates-" + unique_suffix() + ".json");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::ofstream(path) << R"({"base": "USD", "timestamp": )" << now << R"(, "rates": {"EUR": "0.5", "JPY": 150}})";
  auto gateway = std::make_unique<Gateway>([&](app::Config& c) {
    world->db.configure(c);
    c.fx = pricing::RefreshConfig{path.string(), 600s, std::nullopt};
    c.settings.fx_readiness_max_age = 3600s;
  });
  const Tenant t = make_tenant(gateway->client(), gateway->bootstrap_key);
  auto convert = [&] { return gateway->client().request("GET", "/v1/fx/convert?from=EUR&to=JPY&amount=1.00", std::nullopt, bearer(t.cabinet)); };
  ASSERT_EQ(eventually([&] { return convert().status; }, 200u), 200u);
  EXPECT_EQ(convert().json()["to"]["amount"], "300");
  EXPECT_EQ(convert().json()["source"], "json");
  std::filesystem::remove(path);
}

// A set in which a currency jumps beyond REWARDGW_FX_MAX_CHANGE_PCT (50 %) is quarantined: not stored, not used,
// counted and shown; the next sane set is taken as usual.
TEST_F(Fx, AJumpInTheFeedIsQuarantinedAndTheLastGoodRatesStay) {
  const auto path = std::filesystem::temp_directory_path() / ("rgw-rates-" + unique_suffix() + ".json");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto publish = [&](const char* eur, long long at) {
    std::ofstream(path) << R"({"base": "USD", "timestamp": )" << at << R"(, "rates": {"EUR": ")" << eur << R"(", "JPY": 150}})";
  };
  publish("0.91", now - 60);
  auto gateway = std::make_unique<Gateway>([&](app::Config& c) {
    world->db.configure(c);
    c.fx = pricing::RefreshConfig{path.string(), 1s, std::nullopt};
    c.settings.fx_readiness_max_age = 3600s;
  });
  const auto client = gateway->client();
  const Tenant t = make_tenant(client, gateway->bootstrap_key);
  auto eur = [&] {
    const auto r = client.request("GET", "/v1/fx/rates", std::nullopt, bearer(t.cabinet));
    return r.status == 200 ? r.json()["rates"].value("EUR", "") : std::string();
  };
  ASSERT_EQ(eventually(eur, std::string("0.91")), "0.91");

  publish("0.40", now - 30);  // -56 %
  const auto quarantined = eventually([&] { return counter_value(client, "rewardgw_fx_sets_quarantined_total") > 0; }, true);
  EXPECT_TRUE(quarantined);
  EXPECT_EQ(eur(), "0.91") << "the last good rates stay in force";
  const auto ready = client.request("GET", "/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_NE(ready.json().value("fx_last_refresh_error", "").find("EUR moved from 0.91 to 0.4"), std::string::npos) << ready.body;

  publish("0.93", now);  // +2 %: sane again
  EXPECT_EQ(eventually(eur, std::string("0.93")), "0.93");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace rgw::test
