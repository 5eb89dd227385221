#pragma once
// When to try again (docs/design.md, "Orders"): full jitter, sleep = random(0, min(cap, base · 2^attempt)), and a deadline
// after which the order gives up and fails.
#include <chrono>
#include <optional>

namespace rgw::net {

struct RetryPolicy {
  std::chrono::milliseconds base{1'000};
  std::chrono::milliseconds cap{5 * 60'000};
  std::chrono::seconds deadline{24 * 3600};  // from the order's acceptance
};

// A uniform draw in [0, 1) from a per-thread generator, for backoff().
double unit_random();

// The wait before attempt number `attempt` (0 for the first retry); `unit_random` is uniform in [0, 1).
std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt, double unit_random);

// The wait before the next attempt, or nullopt when the order is past its deadline (or would be by then).
std::optional<std::chrono::milliseconds> next_retry(const RetryPolicy& policy, int attempt, double unit_random,
                                                    std::chrono::system_clock::time_point accepted_at,
                                                    std::chrono::system_clock::time_point now);

}  // namespace rgw::net
