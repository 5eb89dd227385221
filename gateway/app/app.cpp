#include "gateway/app/app.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "gateway/api/api.hpp"
#include "gateway/db/schema.hpp"
#include "gateway/dispatch/dispatcher.hpp"
#include "gateway/dispatch/pauses.hpp"
#include "gateway/core/families.hpp"
#include "gateway/core/heap.hpp"
#include "gateway/core/log.hpp"
#include "gateway/pg/listener.hpp"
#include "gateway/points/expiry.hpp"
#include "gateway/pricing/refresher.hpp"
#include "gateway/privacy/privacy.hpp"
#include "gateway/webhooks/outbox.hpp"
#include "providers/registry.hpp"

namespace rgw::app {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

const pg::Query purge_idempotency_keys{
    "app_purge_idempotency",
    "DELETE FROM idempotency_keys WHERE ctid IN"
    " (SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT 10000)"};

// Expired idempotency keys are deleted in small batches, so the table stays the size of the retention window.
asio::awaitable<void> housekeeping(std::shared_ptr<pg::Pool> db) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    try {
      while ((co_await db->exec(pg::statement(purge_idempotency_keys))).affected_rows() == 10000) {
      }
    } catch (const pg::Error& e) {
      log::write(log::level::warn, "housekeeping failed", {{"detail", e.what()}});
    }
    timer.expires_after(10min);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

// After a burst the allocator keeps the freed pages resident; beyond 32 MiB of them they go back to the system
// (checked every 10 s; a return takes a few milliseconds of this thread).
asio::awaitable<void> return_idle_memory() {
  constexpr std::size_t mib = 1024 * 1024;
  heap::IdlePages idle(32 * mib);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(10s);
    co_await timer.async_wait(asio::use_awaitable);
    if (const auto returned = idle.return_if_over())
      log::write(log::level::info, "idle memory returned to the system",
                 {{"resident_mb_before", returned->before.resident / mib}, {"resident_mb_after", returned->resident_after / mib},
                  {"in_use_mb", returned->before.in_use / mib}, {"ms", returned->took.count() / 1000.0}});
  }
}

// A pause heard of, or possibly missed: apply the table again. False (and logged) when it could not be read.
asio::awaitable<bool> reapply_pauses(std::shared_ptr<pg::Pool> db, std::shared_ptr<const providers::LiveRegistry> providers) {
  try {
    co_await dispatch::pauses::apply(*db, *providers->current());
    co_return true;
  } catch (const pg::Error& e) {
    log::write(log::level::warn, "cannot read the provider pauses", {{"detail", e.what()}});
    co_return false;
  }
}

// No issue call leaves this process before it knows which providers are paused.
asio::awaitable<void> dispatch_once_pauses_known(std::shared_ptr<pg::Pool> db, std::shared_ptr<const providers::LiveRegistry> providers,
                                                  std::shared_ptr<dispatch::Dispatcher> dispatcher) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!co_await reapply_pauses(db, providers)) {
    timer.expires_after(1s);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_await dispatcher->run();
}

}  // namespace

struct App::impl {
  explicit impl(Config c) : config(std::move(c)) {}

  Config config;
  // Before the shards: coroutines still parked on a stopped io_context may hold permits of these providers.
  std::shared_ptr<providers::LiveRegistry> providers;
  std::vector<std::unique_ptr<asio::io_context>> shards;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::shared_ptr<pg::Pool>> pools;
  std::shared_ptr<auth::KeyStore> keys;
  std::shared_ptr<pricing::RateStore> rates = std::make_shared<pricing::RateStore>();
  std::shared_ptr<pricing::RefreshStatus> fx_status = std::make_shared<pricing::RefreshStatus>();
  std::shared_ptr<pricing::CatalogCache> catalog = std::make_shared<pricing::CatalogCache>();
  std::shared_ptr<metrics::Registry> metrics = metrics::gateway_registry();
  std::shared_ptr<redemptions::StatusFeed> feed;
  std::shared_ptr<dispatch::Dispatcher> dispatcher;  // null when this process does not dispatch
  std::shared_ptr<api::Api> api;
  std::unique_ptr<http::Server> server;
  asio::cancellation_signal stop_listener;
  asio::cancellation_signal stop_housekeeping;
  asio::cancellation_signal stop_memory;
  asio::cancellation_signal stop_rates;
  asio::cancellation_signal stop_dispatch;
  asio::cancellation_signal stop_webhooks;
  asio::cancellation_signal stop_points;
  asio::cancellation_signal stop_pulls;
  asio::cancellation_signal stop_stock;
  asio::cancellation_signal stop_privacy;
  std::vector<std::thread> threads;
};

App::App(Config config) : impl_(std::make_unique<impl>(std::move(config))) {}

App::~App() { stop(); }

void App::start() {
  auto& s = *impl_;
  {
    asio::io_context io;
    auto applied = asio::co_spawn(io, pg::migrate(s.config.database_url, db::migrations()), asio::use_future);
    io.run();
    if (const int n = applied.get()) log::write(log::level::info, "migrations applied", {{"count", n}});
  }
  for (std::size_t i = 0; i < s.config.threads; ++i) {
    s.shards.push_back(std::make_unique<asio::io_context>(1));
    s.guards.push_back(asio::make_work_guard(*s.shards.back()));
    s.pools.push_back(pg::Pool::create(s.shards.back()->get_executor(), s.config.db));
  }
  s.keys = std::make_shared<auth::KeyStore>(s.config.bootstrap_key, s.config.key_cache_ttl, s.config.key_lookups_per_s);
  s.providers = std::make_shared<providers::LiveRegistry>(providers::Registry::from_json(s.config.providers));
  s.feed = std::make_shared<redemptions::StatusFeed>(s.pools.front(), s.config.settings.event_streams_max);
  s.api = std::make_shared<api::Api>(api::Services{s.keys, std::make_shared<const auth::MemberTokens>(*s.config.sealer), s.rates, s.fx_status,
                                                   s.catalog, s.config.sealer, s.metrics, s.providers, s.pools, s.feed},
                                     s.config.settings);

  std::vector<asio::io_context*> contexts;
  for (auto& c : s.shards) contexts.push_back(c.get());
  auto api = s.api;
  auto http_config = s.config.http;
  http_config.on_refused = [metrics = s.metrics] { metrics->counter(metrics::connections_refused).add(); };
  s.server = std::make_unique<http::Server>(contexts, http_config,
                                            [api](http::Request& r, std::size_t shard, const asio::ip::address& peer) { return api->handle(r, shard, peer); });

  auto keys = s.keys;
  auto rates = s.rates;
  auto db = s.pools.front();
  auto& loop = *s.shards.front();
  auto catalog = s.catalog;
  if (s.config.dispatch.concurrency > 0)
    s.dispatcher = std::make_shared<dispatch::Dispatcher>(loop.get_executor(), db, s.providers, s.catalog, s.config.sealer, s.metrics,
                                                           s.config.dispatch);
  auto dispatcher = s.dispatcher;
  auto feed = s.feed;
  auto registry = s.providers;
  auto on_notify = [keys, rates, catalog, dispatcher, feed, db, registry, &loop](const pg::Notification& n) {
    if (n.channel == auth::KeyStore::revocation_channel) keys->forget(n.payload);
    else if (n.channel == pricing::rates_channel) asio::co_spawn(loop, pricing::reload(db, rates), asio::detached);
    else if (n.channel == pricing::catalog_channel || n.channel == programs::programs_channel) catalog->forget_notified(n.payload);
    else if (n.channel == dispatch::notify_channel && dispatcher) dispatcher->wake();
    else if (n.channel == redemptions::events_channel) feed->changed();
    else if (n.channel == dispatch::pauses::channel) asio::co_spawn(loop, reapply_pauses(db, registry), asio::detached);
  };
  // Whatever was announced while disconnected may have been missed: forget cached keys and catalogs, reload
  // the rates, look for due jobs and for moves of followed orders.
  auto on_connected = [keys, rates, catalog, dispatcher, feed, db, registry, &loop] {
    keys->forget_all();
    asio::co_spawn(loop, reapply_pauses(db, registry), asio::detached);
    feed->changed();
    catalog->forget_all();
    asio::co_spawn(loop, pricing::reload(db, rates), asio::detached);
    if (dispatcher) dispatcher->wake();
  };
  const std::vector<std::string> channels{auth::KeyStore::revocation_channel, pricing::rates_channel, pricing::catalog_channel,
                                          programs::programs_channel, dispatch::notify_channel, redemptions::events_channel,
                                          dispatch::pauses::channel};
  asio::co_spawn(loop, pg::listen(s.config.database_url, channels, on_notify, on_connected),
                 asio::bind_cancellation_slot(s.stop_listener.slot(), asio::detached));
  if (s.config.fx)
    asio::co_spawn(loop, pricing::keep_fresh(*s.config.fx, db, s.rates, s.fx_status),
                   asio::bind_cancellation_slot(s.stop_rates.slot(), asio::detached));
  asio::co_spawn(*s.shards.front(), housekeeping(s.pools.front()),
                 asio::bind_cancellation_slot(s.stop_housekeeping.slot(), asio::detached));
  asio::co_spawn(loop, return_idle_memory(), asio::bind_cancellation_slot(s.stop_memory.slot(), asio::detached));
  if (s.config.points.interval.count() > 0)
    asio::co_spawn(loop, points::run(db, s.metrics, s.config.points), asio::bind_cancellation_slot(s.stop_points.slot(), asio::detached));
  asio::co_spawn(loop, privacy::run(db, s.config.sealer, s.config.retention_interval), asio::bind_cancellation_slot(s.stop_privacy.slot(), asio::detached));
  if (s.config.stock_interval.count() > 0)
    asio::co_spawn(loop, providers::keep_stock_fresh(s.providers, s.config.stock_interval), asio::bind_cancellation_slot(s.stop_stock.slot(), asio::detached));
  if (s.config.pulls.interval.count() > 0) {
    auto pulls = s.config.pulls;
    pulls.worker = s.config.dispatch.worker;
    asio::co_spawn(loop, reports::run_pulls(db, s.providers, s.metrics, pulls), asio::bind_cancellation_slot(s.stop_pulls.slot(), asio::detached));
  }
  if (s.dispatcher) {
    asio::co_spawn(loop, dispatch_once_pauses_known(db, s.providers, s.dispatcher), asio::bind_cancellation_slot(s.stop_dispatch.slot(), asio::detached));
    auto sender = s.config.webhooks;
    sender.destinations = s.config.settings.webhook_destinations;  // one setting for the API's check and the sender's
    asio::co_spawn(loop, webhooks::deliver(db, s.config.sealer, s.metrics, sender), asio::bind_cancellation_slot(s.stop_webhooks.slot(), asio::detached));
  }

  s.server->start();
  for (auto& c : s.shards) s.threads.emplace_back([ctx = c.get()] { ctx->run(); });
}

unsigned short App::port() const { return impl_->server->port(); }

std::optional<std::string> App::reload_providers() {
  auto& s = *impl_;
  if (!s.config.providers_file) return "no REWARDGW_PROVIDERS_FILE: the providers are the built-in sandbox";
  nlohmann::json config;
  try {
    config = read_providers_file(*s.config.providers_file);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  if (auto refused = s.providers->reload(config)) return refused;
  // Providers built anew from a changed entry learn what the database says is paused.
  asio::co_spawn(*s.shards.front(), reapply_pauses(s.pools.front(), s.providers), asio::detached);
  return std::nullopt;
}

void App::stop() {
  auto& s = *impl_;
  if (s.threads.empty()) return;
  s.server->stop();
  s.feed->stop();  // event streams end now: they would hold their connections open for the whole grace
  const auto deadline = std::chrono::steady_clock::now() + s.config.shutdown_grace;
  // This thread is no I/O thread: a plain wait for in-flight requests to drain is fine here.
  while (s.server->open_connections() > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  s.api->stop();
  asio::post(*s.shards.front(), [&s] {
    s.stop_listener.emit(asio::cancellation_type::terminal);
    s.stop_housekeeping.emit(asio::cancellation_type::terminal);
    s.stop_memory.emit(asio::cancellation_type::terminal);
    s.stop_rates.emit(asio::cancellation_type::terminal);
    s.stop_dispatch.emit(asio::cancellation_type::terminal);
    s.stop_webhooks.emit(asio::cancellation_type::terminal);
    s.stop_points.emit(asio::cancellation_type::terminal);
    s.stop_pulls.emit(asio::cancellation_type::terminal);
    s.stop_stock.emit(asio::cancellation_type::terminal);
    s.stop_privacy.emit(asio::cancellation_type::terminal);
  });
  s.guards.clear();
  const auto drain = std::chrono::steady_clock::now() + 2s;
  auto all_stopped = [&s] { return std::all_of(s.shards.begin(), s.shards.end(), [](auto& c) { return c->stopped(); }); };
  while (!all_stopped() && std::chrono::steady_clock::now() < drain) std::this_thread::sleep_for(10ms);
  for (auto& c : s.shards) c->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  for (const auto& p : s.providers->current()->all()) p->drop_idle_connections();
  log::write(log::level::info, "stopped");
}

}  // namespace rgw::app
