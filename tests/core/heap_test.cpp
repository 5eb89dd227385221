#include "gateway/core/heap.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "../support/allocator.hpp"  // tests/support: unit tests see only the modules' headers

namespace rgw {
namespace {

constexpr std::size_t mib = 1024 * 1024;

// What a burst leaves: `total` bytes in blocks of `block` bytes written and freed, every `nth` kept (so nothing is
// at the heap's top for free() to give back by itself). Returns the kept ones.
std::vector<std::unique_ptr<char[]>> burst(std::size_t total, std::size_t block, std::size_t nth) {
  std::vector<std::unique_ptr<char[]>> all(total / block), kept;
  for (auto& b : all) b = std::make_unique<char[]>(block);  // zeroed: every page written, resident
  for (std::size_t i = nth - 1; i < all.size(); i += nth) kept.push_back(std::move(all[i]));
  return kept;
}

TEST(Heap, IdlePagesGoBackToTheSystemOnlyOverWhatIsKept) {
  RGW_REQUIRE_GLIBC_ALLOCATOR();
  // 4 KiB blocks, far under the mmap threshold: from the arena, as requests' frames are; one in 16 kept.
  const auto kept = burst(64 * mib, 4096, 16);
  const auto before = heap::figures();
  ASSERT_GT(before.resident, before.in_use + 48 * mib) << "free() should have kept the freed blocks resident";
  EXPECT_GT(before.free, 48 * mib);

  EXPECT_FALSE(heap::IdlePages(before.resident).return_if_over()) << "under what may be kept, nothing is done";
  EXPECT_GT(heap::figures().resident, before.in_use + 48 * mib);

  heap::IdlePages idle(16 * mib);
  const auto returned = idle.return_if_over();
  ASSERT_TRUE(returned);
  EXPECT_LT(returned->resident_after + 40 * mib, returned->before.resident);
  EXPECT_EQ(heap::figures().in_use, before.in_use) << "what is in use stays";
  EXPECT_FALSE(idle.return_if_over()) << "nothing idle is left to return";
}

// Free memory with a block in use on every page cannot go back: after one return that could take nothing, the
// next is tried only when the resident size has grown again.
TEST(Heap, PagesNoReturnCanTakeDoNotSetOffAReturnEveryTime) {
  RGW_REQUIRE_GLIBC_ALLOCATOR();
  const auto kept = burst(64 * mib, 2048, 2);  // every other 2 KiB block: a hole on each page, no page free
  const auto before = heap::figures();
  ASSERT_GT(before.resident, before.in_use + 24 * mib);

  heap::IdlePages idle(16 * mib);
  const auto first = idle.return_if_over();
  ASSERT_TRUE(first);
  EXPECT_GT(first->resident_after + 4 * mib, first->before.resident) << "the holes are not whole pages: little comes back";
  EXPECT_FALSE(idle.return_if_over()) << "the same pages again";

  const auto more = burst(64 * mib, 4096, 16);
  EXPECT_TRUE(idle.return_if_over()) << "grown by more than is kept: a return again";
}

// A return made while much was in use does not hold back the next one once that use is over: what counts is
// what the last return could not take, not how large the process was then.
TEST(Heap, AReturnUnderLoadDoesNotHoldBackTheNextOne) {
  RGW_REQUIRE_GLIBC_ALLOCATOR();
  heap::IdlePages idle(16 * mib);
  auto in_use = burst(64 * mib, 4096, 1);  // all kept: in use
  const auto freed_meanwhile = burst(64 * mib, 4096, 16);
  ASSERT_TRUE(idle.return_if_over()) << "the burst's free pages";
  const auto after_return = heap::figures();
  in_use.clear();  // the load is over (its blocks are under the kept ones of the burst: nothing at the top)
  const auto now = heap::figures();
  ASSERT_GT(now.resident, now.in_use + 48 * mib);
  ASSERT_LE(now.resident, after_return.resident + 16 * mib) << "no larger than the last return left it";
  const auto returned = idle.return_if_over();
  ASSERT_TRUE(returned) << "the load's pages are idle now";
  EXPECT_LT(returned->resident_after + 40 * mib, returned->before.resident);
}

}  // namespace
}  // namespace rgw
