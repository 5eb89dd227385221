// The feed parsers take well-formed feeds and refuse everything else whole.
#include "fx/feeds.hpp"
#include "fx/iso_date.hpp"

#include <gtest/gtest.h>

#include <date/date.h>

#include <fstream>

namespace rgw::fx {
namespace {

using namespace std::chrono;
using namespace std::string_literals;

std::string read(const std::string& name) {
  std::ifstream in(std::string(RGW_SOURCE_DIR "/tests/data/") + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string ecb_daily(const std::string& quotes, const std::string& time = "2026-11-20") {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube><Cube time=")" + time + R"(">)" + quotes + "</Cube></Cube>\n</gesmes:Envelope>\n";
}

TEST(Feeds, EcbDaily) {
  auto sets = parse_ecb(ecb_daily(R"(<Cube currency="USD" rate="1.0565"/><Cube currency='JPY' rate="120.83"/>)"), sys_seconds{});
  ASSERT_TRUE(sets) << sets.error().message();
  ASSERT_EQ(sets->size(), 1u);
  EXPECT_EQ(date::format("%F %R", sets->front().as_of), "2026-11-20 14:00");
  EXPECT_EQ(sets->front().rates.at("JPY").to_string(), "120.83");
}

TEST(Feeds, BankOfRussiaInWindows1251WithNominals) {
  auto set = parse_cbr(read("cbr-daily-sample.xml"), sys_seconds{});
  ASSERT_TRUE(set) << set.error().message();
  EXPECT_EQ(set->base.code(), "RUB");
  EXPECT_EQ(set->source, "cbr");
  EXPECT_EQ(date::format("%F %R", set->as_of), "2026-11-20 21:00");  // 21.11.2026 00:00 Moscow
  EXPECT_EQ(set->rates.at("USD").to_string(), "1 for 80.9870") << "kept as published";
  EXPECT_EQ(set->rates.at("JPY").to_string(), "100 for 52.3110");
  EXPECT_EQ(set->rates.at("USD").per_base().value().to_string(), "0.012347660735673627");  // 1 / 80.9870
  EXPECT_EQ(set->rates.at("JPY").per_base().value().to_string(), "1.911643822522987517");  // 100 / 52.3110
  EXPECT_FALSE(set->rates.contains("XDR"));  // no minor units: skipped
  const auto table = RateTable::build(*set).value();
  EXPECT_EQ(table.convert(Money::parse("100.00", "USD").value(), Currency::from_code("RUB").value()).value().to.amount_string(), "8098.70");
  EXPECT_EQ(table.convert(Money::parse("1000", "JPY").value(), Currency::from_code("RUB").value()).value().to.amount_string(), "523.11");
  EXPECT_EQ(table.convert(Money::parse("10.00", "EUR").value(), Currency::from_code("USD").value()).value().to.amount_string(), "11.55");
  EXPECT_EQ(table.cross_rate("USD", "RUB").value().to_string(), "80.987") << "one division of published numbers";
  EXPECT_EQ(table.cross_rate("JPY", "RUB").value().to_string(), "0.52311");
}

// The issue's case: inverting 1 / 78,5000 to 18 digits and back read 78.50000000000000232.
TEST(Feeds, CbrRateReadsBackAsPublished) {
  std::string cbr = read("cbr-daily-sample.xml");
  cbr.replace(cbr.find("80,9870"), 7, "78,5000");
  const auto set = parse_cbr(cbr, sys_seconds{}).value();
  const auto table = RateTable::build(set).value();
  EXPECT_EQ(table.cross_rate("USD", "RUB").value().to_string(), "78.5");
  EXPECT_EQ(table.convert(Money::parse("1.00", "USD").value(), Currency::from_code("RUB").value()).value().mid_rate.to_string(), "78.5");
  EXPECT_EQ(set.rates.at("USD").base_units.to_string(), "78.5000");
  // USD→JPY crosses two published quotes: (100 × 78.5) / (52.3110 × 1) = 150.06404006805452008... (40-digit decimal)
  EXPECT_EQ(table.cross_rate("USD", "JPY").value().to_string(), "150.0640400680545201");
}

TEST(Feeds, EveryEcbRateReadsBackAsItsText) {
  const auto sets = parse_ecb(read("ecb-eurofxref-hist-2016-12-to-2017-03.xml"), sys_seconds{}).value();
  const std::string history = read("ecb-eurofxref-hist-2016-12-to-2017-03.xml");
  std::size_t compared = 0;
  for (const auto& set : sets) {
    const auto table = RateTable::build(set).value();
    const auto day = "<Cube time=\"" + date::format("%F", floor<days>(set.as_of)) + "\">";
    const auto day_at = history.find(day);
    ASSERT_NE(day_at, std::string::npos);
    for (const auto& [code, quote] : set.rates) {
      const auto text = history.substr(day_at, history.find("</Cube>", day_at) - day_at);
      const std::string attribute = "currency=\"" + code + "\" rate=\"";
      const auto at = text.find(attribute) + attribute.size();
      const auto published = text.substr(at, text.find('"', at) - at);
      EXPECT_EQ(table.cross_rate("EUR", code).value().to_string(), Decimal::parse(published).value().trimmed().to_string());
      EXPECT_EQ(quote.to_string(), published);
      ++compared;
    }
  }
  EXPECT_EQ(compared, 1984u);  // every currency="..." of the file
}

TEST(Feeds, JsonWithStringsAndNumbersReadFromTheirText) {
  auto set = parse_json_feed(R"({"base": "USD", "timestamp": 1700000000, "rates": {"EUR": "0.91", "JPY": 151.25, "KRW": 1300,
                                 "GBP": 0.791234567890123456}})",
                             sys_seconds{});
  ASSERT_TRUE(set) << set.error().message();
  EXPECT_EQ(set->as_of, sys_seconds{seconds{1700000000}});
  EXPECT_EQ(set->rates.at("EUR").to_string(), "0.91");
  EXPECT_EQ(set->rates.at("JPY").to_string(), "151.25");
  EXPECT_EQ(set->rates.at("KRW").to_string(), "1300");
  EXPECT_EQ(set->rates.at("GBP").to_string(), "0.791234567890123456");  // all 18 decimals: a double keeps ~16
}

const sys_seconds now = time_point_cast<seconds>(system_clock::now());

TEST(IsoDate, ExactlyYyyyMmDd) {
  EXPECT_EQ(parse_iso_date("2028-02-29"), sys_days{year{2028} / February / 29});
  EXPECT_EQ(parse_iso_date("0000-01-01"), sys_days{year{0} / January / 1});
  for (const char* bad : {"2027-02-29", "2026-13-01", "2026-00-10", "-001-03-03", "+999-01-01", "2026-1-01", "2026/11/01", "2026-11-01 ", "20261101", ""})
    EXPECT_FALSE(parse_iso_date(bad)) << bad;
}

TEST(Feeds, DetectsTheFormat) {
  EXPECT_EQ(parse_feed(read("cbr-daily-sample.xml"), now).value().front().source, "cbr");
  EXPECT_EQ(parse_feed(" {\"base\":\"USD\",\"timestamp\":1700000000,\"rates\":{\"EUR\":\"1\"}}", now).value().front().source, "json");
  EXPECT_EQ(parse_feed(ecb_daily(R"(<Cube currency="USD" rate="1"/>)"), now).value().front().source, "ecb");
}

// Found by fuzzing: documents that parsed but could stop the refresh for good or shadow every later set.
TEST(Feeds, ImplausibleSetsAreRefused) {
  const std::vector<std::string> implausible = {
      R"({"base":"USD","timestamp":1700000000,"rates":{"EUR":"0.000000000000000001","JPY":"100"}})",  // table would not build
      R"({"base":"USD","timestamp":1700000000,"rates":{"EUR":"0.000000000000000001","JPY":"3"}})",    // JPY->EUR would be 0
      R"({"base":"USD","timestamp":1700000000,"rates":{"EUR":"2000000000"}})",                        // over 1e9
      R"({"base":"USD","timestamp":99999999999,"rates":{"EUR":"0.9"}})",                              // year 5138
      R"({"base":"USD","timestamp":100,"rates":{"EUR":"0.9"}})",                                      // 1970
      ecb_daily(R"(<Cube currency="USD" rate="1.05"/>)", "1998-12-31"),
      ecb_daily(R"(<Cube currency="USD" rate="1.05"/>)", "2099-01-01"),
  };
  for (std::size_t i = 0; i < implausible.size(); ++i) EXPECT_EQ(parse_feed(implausible[i], now).error(), errc::implausible_rates) << "document " << i;
  // Signed dates: std::from_chars reads a '-', the feeds never have one.
  EXPECT_EQ(parse_feed(ecb_daily(R"(<Cube currency="USD" rate="1.05"/>)", "-001-03-03"), now).error(), errc::malformed_feed);
  std::string cbr = read("cbr-daily-sample.xml");
  const auto date_at = cbr.find("Date=\"") + 6;
  EXPECT_EQ(parse_feed(cbr.replace(date_at, 10, "01.01.-999"), now).error(), errc::malformed_feed);
  EXPECT_TRUE(parse_feed(ecb_daily(R"(<Cube currency="USD" rate="1.05"/>)", "2026-11-20"), sys_days{year{2026} / November / 14}))
      << "six days ahead is within the bound";
}

TEST(Feeds, MalformedDocumentsAreRefusedWhole) {
  const std::string history = read("ecb-eurofxref-hist-2016-12-to-2017-03.xml");
  const std::string cbr = read("cbr-daily-sample.xml");
  std::string cbr_as_utf8 = cbr;
  cbr_as_utf8.replace(cbr_as_utf8.find("windows-1251"), 12, "UTF-8");
  const std::vector<std::string> bad = {
      "",
      "garbage",
      history.substr(0, history.size() / 2),                           // truncated
      history.substr(0, history.size() - 3),                           // truncated at the very end
      ecb_daily(R"(<Cube currency="USD" rate="0"/>)"),                  // zero
      ecb_daily(R"(<Cube currency="USD" rate="-1.05"/>)"),              // negative
      ecb_daily(R"(<Cube currency="USD" rate="1e400"/>)"),              // exponent
      ecb_daily(R"(<Cube currency="USD" rate="NaN"/>)"),
      ecb_daily(R"(<Cube currency="USD" rate=""/>)"),
      ecb_daily(R"(<Cube currency="USD" rate="1.05"/><Cube currency="USD" rate="1.06"/>)"),  // duplicated
      ecb_daily(R"(<Cube currency="EUR" rate="1"/>)"),                  // the base quoted against itself
      ecb_daily(R"(<Cube currency="usd" rate="1.05"/>)"),
      ecb_daily(R"(<Cube currency="USD" rate="1.05" rate="1.06"/>)"),   // duplicated attribute
      ecb_daily(R"(<Cube currency="USD" rate="1.05">)"),                // unclosed
      ecb_daily(""),                                                   // a day with no rates
      ecb_daily(R"(<Cube currency="USD" rate="1.05"/>)", "2026-02-30"),  // no such date
      ecb_daily(R"(<Cube currency="USD" rate="1.05"/>)", "20.11.2026"),
      "<!DOCTYPE x [<!ENTITY a \"b\">]>" + ecb_daily(R"(<Cube currency="USD" rate="1.05"/>)"),
      cbr_as_utf8,                                                     // wrong encoding declared
      cbr.substr(0, cbr.size() - 20),
      R"({"base": "USD", "timestamp": 1700000000, "rates": {"EUR": "0.91", "EUR": "0.92"}})",
      R"({"base": "USD", "timestamp": 1700000000, "rates": {"EUR": 1e400}})",
      R"({"base": "USD", "timestamp": 1700000000, "rates": {"EUR": 0}})",
      R"({"base": "USD", "timestamp": 1700000000, "rates": {"EUR": -0.9}})",
      R"({"base": "USD", "timestamp": 1700000000, "rates": {"EUR": null}})",
      R"({"base": "USD", "timestamp": 1700000000, "rates": {}})",
      R"({"base": "USD", "rates": {"EUR": "0.9"}})",
      R"({"base": "ZZZ", "timestamp": 1700000000, "rates": {"EUR": "0.9"}})",
      R"({"base": "USD", "timestamp": 1700000000, "rates": {"EUR": "0.9"})",
      R"({"base": "USD", "base": "EUR", "timestamp": 1700000000, "rates": {"JPY": "150"}})",
      R"({"base": "USD", "timestamp": 1700000000, "rates": {"EUR": {"x": 1}}})",
  };
  for (std::size_t i = 0; i < bad.size(); ++i) EXPECT_FALSE(parse_feed(bad[i], now)) << "document " << i;
}

}  // namespace
}  // namespace rgw::fx
