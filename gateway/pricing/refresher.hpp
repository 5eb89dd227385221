#pragma once
// Keeps the process's rates fresh. Every process reads the newest set from the database; when that set was
// fetched longer ago than the interval, one process (an advisory lock decides) fetches the source, stores
// what it got and NOTIFYs the others. A failed or malformed fetch changes nothing: the last good set stays.
#include <boost/asio/awaitable.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/pg/pool.hpp"
#include "gateway/pricing/rate_store.hpp"

namespace rgw::pricing {

inline constexpr const char* rates_channel = "rgw_fx_rates";

struct RefreshConfig {
  std::string source;  // http:// or https:// URL, or a file path (air-gapped installs)
  std::chrono::seconds interval{600};
  std::optional<std::string> ca_file;  // for an https source with a private CA
  // A fetched set in which a currency moved by more than this against the set in force (or the next older day
  // of the same document) is quarantined: not stored, not used, logged and counted, until it looks sane again or
  // an operator raises the bound (a real devaluation).
  fx::Decimal max_change = fx::Decimal::from_units(5, 1).value();
};

// The last refresh problem, for /readyz and logs.
class RefreshStatus {
 public:
  void failed(std::string why);
  void succeeded();
  void quarantined(std::string why);  // failed(why), and counted
  std::optional<std::string> last_error() const;
  std::uint64_t quarantines() const noexcept { return quarantines_; }  // since start, for /metrics

 private:
  mutable std::mutex mutex_;
  std::optional<std::string> last_error_;
  std::atomic<std::uint64_t> quarantines_{0};
};

// Runs until cancelled.
boost::asio::awaitable<void> keep_fresh(RefreshConfig config, std::shared_ptr<pg::Pool> db, std::shared_ptr<RateStore> store,
                                        std::shared_ptr<RefreshStatus> status);
// Installs the newest stored set (after a notification that another process stored one).
boost::asio::awaitable<void> reload(std::shared_ptr<pg::Pool> db, std::shared_ptr<RateStore> store);

}  // namespace rgw::pricing
