#include "gateway/accounts/rate_limiter.hpp"


namespace rgw::auth {

namespace {
constexpr std::size_t max_buckets = 100'000;  // a full bucket is the same as none: dropping them loses nothing
}

std::optional<std::chrono::milliseconds> RateLimiter::admit(const std::string& key_id, clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= max_buckets) buckets_.clear();
  auto it = buckets_.try_emplace(key_id, per_second_, burst_, now).first;
  return it->second.take(now);
}

}  // namespace rgw::auth
