#include "fx/rates.hpp"

#include <algorithm>

namespace rgw::fx {

result<Decimal> RateSet::rate(std::string_view code) const {
  if (code == base.code()) return Decimal::from_units(1, 0);
  auto it = rates.find(code);
  if (it == rates.end()) return errc::no_rate;
  return it->second;
}

RateTable::RateTable(RateSet set) : set_(std::move(set)) {
  codes_.emplace_back(set_.base.code());
  for (const auto& [code, rate] : set_.rates) codes_.push_back(code);
  const auto n = codes_.size();
  cross_.resize(n * n);
  std::vector<Decimal> from_base(n);
  for (std::size_t i = 0; i < n; ++i) from_base[i] = set_.rate(codes_[i]).value();
  for (std::size_t from = 0; from < n; ++from)
    for (std::size_t to = 0; to < n; ++to)
      cross_[from * n + to] = divide_precise(from_base[to], from_base[from]).value();  // rates are > 0 and bounded
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
  return Conversion{*money, *mid, applied};
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
