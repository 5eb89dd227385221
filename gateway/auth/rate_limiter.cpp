#include "gateway/auth/rate_limiter.hpp"

#include <cmath>

namespace rgw::auth {

namespace {
constexpr std::size_t max_buckets = 100'000;  // a full bucket is the same as none: dropping them loses nothing
}

std::optional<std::chrono::milliseconds> RateLimiter::admit(const std::string& key_id, clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= max_buckets) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(key_id, bucket{burst_, now});
  bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<long>(std::ceil((1.0 - b.tokens) / per_second_ * 1000)));
}

}  // namespace rgw::auth
