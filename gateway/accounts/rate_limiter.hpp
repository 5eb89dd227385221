#pragma once
// Requests per API key: a token bucket per key in this process (so N processes allow up to N times the rate).
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "gateway/net/token_bucket.hpp"

namespace rgw::auth {

class RateLimiter {
 public:
  using clock = std::chrono::steady_clock;

  // `per_second` tokens refill continuously up to `burst`.
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  // nullopt when the request may go ahead (and takes a token); otherwise how long until one is available.
  std::optional<std::chrono::milliseconds> admit(const std::string& key_id, clock::time_point now = clock::now());

 private:
  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, net::TokenBucket> buckets_;
};

}  // namespace rgw::auth
