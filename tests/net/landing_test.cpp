#include "gateway/net/landing.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace rgw::net {
namespace {

// Waiters on several threads (each on a strand, as each shard's coroutines are on their one thread) and a finish
// from yet another, as the token refresh's: every waiter is woken, whether finish() lands before, during or after
// its wait begins.
TEST(Landing, WakesEveryWaiterWhenFinishRacesTheirWaitsOnOtherThreads) {
  constexpr int rounds = 500;
  constexpr int waiters_per_round = 8;
  boost::asio::io_context io(4);
  std::atomic<int> woken = 0;
  for (int round = 0; round < rounds; ++round) {
    auto landing = std::make_shared<Landing>();  // held by its waiters and its finish
    for (int i = 0; i < waiters_per_round; ++i) {
      boost::asio::co_spawn(
          boost::asio::make_strand(io),
          [landing, &woken]() -> boost::asio::awaitable<void> {
            co_await landing->wait();
            woken.fetch_add(1);
          },
          boost::asio::detached);
      // The finish is queued among the waiters, so some threads start waits while another finishes.
      if (i == waiters_per_round / 2) boost::asio::post(io, [landing] { landing->finish(); });
    }
  }
  std::vector<std::jthread> threads;
  // The bound only ends a failing run (a lost wake-up leaves a wait pending for ever); a passing one ends early.
  for (int t = 0; t < 4; ++t) threads.emplace_back([&io] { io.run_for(std::chrono::seconds(30)); });
  threads.clear();
  EXPECT_EQ(woken.load(), rounds * waiters_per_round);
}

TEST(Landing, AWaitAfterTheFinishReturnsAtOnce) {
  boost::asio::io_context io;
  Landing landing;
  landing.finish();
  bool returned = false;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        co_await landing.wait();
        returned = true;
      },
      boost::asio::detached);
  io.run();
  EXPECT_TRUE(returned);
  EXPECT_TRUE(landing.finished());
}

}  // namespace
}  // namespace rgw::net
