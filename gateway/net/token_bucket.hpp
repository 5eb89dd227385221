#pragma once
// A rate: `per_second` tokens refill continuously up to `burst`; each call takes one. Not thread-safe (callers
// hold their own lock). Used for API keys' request rates and providers' call rates.
#include <chrono>
#include <optional>

namespace rgw::net {

class TokenBucket {
 public:
  using clock = std::chrono::steady_clock;

  TokenBucket(double per_second, double burst, clock::time_point now = clock::now())
      : per_second_(per_second), burst_(burst), tokens_(burst), updated_(now) {}

  // nullopt when a token was taken; otherwise how long until one is there (nothing is taken).
  std::optional<std::chrono::milliseconds> take(clock::time_point now = clock::now());

 private:
  double per_second_, burst_, tokens_;
  clock::time_point updated_;
};

}  // namespace rgw::net
