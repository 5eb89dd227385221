// Rate feeds (ECB, Bank of Russia, JSON; the XML reader under the first two): whatever parse_feed accepts can be
// installed — every set builds its cross-rate table, every rate is within bounds and read by the table as
// published, dates are sane, days newest first. The XML reader's output is valid UTF-8.
#include <chrono>

#include "fx/feeds.hpp"
#include "fx/utf8.hpp"
#include "fx/xml.hpp"
#include "tests/fuzz/check.hpp"

using namespace rgw::fx;
using namespace std::chrono;

namespace {

void check_utf8(const xml::Element& e) {
  FUZZ_CHECK(valid_utf8(e.name) && valid_utf8(e.text));
  for (const auto& [name, value] : e.attributes) FUZZ_CHECK(valid_utf8(name) && valid_utf8(value));
  for (const auto& child : e.children) check_utf8(child);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto text = fuzz_text(data, size);
  if (auto doc = xml::parse(text)) check_utf8(*doc);
  const sys_seconds fetched_at = sys_days{year{2026} / December / 1} + 12h;
  const auto sets = parse_feed(text, fetched_at);
  if (!sets) return 0;
  FUZZ_CHECK(!sets->empty());
  const auto lowest = Decimal::parse("0.000000001").value(), highest = Decimal::parse("1000000000").value();
  for (std::size_t i = 0; i < sets->size(); ++i) {
    const auto& set = (*sets)[i];
    FUZZ_CHECK(!set.rates.empty());
    FUZZ_CHECK(set.as_of >= sys_days{year{1999} / January / 1} && set.as_of <= fetched_at + days{7});
    if (i > 0) FUZZ_CHECK((*sets)[i - 1].as_of > set.as_of);
    const auto table = RateTable::build(set);
    FUZZ_CHECK(table);
    for (const auto& [code, quote] : set.rates) {
      const auto rate = quote.per_base();
      FUZZ_CHECK(rate && *rate >= lowest && *rate <= highest && code != set.base.code());
      const auto there = table->cross_rate(set.base.code(), code), back = table->cross_rate(code, set.base.code());
      FUZZ_CHECK(there && back && !there->is_zero() && !back->is_zero());
      FUZZ_CHECK(*there == *rate);  // the table's rate is the published one's, one division
    }
  }
  return 0;
}
