#include "gateway/core/heap.hpp"

#include <malloc.h>
#include <unistd.h>

#include <fstream>

namespace rgw::heap {

Figures figures() {
  Figures f;
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  statm >> pages >> pages;  // the second field: resident pages
  f.resident = pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const auto info = mallinfo2();
  f.in_use = info.uordblks + info.hblkhd;  // chunks handed out, from the arenas and mapped alone
  f.free = info.fordblks;
  return f;
}

std::optional<Returned> IdlePages::return_if_over() {
  const auto before = figures();
  if (before.resident <= before.in_use + untakable_ + keep_) return std::nullopt;
  const auto start = std::chrono::steady_clock::now();
  malloc_trim(0);  // every arena, not only the top of the main one: the free chunks' whole pages are released
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  const auto after = figures();
  untakable_ = after.resident > after.in_use ? after.resident - after.in_use : 0;
  return Returned{before, after.resident, took};
}

}  // namespace rgw::heap
