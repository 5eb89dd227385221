#include "gateway/redemptions/events.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <nlohmann/json.hpp>

#include "gateway/core/log.hpp"

namespace rgw::redemptions {
namespace {

namespace asio = boost::asio;

const pg::Query select_events_after{"redemption_events_after",
                                    "SELECT seq, status, rgw_ts(at) AS at FROM redemption_events"
                                    " WHERE redemption_id = $1 AND seq > $2::bigint ORDER BY seq LIMIT $3::int"};
const pg::Query select_latest_event{"redemption_events_latest",
                                    "SELECT seq, status, rgw_ts(at) AS at FROM redemption_events"
                                    " WHERE redemption_id = $1 ORDER BY seq DESC LIMIT 1"};
// The newest event of each followed order ($1: a JSON list of ids), one index probe each.
const pg::Query select_newest_seqs{"redemption_events_newest",
                                   "SELECT f.id, (SELECT max(seq) FROM redemption_events WHERE redemption_id = f.id) AS seq"
                                   " FROM jsonb_array_elements_text($1::jsonb) AS f(id)"};

StatusEvent event_from(const pg::Row& row) { return {row.int64("seq"), std::string(row.text("status")), std::string(row.text("at"))}; }

}  // namespace

boost::asio::awaitable<std::vector<StatusEvent>> events_after(pg::Pool& db, const RedemptionId& id, std::int64_t after, int limit) {
  auto rows = co_await db.exec(pg::statement(select_events_after, id, after, limit));
  std::vector<StatusEvent> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(event_from(rows[i]));
  co_return out;
}

boost::asio::awaitable<std::optional<StatusEvent>> latest_event(pg::Pool& db, const RedemptionId& id) {
  auto rows = co_await db.exec(pg::statement(select_latest_event, id));
  if (rows.empty()) co_return std::nullopt;
  co_return event_from(rows.front());
}

// A parked wait() and how to end it from another thread: its timer is cancelled on its own executor.
struct StatusFeed::Waiter {
  std::mutex mutex;
  bool signalled = false, stopped = false;
  std::function<void()> wake;  // set while a wait() is parked

  void signal(bool stop) {
    std::function<void()> parked;
    {
      std::lock_guard lock(mutex);
      signalled = true;
      stopped = stopped || stop;
      parked = wake;
    }
    if (parked) parked();
  }
};

StatusFeed::StatusFeed(std::shared_ptr<pg::Pool> db, std::size_t max_followers) : db_(std::move(db)), max_followers_(max_followers) {}

std::unique_ptr<StatusFeed::Follower> StatusFeed::follow(const std::string& id) {
  auto waiter = std::make_shared<Waiter>();
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return nullptr;
    if (count_ >= max_followers_) {
      ++refused_;
      return nullptr;
    }
    ++count_;
    followed_[id].waiters.push_back(waiter);
  }
  return std::make_unique<Follower>(shared_from_this(), id, std::move(waiter));
}

void StatusFeed::unfollow(const std::string& id, const std::shared_ptr<Waiter>& waiter) {
  std::lock_guard lock(mutex_);
  --count_;
  auto it = followed_.find(id);
  if (it == followed_.end()) return;
  std::erase(it->second.waiters, waiter);
  if (it->second.waiters.empty()) followed_.erase(it);
}

std::size_t StatusFeed::followers() const {
  std::lock_guard lock(mutex_);
  return count_;
}

std::uint64_t StatusFeed::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

void StatusFeed::changed() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || followed_.empty()) return;
    if (looking_) {
      again_ = true;  // the look-up under way may have read before this change: one more after it
      return;
    }
    looking_ = true;
  }
  asio::co_spawn(db_->executor(), [self = shared_from_this()] { return self->look_up(); }, asio::detached);
}

boost::asio::awaitable<void> StatusFeed::look_up() {
  for (;;) {
    nlohmann::json ids = nlohmann::json::array();
    {
      std::lock_guard lock(mutex_);
      again_ = false;
      for (const auto& [id, followed] : followed_) ids.push_back(id);
    }
    std::vector<std::shared_ptr<Waiter>> moved;
    try {
      auto rows = co_await db_->exec(pg::statement(select_newest_seqs, ids.dump()));
      std::lock_guard lock(mutex_);
      for (int i = 0; i < rows.size(); ++i) {
        auto it = followed_.find(std::string(rows[i].text("id")));
        const auto seq = rows[i].optional_int64("seq");
        if (it == followed_.end() || !seq || *seq <= it->second.last_seq) continue;
        it->second.last_seq = *seq;
        moved.insert(moved.end(), it->second.waiters.begin(), it->second.waiters.end());
      }
    } catch (const pg::Error& e) {
      // The streams poll on their heartbeat too: they catch up once the database answers.
      log::write(log::level::warn, "status feed look-up failed", {{"detail", e.what()}});
    }
    for (auto& waiter : moved) waiter->signal(false);
    std::lock_guard lock(mutex_);
    if (!again_) {
      looking_ = false;
      co_return;
    }
  }
}

void StatusFeed::stop() {
  std::vector<std::shared_ptr<Waiter>> all;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (const auto& [id, followed] : followed_) all.insert(all.end(), followed.waiters.begin(), followed.waiters.end());
  }
  for (auto& waiter : all) waiter->signal(true);
}

StatusFeed::Follower::Follower(std::shared_ptr<StatusFeed> feed, std::string id, std::shared_ptr<Waiter> waiter)
    : feed_(std::move(feed)), id_(std::move(id)), waiter_(std::move(waiter)) {}

StatusFeed::Follower::~Follower() { feed_->unfollow(id_, waiter_); }

bool StatusFeed::Follower::stopped() const {
  std::lock_guard lock(waiter_->mutex);
  return waiter_->stopped;
}

boost::asio::awaitable<bool> StatusFeed::Follower::wait(std::chrono::steady_clock::duration timeout) {
  const auto executor = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(executor, timeout);
  {
    std::lock_guard lock(waiter_->mutex);
    if (waiter_->signalled) {
      waiter_->signalled = false;
      co_return true;
    }
    waiter_->wake = [executor, timer] { asio::post(executor, [timer] { timer->cancel(); }); };
  }
  co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  std::lock_guard lock(waiter_->mutex);
  waiter_->wake = nullptr;
  const bool woken = waiter_->signalled;
  waiter_->signalled = false;
  co_return woken;
}

}  // namespace rgw::redemptions
