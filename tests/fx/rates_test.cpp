// Conversions checked against values worked out by hand (Python's decimal module at 40 digits) from the real
// ECB file in tests/data.
#include "fx/rates.hpp"

#include <gtest/gtest.h>

#include <date/date.h>

#include <fstream>

#include "fx/feeds.hpp"

namespace rgw::fx {
namespace {

using namespace std::chrono;

std::string read(const std::string& name) {
  std::ifstream in(std::string(RGW_SOURCE_DIR "/tests/data/") + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Money money(std::string_view amount, std::string_view code) { return Money::parse(amount, code).value(); }
Currency cur(std::string_view code) { return Currency::from_code(code).value(); }

class EcbHistory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto parsed = parse_ecb(read("ecb-eurofxref-hist-2016-12-to-2017-03.xml"), sys_seconds{});
    ASSERT_TRUE(parsed) << parsed.error().message();
    sets = new std::vector<RateSet>(std::move(*parsed));
  }
  static const RateSet& day(std::string_view when) {
    for (const auto& s : *sets)
      if (date::format("%F", s.as_of) == when) return s;
    throw std::runtime_error("no such day in the file");
  }
  static inline std::vector<RateSet>* sets = nullptr;
};

TEST_F(EcbHistory, ReadsEveryDayNewestFirst) {
  EXPECT_EQ(sets->size(), 64u);
  EXPECT_EQ(date::format("%F %R", sets->front().as_of), "2017-03-03 14:00");
  EXPECT_EQ(sets->front().base.code(), "EUR");
  EXPECT_EQ(sets->front().source, "ecb");
  EXPECT_EQ(sets->front().rates.at("RUB").to_string(), "62.0628");
  EXPECT_EQ(sets->front().rates.size(), 31u);
}

TEST_F(EcbHistory, UsdToRubOn20170303) {
  const auto table = RateTable::build(day("2017-03-03")).value();
  // 62.0628 / 1.0565 = 58.74377662091812588736...
  EXPECT_EQ(table.cross_rate("USD", "RUB").value().to_string(), "58.74377662091812589");
  auto c = table.convert(money("10.00", "USD"), cur("RUB")).value();
  EXPECT_EQ(c.to.amount_string(), "587.44");  // 587.4377662...
  EXPECT_EQ(c.to.currency().code(), "RUB");
  EXPECT_EQ(c.applied_rate, c.mid_rate);
}

TEST_F(EcbHistory, MarkupIsAppliedOnTopOfTheMidRate) {
  const auto table = RateTable::build(day("2017-03-03")).value();
  auto c = table.convert(money("10.00", "USD"), cur("RUB"), 150).value();
  EXPECT_EQ(c.mid_rate.to_string(), "58.74377662091812589");
  EXPECT_EQ(c.applied_rate.to_string(), "59.62493327023189778");  // × 1.0150
  EXPECT_EQ(c.to.amount_string(), "596.25");
}

TEST_F(EcbHistory, CrossRatesBetweenZeroAndTwoMinorUnits) {
  const auto table = RateTable::build(day("2017-03-03")).value();
  EXPECT_EQ(table.convert(money("1000", "JPY"), cur("EUR")).value().to.amount_string(), "8.28");  // 8.27609...
  EXPECT_EQ(table.convert(money("10.00", "EUR"), cur("JPY")).value().to.amount_string(), "1208");  // 1208.3
  EXPECT_EQ(table.convert(money("25.00", "GBP"), cur("JPY")).value().to.amount_string(), "3498");  // 3498.06...
  EXPECT_EQ(table.convert(money("12.34", "EUR"), cur("EUR")).value().to.amount_string(), "12.34");
  EXPECT_EQ(table.convert(money("1.00", "USD"), cur("BHD")).error(), errc::no_rate);  // the ECB quotes no BHD
}

TEST(Rates, JpyToBhdCrossThroughAUsdBasedFeed) {
  auto set = parse_json_feed(R"({"base": "USD", "timestamp": 1763800000, "rates": {"BHD": "0.376", "JPY": 151.25}})", sys_seconds{});
  ASSERT_TRUE(set);
  const auto table = RateTable::build(*set).value();
  // 0.376 / 151.25 = 0.0024859504132231404958...
  EXPECT_EQ(table.cross_rate("JPY", "BHD").value().to_string(), "0.00248595041322314");  // 18 decimals, the last 0 trimmed
  EXPECT_EQ(table.convert(money("5000", "JPY"), cur("BHD")).value().to.amount_string(), "12.430");
  EXPECT_EQ(table.convert(money("1.000", "BHD"), cur("JPY")).value().to.amount_string(), "402");  // 402.26...
  EXPECT_EQ(table.convert(money("1.000", "BHD"), cur("USD")).value().to.amount_string(), "2.66");  // 2.6595...
}

TEST(Rates, RoundsHalfEvenOnlyAtTheEnd) {
  auto set = parse_json_feed(R"({"base": "USD", "timestamp": 1763800000, "rates": {"EUR": "0.125"}})", sys_seconds{});
  const auto table = RateTable::build(*set).value();
  auto to_eur = [&](std::string_view usd) { return table.convert(money(usd, "USD"), cur("EUR")).value().to.amount_string(); };
  EXPECT_EQ(table.convert(money("0.04", "USD"), cur("EUR")).error(), errc::rounds_to_zero) << "0.005 -> even 0.00: refused, never 0";
  EXPECT_EQ(to_eur("0.12"), "0.02");  // 0.015 -> even 0.02
  EXPECT_EQ(to_eur("0.20"), "0.02");  // 0.025 -> even 0.02
  EXPECT_EQ(to_eur("0.28"), "0.04");  // 0.035 -> even 0.04
  EXPECT_EQ(to_eur("0.29"), "0.04");  // 0.03625
  // A rate with a long expansion: 1/3 kept to 18 decimals, rounded once at the end.
  auto third = parse_json_feed(R"({"base": "USD", "timestamp": 1763800000, "rates": {"EUR": "3"}})", sys_seconds{});
  const auto t3 = RateTable::build(*third).value();
  EXPECT_EQ(t3.cross_rate("EUR", "USD").value().to_string(), "0.333333333333333333");
  EXPECT_EQ(t3.convert(money("100.00", "EUR"), cur("USD")).value().to.amount_string(), "33.33");
  EXPECT_EQ(t3.convert(money("0.05", "EUR"), cur("USD")).value().to.amount_string(), "0.02");  // 0.01666...
}

// Found by fuzzing: rates of wildly different magnitude made the table's constructor throw (and stopped the
// refresh for good), or a cross rate of zero priced a reward at 0 points.
TEST(Rates, ExtremeSetsAreRefusedAsValuesNotExceptions) {
  RateSet set{Currency::from_code("USD").value(), "json", sys_seconds{seconds{1700000000}}, sys_seconds{}, {}, false};
  const auto one = Decimal::from_units(1, 0).value();
  set.rates.emplace("EUR", Quote{Decimal::parse("0.000000000000000001").value(), one});
  set.rates.emplace("JPY", Quote{Decimal::parse("100").value(), one});
  EXPECT_EQ(RateTable::build(set).error(), errc::implausible_rates) << "JPY->EUR does not fit 18 digits";
  set.rates.at("JPY").units = Decimal::parse("3").value();
  EXPECT_EQ(RateTable::build(set).error(), errc::implausible_rates) << "JPY->EUR would be 0";
}

TEST(Rates, ANonZeroAmountNeverConvertsToZero) {
  auto set = parse_json_feed(R"({"base": "EUR", "timestamp": 1763800000, "rates": {"JPY": "160"}})", sys_seconds{});
  const auto table = RateTable::build(*set).value();
  EXPECT_EQ(table.convert(money("1", "JPY"), cur("EUR")).value().to.amount_string(), "0.01");  // 0.00625
  EXPECT_EQ(table.convert(money("0.00", "EUR"), cur("JPY")).value().to.amount_string(), "0") << "nothing is nothing";
  auto tiny = parse_json_feed(R"({"base": "EUR", "timestamp": 1763800000, "rates": {"JPY": "1000"}})", sys_seconds{});
  EXPECT_EQ(RateTable::build(*tiny).value().convert(money("1", "JPY"), cur("EUR")).error(), errc::rounds_to_zero);  // 0.001
}

TEST(Rates, AChangeBeyondTheBoundIsNamed) {
  auto at = [](const char* eur, const char* jpy) {
    return parse_json_feed(std::string(R"({"base": "USD", "timestamp": 1763800000, "rates": {"EUR": ")") + eur + R"(", "JPY": ")" + jpy + "\"}}",
                           sys_seconds{}).value();
  };
  const auto half = Decimal::parse("0.5").value();
  EXPECT_FALSE(implausible_change(at("0.91", "150"), at("0.92", "160"), half));
  EXPECT_FALSE(implausible_change(at("0.91", "150"), at("1.36", "75"), half)) << "up to +/-50 % inclusive";
  EXPECT_EQ(implausible_change(at("0.91", "150"), at("0.91", "74"), half).value_or(""), "JPY moved from 150 to 74 per USD");
  EXPECT_EQ(implausible_change(at("0.91", "150"), at("0.000000001", "150"), half).value_or(""), "EUR moved from 0.91 to 0.000000001 per USD");
  auto other_base = at("0.91", "150");
  other_base.base = Currency::from_code("GBP").value();
  EXPECT_FALSE(implausible_change(other_base, at("0.01", "1"), half)) << "sets of other bases are not compared";
}

TEST(Rates, BusinessAgeSkipsWeekends) {
  auto day = [](unsigned d) { return sys_days{year{2026} / November / d}; };
  const sys_seconds friday_14 = day(20) + 14h;
  EXPECT_EQ(business_age(friday_14, day(20) + 20h), 6h);
  EXPECT_EQ(business_age(friday_14, day(23) + 10h), 20h);  // Fri 10h + Mon 10h
  EXPECT_EQ(business_age(friday_14, day(22) + 23h), 10h);  // all weekend: Fri only
  EXPECT_EQ(business_age(friday_14, day(25) + 14h), 24h * 3);
  EXPECT_EQ(business_age(friday_14, friday_14 - 1h), 0s);
}

}  // namespace
}  // namespace rgw::fx
