// Prices in points, checked against values worked out with Python's decimal module from the ECB file.
#include "catalog/pricing.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "fx/feeds.hpp"

namespace rgw::catalog {
namespace {

fx::RateTable ecb_20170303() {
  std::ifstream in(RGW_SOURCE_DIR "/tests/data/ecb-eurofxref-hist-2016-12-to-2017-03.xml", std::ios::binary);
  const std::string doc{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return fx::RateTable::build(fx::parse_ecb(doc, {}).value().front()).value();
}

fx::Money money(std::string_view amount, std::string_view code) { return fx::Money::parse(amount, code).value(); }

PricingPolicy policy(std::string_view point_value, int markup_bps, int discount_bps = 0) {
  return {fx::Currency::from_code("EUR").value(), fx::Decimal::parse(point_value).value(), markup_bps, discount_bps};
}

TEST(Pricing, PointsAreTheMarkedUpBaseValueOverThePointValueRoundedUp) {
  const auto rates = ecb_20170303();
  // 25.00 GBP / 0.86355 × 1.015 = 29.384517... EUR -> 2938.45 points at 0.01 -> 2939
  auto p = price(money("25.00", "GBP"), rates, policy("0.01", 150)).value();
  EXPECT_EQ(p.points, 2939);
  EXPECT_EQ(p.base_value.amount_string(), "29.38");
  EXPECT_EQ(p.base_value.currency().code(), "EUR");
  EXPECT_LT(p.mid_rate, p.applied_rate);
  // 1000.00 RUB / 62.0628 × 1.015 = 16.354 EUR at 0.0125 per point -> 1308.35 -> 1309
  EXPECT_EQ(price(money("1000.00", "RUB"), rates, policy("0.0125", 150)).value().points, 1309);
  // No markup: 50.00 USD / 1.0565 = 47.326 EUR at 0.0125 -> 3786.09 -> 3787
  EXPECT_EQ(price(money("50.00", "USD"), rates, policy("0.0125", 0)).value().points, 3787);
}

TEST(Pricing, BaseCurrencyFaceValuesCarryNoSpread) {
  const auto rates = ecb_20170303();
  auto p = price(money("10.00", "EUR"), rates, policy("0.01", 150)).value();
  EXPECT_EQ(p.points, 1000);
  EXPECT_EQ(p.applied_rate, p.mid_rate);
  EXPECT_EQ(p.markup_bps, 0) << "the price reports the spread it applied, so quotes show what was charged";
  EXPECT_EQ(price(money("25.00", "GBP"), rates, policy("0.01", 150)).value().markup_bps, 150);
  EXPECT_EQ(price(money("10.01", "EUR"), rates, policy("0.0125", 0)).value().points, 801);  // 800.8 -> 801
}

TEST(Pricing, TierDiscountRoundsUpToo) {
  const auto rates = ecb_20170303();
  EXPECT_EQ(price(money("25.00", "GBP"), rates, policy("0.01", 150, 500)).value().points, 2793);  // 2939 × 0.95 = 2792.05
  EXPECT_EQ(price(money("10.00", "EUR"), rates, policy("0.01", 0, 1000)).value().points, 900);
}

TEST(Pricing, ChangesWithTheRatesAndOnlyWithThem) {
  const auto rates = ecb_20170303();
  const auto face = money("25.00", "GBP");
  EXPECT_EQ(price(face, rates, policy("0.01", 150)).value().points, price(face, rates, policy("0.01", 150)).value().points);
  auto moved = rates.set();
  moved.rates.at("GBP").units = fx::Decimal::parse("0.90000").value();
  EXPECT_EQ(price(face, fx::RateTable::build(moved).value(), policy("0.01", 150)).value().points, 2820);  // 25 / 0.9 × 1.015 = 28.194 -> 2819.4
}

TEST(Pricing, UnquotedCurrencyIsAnError) {
  EXPECT_EQ(price(money("10.000", "BHD"), ecb_20170303(), policy("0.01", 0)).error(), fx::errc::no_rate);
}

}  // namespace
}  // namespace rgw::catalog
