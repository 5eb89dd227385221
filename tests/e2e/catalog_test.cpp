// The catalog and quotes end to end, priced with the ECB sample rates the simulator serves (2017-03-03,
// re-dated to today): the same figures as the pricing unit tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "gateway/app/load_catalog.hpp"
#include "gateway/pg/pool.hpp"
#include "tests/support/feed_world.hpp"

namespace rgw::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

const nlohmann::json amazon_de = nlohmann::json::parse(R"({
  "type": "egift_card", "brand": "Amazon", "name": {"en": "Amazon.de gift card", "ru": "Подарочная карта Amazon.de"},
  "countries": ["DE", "AT"], "face_currency": "EUR", "denominations": {"fixed": ["10.00", "25.00"]},
  "routes": [{"provider": "acme", "provider_sku": "AMZ-DE", "priority": 1}]})");
const nlohmann::json john_lewis = nlohmann::json::parse(R"({
  "type": "egift_card", "brand": "John Lewis", "name": {"en": "John Lewis gift card"}, "countries": ["GB"],
  "face_currency": "GBP", "denominations": {"fixed": ["25.00"]}, "routes": [{"provider": "sandbox", "provider_sku": "JL"}]})");
const nlohmann::json ozon = nlohmann::json::parse(R"({
  "type": "egift_card", "brand": "Ozon", "name": {"en": "Ozon gift card", "ru": "Подарочный сертификат Ozon"}, "countries": ["RU", "DE"],
  "face_currency": "RUB", "denominations": {"min": "500.00", "max": "15000.00", "step": "0.01"},
  "routes": [{"provider": "sandbox", "provider_sku": "OZON"}]})");

class Catalog : public ::testing::Test {
 protected:
  void SetUp() override {
    RGW_REQUIRE_DATABASE();
    world = std::make_unique<FeedWorld>();
    gateway = world->gateway("/fx/ecb/daily.xml", 600s, [](app::Config& c) {
      c.providers["acme"] = c.providers["sandbox"];  // a second configured provider for routes to name
    });
    client = gateway->client();
    tenant = make_tenant(client, gateway->bootstrap_key);
    ASSERT_TRUE(rates_loaded(client, tenant.cabinet)) << "rates never loaded";
  }

  Reply put(const std::string& sku, const nlohmann::json& doc, const std::string& key = {}) const {
    return client.request("PUT", "/v1/catalog/" + sku, doc.dump(), bearer(key.empty() ? tenant.admin : key));
  }
  nlohmann::json get(const std::string& target, const Headers& extra = {}) const {
    auto r = client.request("GET", target, std::nullopt, bearer(tenant.cabinet, extra));
    EXPECT_EQ(r.status, 200u) << target << " " << r.body;
    return r.json();
  }
  std::uint64_t metric(const std::string& name) const { return counter_value(client, name); }
  Reply quote(const nlohmann::json& body, const std::string& key = {}) const {
    return client.request("POST", "/v1/quotes", body.dump(), bearer(key.empty() ? tenant.cabinet : key));
  }

  std::unique_ptr<FeedWorld> world;
  std::unique_ptr<Gateway> gateway;
  Client client;
  Tenant tenant;
};

TEST_F(Catalog, ProductsArePricedInPointsAtCurrentRates) {
  EXPECT_EQ(put("AMZ-DE", amazon_de).status, 201u);
  EXPECT_EQ(put("AMZ-DE", amazon_de).status, 200u) << "a second PUT replaces";
  ASSERT_EQ(put("JL-GB", john_lewis).status, 201u);
  ASSERT_EQ(put("OZON", ozon).status, 201u);

  auto all = get("/v1/catalog");
  ASSERT_EQ(all["items"].size(), 3u);
  auto jl = get("/v1/catalog/JL-GB");
  // 25.00 GBP / 0.86355 × 1.015 (the program's 150 bps) = 29.3845 EUR at 0.01 EUR a point -> 2939
  EXPECT_EQ(jl["prices"][0]["points"], 2939);
  EXPECT_EQ(jl["prices"][0]["face_value"], (nlohmann::json{{"amount", "25.00"}, {"currency", "GBP"}}));
  EXPECT_EQ(jl["prices"][0]["display_value"], (nlohmann::json{{"amount", "28.95"}, {"currency", "EUR"}})) << "display at the mid rate";
  EXPECT_EQ(get("/v1/catalog/AMZ-DE")["prices"][1]["points"], 2500) << "no spread on base-currency face values";
  auto range = get("/v1/catalog/OZON")["prices"];
  ASSERT_EQ(range.size(), 2u) << "a range is priced at its min and max";
  EXPECT_EQ(range[0]["face_value"]["amount"], "500.00");

  auto de_ru = get("/v1/catalog?locale=ru&currency=RUB&country=DE");
  ASSERT_EQ(de_ru["items"].size(), 2u) << "country filter";
  EXPECT_EQ(de_ru["items"][0]["name"], "Подарочная карта Amazon.de");
  EXPECT_EQ(de_ru["items"][0]["prices"][0]["display_value"], (nlohmann::json{{"amount", "620.63"}, {"currency", "RUB"}}));
  EXPECT_EQ(get("/v1/catalog?locale=ms")["items"][0]["name"], "Amazon.de gift card") << "unknown locales fall back";
}

TEST_F(Catalog, EtagAndNotModified) {
  ASSERT_EQ(put("AMZ-DE", amazon_de).status, 201u);
  auto first = client.request("GET", "/v1/catalog", std::nullopt, bearer(tenant.cabinet));
  const auto etag = first.header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = client.request("GET", "/v1/catalog", std::nullopt, bearer(tenant.cabinet, {{"If-None-Match", etag}}));
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
  ASSERT_EQ(put("JL-GB", john_lewis).status, 201u);
  auto changed = client.request("GET", "/v1/catalog", std::nullopt, bearer(tenant.cabinet, {{"If-None-Match", etag}}));
  EXPECT_EQ(changed.status, 200u) << "a changed catalog is a new version";
  EXPECT_NE(changed.header("etag"), etag);
}

TEST_F(Catalog, FiveThousandProductsAreServedFromTheSnapshot) {
  // Written straight into the database: 5,000 products in one statement.
  asio::io_context io;
  auto pool = pg::Pool::create(io.get_executor(), pg::PoolConfig{world->db.url});
  static const pg::Query bulk{"t_bulk_products",
                              "INSERT INTO products (program_id, sku, document)"
                              " SELECT $1, 'SKU-' || lpad(n::text, 5, '0'), jsonb_set($2::jsonb, '{sku}', to_jsonb('SKU-' || lpad(n::text, 5, '0')))"
                              " FROM generate_series(1, 5000) AS n"};
  auto doc = amazon_de;
  doc["sku"] = "x";
  run(io, [](pg::Pool& p, std::string program, std::string doc) -> asio::awaitable<void> {
    co_await p.exec(pg::statement(bulk, program, doc));
  }(*pool, tenant.program_id, doc.dump()));

  const auto loads = metric("rewardgw_catalog_snapshot_loads_total");
  const auto renders = metric("rewardgw_catalog_listing_renders_total");
  EXPECT_EQ(get("/v1/catalog")["items"].size(), 5000u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get("/v1/catalog")["items"].size(), 5000u);
  EXPECT_EQ(metric("rewardgw_catalog_snapshot_loads_total"), loads + 1) << "loaded once";
  EXPECT_EQ(metric("rewardgw_catalog_listing_renders_total"), renders + 1) << "rendered once, then served from memory";

  ASSERT_EQ(put("SKU-00001", john_lewis).status, 200u);
  EXPECT_EQ(get("/v1/catalog/SKU-00001")["face_currency"], "GBP");
  EXPECT_EQ(get("/v1/catalog")["items"].size(), 5000u);
  EXPECT_EQ(metric("rewardgw_catalog_snapshot_loads_total"), loads + 2) << "a changed product rebuilds the snapshot";
}

TEST_F(Catalog, BadProductsAndRequestsAreRefused) {
  auto doc = amazon_de;
  doc["routes"][0]["provider"] = "nobody";
  EXPECT_EQ(put("AMZ-DE", doc).status, 400u) << "route to an unknown provider";
  EXPECT_EQ(client.request("PUT", "/v1/catalog/AMZ-DE", "{not json", bearer(tenant.admin)).status, 400u);
  EXPECT_EQ(put("AMZ-DE", amazon_de, tenant.cabinet).status, 403u);
  EXPECT_EQ(client.request("GET", "/v1/catalog?currency=XXX", std::nullopt, bearer(tenant.cabinet)).status, 400u);
  EXPECT_EQ(client.request("GET", "/v1/catalog?country=Germany", std::nullopt, bearer(tenant.cabinet)).status, 400u);
  EXPECT_EQ(client.request("GET", "/v1/catalog/NOPE", std::nullopt, bearer(tenant.cabinet)).status, 404u);
  const Tenant other = make_tenant(client, gateway->bootstrap_key);
  ASSERT_EQ(put("AMZ-DE", amazon_de).status, 201u);
  EXPECT_EQ(client.request("GET", "/v1/catalog/AMZ-DE", std::nullopt, bearer(other.cabinet)).status, 404u) << "another program's product";
}

TEST_F(Catalog, QuotesLockAPriceAndApplyTheTierDiscount) {
  ASSERT_EQ(put("JL-GB", john_lewis).status, 201u);
  ASSERT_EQ(put("OZON", ozon).status, 201u);
  auto inactive = amazon_de;
  inactive["active"] = false;
  ASSERT_EQ(put("OFF", inactive).status, 201u);
  auto routeless = amazon_de;
  routeless.erase("routes");
  ASSERT_EQ(put("NOROUTE", routeless).status, 201u);

  const nlohmann::json gbp25 = {{"amount", "25.00"}, {"currency", "GBP"}};
  auto q = quote({{"account_id", tenant.account_id}, {"sku", "JL-GB"}, {"face_value", gbp25}});
  ASSERT_EQ(q.status, 201u) << q.body;
  EXPECT_EQ(q.json()["points"], 2939);
  EXPECT_EQ(q.json()["fx"]["source"], "ecb");
  EXPECT_EQ(q.json()["fx"]["markup_bps"], 150);
  EXPECT_EQ(q.json()["base_value"], (nlohmann::json{{"amount", "29.38"}, {"currency", "EUR"}}));
  const std::string id = q.json()["id"];
  EXPECT_EQ(client.request("GET", "/v1/quotes/" + id, std::nullopt, bearer(tenant.cabinet)).json()["points"], 2939);

  auto status = [&](const nlohmann::json& body) { return quote(body).status; };
  EXPECT_EQ(status({{"account_id", tenant.account_id}, {"sku", "NOPE"}, {"face_value", gbp25}}), 404u);
  EXPECT_EQ(status({{"account_id", "acc_nope"}, {"sku", "JL-GB"}, {"face_value", gbp25}}), 404u);
  EXPECT_EQ(status({{"account_id", tenant.account_id}, {"sku", "OFF"}, {"face_value", {{"amount", "10.00"}, {"currency", "EUR"}}}}), 422u);
  EXPECT_EQ(status({{"account_id", tenant.account_id}, {"sku", "NOROUTE"}, {"face_value", {{"amount", "10.00"}, {"currency", "EUR"}}}}), 422u);
  auto code = [&](const nlohmann::json& body) { return quote(body).json()["code"]; };
  EXPECT_EQ(code({{"account_id", tenant.account_id}, {"sku", "JL-GB"}, {"face_value", {{"amount", "30.00"}, {"currency", "GBP"}}}}), "denomination_invalid");
  EXPECT_EQ(code({{"account_id", tenant.account_id}, {"sku", "JL-GB"}, {"face_value", {{"amount", "25.00"}, {"currency", "EUR"}}}}), "denomination_invalid");
  EXPECT_EQ(code({{"account_id", tenant.account_id}, {"sku", "OZON"}, {"face_value", {{"amount", "1000.005"}, {"currency", "RUB"}}}}), "denomination_invalid");
  EXPECT_EQ(code({{"account_id", tenant.account_id}, {"sku", "OZON"}, {"face_value", {{"amount", "499.99"}, {"currency", "RUB"}}}}), "denomination_invalid");
  EXPECT_EQ(status({{"account_id", tenant.account_id}, {"sku", "OZON"}, {"face_value", {{"amount", "1000.01"}, {"currency", "RUB"}}}}), 201u);
  EXPECT_EQ(code({{"account_id", tenant.account_id}, {"sku", "OFF"}, {"face_value", {{"amount", "10.00"}, {"currency", "EUR"}}}}), "product_unavailable");

  // A program with a 5 % discount for gold accounts (the tenant's account is gold).
  auto program = client.request("POST", "/v1/programs",
                                R"({"name": "Tiers", "base_currency": "EUR", "point_value": {"amount": "0.01", "currency": "EUR"},
                                    "timezone": "Europe/Moscow", "fx_markup_bps": 150, "tier_discounts": {"gold": 500}, "quote_ttl_s": 5})",
                                bearer(gateway->bootstrap_key));
  ASSERT_EQ(program.status, 201u) << program.body;
  const std::string program_id = program.json()["id"];
  auto key = [&](const char* role) -> std::string {
    return client.request("POST", "/v1/programs/" + program_id + "/api-keys", nlohmann::json{{"role", role}}.dump(), bearer(gateway->bootstrap_key))
        .json()["key"];
  };
  const auto admin = key("admin"), cabinet = key("cabinet");
  const std::string gold = client.request("POST", "/v1/accounts", R"({"external_ref": "g", "name": "Gold Ltd", "tier": "gold"})", bearer(admin)).json()["id"];
  ASSERT_EQ(client.request("PUT", "/v1/catalog/JL-GB", john_lewis.dump(), bearer(admin)).status, 201u);
  auto discounted = quote({{"account_id", gold}, {"sku", "JL-GB"}, {"face_value", gbp25}}, cabinet);
  ASSERT_EQ(discounted.status, 201u) << discounted.body;
  EXPECT_EQ(discounted.json()["points"], 2793);  // 2939 × 0.95 = 2792.05
  EXPECT_EQ(discounted.json()["tier_discount_bps"], 500);
  // The quote lives 5 s, then answers 410.
  const std::string short_lived = discounted.json()["id"];
  auto quote_status = [&] { return client.request("GET", "/v1/quotes/" + short_lived, std::nullopt, bearer(cabinet)).status; };
  EXPECT_EQ(quote_status(), 200u);
  EXPECT_EQ(eventually(quote_status, 410u), 410u);
  EXPECT_EQ(client.request("GET", "/v1/quotes/" + short_lived, std::nullopt, bearer(tenant.cabinet)).status, 404u) << "another program's quote";
}

TEST_F(Catalog, TheBulkLoaderLoadsTheDemoCatalogOrNothing) {
  auto config = app::config_from_environment(test_environment(world->db.url.c_str()));
  config.settings.providers = {"sandbox", "tango", "tremendous", "reloadly", "billing"};  // the providers scripts/run configures
  const auto bad = std::filesystem::temp_directory_path() / ("rgw-catalog-" + unique_suffix() + ".json");
  auto broken = amazon_de;
  broken["face_currency"] = "EURO";
  std::ofstream(bad) << nlohmann::json{{"products", {{"GOOD", amazon_de}, {"BAD", broken}}}}.dump();
  EXPECT_EQ(app::load_catalog(config, tenant.program_id, bad.string()), 2);
  EXPECT_EQ(get("/v1/catalog")["items"].size(), 0u) << "one bad product: nothing loaded";
  std::filesystem::remove(bad);

  EXPECT_EQ(app::load_catalog(config, "prg_missing", RGW_SOURCE_DIR "/catalog/demo-catalog.json"), 1);
  ASSERT_EQ(app::load_catalog(config, tenant.program_id, RGW_SOURCE_DIR "/catalog/demo-catalog.json"), 0);
  // The running gateway hears of the change by NOTIFY, a moment later.
  auto count = [&] { return get("/v1/catalog?locale=ms")["items"].size(); };
  ASSERT_EQ(eventually(count, std::size_t{7}), 7u);
  const auto items = get("/v1/catalog?locale=ms")["items"];
  std::set<std::string> currencies, types;
  for (const auto& item : items) currencies.insert(item["face_currency"]), types.insert(item["type"]);
  EXPECT_EQ(currencies, (std::set<std::string>{"EUR", "GBP", "MYR", "RUB", "USD"}));
  EXPECT_EQ(types, (std::set<std::string>{"egift_card", "prepaid_card", "service_credit"}));
  EXPECT_EQ(get("/v1/catalog/GRAB-MY-MYR?locale=ms")["name"], "Kad hadiah Grab");
}

TEST(CatalogRates, PricesFollowTheRatesAndQuotesKeepTheirs) {
  RGW_REQUIRE_DATABASE();
  ScratchDatabase db;
  const auto path = std::filesystem::temp_directory_path() / ("rgw-rates-" + unique_suffix() + ".json");
  auto publish = [&](const char* gbp) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::ofstream(path.string() + ".tmp") << R"({"base": "EUR", "timestamp": )" << now << R"(, "rates": {"GBP": ")" << gbp << R"("}})";
    std::filesystem::rename(path.string() + ".tmp", path);  // whole documents only
  };
  publish("0.86355");
  Gateway gateway([&](app::Config& c) {
    db.configure(c);
    c.fx = pricing::RefreshConfig{path.string(), 1s, std::nullopt};
  });
  auto client = gateway.client();
  const Tenant t = make_tenant(client, gateway.bootstrap_key);
  ASSERT_EQ(client.request("PUT", "/v1/catalog/JL-GB", john_lewis.dump(), bearer(t.admin)).status, 201u);
  auto points = [&] {
    auto r = client.request("GET", "/v1/catalog/JL-GB", std::nullopt, bearer(t.cabinet));
    return r.status == 200 ? r.json()["prices"][0]["points"].get<std::int64_t>() : std::int64_t{-1};
  };
  ASSERT_EQ(eventually(points, std::int64_t{2939}), 2939);
  auto q = client.request("POST", "/v1/quotes",
                          nlohmann::json{{"account_id", t.account_id}, {"sku", "JL-GB"}, {"face_value", {{"amount", "25.00"}, {"currency", "GBP"}}}}.dump(),
                          bearer(t.cabinet));
  ASSERT_EQ(q.status, 201u) << q.body;
  EXPECT_EQ(q.json()["points"], 2939);

  publish("0.90000");  // the pound weakens: 25 / 0.9 × 1.015 = 28.194 EUR -> 2820 points
  EXPECT_EQ(eventually(points, std::int64_t{2820}), 2820);
  EXPECT_EQ(points(), 2820) << "and stays while the rates do";
  EXPECT_EQ(client.request("GET", "/v1/quotes/" + q.json()["id"].get<std::string>(), std::nullopt, bearer(t.cabinet)).json()["points"], 2939)
      << "a quote's price does not move with the rates";
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace rgw::test
