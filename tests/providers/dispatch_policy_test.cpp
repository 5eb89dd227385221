// The pure parts of dispatch: circuit breaker, full-jitter backoff, and the redemption state machine.
#include <gtest/gtest.h>

#include "gateway/redemptions/status.hpp"
#include "providers/core/breaker.hpp"
#include "gateway/net/retry.hpp"

namespace rgw {
namespace {

using namespace std::chrono_literals;
using providers::CircuitBreaker;
using providers::Outcome;
using redemptions::Next;
using redemptions::Status;

TEST(CircuitBreaker, OpensAfterFiveFailuresThenProbesOnce) {
  CircuitBreaker b;
  auto t = CircuitBreaker::time_point{} + 1h;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(b.allow(t));
    b.record_failure(t);
  }
  EXPECT_EQ(b.health(t), "degraded");
  EXPECT_TRUE(b.allow(t));
  b.record_failure(t);
  EXPECT_EQ(b.state(t), CircuitBreaker::State::open);
  EXPECT_EQ(b.health(t), "open");
  EXPECT_FALSE(b.allow(t + 29s));
  EXPECT_TRUE(b.allow(t + 30s)) << "one probe after 30 s";
  EXPECT_FALSE(b.allow(t + 30s)) << "only one";
  b.record_failure(t + 30s);
  EXPECT_FALSE(b.allow(t + 89s)) << "a failed probe reopens for twice as long";
  EXPECT_TRUE(b.allow(t + 90s));
  b.record_success();
  EXPECT_EQ(b.health(t + 90s), "healthy");
  EXPECT_TRUE(b.allow(t + 90s));
}

TEST(CircuitBreaker, SuccessResetsTheCountAndTheOpenTimeIsCapped) {
  CircuitBreaker b({.failures_to_open = 2, .open_for = 1s, .max_open_for = 3s});
  auto t = CircuitBreaker::time_point{} + 1h;
  b.record_failure(t);
  b.record_success();
  b.record_failure(t);
  EXPECT_EQ(b.state(t), CircuitBreaker::State::closed) << "failures must be consecutive";
  b.record_failure(t);
  EXPECT_EQ(b.state(t), CircuitBreaker::State::open);
  for (int i = 0; i < 5; ++i) {  // probes keep failing: 2 s, 3 s (cap), 3 s, ...
    t += 10s;
    ASSERT_TRUE(b.allow(t));
    b.record_failure(t);
  }
  EXPECT_FALSE(b.allow(t + 2999ms));
  EXPECT_TRUE(b.allow(t + 3s));
}

TEST(Retry, FullJitterWithinTheCapAndTheDeadline) {
  const net::RetryPolicy policy;  // 1 s base, 5 min cap, 24 h deadline
  EXPECT_EQ(net::backoff(policy, 0, 0.5), 500ms);
  EXPECT_EQ(net::backoff(policy, 3, 0.5), 4000ms);
  EXPECT_EQ(net::backoff(policy, 3, 0.0), 0ms);
  EXPECT_EQ(net::backoff(policy, 20, 0.999999), 299'999ms) << "capped at 5 min";
  EXPECT_EQ(net::backoff(policy, 10'000, 0.5), 150'000ms) << "huge attempt counts do not overflow";
  const auto accepted = std::chrono::system_clock::time_point{} + 24h * 1000;
  EXPECT_EQ(net::next_retry(policy, 3, 0.5, accepted, accepted + 1h), 4000ms);
  EXPECT_FALSE(net::next_retry(policy, 3, 0.5, accepted, accepted + 24h - 1s)) << "would land past the deadline";
}

TEST(RedemptionStatus, LegalMovesFollowTheApi) {
  EXPECT_TRUE(redemptions::can_move(Status::accepted, Status::dispatching));
  EXPECT_TRUE(redemptions::can_move(Status::accepted, Status::retrying)) << "held for funds before any call";
  EXPECT_TRUE(redemptions::can_move(Status::dispatching, Status::issued));
  EXPECT_TRUE(redemptions::can_move(Status::dispatching, Status::retrying));
  EXPECT_TRUE(redemptions::can_move(Status::retrying, Status::dispatching));
  EXPECT_TRUE(redemptions::can_move(Status::dispatching, Status::unknown));
  EXPECT_TRUE(redemptions::can_move(Status::unknown, Status::issued));
  for (auto s : {Status::accepted, Status::dispatching, Status::retrying, Status::unknown})
    EXPECT_TRUE(redemptions::can_move(s, Status::failed)) << redemptions::status_name(s);
  for (auto s : {Status::accepted, Status::dispatching, Status::issued, Status::retrying, Status::unknown, Status::failed}) {
    EXPECT_FALSE(redemptions::can_move(Status::issued, s)) << "issued is final";
    EXPECT_FALSE(redemptions::can_move(Status::failed, s)) << "failed is final";
    EXPECT_EQ(redemptions::parse_status(redemptions::status_name(s)), s);
  }
  EXPECT_FALSE(redemptions::can_move(Status::accepted, Status::issued));
  EXPECT_FALSE(redemptions::can_move(Status::retrying, Status::issued));
  EXPECT_TRUE(redemptions::can_move(Status::unknown, Status::retrying)) << "only when the provider has no order under the key";
  EXPECT_FALSE(redemptions::can_move(Status::unknown, Status::dispatching)) << "an unknown outcome is asked about, not issued again";
  EXPECT_FALSE(redemptions::parse_status("done"));
}

TEST(RedemptionStatus, UnknownOutcomesAreAskedNeverReissuedAndFailoverNeedsAKnownFailure) {
  using redemptions::after_issue;
  using redemptions::after_status;
  auto is = [](redemptions::Step s, Status status, Next next) { return s.status == status && s.next == next; };
  EXPECT_TRUE(is(after_issue(Outcome::issued, true), Status::issued, Next::done));
  EXPECT_TRUE(is(after_issue(Outcome::retryable, true), Status::retrying, Next::retry_issue));
  EXPECT_TRUE(is(after_issue(Outcome::unknown, true), Status::unknown, Next::ask_status)) << "no failover on a maybe";
  EXPECT_TRUE(is(after_issue(Outcome::pending, true), Status::unknown, Next::ask_status));
  EXPECT_TRUE(is(after_issue(Outcome::rejected, true), Status::retrying, Next::fail_over));
  EXPECT_TRUE(is(after_issue(Outcome::rejected, false), Status::failed, Next::give_up));
  EXPECT_TRUE(is(after_status(Outcome::issued, false), Status::issued, Next::done));
  EXPECT_TRUE(is(after_status(Outcome::unknown, true), Status::unknown, Next::ask_status)) << "a failed question is still unknown";
  EXPECT_TRUE(is(after_status(Outcome::pending, true), Status::unknown, Next::ask_status));
  EXPECT_TRUE(is(after_status(Outcome::retryable, true), Status::retrying, Next::retry_issue)) << "no order there: same key again";
  EXPECT_TRUE(is(after_status(Outcome::rejected, true), Status::retrying, Next::fail_over));
  EXPECT_TRUE(is(after_status(Outcome::rejected, false), Status::failed, Next::give_up));
  for (auto o : {Outcome::issued, Outcome::pending, Outcome::rejected, Outcome::retryable, Outcome::unknown})
    for (bool more : {true, false}) {
      const auto s = after_issue(o, more);
      EXPECT_TRUE(redemptions::can_move(Status::dispatching, s.status)) << providers::outcome_name(o);
      const auto asked = after_status(o, more);
      EXPECT_TRUE(asked.status == Status::unknown || redemptions::can_move(Status::unknown, asked.status)) << providers::outcome_name(o);
    }
}

}  // namespace
}  // namespace rgw
