#pragma once
// A per-provider circuit breaker (docs/design.md, "Orders"): opens after 5 consecutive failures, stays open 30 s (doubling on
// each reopening, capped), then lets one probe through; the probe's result closes or reopens it. Time is passed
// in, so the breaker is a plain value type; callers serialise access.
#include <chrono>
#include <string_view>

namespace rgw::providers {

struct BreakerPolicy {
  int failures_to_open = 5;
  std::chrono::milliseconds open_for{30'000};
  std::chrono::milliseconds max_open_for{10 * 60'000};
};

class CircuitBreaker {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  enum class State { closed, open, half_open };

  explicit CircuitBreaker(BreakerPolicy policy = {}) : policy_(policy) {}

  // Whether a call may go to the provider now. In half-open state exactly one caller gets true (the probe).
  bool allow(time_point now);
  void record_success();
  void record_failure(time_point now);

  State state(time_point now) const;
  // For ops (GET /v1/providers): "healthy", "degraded" (recent failures or probing) or "open".
  std::string_view health(time_point now) const;

 private:
  BreakerPolicy policy_;
  int consecutive_failures_ = 0;
  int reopenings_ = 0;  // since the last close: each doubles the open time
  bool opened_ = false;
  bool probing_ = false;
  time_point open_until_{};
};

}  // namespace rgw::providers
