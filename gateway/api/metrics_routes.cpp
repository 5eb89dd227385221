// GET /metrics (Prometheus text format): the registry's series, and provider health, queues and balances read now.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/core/families.hpp"
#include "gateway/core/heap.hpp"
#include "gateway/core/log.hpp"

namespace rgw::api {
namespace {

using metrics::Labels;

// Open orders by status and provider (the dispatch queue), how long the oldest open order of each status has been
// in it (seconds), undelivered webhook events and how long the oldest lapsed lot has waited for its expiry entry
// (seconds), in one read.
const pg::Query backlog{"metrics_backlog",
                       "SELECT 'order' AS kind, r.status AS status, coalesce(r.provider, '') AS provider, count(*) AS n"
                       "  FROM dispatch_jobs j JOIN redemptions r ON r.id = j.redemption_id GROUP BY r.status, r.provider"
                       " UNION ALL SELECT 'order_age', r.status, '', extract(epoch FROM now() - min(r.updated_at))::bigint"
                       "  FROM dispatch_jobs j JOIN redemptions r ON r.id = j.redemption_id GROUP BY r.status"
                       " UNION ALL SELECT 'webhook', '', '', count(*) FROM webhook_events WHERE delivered_at IS NULL"
                       " UNION ALL SELECT 'expiry_lag', '', '', coalesce(extract(epoch FROM now() - min(expires_at)), 0)::bigint"
                       "  FROM point_lots WHERE unspent AND expires_at <= now()"};

double breaker_level(std::string_view state) { return state == "open" ? 2 : state == "degraded" ? 1 : 0; }

boost::asio::awaitable<pg::PoolStats> read_stats(std::shared_ptr<pg::Pool> pool) { co_return pool->stats(); }

// A pool belongs to its shard's thread: its figures are read there.
boost::asio::awaitable<pg::PoolStats> stats_of(std::shared_ptr<pg::Pool> pool) {
  const auto executor = pool->executor();
  co_return co_await boost::asio::co_spawn(executor, read_stats(std::move(pool)), boost::asio::use_awaitable);
}

boost::asio::awaitable<http::Reply> metrics_text(Call& call) {
  const auto& s = call.services;
  std::string out = s.metrics->render();
  out += metrics::render_counter("rewardgw_catalog_snapshot_loads_total", "Program catalogs loaded from the database into memory.", call.services.catalog->loads());
  out += metrics::render_counter("rewardgw_catalog_listing_renders_total", "Catalog listings rendered (the rest are served from memory).", call.services.catalog->renders());
  out += metrics::render_counter("rewardgw_fx_sets_quarantined_total", "Fetched rate sets set aside because a currency moved more than REWARDGW_FX_MAX_CHANGE_PCT.", call.services.fx_status->quarantines());
  out += metrics::render_counter("rewardgw_api_key_lookups_total", "API keys looked up in the database (one at a time per key; the rest served from the cache).", call.services.keys->lookups());
  out += metrics::render_counter("rewardgw_event_streams_refused_total", "Event streams refused (503 too_many_streams) at REWARDGW_EVENT_STREAMS_MAX.", call.services.feed->refused());
  out += metrics::render_gauge("rewardgw_event_streams", "Order event streams open in this process.", {{{}, static_cast<double>(call.services.feed->followers())}});
  out += metrics::render_counter("rewardgw_log_lines_dropped_total", "Log lines dropped because writing them to stderr fell 16 MiB behind.", log::dropped());
  out += metrics::render_counter("rewardgw_api_key_lookups_throttled_total", "Requests refused (429) because their address looked up too many uncached keys.", call.services.keys->lookups_throttled());

  const auto heap = heap::figures();
  out += metrics::render_gauge("process_resident_memory_bytes", "Resident memory size in bytes.", {{{}, static_cast<double>(heap.resident)}});
  out += metrics::render_gauge("rewardgw_heap_in_use_bytes", "Heap bytes allocated and in use.", {{{}, static_cast<double>(heap.in_use)}});
  out += metrics::render_gauge("rewardgw_heap_free_bytes", "Heap bytes the allocator holds free for reuse, resident or given back.", {{{}, static_cast<double>(heap.free)}});

  std::vector<std::pair<Labels, double>> breaker, paused, in_flight, balance;
  const auto providers = s.providers->current();
  for (const auto& p : providers->all()) {
    const auto h = p->health();
    breaker.push_back({{{"provider", p->name()}}, breaker_level(h.state)});
    paused.push_back({{{"provider", p->name()}}, h.paused ? 1.0 : 0.0});
    in_flight.push_back({{{"provider", p->name()}}, static_cast<double>(h.in_flight)});
    // A gauge is a float by nature; the exact figure is in GET /v1/providers.
    if (h.balance) balance.push_back({{{"provider", p->name()}, {"currency", std::string(h.balance->currency().code())}}, std::stod(h.balance->amount_string())});
  }
  out += metrics::render_gauge("rewardgw_provider_breaker_state", "Circuit breaker per provider: 0 closed, 1 degraded (recent failures or probing), 2 open.", breaker);
  out += metrics::render_gauge("rewardgw_provider_paused", "1 while ops have paused the provider (POST /v1/providers/{name}/pause): it gets no new orders.", paused);
  out += metrics::render_gauge("rewardgw_provider_in_flight", "Provider calls in flight in this process.", in_flight);
  out += metrics::render_gauge("rewardgw_provider_balance", "Funding balance per provider as last reported (read before dispatching and by GET /v1/providers, at most every 10 s).", balance);

  std::vector<std::pair<Labels, double>> age;
  if (const auto rates = call.services.rates->current())
    age.push_back({{}, std::chrono::duration<double>(std::chrono::system_clock::now() - rates->set().as_of).count()});
  out += metrics::render_gauge("rewardgw_fx_rates_age_seconds", "Age of the rates in force (since the source's as_of); absent before the first set.", age);

  std::vector<std::pair<Labels, double>> connections, waiting;
  for (std::size_t i = 0; i < s.pools.size(); ++i) {
    const auto st = co_await stats_of(s.pools[i]);
    const auto shard = std::to_string(i);
    connections.push_back({{{"shard", shard}, {"state", "busy"}}, static_cast<double>(st.size - st.idle)});
    connections.push_back({{{"shard", shard}, {"state", "idle"}}, static_cast<double>(st.idle)});
    waiting.push_back({{{"shard", shard}}, static_cast<double>(st.waiting)});
  }
  out += metrics::render_gauge("rewardgw_db_pool_connections", "Database connections per shard, busy or idle.", connections);
  out += metrics::render_gauge("rewardgw_db_pool_waiting", "Requests waiting for a database connection, per shard.", waiting);

  std::vector<std::pair<Labels, double>> open_orders, oldest, webhooks, expiry_lag;
  const auto rows = co_await call.db.exec(pg::statement(backlog));
  for (int i = 0; i < rows.size(); ++i) {
    const auto n = static_cast<double>(rows[i].int64("n"));
    if (rows[i].text("kind") == "webhook") webhooks.push_back({{}, n});
    else if (rows[i].text("kind") == "expiry_lag") expiry_lag.push_back({{}, n});
    else if (rows[i].text("kind") == "order_age") oldest.push_back({{{"status", std::string(rows[i].text("status"))}}, n});
    else open_orders.push_back({{{"status", std::string(rows[i].text("status"))}, {"provider", std::string(rows[i].text("provider"))}}, n});
  }
  out += metrics::render_gauge("rewardgw_dispatch_queue", "Orders not final yet (all processes), by status and provider (empty: not routed yet).", open_orders);
  out += metrics::render_gauge("rewardgw_dispatch_oldest_seconds", "How long the oldest open order of each status has been in it (all processes).", oldest);
  out += metrics::render_gauge("rewardgw_webhook_backlog", "Webhook events not delivered yet (all processes).", webhooks);
  out += metrics::render_gauge("rewardgw_points_expiry_lag_seconds",
                               "How long the oldest lapsed lot has waited for its expiry entry (all processes; 0: none waits).", expiry_lag);
  co_return http::make_response(http::Status::ok, std::move(out), "text/plain; version=0.0.4");
}

}  // namespace

void add_metrics_routes(Routes& routes) {
  using boost::beast::http::verb;
  routes.add(verb::get, "/metrics", {metrics_text, Access::public_route()});
}

}  // namespace rgw::api
