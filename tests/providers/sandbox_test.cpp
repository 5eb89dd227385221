// The Provider entry points (deadline, breaker, concurrency limit) and the sandbox's faults and record.
#include "providers/sandbox/sandbox.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "providers/registry.hpp"

namespace rgw::providers {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct SandboxTest : ::testing::Test {
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("rgw-sandbox-unit-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::shared_ptr<Registry> registry(nlohmann::json entry) {
    entry["kind"] = "sandbox";
    entry["record_dir"] = dir.string();
    return Registry::from_json({{"sbx", entry}});
  }
  // Runs one call to completion; `call` is "issue" or "status".
  Result call(Provider& p, const std::string& what, const std::string& key, const std::string& sku = "SBX-AMZ") {
    auto permit = p.admit(Provider::Call::issue);
    EXPECT_TRUE(permit) << "not admitted";
    if (!permit) return {};
    const IssueRequest request{key, sku, fx::Money::parse("10.00", "EUR").value(), std::nullopt, std::nullopt};
    asio::io_context io;
    // A named lambda: the coroutine refers to its captures until io.run() returns.
    auto body = [&]() -> asio::awaitable<std::unique_ptr<Result>> {
      if (what == "issue") co_return std::make_unique<Result>(co_await p.issue(*permit, request));
      co_return std::make_unique<Result>(co_await p.status(*permit, request));
    };
    auto done = asio::co_spawn(io, body(), asio::use_future);
    io.run();
    return std::move(*done.get());
  }

  std::filesystem::path dir;
};

TEST_F(SandboxTest, IssuesOncePerKeyAndReplaysTheSameReward) {
  auto r = registry({});
  auto& p = *r->find("sbx");
  const auto first = call(p, "issue", "k1");
  ASSERT_EQ(first.outcome, Outcome::issued);
  const auto again = call(p, "issue", "k1");
  ASSERT_EQ(again.outcome, Outcome::issued);
  EXPECT_EQ(again.reward->code.reveal(), first.reward->code.reveal()) << "an idempotent replay";
  EXPECT_EQ(call(p, "status", "k1").reward->code.reveal(), first.reward->code.reveal());
  EXPECT_EQ(call(p, "status", "never-issued").outcome, Outcome::retryable) << "no order under this key";
  EXPECT_NE(call(p, "issue", "k2").reward->code.reveal(), first.reward->code.reveal());
  const auto record = sandbox_issued(dir);
  EXPECT_EQ(record.size(), 2u);
  EXPECT_EQ(record.at("k1"), first.reward->code.reveal());
  // The records hold codes and PINs: readable by their owner only.
  namespace fs = std::filesystem;
  EXPECT_EQ(fs::status(dir / "k1").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(SandboxTest, RefusedSkusAreRejectedAndCreateNothing) {
  auto r = registry({});
  auto& p = *r->find("sbx");
  EXPECT_EQ(call(p, "issue", "k1", "SBX-REFUSED-1").outcome, Outcome::rejected);
  EXPECT_EQ(call(p, "status", "k1", "SBX-REFUSED-1").outcome, Outcome::rejected);
  EXPECT_TRUE(sandbox_issued(dir).empty());
}

TEST_F(SandboxTest, ATimeoutIsUnknownAndCreatesNothing) {
  auto r = registry({{"faults", {{"timeout", 1.0}}}, {"timeout_ms", 50}});
  auto& p = *r->find("sbx");
  const auto result = call(p, "issue", "k1");
  EXPECT_EQ(result.outcome, Outcome::unknown) << "the deadline passed after the request went out";
  EXPECT_NE(result.detail.find("50 ms"), std::string::npos);
  EXPECT_TRUE(sandbox_issued(dir).empty());
  EXPECT_EQ(call(p, "status", "k1").outcome, Outcome::retryable);
}

TEST_F(SandboxTest, ALostAnswerIsUnknownButTheOrderExists) {
  auto r = registry({{"faults", {{"lost", 1.0}}}});
  auto& p = *r->find("sbx");
  EXPECT_EQ(call(p, "issue", "k1").outcome, Outcome::unknown);
  EXPECT_EQ(sandbox_issued(dir).size(), 1u);
  EXPECT_EQ(call(p, "status", "k1").outcome, Outcome::issued) << "status finds what the lost answer created";
}

TEST_F(SandboxTest, PendingOrdersAreIssuedOncePendingTimeHasPassed) {
  auto slow = registry({{"faults", {{"pending", 1.0}}}, {"pending_ms", 3'600'000}});
  EXPECT_EQ(call(*slow->find("sbx"), "issue", "k1").outcome, Outcome::pending);
  EXPECT_EQ(call(*slow->find("sbx"), "status", "k1").outcome, Outcome::pending) << "still within its hour";
  auto quick = registry({{"faults", {{"pending", 1.0}}}, {"pending_ms", 0}});
  EXPECT_EQ(call(*quick->find("sbx"), "issue", "k2").outcome, Outcome::pending);
  EXPECT_EQ(call(*quick->find("sbx"), "status", "k2").outcome, Outcome::issued);
}

TEST_F(SandboxTest, ACallRateHoldsCallsBackWithRoomInFlight) {
  auto r = registry({{"max_calls_per_s", 1}, {"calls_burst", 2}});
  auto& p = *r->find("sbx");
  EXPECT_TRUE(p.admit(Provider::Call::issue));
  EXPECT_TRUE(p.admit(Provider::Call::issue)) << "a burst of two";
  EXPECT_FALSE(p.admit(Provider::Call::issue)) << "the third waits for a token (a second)";
  EXPECT_EQ(p.health().in_flight, 0u);
  EXPECT_THROW(registry({{"max_calls_per_s", -1}}), std::invalid_argument);
}

TEST_F(SandboxTest, TheBreakerOpensAfterFailuresAndTheLimitBoundsCalls) {
  auto r = registry({{"faults", {{"retryable", 1.0}}}, {"breaker_failures", 3}, {"breaker_open_ms", 60'000}, {"max_in_flight", 1}});
  auto& p = *r->find("sbx");
  {
    auto held = p.admit(Provider::Call::issue);
    ASSERT_TRUE(held);
    EXPECT_FALSE(p.admit(Provider::Call::issue)) << "one call at a time";
    EXPECT_EQ(p.health().in_flight, 1u);
  }
  EXPECT_EQ(p.health().in_flight, 0u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call(p, "issue", "k" + std::to_string(i)).outcome, Outcome::retryable);
  EXPECT_EQ(p.health().state, "open");
  EXPECT_FALSE(p.admit(Provider::Call::issue)) << "an open breaker lets nothing through";
  EXPECT_EQ(p.health().calls.at("retryable"), 3u);
  EXPECT_EQ(p.health().last_error, "sandbox: try again later");
}

TEST_F(SandboxTest, FaultDrawsFollowTheConfiguredRates) {
  auto r = registry({{"faults", {{"retryable", 0.3}, {"unknown", 0.2}}}, {"breaker_failures", 1000}});
  auto& p = *r->find("sbx");
  std::map<Outcome, int> seen;
  for (int i = 0; i < 400; ++i) ++seen[call(p, "issue", "key-" + std::to_string(i)).outcome];
  EXPECT_NEAR(seen[Outcome::retryable], 120, 40);
  EXPECT_NEAR(seen[Outcome::unknown], 80, 35);
  EXPECT_NEAR(seen[Outcome::issued], 200, 45);
}

TEST(Registry, RefusesBadConfigurationByName) {
  auto message = [](const nlohmann::json& config) -> std::string {
    try {
      Registry::from_json(config);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message(nlohmann::json::object()), "");
  EXPECT_NE(message({{"Bad Name", {{"kind", "sandbox"}, {"record_dir", "/tmp/x"}}}}).find("Bad Name"), std::string::npos);
  EXPECT_NE(message({{"acme", {{"kind", "carrier-pigeon"}}}}).find("acme"), std::string::npos);
  EXPECT_NE(message({{"acme", {{"kind", "sandbox"}}}}).find("record_dir"), std::string::npos);
  EXPECT_NE(message({{"acme", {{"kind", "sandbox"}, {"record_dir", "/tmp/x"}, {"faults", {{"gremlins", 0.5}}}}}}).find("gremlins"), std::string::npos);
  EXPECT_NE(message({{"acme", {{"kind", "sandbox"}, {"record_dir", "/tmp/x"}, {"faults", {{"lost", 2}}}}}}).find("lost"), std::string::npos);
  EXPECT_NE(message({{"acme", {{"kind", "sandbox"}, {"record_dir", "/tmp/x"}, {"timeout_ms", 0}}}}).find("timeout_ms"), std::string::npos);
  EXPECT_NE(message({{"acme", {{"kind", "sandbox"}, {"record_dir", "/tmp/x"}, {"retired", "yes"}}}}).find("retired"), std::string::npos);
}

TEST(Registry, ARetiredEntryAnswersForItsOrdersButIsNoRoute) {
  const auto registry = Registry::from_json({{"old", {{"kind", "sandbox"}, {"record_dir", "/tmp/x"}, {"retired", true}}},
                                             {"new", {{"kind", "sandbox"}, {"record_dir", "/tmp/y"}}}});
  auto* old = registry->find("old");
  ASSERT_NE(old, nullptr);
  EXPECT_TRUE(old->retired());
  EXPECT_FALSE(old->admit(Provider::Call::issue)) << "no new order";
  EXPECT_TRUE(old->admit(Provider::Call::status)) << "its orders are still asked about";
  EXPECT_EQ(registry->names(), (std::set<std::string>{"new"})) << "product routes may not name it";
  EXPECT_EQ(old->unavailable("SKU", fx::Money::parse("10.00", "EUR").value()), "retired: it only answers for the orders it has");
}

}  // namespace
}  // namespace rgw::providers
