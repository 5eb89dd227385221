#include "catalog/product.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rgw::catalog {
namespace {

const std::set<std::string> providers = {"sandbox", "acme"};

nlohmann::json gift_card() {
  return nlohmann::json::parse(R"({
    "type": "egift_card", "brand": "Amazon", "name": {"en": "Amazon.de gift card", "ru": "Подарочная карта Amazon.de"},
    "description": {"en": "Redeemable on amazon.de"}, "countries": ["DE", "AT"], "face_currency": "EUR",
    "denominations": {"fixed": ["50", "10.00", "25.00"]},
    "routes": [{"provider": "acme", "provider_sku": "AMZ-DE", "priority": 2}, {"provider": "sandbox", "provider_sku": "S-AMZ", "priority": 1}]})");
}

fx::Money eur(std::string_view a) { return fx::Money::parse(a, "EUR").value(); }

TEST(Product, ReadsAndWritesTheCanonicalDocument) {
  const auto p = product_from_json("AMZ-DE-EUR", gift_card(), &providers);
  EXPECT_EQ(p.sku, "AMZ-DE-EUR");
  EXPECT_EQ(p.routes.front().provider, "sandbox") << "routes are kept by priority";
  const auto doc = to_json(p);
  EXPECT_EQ(doc["denominations"]["fixed"], (nlohmann::json{"10.00", "25.00", "50.00"}));
  EXPECT_EQ(to_json(product_from_json("AMZ-DE-EUR", doc, &providers)), doc) << "the stored form reads back unchanged";
  EXPECT_EQ(localized(p.names, "ru", "en"), "Подарочная карта Amazon.de");
  EXPECT_EQ(localized(p.names, "ms", "en"), "Amazon.de gift card") << "unknown locales fall back to the program default";
}

TEST(Product, FixedAndRangeDenominations) {
  const auto fixed = product_from_json("A", gift_card(), &providers);
  EXPECT_TRUE(offers(fixed, eur("25.00")));
  EXPECT_FALSE(offers(fixed, eur("20.00")));
  EXPECT_FALSE(offers(fixed, fx::Money::parse("25.00", "USD").value()));

  auto doc = gift_card();
  doc["denominations"] = {{"min", "5.00"}, {"max", "500.00"}, {"step", "0.50"}};
  const auto range = product_from_json("R", doc, &providers);
  EXPECT_TRUE(offers(range, eur("5.00")));
  EXPECT_TRUE(offers(range, eur("12.50")));
  EXPECT_TRUE(offers(range, eur("500.00")));
  EXPECT_FALSE(offers(range, eur("12.25")));
  EXPECT_FALSE(offers(range, eur("4.50")));
  EXPECT_FALSE(offers(range, eur("500.50")));
  EXPECT_EQ(listed_face_values(range), (std::vector<fx::Money>{eur("5.00"), eur("500.00")}));
  // A 0.01 step cannot be met by a value with more decimals: "10.005" is not even an EUR amount.
  doc["denominations"]["step"] = "0.01";
  EXPECT_FALSE(fx::Money::parse("10.005", "EUR"));
  EXPECT_TRUE(offers(product_from_json("R", doc, &providers), eur("10.01")));
}

TEST(Product, RefusesBadDocumentsWithTheFieldNamed) {
  auto refused = [](const std::string& sku, nlohmann::json doc) -> std::string {
    try {
      product_from_json(sku, doc, &providers);
    } catch (const InvalidProduct& e) {
      return e.what();
    }
    return "";
  };
  auto with = [](const nlohmann::json& replacements) {
    auto doc = gift_card();
    for (const auto& [field, value] : replacements.items()) doc[field] = value;
    return doc;
  };
  EXPECT_NE(refused("A", with({{"type", "voucher"}})).find("type"), std::string::npos);
  EXPECT_NE(refused("A", with({{"face_currency", "EURO"}})).find("face_currency"), std::string::npos);
  EXPECT_NE(refused("A", with({{"denominations", {{"fixed", {"10.005"}}}}})).find("denominations"), std::string::npos);
  EXPECT_NE(refused("A", with({{"denominations", {{"fixed", {"0"}}}}})).find("positive"), std::string::npos);
  EXPECT_NE(refused("A", with({{"denominations", {{"fixed", {"10", "10.00"}}}}})).find("twice"), std::string::npos);
  EXPECT_NE(refused("A", with({{"denominations", {{"min", "10"}, {"max", "5"}, {"step", "1"}}}})).find("max"), std::string::npos);
  EXPECT_NE(refused("A", with({{"routes", {{{"provider", "nobody"}, {"provider_sku", "X"}}}}})).find("nobody"), std::string::npos);
  EXPECT_NE(refused("A", with({{"countries", {"Germany"}}})).find("countries"), std::string::npos);
  EXPECT_NE(refused("A", with({{"name", {{"english", "x"}}}})).find("locale"), std::string::npos);
  EXPECT_NE(refused("A", with({{"colour", "red"}})).find("colour"), std::string::npos);
  EXPECT_NE(refused("A", with({{"sku", "B"}})).find("sku"), std::string::npos);
  EXPECT_NE(refused("bad sku!", gift_card()).find("sku"), std::string::npos);
  EXPECT_NE(refused("A", nlohmann::json::array()).find("object"), std::string::npos);
}

}  // namespace
}  // namespace rgw::catalog
