#include "gateway/core/ids.hpp"

#include <gtest/gtest.h>

#include <set>

#include "gateway/core/digest.hpp"

namespace rgw {
namespace {

TEST(Ids, PrefixedUlidsAreUniqueAndSortByTime) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = new_id("acc");
    ASSERT_EQ(id.size(), 4u + 26u);
    ASSERT_TRUE(id.starts_with("acc_"));
    ASSERT_EQ(id.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 4), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
  // The first 10 characters are the millisecond timestamp: later ids never sort before earlier ones there.
  auto a = new_id("x").substr(2, 10);
  auto b = new_id("x").substr(2, 10);
  EXPECT_LE(a, b);
}

TEST(Crypto, Sha256AndTokens) {
  EXPECT_EQ(crypto::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(crypto::equal_constant_time("same", "same"));
  EXPECT_FALSE(crypto::equal_constant_time("same", "sane"));
  EXPECT_FALSE(crypto::equal_constant_time("same", "same2"));
  EXPECT_EQ(crypto::random_token(32).size(), 43u);
  EXPECT_NE(crypto::random_token(32), crypto::random_token(32));
}

}  // namespace
}  // namespace rgw
