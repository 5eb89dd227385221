// What ops read and do beside the orders (docs/operations.md): GET /v1/providers (health, queues, balances),
// pausing and resuming a provider for every process, sending webhook events again, and GET /v1/audit.
#include <cmath>
#include <map>

#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/dispatch/pauses.hpp"
#include "gateway/webhooks/outbox.hpp"

namespace rgw::api {
namespace {

const pg::Query queued_by_provider{"providers_queued",
                                   "SELECT r.provider, count(*) AS n FROM dispatch_jobs j JOIN redemptions r ON r.id = j.redemption_id"
                                   " WHERE r.program_id = $1 AND r.provider IS NOT NULL GROUP BY r.provider"};

// `v` with `decimals` decimals (as a JSON number), or null.
nlohmann::json rounded(const std::optional<double>& v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return v ? nlohmann::json(std::round(*v * scale) / scale) : nlohmann::json(nullptr);
}

// How long a pause waits for this process's issue calls to that provider to end before it answers.
constexpr std::chrono::seconds drain_limit{30};

boost::asio::awaitable<nlohmann::json> provider_json(providers::Provider& p, std::int64_t queued) {
  const auto h = p.health();
  const auto balance = co_await p.balance();
  nlohmann::json last_error = nullptr;
  if (h.last_error) last_error = {{"at", rfc3339(std::chrono::time_point_cast<std::chrono::microseconds>(h.last_error_at))}, {"detail", *h.last_error}};
  co_return nlohmann::json{{"name", p.name()},
                           {"kind", p.kind()},
                           {"state", h.retired ? "retired" : h.paused ? "paused" : h.state},
                           {"paused_reason", or_null(h.paused)},
                           {"success_rate", {{"window_s", h.window.count()}, {"value", rounded(h.success_rate, 4)}, {"calls", h.window_calls}}},
                           {"latency_ms", {{"p50", rounded(h.p50_ms, 1)}, {"p99", rounded(h.p99_ms, 1)}}},
                           {"in_flight", h.in_flight},
                           {"queued", queued},
                           {"last_error", last_error},
                           {"balance", balance ? money_json(*balance) : nlohmann::json(nullptr)}};
}

boost::asio::awaitable<std::map<std::string, std::int64_t>> queued_of(Call& call) {
  std::map<std::string, std::int64_t> queued;
  const auto rows = co_await call.db.exec(pg::statement(queued_by_provider, call.program()));
  for (int i = 0; i < rows.size(); ++i) queued[std::string(rows[i].text("provider"))] = rows[i].int64("n");
  co_return queued;
}

boost::asio::awaitable<http::Reply> list_providers(Call& call) {
  auto queued = co_await queued_of(call);
  nlohmann::json items = nlohmann::json::array();
  const auto providers = call.services.providers->current();
  for (const auto& p : providers->all()) items.push_back(co_await provider_json(*p, queued[p->name()]));
  co_return json_response(http::Status::ok, {{"items", items}});
}

// Pause and resume: the row, its audit row and the notification in one transaction; this process obeys at once
// and the others when they hear. A pause answers once no issue call of this process is still on its way there.
boost::asio::awaitable<http::Reply> pause_or_resume(Call& call, bool pause) {
  const auto providers = call.services.providers->current();  // held: the provider outlives a reload meanwhile
  auto* provider = providers->find(call.params[0]);
  if (!provider) co_return refusal(errc::not_found, "no provider '" + call.params[0] + "' in this gateway's providers file");
  Input in(call.request);
  const auto body = pause || !call.request.body().empty() ? in.body(2) : nlohmann::json::object();  // a resume needs no reason
  in.only_fields(body, {"reason"});
  const auto reason = pause ? std::optional(in.required_reason(body)) : in.optional_reason(body);
  if (in.refused()) co_return in.refusal();
  const auto& name = provider->name();
  auto tx = co_await pg::Transaction::begin(call.db);
  std::vector<pg::Statement> writes{pause ? dispatch::pauses::pause_statement(name, *reason, call.principal.key_id) : dispatch::pauses::resume_statement(name),
                                    audit::record(audit_entry(call, pause ? "provider.pause" : "provider.resume", name, reason)),
                                    dispatch::pauses::notify_statement(name)};
  co_await tx.commit(std::move(writes));
  provider->pause(pause ? reason : std::nullopt);
  if (pause && !co_await dispatch::pauses::drained(*provider, drain_limit))
    co_return refusal(errc::unavailable, "paused, but an issue call to " + name + " is still in flight after " + std::to_string(drain_limit.count()) + " s");
  auto queued = co_await queued_of(call);
  co_return json_response(http::Status::ok, co_await provider_json(*provider, queued[name]));
}

boost::asio::awaitable<http::Reply> pause_provider(Call& call) { return pause_or_resume(call, true); }
boost::asio::awaitable<http::Reply> resume_provider(Call& call) { return pause_or_resume(call, false); }

boost::asio::awaitable<http::Reply> list_audit(Call& call) {
  Input in(call.request);
  audit::Filter filter;
  filter.program_id = call.program();
  filter.action = in.query("action");
  if (auto from = in.timestamp_param("from")) filter.from = rfc3339(*from);
  if (auto to = in.timestamp_param("to")) filter.to = rfc3339(*to);
  filter.before = in.cursor();
  filter.limit = in.page_limit();
  if (in.refused()) co_return in.refusal();
  const auto page = co_await audit::list(call.db, filter);
  co_return json_response(http::Status::ok, {{"items", page.items}, {"next_cursor", next_cursor(page.next_before)}});
}

// The events of one order, or of a time range, sent again; the audit row in the same transaction.
boost::asio::awaitable<http::Reply> redeliver_webhooks(Call& call) {
  Input in(call.request);
  const auto body = in.body(2);
  in.only_fields(body, {"redemption_id", "from", "to", "reason"});
  webhooks::Redelivery which;
  which.redemption_id = in.optional_string(body, "redemption_id", 64);
  const auto from = in.optional_timestamp(body, "from");
  const auto to = in.optional_timestamp(body, "to");
  const auto reason = in.optional_reason(body);
  if (!in.refused() && which.redemption_id.has_value() == (from || to))
    in.refuse(errc::invalid_request, "give either 'redemption_id' or 'from' and 'to'");
  if (!in.refused() && !which.redemption_id && (!from || !to || *to <= *from)) in.refuse(errc::invalid_request, "'from' and 'to' must both be given, 'from' before 'to'");
  if (in.refused()) co_return in.refusal();
  if (from) which.from = rfc3339(*from);
  if (to) which.to = rfc3339(*to);
  const auto target = which.redemption_id.value_or(*which.from + "/" + *which.to);
  auto tx = co_await pg::Transaction::begin(call.db);
  std::vector<pg::Statement> writes{webhooks::redeliver(call.program(), which), audit::record(audit_entry(call, "webhook.redeliver", target, reason))};
  const auto done = co_await tx.commit(std::move(writes));
  co_return json_response(http::Status::accepted, {{"queued", done.front().size()}});
}

}  // namespace

void add_ops_routes(Routes& routes) {
  using boost::beast::http::verb;
  const auto ops = Access::keys(false, {auth::Role::ops, auth::Role::admin});
  routes.add(verb::get, "/v1/providers", {list_providers, ops});
  routes.add(verb::post, "/v1/providers/{name}/pause", {pause_provider, ops});
  routes.add(verb::post, "/v1/providers/{name}/resume", {resume_provider, ops});
  routes.add(verb::post, "/v1/webhooks/redeliver", {redeliver_webhooks, ops});
  routes.add(verb::get, "/v1/audit", {list_audit, Access::keys(false, {auth::Role::admin})});
}

}  // namespace rgw::api
