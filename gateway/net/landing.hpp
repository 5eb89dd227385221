#pragma once
// The end of one operation that others wait for, on any thread: each waiter resumes on its own executor (its
// own timer, cancelled there), so a look-up or a token request made once serves every coroutine that needed it.
// A waiter's executor must run one handler at a time (a shard's io_context, or a strand): the wake-up is posted
// to it and must not run while the waiter is still between registering and starting its wait.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <mutex>
#include <vector>

namespace rgw::net {

class Landing {
 public:
  // Returns once finish() has been called (at once if it has).
  boost::asio::awaitable<void> wait();
  // Wakes every waiter; later wait()s return at once.
  void finish();
  bool finished();

 private:
  std::mutex mutex_;
  bool done_ = false;
  std::vector<std::function<void()>> resume_;  // each wakes one waiting coroutine, on its own thread
};

}  // namespace rgw::net
