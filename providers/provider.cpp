#include "providers/provider.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <variant>

namespace rgw::providers {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using steady = std::chrono::steady_clock;

Provider::Provider(std::string name, Limits limits) : name_(std::move(name)), limits_(limits), breaker_(limits.breaker) {}

Provider::Permit::~Permit() {
  if (!provider_) return;
  std::lock_guard lock(provider_->mutex_);
  --provider_->in_flight_;
}

std::optional<Provider::Permit> Provider::admit() {
  std::lock_guard lock(mutex_);
  if (in_flight_ >= limits_.max_in_flight || !breaker_.allow(steady::now())) return std::nullopt;
  ++in_flight_;
  return Permit(this);
}

namespace {
// `||` waits for the first branch that *succeeds*, so the adapter's exceptions are turned into results here.
asio::awaitable<Result> classified(asio::awaitable<Result> call) {
  try {
    co_return co_await std::move(call);
  } catch (const std::exception& e) {
    co_return Result{Outcome::unknown, std::nullopt, "", std::string("adapter error: ") + e.what()};
  }
}
}  // namespace

asio::awaitable<Result> Provider::guarded(asio::awaitable<Result> call) {
  asio::steady_timer deadline(co_await asio::this_coro::executor, limits_.timeout);
  auto first = co_await (classified(std::move(call)) || deadline.async_wait(asio::use_awaitable));
  Result result = first.index() == 0 ? std::move(std::get<0>(first))
                                     : Result{Outcome::unknown, std::nullopt, "", "no answer within " + std::to_string(limits_.timeout.count()) + " ms"};
  record(result);
  co_return result;
}

asio::awaitable<Result> Provider::issue(const Permit&, const IssueRequest& request) { return guarded(issue_at_provider(request)); }

asio::awaitable<Result> Provider::status(const Permit&, const IssueRequest& request) { return guarded(status_at_provider(request)); }

asio::awaitable<std::optional<fx::Money>> Provider::balance() {
  asio::steady_timer deadline(co_await asio::this_coro::executor, limits_.timeout);
  auto first = co_await (balance_at_provider() || deadline.async_wait(asio::use_awaitable));
  if (first.index() == 0) co_return std::get<0>(first);
  co_return std::nullopt;
}

void Provider::record(const Result& result) {
  std::lock_guard lock(mutex_);
  ++calls_[std::string(outcome_name(result.outcome))];
  if (counts_against_health(result.outcome)) {
    breaker_.record_failure(steady::now());
    last_error_ = result.detail;
    last_error_at_ = std::chrono::system_clock::now();
  } else {
    breaker_.record_success();
  }
}

Health Provider::health() const {
  std::lock_guard lock(mutex_);
  return Health{breaker_.health(steady::now()), in_flight_, calls_, last_error_, last_error_at_};
}

}  // namespace rgw::providers
