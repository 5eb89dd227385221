#pragma once
// Runs coroutines to completion on a private io_context, so tests can be written as straight-line code.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdlib>
#include <string>

namespace rgw::test {

template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  auto future = boost::asio::co_spawn(io, std::move(op), boost::asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

// The private cluster started by scripts/test; empty when the tests run without one.
inline std::string database_url() {
  const char* url = std::getenv("REWARDGW_TEST_DATABASE_URL");
  return url ? url : "";
}

}  // namespace rgw::test

#define RGW_REQUIRE_DATABASE()                                                                  \
  do {                                                                                          \
    if (::rgw::test::database_url().empty())                                                    \
      GTEST_SKIP() << "REWARDGW_TEST_DATABASE_URL is not set; scripts/test starts a database"; \
  } while (0)
