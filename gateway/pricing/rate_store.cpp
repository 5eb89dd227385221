#include "gateway/pricing/rate_store.hpp"

namespace rgw::pricing {

bool RateStore::install(fx::RateSet set) {
  auto table = fx::RateTable::build(std::move(set));
  if (!table) return false;  // parse_feed refuses such sets; one stored before it did must not stop the refresh
  auto next = std::make_shared<const fx::RateTable>(std::move(*table));
  auto current = table_.load();
  const auto newer = [&next](const std::shared_ptr<const fx::RateTable>& than) {
    if (!than) return true;
    const auto &a = next->set(), &b = than->set();
    return a.as_of > b.as_of || (a.as_of == b.as_of && a.fetched_at > b.fetched_at);
  };
  // Compare-and-swap: two refreshes racing can never install the older set last.
  while (newer(current))
    if (table_.compare_exchange_weak(current, next)) return true;
  return false;
}

}  // namespace rgw::pricing
