#pragma once
// The status history of orders (table redemption_events, written by a trigger on every status change) and the
// feed that tells this process's event streams when an order they follow moved, whichever process moved it.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/ids.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::redemptions {

// NOTIFY channel of new history rows (payload empty: one notification per transaction).
inline constexpr const char* events_channel = "rgw_redemption_events";

struct StatusEvent {
  std::int64_t seq = 0;  // the event's id: increasing per order
  std::string status;
  std::string at;        // RFC 3339
};

// Order `id`'s statuses after event `after`, oldest first (at most `limit`).
boost::asio::awaitable<std::vector<StatusEvent>> events_after(pg::Pool& db, const RedemptionId& id, std::int64_t after, int limit = 100);
// Its latest status event; nullopt when there is no such order.
boost::asio::awaitable<std::optional<StatusEvent>> latest_event(pg::Pool& db, const RedemptionId& id);

class StatusFeed : public std::enable_shared_from_this<StatusFeed> {
 public:
  class Follower;

  // `db` and its executor serve the feed's own look-ups; at most `max_followers` at once.
  StatusFeed(std::shared_ptr<pg::Pool> db, std::size_t max_followers);

  // Follows order `id` until the returned handle is gone; nullptr when this process follows its maximum.
  std::unique_ptr<Follower> follow(const std::string& id);
  // Something changed (a notification on events_channel, or the listener reconnected and may have missed some):
  // finds which followed orders have new events and wakes their followers. Callable from any thread.
  void changed();
  // Wakes every follower for the last time (shutdown); follow() answers nullptr from now on.
  void stop();
  std::size_t followers() const;
  std::uint64_t refused() const;  // follow() calls answered nullptr at the limit, since start

 private:
  struct Waiter;
  boost::asio::awaitable<void> look_up();
  void unfollow(const std::string& id, const std::shared_ptr<Waiter>& waiter);

  std::shared_ptr<pg::Pool> db_;
  std::size_t max_followers_;
  mutable std::mutex mutex_;
  struct Followed {
    std::int64_t last_seq = 0;  // the newest event seen for the order
    std::vector<std::shared_ptr<Waiter>> waiters;
  };
  std::map<std::string, Followed> followed_;
  std::size_t count_ = 0;
  std::uint64_t refused_ = 0;
  bool looking_ = false, again_ = false, stopped_ = false;
};

// One event stream's hold on an order: wait() returns when the order may have a new status.
class StatusFeed::Follower {
 public:
  Follower(std::shared_ptr<StatusFeed> feed, std::string id, std::shared_ptr<Waiter> waiter);
  ~Follower();
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // True when woken (the order may have moved, or the feed stopped), false after `timeout` without news.
  boost::asio::awaitable<bool> wait(std::chrono::steady_clock::duration timeout);
  bool stopped() const;

 private:
  std::shared_ptr<StatusFeed> feed_;
  std::string id_;
  std::shared_ptr<Waiter> waiter_;
};

}  // namespace rgw::redemptions
