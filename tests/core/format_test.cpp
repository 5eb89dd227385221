// rfc3339() writes its digits by hand; the date library's format is the reference it must equal.
#include "gateway/core/format.hpp"

#include <gtest/gtest.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/date.h>
#pragma GCC diagnostic pop

#include <random>

namespace rgw {
namespace {

std::string reference(timestamp t) {
  if (t.time_since_epoch() % std::chrono::seconds(1) == std::chrono::microseconds(0)) return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t));
  return date::format("%FT%TZ", t);
}

TEST(Rfc3339, WritesWhatTheDateLibraryWrites) {
  using namespace std::chrono;
  const timestamp first{date::sys_days{date::year{1} / 1 / 1}};
  const timestamp last = timestamp{date::sys_days{date::year{9999} / 12 / 31}} + hours(24) - microseconds(1);
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> any(first.time_since_epoch().count(), last.time_since_epoch().count());
  std::vector<timestamp> cases{first, timestamp(microseconds(0)), timestamp(microseconds(-1)), last,
                               timestamp(seconds(1'700'000'000)), timestamp(seconds(1'700'000'000) + microseconds(250'000))};
  for (int i = 0; i < 100'000; ++i) cases.push_back(timestamp(microseconds(any(random))));
  for (int i = 0; i < 1'000; ++i) cases.push_back(timestamp(seconds(any(random) / 1'000'000)));  // whole seconds: no fraction
  const timestamp beyond{date::sys_days{date::year{10000} / 1 / 1}};  // past four digits: the library writes it
  cases.push_back(beyond);
  cases.push_back(beyond + microseconds(1));
  for (const auto t : cases) ASSERT_EQ(rfc3339(t), reference(t)) << t.time_since_epoch().count();
  EXPECT_EQ(rfc3339(timestamp(seconds(1'700'000'000) + microseconds(250'000))), "2023-11-14T22:13:20.250000Z");
}

}  // namespace
}  // namespace rgw
