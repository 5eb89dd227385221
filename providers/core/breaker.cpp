#include "providers/core/breaker.hpp"

#include <algorithm>

namespace rgw::providers {

CircuitBreaker::State CircuitBreaker::state(time_point now) const {
  if (!opened_) return State::closed;
  return now < open_until_ ? State::open : State::half_open;
}

bool CircuitBreaker::allow(time_point now) {
  switch (state(now)) {
    case State::closed: return true;
    case State::open: return false;
    case State::half_open:
      if (probing_) return false;
      probing_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  consecutive_failures_ = 0;
  reopenings_ = 0;
  opened_ = false;
  probing_ = false;
}

void CircuitBreaker::record_failure(time_point now) {
  ++consecutive_failures_;
  const bool failed_probe = opened_ && probing_;
  if (!failed_probe && (opened_ || consecutive_failures_ < policy_.failures_to_open)) return;
  if (failed_probe) ++reopenings_;
  // open_for × 2^reopenings, capped (the shift is bounded so it cannot overflow)
  const std::chrono::milliseconds doubled = policy_.open_for * (1L << std::min(reopenings_, 20));
  const auto open_for = std::min(policy_.max_open_for, doubled);
  opened_ = true;
  probing_ = false;
  open_until_ = now + open_for;
}

std::string_view CircuitBreaker::health(time_point now) const {
  switch (state(now)) {
    case State::open: return "open";
    case State::half_open: return "degraded";
    case State::closed: return consecutive_failures_ > 0 ? "degraded" : "healthy";
  }
  return "healthy";
}

}  // namespace rgw::providers
