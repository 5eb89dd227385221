#include "gateway/app/report.hpp"

#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <iostream>
#include <map>

#include "gateway/app/command.hpp"
#include "gateway/db/schema.hpp"
#include "gateway/reports/liability.hpp"
#include "gateway/reports/payouts.hpp"

namespace rgw::app {
namespace {

constexpr const char* usage =
    "usage: rewardgw report payouts --program ID (--month YYYY-MM | --from YYYY-MM-DD --to YYYY-MM-DD)\n"
    "                               [--format csv|json] [--status issued|failed|reversed] [--provider NAME]\n"
    "       rewardgw report liability --program ID --as-of YYYY-MM-DD [--format csv|json]\n";

// Runs `write(pool, program, stdout)` against the configured database; 1 when there is no such program.
template <class Write>
boost::asio::awaitable<int> export_report(const Config& config, std::string program_id, Write write) {
  co_await pg::migrate(config.database_url, db::migrations());
  auto pool = pg::Pool::create(co_await boost::asio::this_coro::executor, config.db);
  const auto program = co_await programs::find_optional(*pool, program_id);
  if (!program) {
    std::cerr << "report: no program " << program_id << "\n";
    co_return 1;
  }
  http::BodySink stdout_sink{[](std::string_view piece) -> boost::asio::awaitable<bool> {
    co_return std::fwrite(piece.data(), 1, piece.size(), stdout) == piece.size();
  }};
  co_await write(*pool, *program, stdout_sink);
  co_return std::fflush(stdout) == 0 ? 0 : 1;
}

int report_liability(const Config& config, std::map<std::string, std::string> options, const std::function<int(const std::string&)>& bad) {
  for (const auto& [name, value] : options)
    if (name != "--program" && name != "--as-of" && name != "--format") return bad("unknown option " + name);
  if (!options.contains("--program")) return bad("--program is required");
  const auto as_of = reports::parse_date(options["--as-of"]);
  if (!as_of) return bad("--as-of YYYY-MM-DD is required");
  const auto format = reports::parse_format(options.contains("--format") ? options["--format"] : "csv");
  if (!format) return bad("--format is csv or json");
  auto write = [as_of = *as_of, format = *format](pg::Pool& pool, const programs::Program& program, http::BodySink& out) -> boost::asio::awaitable<void> {
    const auto report = co_await reports::liability(pool, program, as_of);
    const auto text = format == reports::Format::csv ? reports::to_csv(report) : reports::to_json(report).dump(2) + "\n";  // named: GCC 12
    co_await out.write(text);
  };
  return run_command("report", export_report(config, options["--program"], write));
}

}  // namespace

int report(const Config& config, std::span<char* const> args) {
  const std::string_view kind = args.empty() ? "" : args[0];
  if ((kind != "payouts" && kind != "liability") || args.size() % 2 == 0) {
    std::cerr << usage;
    return 2;
  }
  std::map<std::string, std::string> options;
  for (std::size_t i = 1; i + 1 < args.size(); i += 2) options[args[i]] = args[i + 1];
  const std::function<int(const std::string&)> bad = [](const std::string& why) {
    std::cerr << "report: " << why << "\n" << usage;
    return 2;
  };
  if (kind == "liability") return report_liability(config, std::move(options), bad);
  for (const auto& [name, value] : options)
    if (name != "--program" && name != "--month" && name != "--from" && name != "--to" && name != "--format" && name != "--status" && name != "--provider")
      return bad("unknown option " + name);
  if (!options.contains("--program")) return bad("--program is required");

  reports::PayoutRequest request{};
  request.format = reports::Format::csv;
  if (options.contains("--month")) {
    const auto first = reports::parse_date(options["--month"] + "-01");
    if (!first) return bad("--month must be YYYY-MM");
    const date::year_month_day ymd(*first);
    request.from = *first;
    request.to = date::local_days(ymd.year() / ymd.month() / date::last);
  } else {
    const auto from = reports::parse_date(options["--from"]), to = reports::parse_date(options["--to"]);
    if (!from || !to) return bad("give --month, or --from and --to (YYYY-MM-DD)");
    request.from = *from;
    request.to = *to;
  }
  if (auto problem = reports::range_problem(request.from, request.to)) return bad(*problem);
  if (options.contains("--format")) {
    const auto format = reports::parse_format(options["--format"]);
    if (!format) return bad("--format is csv or json");
    request.format = *format;
  }
  if (options.contains("--status")) {
    const auto status = reports::parse_payout_status(options["--status"]);
    if (!status) return bad("--status is issued, failed or reversed");
    request.status = *status;
  }
  if (options.contains("--provider")) request.provider = options["--provider"];

  auto write = [request](pg::Pool& pool, const programs::Program& program, http::BodySink& out) {
    return reports::write_payouts(pool, program, request, out);
  };
  return run_command("report", export_report(config, options["--program"], write));
}

}  // namespace rgw::app
