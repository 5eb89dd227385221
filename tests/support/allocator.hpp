#pragma once
// Whether glibc's allocator serves this process: under a sanitizer (scripts/test --tsan) the sanitizer's allocator
// does, and glibc's figures (heap::figures) and malloc_trim neither see nor free what it holds.
#include <gtest/gtest.h>

#include <memory>

#include "gateway/core/heap.hpp"

namespace rgw::test {

inline bool glibc_allocates() {
  constexpr std::size_t probe_bytes = 8 * 1024 * 1024;
  const auto before = heap::figures().in_use;
  const auto probe = std::make_unique<char[]>(probe_bytes);
  asm volatile("" : : "g"(probe.get()) : "memory");  // used: the compiler may not drop the allocation
  return heap::figures().in_use >= before + probe_bytes;
}

}  // namespace rgw::test

#define RGW_REQUIRE_GLIBC_ALLOCATOR() \
  if (!::rgw::test::glibc_allocates()) GTEST_SKIP() << "malloc is not glibc's here (a sanitizer's allocator)"
