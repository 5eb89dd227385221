#include "providers/provider.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <variant>
#include <vector>

#include "gateway/core/masks.hpp"
#include "gateway/net/deadline.hpp"

namespace rgw::providers {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using steady = std::chrono::steady_clock;

Provider::Provider(std::string name, Limits limits) : name_(std::move(name)), limits_(limits), breaker_(limits.breaker) {
  if (limits.max_calls_per_s > 0) call_rate_.emplace(limits.max_calls_per_s, limits.calls_burst);
}

Provider::Permit::~Permit() {
  if (!provider_) return;
  std::lock_guard lock(provider_->mutex_);
  --provider_->in_flight_;
  if (call_ == Call::issue) --provider_->issuing_;
}

std::optional<Provider::Permit> Provider::admit(Call call) {
  std::lock_guard lock(mutex_);
  if (call == Call::issue && (paused_ || retired_)) return std::nullopt;
  if (in_flight_ >= limits_.max_in_flight) return std::nullopt;
  // The rate before the breaker: a breaker's probe slot must not be spent on a call the rate then holds back.
  if (call_rate_ && call_rate_->take()) return std::nullopt;
  if (!breaker_.allow(steady::now())) return std::nullopt;
  ++in_flight_;
  if (call == Call::issue) ++issuing_;
  return Permit(this, call);
}

void Provider::pause(std::optional<std::string> reason) {
  std::lock_guard lock(mutex_);
  paused_ = std::move(reason);
}

std::optional<std::string> Provider::paused() const {
  std::lock_guard lock(mutex_);
  return paused_;
}

void Provider::retire() {
  std::lock_guard lock(mutex_);
  retired_ = true;
}

bool Provider::retired() const {
  std::lock_guard lock(mutex_);
  return retired_;
}

std::size_t Provider::issuing() const {
  std::lock_guard lock(mutex_);
  return issuing_;
}

namespace {
// `||` waits for the first branch that *succeeds*, so the adapter's exceptions are turned into results here.
asio::awaitable<Result> classified(asio::awaitable<Result> call) {
  try {
    co_return co_await std::move(call);
  } catch (const std::exception& e) {
    co_return Result::answer(Outcome::unknown, std::string("adapter error: ") + e.what());
  }
}
}  // namespace

asio::awaitable<Result> Provider::guarded(asio::awaitable<Result> call) {
  const auto started = steady::now();
  asio::steady_timer deadline(co_await asio::this_coro::executor, limits_.timeout);
  auto first = co_await (classified(std::move(call)) || net::deadline_passed(deadline));
  Result result = first.index() == 0 ? std::move(std::get<0>(first))
                                     : Result::answer(Outcome::unknown, "no answer within " + std::to_string(limits_.timeout.count()) + " ms");
  // A provider's error text may echo the recipient ("invalid email x@y"); it is stored, logged and shown to ops.
  result.detail = personal::without_emails(result.detail);
  record(result, steady::now() - started);
  co_return result;
}

asio::awaitable<Result> Provider::issue(const Permit&, const IssueRequest& request) { return guarded(issue_at_provider(request)); }

asio::awaitable<Result> Provider::status(const Permit&, const IssueRequest& request) { return guarded(status_at_provider(request)); }

asio::awaitable<OrderList> Provider::orders_between(std::chrono::sys_seconds, std::chrono::sys_seconds) {
  co_return "a provider of kind '" + std::string(kind()) + "' cannot list its orders";
}

asio::awaitable<ProductList> Provider::products() {
  co_return "a provider of kind '" + std::string(kind()) + "' cannot list its products";
}

asio::awaitable<std::optional<std::string>> Provider::refresh_stock() {
  auto listed = co_await products();
  if (auto* failed = std::get_if<std::string>(&listed)) co_return std::move(*failed);
  std::set<std::string> out;
  for (const auto& p : std::get<ProviderCatalog>(listed).products)
    if (!p.in_stock) out.insert(p.provider_sku);
  std::lock_guard lock(mutex_);
  out_of_stock_ = std::move(out);
  co_return std::nullopt;
}

asio::awaitable<std::optional<fx::Money>> Provider::balance() {
  {
    std::lock_guard lock(mutex_);
    if (balance_asked_ != steady::time_point{} && steady::now() - balance_asked_ < balance_ttl) co_return balance_;
    balance_asked_ = steady::now();  // one caller asks; the others use the last answer meanwhile
  }
  asio::steady_timer deadline(co_await asio::this_coro::executor, limits_.timeout);
  auto first = co_await (balance_at_provider() || net::deadline_passed(deadline));
  std::optional<fx::Money> answer;
  if (first.index() == 0) answer = std::get<0>(first);
  std::lock_guard lock(mutex_);
  balance_ = answer;
  co_return answer;
}

namespace {
constexpr std::chrono::seconds health_window{300};
constexpr std::size_t max_samples = 20'000;

double percentile(std::vector<double>& sorted_in_place, double p) {
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted_in_place.size() - 1) + 0.5);
  std::nth_element(sorted_in_place.begin(), sorted_in_place.begin() + static_cast<std::ptrdiff_t>(i), sorted_in_place.end());
  return sorted_in_place[i];
}
}  // namespace

void Provider::record(const Result& result, std::chrono::steady_clock::duration latency) {
  std::lock_guard lock(mutex_);
  ++calls_[std::string(outcome_name(result.outcome))];
  const auto now = steady::now();
  recent_.push_back({now, std::chrono::duration<double, std::milli>(latency).count(), !counts_against_health(result.outcome)});
  while (!recent_.empty() && (recent_.size() > max_samples || recent_.front().at < now - health_window)) recent_.pop_front();
  if (counts_against_health(result.outcome)) {
    breaker_.record_failure(steady::now());
    last_error_ = result.detail;
    last_error_at_ = std::chrono::system_clock::now();
  } else {
    breaker_.record_success();
  }
}

std::optional<std::string> Provider::unavailable(const std::string& provider_sku, const fx::Money& face) const {
  std::lock_guard lock(mutex_);
  if (retired_) return "retired: it only answers for the orders it has";
  if (paused_) return "paused (" + *paused_ + ")";
  if (breaker_.state(steady::now()) == CircuitBreaker::State::open) return "circuit open after repeated failures";
  if (out_of_stock_.contains(provider_sku)) return "out of stock (product " + provider_sku + ")";
  if (balance_ && balance_->currency() == face.currency() && balance_->amount() < face.amount())
    return "out of funds (balance " + balance_->amount_string() + " " + std::string(balance_->currency().code()) + ")";
  return std::nullopt;
}

std::string Provider::availability_key() const {
  std::lock_guard lock(mutex_);
  std::string key = breaker_.state(steady::now()) == CircuitBreaker::State::open ? "open" : "up";
  if (paused_) key += " paused " + *paused_;
  if (retired_) key += " retired";
  if (balance_) key += ' ' + balance_->amount_string() + ' ' + std::string(balance_->currency().code());
  for (const auto& sku : out_of_stock_) key += " -" + sku;
  return key;
}

Health Provider::health() const {
  std::lock_guard lock(mutex_);
  const auto now = steady::now();
  Health h{breaker_.health(now), in_flight_, calls_, last_error_, last_error_at_, health_window, 0, std::nullopt, std::nullopt, std::nullopt, balance_, paused_,
           retired_};
  std::vector<double> latencies;
  std::size_t ok = 0;
  for (const auto& s : recent_) {
    if (s.at < now - health_window) continue;
    latencies.push_back(s.latency_ms);
    ok += s.ok ? 1 : 0;
  }
  h.window_calls = latencies.size();
  if (latencies.empty()) return h;
  h.success_rate = static_cast<double>(ok) / static_cast<double>(latencies.size());
  h.p50_ms = percentile(latencies, 0.50);
  h.p99_ms = percentile(latencies, 0.99);
  return h;
}

}  // namespace rgw::providers
