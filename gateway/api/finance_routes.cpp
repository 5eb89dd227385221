// Finance: the payout report (streamed JSON or CSV), the points liability, account statements and provider
// statement reconciliations (docs/finance.md).
#include <date/date.h>

#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/accounts/programs.hpp"
#include "gateway/api/views.hpp"
#include "gateway/reports/account_statement.hpp"
#include "gateway/reports/liability.hpp"
#include "gateway/reports/payouts.hpp"
#include "gateway/reports/reconciliation.hpp"
#include "providers/registry.hpp"

namespace rgw::api {
namespace {

using auth::Role;

date::local_days required_date(Input& in, std::string_view name) {
  const auto text = in.query(name);
  if (!text) in.refuse(errc::invalid_request, "'" + std::string(name) + "' is required: a local date YYYY-MM-DD");
  const auto day = text ? reports::parse_date(*text) : std::nullopt;
  if (text && !day) in.refuse(errc::invalid_request, "'" + std::string(name) + "' must be a date YYYY-MM-DD");
  return day.value_or(date::local_days{});
}

// A provider name as configured: a-z, 0-9, '_' and '-'.
std::optional<std::string> provider_param(Input& in, bool required) {
  auto name = in.query("provider");
  if (!name && required) in.refuse(errc::invalid_request, "'provider' is required");
  if (name && !providers::is_provider_name(*name)) in.refuse(errc::invalid_request, "'provider' must be a provider name (a-z, 0-9, '_', '-')");
  return name;
}

reports::Format format_param(Input& in) {
  const auto format = in.query("format");
  const auto parsed = format ? reports::parse_format(*format) : reports::Format::json;
  if (!parsed) in.refuse(errc::invalid_request, "'format' must be json or csv");
  return parsed.value_or(reports::Format::json);
}

boost::asio::awaitable<http::Reply> payout_report(Call& call) {
  Input in(call.request);
  reports::PayoutRequest request;
  request.from = required_date(in, "from");
  request.to = required_date(in, "to");
  if (in.refused()) co_return in.refusal();
  if (auto problem = reports::range_problem(request.from, request.to)) in.refuse(errc::invalid_request, *problem);
  if (auto status = in.query("status")) {
    const auto parsed = reports::parse_payout_status(*status);
    if (!parsed) in.refuse(errc::invalid_request, "'status' must be issued, failed or reversed");
    else request.status = *parsed;
  }
  request.format = format_param(in);
  request.provider = provider_param(in, false);
  if (in.refused()) co_return in.refusal();
  auto program = co_await programs::find(call.db, call.program());

  auto head = http::make_response(http::Status::ok, "", reports::content_type(request.format));
  head.set(http::beast::http::field::content_disposition, "attachment; filename=\"" + reports::file_name(request) + "\"");
  head.set(http::beast::http::field::cache_control, "no-store");
  pg::Pool* db = &call.db;  // a shard's pool lives as long as the process
  co_return http::Reply(std::move(head), [db, program, request](http::BodySink& out) { return reports::write_payouts(*db, program, request, out); });
}

// A finance document in the format asked (only that one is rendered): JSON, or CSV as a download; never cached.
template <class RenderJson, class RenderCsv>
http::Response report_response(reports::Format format, RenderJson json, RenderCsv csv, const std::string& file) {
  auto response = format == reports::Format::csv ? http::make_response(http::Status::ok, csv(), reports::content_type(format))
                                                 : json_response(http::Status::ok, json());
  if (format == reports::Format::csv) response.set(http::beast::http::field::content_disposition, "attachment; filename=\"" + file + "\"");
  response.set(http::beast::http::field::cache_control, "no-store");
  return response;
}

boost::asio::awaitable<http::Reply> liability_report(Call& call) {
  Input in(call.request);
  const auto as_of = required_date(in, "as_of");
  const auto format = format_param(in);
  if (in.refused()) co_return in.refusal();
  const auto program = co_await programs::find(call.db, call.program());
  const auto report = co_await reports::liability(call.db, program, as_of);
  co_return report_response(format, [&] { return reports::to_json(report); }, [&] { return reports::to_csv(report); },
                            "liability-" + date::format("%F", as_of) + ".csv");
}

boost::asio::awaitable<http::Reply> account_statement(Call& call) {
  Input in(call.request);
  const auto from = required_date(in, "from");
  const auto to = required_date(in, "to");
  const auto format = format_param(in);
  if (in.refused()) co_return in.refusal();
  if (auto problem = reports::range_problem(from, to)) co_return refusal(errc::invalid_request, *problem);
  const auto program = co_await programs::find(call.db, call.program());
  const auto starts = reports::day_starts(program.timezone, from, to);
  const auto period_from = rfc3339(starts.front()), period_to = rfc3339(starts.back());
  const auto statement = co_await ledger::statement(call.db, call.program_id(), AccountId(call.params[0]), period_from, period_to);
  if (!statement) co_return refusal(errc::not_found, "no such account");
  const auto json = [&] {
    auto entries = nlohmann::json::array();
    for (const auto& e : statement->entries) entries.push_back(entry_json(e));
    return nlohmann::json{{"account_id", call.params[0]},
                          {"from", date::format("%F", from)},
                          {"to", date::format("%F", to)},
                          {"period", {{"from", period_from}, {"to", period_to}}},
                          {"opening_balance", statement->opening},
                          {"entries", entries},
                          {"closing_balance", statement->closing}};
  };
  co_return report_response(format, json, [&] { return reports::statement_csv(*statement); },
                            "statement-" + call.params[0] + "-" + date::format("%F", from) + "-" + date::format("%F", to) + ".csv");
}

boost::asio::awaitable<http::Reply> create_reconciliation(Call& call) {
  Input in(call.request);
  const auto provider = provider_param(in, true).value_or("");
  const auto type = call.request[http::beast::http::field::content_type];
  if (!type.starts_with("text/csv")) in.refuse(errc::invalid_request, "send the statement as Content-Type: text/csv");
  const bool explicit_period = in.query("from") || in.query("to");
  date::local_days from{}, to{};
  if (explicit_period) {
    from = required_date(in, "from");
    to = required_date(in, "to");
    if (to < from) in.refuse(errc::invalid_request, "'to' is before 'from'");
  }
  if (in.refused()) co_return in.refusal();
  const auto statement = reports::parse_statement(call.request.body());
  if (!statement) co_return refusal(errc::invalid_request, std::string("a statement starts with the header row ") + reports::statement_header);
  // A misspelt provider would turn every line into "missing here": refuse names nothing is known by.
  bool known = call.settings.providers.contains(provider);
  if (!known) known = co_await reports::has_orders_at(call.db, call.program(), provider);
  if (!known) co_return refusal(errc::invalid_request, "no provider '" + provider + "' is configured or was ever sent an order");
  auto program = co_await programs::find(call.db, call.program());
  reports::ReconcileRequest request{call.program(), provider, reports::statement_period(*statement, program.timezone), call.principal.key_id};
  // An explicit period (local dates) replaces the one read from the statement's lines.
  if (explicit_period) {
    const auto starts = reports::day_starts(program.timezone, from, to);
    request.period = reports::Period{starts.front(), starts.back()};
  }
  const auto result = co_await reports::reconcile(call.db, request, *statement);
  reports::count_findings(*call.services.metrics, provider, result);
  co_return json_response(http::Status::created, result);
}

boost::asio::awaitable<http::Reply> get_reconciliation(Call& call) {
  const auto found = co_await reports::find_reconciliation(call.db, call.program(), call.params[0]);
  if (!found) co_return refusal(errc::not_found, "no such reconciliation");
  co_return json_response(http::Status::ok, *found);
}

boost::asio::awaitable<http::Reply> list_reconciliations(Call& call) {
  Input in(call.request);
  const auto provider = provider_param(in, false);
  const auto cursor = in.cursor();
  const auto limit = in.page_limit();
  if (in.refused()) co_return in.refusal();
  const auto page = co_await reports::list_reconciliations(call.db, call.program(), provider, cursor, limit);
  co_return json_response(http::Status::ok, {{"items", page.items}, {"next_cursor", next_cursor(page.next_before)}});
}

}  // namespace

void add_finance_routes(Routes& routes) {
  using http::beast::http::verb;
  const auto finance = Access::keys(false, {Role::finance, Role::admin});
  routes.add(verb::get, "/v1/reports/payouts", {payout_report, finance});
  routes.add(verb::get, "/v1/reports/liability", {liability_report, finance});
  routes.add(verb::get, "/v1/accounts/{account_id}/statement", {account_statement, finance});
  routes.add(verb::post, "/v1/reconciliations", {create_reconciliation, finance});
  routes.add(verb::get, "/v1/reconciliations", {list_reconciliations, finance});
  routes.add(verb::get, "/v1/reconciliations/{reconciliation_id}", {get_reconciliation, finance});
}

}  // namespace rgw::api
