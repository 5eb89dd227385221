#include "gateway/net/landing.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace rgw::net {

boost::asio::awaitable<void> Landing::wait() {
  const auto executor = co_await boost::asio::this_coro::executor;
  auto timer = std::make_shared<boost::asio::steady_timer>(executor, boost::asio::steady_timer::time_point::max());
  {
    std::lock_guard lock(mutex_);
    if (done_) co_return;
    resume_.push_back([executor, timer] { boost::asio::post(executor, [timer] { timer->cancel(); }); });
  }
  co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

void Landing::finish() {
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard lock(mutex_);
    done_ = true;
    waiting.swap(resume_);
  }
  for (auto& wake : waiting) wake();
}

bool Landing::finished() {
  std::lock_guard lock(mutex_);
  return done_;
}

}  // namespace rgw::net
