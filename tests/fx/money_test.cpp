#include "fx/money.hpp"

#include <gtest/gtest.h>

namespace rgw::fx {
namespace {

TEST(Currency, MinorUnitsFromTheIsoTable) {
  EXPECT_EQ(Currency::from_code("JPY").value().minor_units(), 0);
  EXPECT_EQ(Currency::from_code("EUR").value().minor_units(), 2);
  EXPECT_EQ(Currency::from_code("BHD").value().minor_units(), 3);
  EXPECT_EQ(Currency::from_code("CLF").value().minor_units(), 4);
  EXPECT_EQ(Currency::from_code("RUB").value().numeric(), 643);
  for (auto bad : {"", "eur", "EURO", "XXX", "XAU", "ZZZ"}) EXPECT_EQ(Currency::from_code(bad).error(), errc::unknown_currency) << bad;
}

TEST(Money, FormatsAtExactlyMinorUnits) {
  EXPECT_EQ(Money::parse("5000", "JPY").value().amount_string(), "5000");
  EXPECT_EQ(Money::parse("50", "EUR").value().amount_string(), "50.00");
  EXPECT_EQ(Money::parse("1.5", "BHD").value().amount_string(), "1.500");
  EXPECT_EQ(Money::parse("0.1234", "CLF").value().amount_string(), "0.1234");
}

TEST(Money, RefusesMoreDecimalsThanTheCurrencyHas) {
  EXPECT_EQ(Money::parse("10.005", "EUR").error(), errc::too_precise);
  EXPECT_EQ(Money::parse("1.5", "JPY").error(), errc::too_precise);
  EXPECT_EQ(Money::parse("1.0001", "BHD").error(), errc::too_precise);
  EXPECT_EQ(Money::parse("1e3", "EUR").error(), errc::invalid_number);
  EXPECT_EQ(Money::parse("10", "ABC").error(), errc::unknown_currency);
  EXPECT_EQ(Money::parse("99999999999999999999999", "EUR").error(), errc::overflow);
  // Scaling up to minor units can overflow too.
  EXPECT_EQ(Money::parse("922337203685477580", "EUR").error(), errc::overflow);
}

TEST(Money, RoundsHalfEvenToMinorUnits) {
  auto eur = Currency::from_code("EUR").value();
  auto jpy = Currency::from_code("JPY").value();
  auto bhd = Currency::from_code("BHD").value();
  EXPECT_EQ(Money::round(Decimal::parse("10.005").value(), eur).value().amount_string(), "10.00");
  EXPECT_EQ(Money::round(Decimal::parse("10.015").value(), eur).value().amount_string(), "10.02");
  EXPECT_EQ(Money::round(Decimal::parse("2500.5").value(), jpy).value().amount_string(), "2500");
  EXPECT_EQ(Money::round(Decimal::parse("2501.5").value(), jpy).value().amount_string(), "2502");
  EXPECT_EQ(Money::round(Decimal::parse("1.2345").value(), bhd).value().amount_string(), "1.234");
  EXPECT_EQ(Money::round(Decimal::parse("1.2355").value(), bhd).value().amount_string(), "1.236");
}

}  // namespace
}  // namespace rgw::fx
