#pragma once
// The dispatch engine: claims due jobs (woken by NOTIFY rgw_dispatch, polling as a fallback), asks the order's
// provider, and moves the order by the state machine of redemptions/status.hpp. Any number of dispatchers, in
// any number of processes, may share one database.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "gateway/core/sealer.hpp"
#include "gateway/dispatch/jobs.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/pricing/catalog_cache.hpp"
#include "gateway/net/retry.hpp"
#include "providers/registry.hpp"

namespace rgw::dispatch {

inline constexpr const char* notify_channel = "rgw_dispatch";

struct DispatchConfig {
  std::string worker;               // who holds the leases (host and pid), for ops
  std::size_t concurrency = 32;     // jobs worked at once by this dispatcher
  std::chrono::seconds lease{60};   // longer than any provider call; a dead worker's jobs wait this long
  std::chrono::milliseconds poll{1000};
  net::RetryPolicy retry;     // backoff between calls, and the deadline for issuing
};

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
 public:
  Dispatcher(boost::asio::any_io_executor executor, std::shared_ptr<pg::Pool> db, std::shared_ptr<const providers::LiveRegistry> providers,
             std::shared_ptr<pricing::CatalogCache> catalog, std::shared_ptr<const crypto::Sealer> sealer, std::shared_ptr<metrics::Registry> metrics, DispatchConfig config);

  // Works jobs until cancelled, then waits for the jobs in hand to finish their step.
  boost::asio::awaitable<void> run();
  // New work may be due (a NOTIFY arrived). Callable from any thread.
  void wake();

 private:
  boost::asio::awaitable<void> work(Claim claim);
  // accepted or retrying: issue at the bound route, or the first route that admits a call.
  boost::asio::awaitable<void> issue(const Claim& claim, const Order& order, const providers::Registry& providers);
  // unknown (or dispatching, left by a worker that died mid-call): ask the provider, never issue.
  boost::asio::awaitable<void> resolve(const Claim& claim, const Order& order, const providers::Registry& providers);
  struct Answer {
    CallRecord record;
    providers::Result result;
  };
  // Records the attempt (moving the order to `to`: dispatching to issue, unknown to ask), calls and times it.
  // nullopt when the order or the lease changed meanwhile (no call made).
  boost::asio::awaitable<std::optional<Answer>> call(const Claim& claim, const Order& order, Status to, providers::Provider& provider,
                                                     providers::Provider::Permit permit, const std::string& provider_sku);
  boost::asio::awaitable<void> settle(const Claim& claim, const Order& order, Status from, const CallRecord& call, const std::string& provider,
                                      redemptions::Step step, const providers::Result& result);
  std::string deadline_passed() const;  // the failure detail of an order past the retry deadline
  boost::asio::awaitable<void> fail(const Claim& claim, const Order& order, std::string code, std::string detail);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<pg::Pool> db_;
  std::shared_ptr<const providers::LiveRegistry> providers_;  // a job's step keeps the set it began with
  std::shared_ptr<pricing::CatalogCache> catalog_;
  std::shared_ptr<const crypto::Sealer> sealer_;
  std::shared_ptr<metrics::Registry> metrics_;
  DispatchConfig config_;
  boost::asio::steady_timer alarm_;
  bool woken_ = false;
  std::size_t active_ = 0;
};

}  // namespace rgw::dispatch
