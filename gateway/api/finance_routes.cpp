// Finance: the payout report (streamed JSON or CSV) and provider statement reconciliations (docs/finance.md).
#include <date/date.h>

#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/core/families.hpp"
#include "gateway/accounts/programs.hpp"
#include "gateway/reports/payouts.hpp"
#include "gateway/reports/reconciliation.hpp"
#include "providers/registry.hpp"

namespace rgw::api {
namespace {

using auth::Role;

date::local_days required_date(std::string_view target, std::string_view name) {
  const auto text = query_param(target, name);
  if (!text) throw Failure(errc::invalid_request, "'" + std::string(name) + "' is required: a local date YYYY-MM-DD");
  const auto day = reports::parse_date(*text);
  if (!day) throw Failure(errc::invalid_request, "'" + std::string(name) + "' must be a date YYYY-MM-DD");
  return *day;
}

// A provider name as configured: a-z, 0-9, '_' and '-'.
std::optional<std::string> provider_param(std::string_view target, bool required) {
  auto name = query_param(target, "provider");
  if (!name && required) throw Failure(errc::invalid_request, "'provider' is required");
  if (name && !providers::is_provider_name(*name))
    throw Failure(errc::invalid_request, "'provider' must be a provider name (a-z, 0-9, '_', '-')");
  return name;
}

boost::asio::awaitable<http::Reply> payout_report(Call& call) {
  const auto target = call.request.target();
  reports::PayoutRequest request;
  request.from = required_date(target, "from");
  request.to = required_date(target, "to");
  if (auto problem = reports::range_problem(request.from, request.to)) throw Failure(errc::invalid_request, *problem);
  if (auto status = query_param(target, "status")) {
    const auto parsed = reports::parse_payout_status(*status);
    if (!parsed) throw Failure(errc::invalid_request, "'status' must be issued, failed or reversed");
    request.status = *parsed;
  }
  if (auto format = query_param(target, "format")) {
    const auto parsed = reports::parse_format(*format);
    if (!parsed) throw Failure(errc::invalid_request, "'format' must be json or csv");
    request.format = *parsed;
  }
  request.provider = provider_param(target, false);
  auto program = co_await programs::find(call.db, call.program());

  auto head = http::make_response(http::Status::ok, "", reports::content_type(request.format));
  head.set(http::beast::http::field::content_disposition, "attachment; filename=\"" + reports::file_name(request) + "\"");
  head.set(http::beast::http::field::cache_control, "no-store");
  pg::Pool* db = &call.db;  // a shard's pool lives as long as the process
  co_return http::Reply(std::move(head), [db, program, request](http::BodySink& out) { return reports::write_payouts(*db, program, request, out); });
}

boost::asio::awaitable<http::Reply> create_reconciliation(Call& call) {
  const auto target = call.request.target();
  const auto provider = *provider_param(target, true);
  const auto type = call.request[http::beast::http::field::content_type];
  if (!type.starts_with("text/csv")) throw Failure(errc::invalid_request, "send the statement as Content-Type: text/csv");
  reports::Statement statement;
  try {
    statement = reports::parse_statement(call.request.body());
  } catch (const std::invalid_argument& e) {
    throw Failure(errc::invalid_request, e.what());
  }
  // A misspelt provider would turn every line into "missing here": refuse names nothing is known by.
  bool known = call.settings.providers.contains(provider);
  if (!known) known = co_await reports::has_orders_at(call.db, call.program(), provider);
  if (!known)
    throw Failure(errc::invalid_request, "no provider '" + provider + "' is configured or was ever sent an order");
  auto program = co_await programs::find(call.db, call.program());
  reports::ReconcileRequest request{call.program(), provider, reports::statement_period(statement, program.timezone), call.principal.key_id};
  // An explicit period (local dates) replaces the one read from the statement's lines.
  if (query_param(target, "from") || query_param(target, "to")) {
    const auto from = required_date(target, "from"), to = required_date(target, "to");
    if (to < from) throw Failure(errc::invalid_request, "'to' is before 'from'");
    const auto starts = reports::day_starts(program.timezone, from, to);
    request.period = reports::Period{starts.front(), starts.back()};
  }
  const auto result = co_await reports::reconcile(call.db, request, statement);
  for (const char* kind : reports::finding_kinds)
    call.services.metrics->counter(metrics::reconciliation_findings, {{"provider", provider}, {"kind", kind}}).add(result.at(kind).size());
  co_return json_response(http::Status::created, result);
}

boost::asio::awaitable<http::Reply> get_reconciliation(Call& call) {
  const auto found = co_await reports::find_reconciliation(call.db, call.program(), call.params[0]);
  if (!found) throw Failure(errc::not_found, "no such reconciliation");
  co_return json_response(http::Status::ok, *found);
}

boost::asio::awaitable<http::Reply> list_reconciliations(Call& call) {
  const auto target = call.request.target();
  const auto page = co_await reports::list_reconciliations(call.db, call.program(), provider_param(target, false), cursor_param(target), page_limit(target));
  co_return json_response(http::Status::ok, {{"items", page.items}, {"next_cursor", next_cursor(page.next_before)}});
}

}  // namespace

void add_finance_routes(Routes& routes) {
  using http::beast::http::verb;
  const auto finance = Access::keys(false, {Role::finance, Role::admin});
  routes.add(verb::get, "/v1/reports/payouts", {payout_report, finance});
  routes.add(verb::post, "/v1/reconciliations", {create_reconciliation, finance});
  routes.add(verb::get, "/v1/reconciliations", {list_reconciliations, finance});
  routes.add(verb::get, "/v1/reconciliations/{reconciliation_id}", {get_reconciliation, finance});
}

}  // namespace rgw::api
