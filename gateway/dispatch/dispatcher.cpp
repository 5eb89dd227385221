#include "gateway/dispatch/dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/core/log.hpp"
#include "gateway/core/families.hpp"
#include "gateway/redemptions/rewards.hpp"

namespace rgw::dispatch {

namespace asio = boost::asio;
using namespace std::chrono;
using providers::Outcome;
using redemptions::Next;

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) { return std::find(names.begin(), names.end(), name) != names.end(); }

// The product's routes this order may still use, best first: configured, and not refused it for good.
std::vector<catalog::Route> open_routes(const catalog::Product* product, const Order& order, const providers::Registry& registry) {
  std::vector<catalog::Route> out;
  if (!product) return out;
  for (const auto& r : product->routes)
    if (const auto* p = registry.find(r.provider); p && !p->retired() && !contains(order.failed_providers, r.provider)) out.push_back(r);
  return out;
}

bool another_route(const std::vector<catalog::Route>& routes, const std::string& provider) {
  return std::any_of(routes.begin(), routes.end(), [&](const auto& r) { return r.provider != provider; });
}

providers::IssueRequest request_for(const Order& order, std::string provider_sku, const crypto::Sealer& master) {
  const auto recipient = redemptions::open_recipient(order.recipient, order.id, master).value_or(redemptions::Recipient{});
  return {order.provider_key, std::move(provider_sku), order.face, recipient.email, recipient.name};
}

// A short wait with jitter, for a job that could not even call (provider busy or its circuit open).
milliseconds busy_wait() { return milliseconds(500 + static_cast<int>(1500 * net::unit_random())); }

}  // namespace

Dispatcher::Dispatcher(asio::any_io_executor executor, std::shared_ptr<pg::Pool> db, std::shared_ptr<const providers::LiveRegistry> providers,
                       std::shared_ptr<pricing::CatalogCache> catalog, std::shared_ptr<const crypto::Sealer> sealer,
                       std::shared_ptr<metrics::Registry> metrics, DispatchConfig config)
    : executor_(std::move(executor)),
      db_(std::move(db)),
      providers_(std::move(providers)),
      catalog_(std::move(catalog)),
      sealer_(std::move(sealer)),
      metrics_(std::move(metrics)),
      config_(std::move(config)),
      alarm_(executor_) {}

void Dispatcher::wake() {
  asio::post(executor_, [self = shared_from_this()] {
    self->woken_ = true;
    self->alarm_.cancel();
  });
}

asio::awaitable<void> Dispatcher::run() {
  auto self = shared_from_this();
  for (;;) {
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) break;
    woken_ = false;
    const std::size_t room = config_.concurrency - active_;
    std::size_t claimed = 0;
    if (room > 0) {
      try {
        for (auto& claim : co_await jobs::claim(*db_, config_.worker, room, config_.lease)) {
          ++claimed;
          ++active_;
          asio::co_spawn(executor_, work(std::move(claim)), [self](std::exception_ptr error) {
            --self->active_;
            self->woken_ = true;  // a slot is free
            self->alarm_.cancel();
            if (!error) return;
            try {
              std::rethrow_exception(error);
            } catch (const std::exception& e) {
              log::write(log::level::warn, "dispatch step failed; the job is retried when its lease ends", {{"detail", e.what()}});
            }
          });
        }
      } catch (const pg::Error& e) {
        log::write(log::level::warn, "claiming dispatch jobs failed", {{"detail", e.what()}});
      }
    }
    if ((room > 0 && claimed == room) || woken_) continue;  // more may be due
    alarm_.expires_after(config_.poll);
    co_await alarm_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  // Stopping: claim nothing more, let the jobs in hand finish their step (each call has its deadline).
  co_await asio::this_coro::reset_cancellation_state();
  while (active_ > 0) {
    alarm_.expires_after(20ms);
    co_await alarm_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> Dispatcher::work(Claim claim) {
  const auto order = co_await jobs::load(*db_, claim);
  if (!order) co_return;  // the lease ended before we looked
  const auto providers = providers_->current();  // held for the step: a reload meanwhile cannot free a provider in use
  if (order->status == Status::unknown || order->status == Status::dispatching) co_await resolve(claim, *order, *providers);
  else co_await issue(claim, *order, *providers);
}

asio::awaitable<void> Dispatcher::issue(const Claim& claim, const Order& order, const providers::Registry& providers) {
  const auto snapshot = co_await catalog_->get(*db_, order.program_id);
  const auto routes = open_routes(snapshot->find(order.sku), order, providers);
  if (routes.empty()) co_return co_await fail(claim, order, "no_route", "no provider route is left for this product");
  if (system_clock::now() >= order.created_at + config_.retry.deadline) {
    auto detail = deadline_passed();  // named: kept out of the co_await expression (GCC 12)
    co_return co_await fail(claim, order, "deadline", std::move(detail));
  }

  // An order stays with the route it last called unless that route refused it for good, or is paused: an order here
  // is accepted or retrying, so the paused provider holds nothing under its key and the next route may take it.
  const auto paused = [&](const std::string& name) {
    const auto* p = providers.find(name);
    return p && p->paused().has_value();
  };
  const bool bound = order.provider && !paused(*order.provider) &&
                     std::any_of(routes.begin(), routes.end(), [&](const auto& r) { return r.provider == *order.provider; });
  providers::Provider* provider = nullptr;
  std::optional<providers::Provider::Permit> permit;
  std::string provider_sku, paused_routes;
  for (const auto& r : routes) {
    if (bound && r.provider != *order.provider) continue;
    auto* candidate = providers.find(r.provider);
    if (auto why = candidate->paused()) {
      paused_routes += (paused_routes.empty() ? "" : ", ") + r.provider + " (" + *why + ")";
      continue;
    }
    if (auto admitted = candidate->admit(providers::Provider::Call::issue)) {
      permit.emplace(std::move(*admitted));
      provider = candidate;
      provider_sku = r.provider_sku;
      break;
    }
  }
  if (!provider) {
    std::string reason = "waiting for a route (circuits open, or at their concurrency or call rate limits)";
    if (bound) reason = "waiting for " + *order.provider + " (circuit open, or at its concurrency or call rate limit)";
    if (!paused_routes.empty()) reason += "; paused: " + paused_routes;
    co_return co_await jobs::postpone(*db_, claim, busy_wait(), reason);
  }

  // A provider whose funding does not cover the order would refuse it: wait for funds instead of failing.
  if (const auto funds = co_await provider->balance(); funds && funds->currency() == order.face.currency() && funds->amount() < order.face.amount()) {
    const auto reason = "waiting for funds at " + provider->name() + ": balance " + funds->amount_string() + " " + std::string(funds->currency().code()) +
                        " is below the face value " + order.face.amount_string();
    co_return co_await jobs::hold(*db_, claim, config_.retry.cap, reason);
  }
  const auto answer = co_await call(claim, order, Status::dispatching, *provider, std::move(*permit), provider_sku);
  if (!answer) co_return;
  const auto step = redemptions::after_issue(answer->result.outcome, another_route(routes, provider->name()));
  co_await settle(claim, order, Status::dispatching, answer->record, provider->name(), step, answer->result);
}

asio::awaitable<void> Dispatcher::resolve(const Claim& claim, const Order& order, const providers::Registry& providers) {
  auto* provider = order.provider ? providers.find(*order.provider) : nullptr;
  if (!provider) {
    const auto reason = "its outcome at provider '" + order.provider.value_or("") + "' is unknown and that provider is not configured";
    co_return co_await jobs::postpone(*db_, claim, config_.lease, reason);
  }
  auto permit = provider->admit(providers::Provider::Call::status);
  if (!permit) {
    const auto reason = "waiting for " + provider->name() + " to answer status queries";
    co_return co_await jobs::postpone(*db_, claim, busy_wait(), reason);
  }

  const auto snapshot = co_await catalog_->get(*db_, order.program_id);
  const auto* product = snapshot->find(order.sku);
  std::string provider_sku;
  if (product)
    for (const auto& r : product->routes)
      if (r.provider == provider->name()) provider_sku = r.provider_sku;
  const auto answer = co_await call(claim, order, Status::unknown, *provider, std::move(*permit), provider_sku);
  if (!answer) co_return;
  const auto routes = open_routes(product, order, providers);
  const auto step = redemptions::after_status(answer->result.outcome, another_route(routes, provider->name()));
  co_await settle(claim, order, Status::unknown, answer->record, provider->name(), step, answer->result);
}

asio::awaitable<std::optional<Dispatcher::Answer>> Dispatcher::call(const Claim& claim, const Order& order, Status to, providers::Provider& provider,
                                                                   providers::Provider::Permit permit, const std::string& provider_sku) {
  // Moving to `dispatching` means issuing; staying `unknown` means asking.
  const bool issuing = to == Status::dispatching;
  const auto attempt = co_await jobs::begin_call(*db_, claim, order.status, to, provider.name(), issuing ? "issue" : "status", config_.worker);
  if (!attempt) co_return std::nullopt;
  const auto started = steady_clock::now();
  const auto request = request_for(order, provider_sku, *sealer_);
  providers::Result result;
  if (issuing) result = co_await provider.issue(permit, request);
  else result = co_await provider.status(permit, request);
  const auto elapsed = steady_clock::now() - started;
  const auto latency = duration_cast<milliseconds>(elapsed).count();
  const std::string call_name = issuing ? "issue" : "status";
  metrics_->counter(metrics::dispatch_attempts, {{"provider", provider.name()}, {"call", call_name}, {"outcome", std::string(providers::outcome_name(result.outcome))}}).add();
  metrics_->histogram(metrics::provider_duration, {{"provider", provider.name()}, {"call", call_name}}).observe(elapsed);
  Answer answer{CallRecord{*attempt, result.outcome, latency, result.detail}, std::move(result)};
  co_return answer;
}

asio::awaitable<void> Dispatcher::settle(const Claim& claim, const Order& order, Status from, const CallRecord& call, const std::string& provider,
                                         redemptions::Step step, const providers::Result& result) {
  Move m;
  m.to = step.status;
  m.reason = result.detail;
  const auto wait = net::backoff(config_.retry, order.tries, net::unit_random());
  switch (step.next) {
    case Next::done:
      if (!result.reward) {  // an adapter bug; asking again is safe, failing would not be
        m.to = Status::unknown;
        m.due_in = wait;
        m.reason = "the provider said issued without a reward";
        break;
      }
      m.reward = redemptions::store_reward(*sealer_, order.id, *result.reward);
      m.provider_ref = result.provider_ref;
      m.cost = result.cost;
      break;
    case Next::ask_status:
      m.due_in = wait;
      break;
    case Next::retry_issue:
      if (auto next = net::next_retry(config_.retry, order.tries, net::unit_random(), order.created_at, system_clock::now())) {
        m.due_in = std::max(*next, result.retry_after.value_or(milliseconds(0)));  // a provider's Retry-After is honoured
      } else {  // nothing is outstanding at the provider, so giving up is safe
        m.to = Status::failed;
        m.failure_code = "deadline";
        m.reason = deadline_passed() + "; last answer: " + result.detail;
      }
      break;
    case Next::fail_over:
      m.failed_provider = provider;
      break;
    case Next::give_up:
      m.failed_provider = provider;
      m.failure_code = "rejected";
      m.reason = provider + " refused the order: " + result.detail;
      break;
  }
  if (co_await jobs::finish(*db_, claim, from, call, m) && redemptions::is_final(m.to)) {
    metrics_->counter(metrics::redemptions, {{"status", std::string(redemptions::status_name(m.to))}}).add();
    log::write(log::level::info, "redemption final",
               {{"redemption", order.id}, {"status", redemptions::status_name(m.to)}, {"provider", provider}, {"outcome", providers::outcome_name(result.outcome)}});
  }
}

std::string Dispatcher::deadline_passed() const { return "not issued within " + std::to_string(config_.retry.deadline.count()) + " s"; }

asio::awaitable<void> Dispatcher::fail(const Claim& claim, const Order& order, std::string code, std::string detail) {
  Move m;
  m.to = Status::failed;
  m.failure_code = std::move(code);
  m.reason = std::move(detail);
  if (co_await jobs::finish(*db_, claim, order.status, std::nullopt, m)) {
    metrics_->counter(metrics::redemptions, {{"status", "failed"}}).add();
    log::write(log::level::info, "redemption final", {{"redemption", order.id}, {"status", "failed"}, {"code", m.failure_code}});
  }
}

}  // namespace rgw::dispatch
