#pragma once
// Rate sets as feeds publish them, and the table that converts money with them.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fx/currency.hpp"
#include "fx/decimal.hpp"
#include "fx/money.hpp"

namespace rgw::fx {

using sys_seconds = std::chrono::sys_seconds;

// A rate as its source published it: `units` of the currency are worth `base_units` of the base. The ECB and
// JSON feeds quote what one base unit buys (base_units = 1); the Bank of Russia quotes Value roubles for Nominal
// units (units = Nominal, base_units = Value). Kept so, a published rate reads back as published and every cross
// rate is one division of published numbers.
struct Quote {
  Decimal units;
  Decimal base_units;

  // What one base unit buys: exact for a per-base quote, else to at least 17 significant digits.
  result<Decimal> per_base() const;
  // As published: "1.0565" (per base unit), "100 for 52.3110" (Nominal for Value).
  std::string to_string() const;
};

// One published set: the quote of each currency against `base`, at `as_of`.
struct RateSet {
  Currency base;
  std::string source;  // "ecb", "cbr", "json"
  sys_seconds as_of;   // the source's own time for these rates
  sys_seconds fetched_at;
  std::map<std::string, Quote, std::less<>> rates;  // by ISO code; never the base itself, never <= 0
  bool business_days = false;  // the source publishes on business days only (central banks)

  // The base's quote is 1 = 1; errc::no_rate for a currency the set does not quote.
  result<Quote> quote(std::string_view code) const;
};

// A converted amount with the rates behind it.
struct Conversion {
  Money to;
  Decimal mid_rate;      // units of `to` per unit of `from`, unmarked (at least 17 significant digits)
  Decimal applied_rate;  // mid_rate with the markup applied; `to` = from × applied_rate, rounded once
};

// A rate set with every cross rate worked out once, so a conversion is one multiplication. Immutable, shared
// between threads by shared_ptr.
class RateTable {
 public:
  // errc::implausible_rates when a cross rate does not fit 18 digits or comes out zero (rates of wildly
  // different magnitude): such a set must never be stored, let alone priced with.
  static result<RateTable> build(RateSet set);

  const RateSet& set() const noexcept { return set_; }
  // rate(from→to) = (to.units × from.base_units) / (to.base_units × from.units): one division of the published
  // numbers, to at least 17 significant digits, without trailing zeros (USD→RUB at Value 78,5000 is 78.5).
  result<Decimal> cross_rate(std::string_view from, std::string_view to) const;
  // amount × cross rate × (1 + markup_bps / 10000), rounded half-even to `to`'s minor units: the only rounding.
  // errc::rounds_to_zero when a non-zero amount would come out as zero.
  result<Conversion> convert(const Money& amount, const Currency& to, int markup_bps = 0) const;

 private:
  explicit RateTable(RateSet set) : set_(std::move(set)) {}
  int index(std::string_view code) const;
  RateSet set_;
  std::vector<std::string> codes_;  // base first, then the quoted currencies, sorted
  std::vector<Decimal> cross_;      // codes_.size()² cross rates, row = from
};

// The first currency quoted by both sets (same base) whose rate moved by more than `max_change` (0.5: to below
// half or above one and a half times the older rate), described for a log line; nullopt when none did.
std::optional<std::string> implausible_change(const RateSet& older, const RateSet& newer, const Decimal& max_change);

// Time between as_of and now that falls on weekdays (UTC): feeds publish on business days only, so a Friday
// rate is not "three days old" on Monday morning.
std::chrono::seconds business_age(sys_seconds as_of, sys_seconds now);
// How old a set is for staleness limits: business time for business-day sources, wall time otherwise.
std::chrono::seconds age(const RateSet& set, sys_seconds now);

}  // namespace rgw::fx
