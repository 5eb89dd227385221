#include "gateway/net/retry.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace rgw::net {

double unit_random() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 1)(rng);
}

std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt, double unit_random) {
  // 2^attempt grows past any cap quickly; clamp the exponent so the double stays finite.
  const double ceiling = std::min<double>(policy.cap.count(), policy.base.count() * std::pow(2.0, std::clamp(attempt, 0, 60)));
  return std::chrono::milliseconds(static_cast<long long>(std::clamp(unit_random, 0.0, 1.0) * ceiling));
}

std::optional<std::chrono::milliseconds> next_retry(const RetryPolicy& policy, int attempt, double unit_random,
                                                    std::chrono::system_clock::time_point accepted_at,
                                                    std::chrono::system_clock::time_point now) {
  const auto wait = backoff(policy, attempt, unit_random);
  if (now + wait >= accepted_at + policy.deadline) return std::nullopt;
  return wait;
}

}  // namespace rgw::net
