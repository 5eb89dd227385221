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
// frames at once) that is tens of megabytes held for nothing until the next burst. When more than `keep` bytes
// are resident beyond what is in use (code and stacks count too), the free pages go back to the system
// (malloc_trim); else nothing is done and nothing is returned.
std::optional<Returned> return_idle_pages(std::size_t keep);

}  // namespace rgw::heap
