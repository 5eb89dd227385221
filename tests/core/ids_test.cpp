#include "gateway/core/ids.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Ids draw their random bytes from a pool per thread; a forked child inherits the pool and must not hand out the
// same bytes as its parent.
TEST(Ids, AForkedChildDoesNotRepeatItsParentsIds) {
  (void)new_id("x");  // the pool is filled before the fork
  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    const auto id = new_id("x");
    const bool written = ::write(pipe_ends[1], id.data(), id.size()) == static_cast<ssize_t>(id.size());
    ::_exit(written ? 0 : 1);
  }
  ::close(pipe_ends[1]);
  const auto parents = new_id("x");
  std::string childs(parents.size(), '\0');
  ASSERT_EQ(::read(pipe_ends[0], childs.data(), childs.size()), static_cast<ssize_t>(childs.size()));
  ::close(pipe_ends[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // The last 16 characters are random bits only (the first ten hold the millisecond).
  EXPECT_NE(childs.substr(childs.size() - 16), parents.substr(parents.size() - 16));
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
