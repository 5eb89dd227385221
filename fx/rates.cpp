#include "fx/rates.hpp"

#include <algorithm>

namespace rgw::fx {

namespace {
const Decimal one = Decimal::from_units(1, 0).value();

// How many `to` units one `from` unit buys, from the two currencies' quotes against the same base.
result<Decimal> cross(const Quote& from, const Quote& to) { return divide_products(to.units, from.base_units, to.base_units, from.units); }
}  // namespace

result<Decimal> Quote::per_base() const { return cross(Quote{one, one}, *this); }

std::string Quote::to_string() const {
  if (base_units == one) return units.to_string();
  return units.to_string() + " for " + base_units.to_string();
}

result<Quote> RateSet::quote(std::string_view code) const {
  if (code == base.code()) return Quote{one, one};
  auto it = rates.find(code);
  if (it == rates.end()) return errc::no_rate;
  return it->second;
}

result<RateTable> RateTable::build(RateSet set) {
  RateTable t(std::move(set));
  t.codes_.emplace_back(t.set_.base.code());
  for (const auto& [code, rate] : t.set_.rates) t.codes_.push_back(code);
  const auto n = t.codes_.size();
  t.cross_.resize(n * n);
  std::vector<Quote> quotes;
  quotes.reserve(n);
  for (const auto& code : t.codes_) quotes.push_back(t.set_.quote(code).value());
  for (std::size_t from = 0; from < n; ++from)
    for (std::size_t to = 0; to < n; ++to) {
      auto rate = cross(quotes[from], quotes[to]);
      if (!rate || rate->is_zero()) return errc::implausible_rates;
      t.cross_[from * n + to] = *rate;
    }
  return t;
}

int RateTable::index(std::string_view code) const {
  if (code == codes_.front()) return 0;
  auto it = std::lower_bound(codes_.begin() + 1, codes_.end(), code);
  return it != codes_.end() && *it == code ? static_cast<int>(it - codes_.begin()) : -1;
}

result<Decimal> RateTable::cross_rate(std::string_view from, std::string_view to) const {
  const int f = index(from), t = index(to);
  if (f < 0 || t < 0) return errc::no_rate;
  return cross_[f * codes_.size() + t];
}

result<Conversion> RateTable::convert(const Money& amount, const Currency& to, int markup_bps) const {
  auto mid = cross_rate(amount.currency().code(), to.code());
  if (!mid) return mid.error();
  auto applied = *mid;
  if (markup_bps != 0) {
    auto factor = Decimal::from_units(10'000 + markup_bps, 4);
    if (!factor) return factor.error();
    auto marked = multiply_precise(*mid, *factor);
    if (!marked) return marked.error();
    applied = *marked;
  }
  auto converted = multiply(amount.amount(), applied, to.minor_units(), rounding::half_even);
  if (!converted) return converted.error();
  auto money = Money::round(*converted, to);
  if (!money) return money.error();
  if (money->amount().is_zero() && !amount.amount().is_zero()) return errc::rounds_to_zero;
  return Conversion{*money, *mid, applied};
}

std::optional<std::string> implausible_change(const RateSet& older, const RateSet& newer, const Decimal& max_change) {
  if (older.base != newer.base) return std::nullopt;
  const auto low = subtract(one, max_change).value(), high = add(one, max_change).value();
  for (const auto& [code, quote] : newer.rates) {
    const auto before = older.rates.find(code);
    if (before == older.rates.end()) continue;
    const auto ratio = cross(before->second, quote);  // the new rate over the old one
    if (!ratio || *ratio < low || *ratio > high)
      return code + " moved from " + before->second.to_string() + " to " + quote.to_string() + " per " + std::string(newer.base.code());
  }
  return std::nullopt;
}

std::chrono::seconds business_age(sys_seconds as_of, sys_seconds now) {
  using namespace std::chrono;
  if (now <= as_of) return seconds(0);
  seconds age(0);
  // Walk day by day (a few iterations: rates older than a few weeks are stale anyway, and capped below).
  auto cursor = as_of;
  for (int walked = 0; cursor < now && walked < 400; ++walked) {
    const auto day_start = floor<days>(cursor);
    const auto next = std::min<sys_seconds>(day_start + days{1}, now);
    const weekday wd{day_start};
    if (wd != Saturday && wd != Sunday) age += next - cursor;
    cursor = next;
  }
  if (cursor < now) age += now - cursor;
  return age;
}

std::chrono::seconds age(const RateSet& set, sys_seconds now) {
  if (set.business_days) return business_age(set.as_of, now);
  return now > set.as_of ? now - set.as_of : std::chrono::seconds(0);
}

}  // namespace rgw::fx
