#include "gateway/accounts/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace rgw::auth {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, BurstThenSteadyRatePerKey) {
  RateLimiter limiter(2, 3);  // 2 per second, bursts of 3
  const auto t0 = RateLimiter::clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.admit("a", t0)) << i;
  auto wait = limiter.admit("a", t0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 500ms);
  EXPECT_FALSE(limiter.admit("b", t0)) << "keys do not share a bucket";
  EXPECT_TRUE(limiter.admit("a", t0 + 499ms));
  EXPECT_FALSE(limiter.admit("a", t0 + 1000ms));  // refilled one token in 0.5 s
  EXPECT_FALSE(limiter.admit("a", t0 + 10s));
  EXPECT_FALSE(limiter.admit("a", t0 + 10s));
  EXPECT_FALSE(limiter.admit("a", t0 + 10s));
  EXPECT_TRUE(limiter.admit("a", t0 + 10s)) << "refill stops at the burst size";
}

}  // namespace
}  // namespace rgw::auth
