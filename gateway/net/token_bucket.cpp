#include "gateway/net/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace rgw::net {

std::optional<std::chrono::milliseconds> TokenBucket::take(clock::time_point now) {
  if (now > updated_) {
    tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - updated_).count() * per_second_);
    updated_ = now;
  }
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<long>(std::ceil((1.0 - tokens_) / per_second_ * 1000)));
}

}  // namespace rgw::net
