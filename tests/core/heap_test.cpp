#include "gateway/core/heap.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace rgw {
namespace {

constexpr std::size_t mib = 1024 * 1024;

// What a burst leaves: many small blocks written and freed, a few kept among them, so nothing is at the heap's top
// for free() to give back by itself. Returns the kept ones.
std::vector<std::unique_ptr<char[]>> burst(std::size_t total) {
  constexpr std::size_t block = 4096;  // far under the mmap threshold: from the arena, as requests' frames are
  std::vector<std::unique_ptr<char[]>> all(total / block), kept;
  for (auto& b : all) b = std::make_unique<char[]>(block);  // zeroed: every page written, resident
  for (std::size_t i = 15; i < all.size(); i += 16) kept.push_back(std::move(all[i]));
  return kept;
}

TEST(Heap, IdlePagesGoBackToTheSystemOnlyOverWhatIsKept) {
  const auto kept = burst(64 * mib);
  const auto before = heap::figures();
  ASSERT_GT(before.resident, before.in_use + 48 * mib) << "free() should have kept the freed blocks resident";
  EXPECT_GT(before.free, 48 * mib);

  EXPECT_FALSE(heap::return_idle_pages(before.resident)) << "under what may be kept, nothing is done";
  EXPECT_GT(heap::figures().resident, before.in_use + 48 * mib);

  const auto returned = heap::return_idle_pages(16 * mib);
  ASSERT_TRUE(returned);
  EXPECT_LT(returned->resident_after + 40 * mib, returned->before.resident);
  EXPECT_EQ(heap::figures().in_use, before.in_use) << "what is in use stays";
  EXPECT_FALSE(heap::return_idle_pages(16 * mib)) << "nothing idle is left to return";
}

}  // namespace
}  // namespace rgw
