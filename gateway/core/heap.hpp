#pragma once
// The process's memory as the system and the allocator see it, and handing the allocator's idle pages back.
#include <chrono>
#include <cstddef>
#include <optional>

namespace rgw::heap {

struct Figures {
  std::size_t resident = 0;  // RSS: pages the system has given this process (/proc/self/statm)
  std::size_t in_use = 0;    // bytes the allocator has handed out and not had back (mallinfo2)
  std::size_t free = 0;      // bytes the allocator holds free for reuse, resident or not
};
Figures figures();

struct Returned {
  Figures before;
  std::size_t resident_after = 0;
  std::chrono::microseconds took{};
};

// glibc keeps what is freed in its arenas, resident, for reuse: after a burst (thousands of requests' coroutine
// frames at once) that is tens of megabytes held for nothing until the next burst. return_if_over() gives the
// free pages back to the system (malloc_trim) when more than `keep` bytes are resident beyond what is in use and
// beyond what the last return could not take: pages no return can take (code, a block in use on each page) do
// not set off a return every time.
class IdlePages {
 public:
  explicit IdlePages(std::size_t keep) : keep_(keep) {}
  std::optional<Returned> return_if_over();

 private:
  std::size_t keep_;
  std::size_t untakable_ = 0;  // resident beyond what was in use, just after the last return
};

}  // namespace rgw::heap
