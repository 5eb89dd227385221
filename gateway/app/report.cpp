#include "gateway/app/report.hpp"

#include <cstdio>
#include <iostream>
#include <map>

#include "gateway/app/command.hpp"
#include "gateway/db/schema.hpp"
#include "gateway/reports/payouts.hpp"

namespace rgw::app {
namespace {

constexpr const char* usage =
    "usage: rewardgw report payouts --program ID (--month YYYY-MM | --from YYYY-MM-DD --to YYYY-MM-DD)\n"
    "                               [--format csv|json] [--status issued|failed|reversed] [--provider NAME]\n";

boost::asio::awaitable<int> export_payouts(const Config& config, std::string program_id, reports::PayoutRequest request) {
  co_await pg::migrate(config.database_url, db::migrations());
  auto pool = pg::Pool::create(co_await boost::asio::this_coro::executor, config.db);
  if (!co_await programs::exists(*pool, program_id)) {
    std::cerr << "report: no program " << program_id << "\n";
    co_return 1;
  }
  const auto program = co_await programs::find(*pool, program_id);
  http::BodySink stdout_sink{[](std::string_view piece) -> boost::asio::awaitable<bool> {
    co_return std::fwrite(piece.data(), 1, piece.size(), stdout) == piece.size();
  }};
  co_await reports::write_payouts(*pool, program, request, stdout_sink);
  co_return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

int report(const Config& config, std::span<char* const> args) {
  if (args.empty() || std::string_view(args[0]) != "payouts" || args.size() % 2 == 0) {
    std::cerr << usage;
    return 2;
  }
  std::map<std::string, std::string> options;
  for (std::size_t i = 1; i + 1 < args.size(); i += 2) options[args[i]] = args[i + 1];
  auto bad = [](const std::string& why) {
    std::cerr << "report: " << why << "\n" << usage;
    return 2;
  };
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

  return run_command("report", export_payouts(config, options["--program"], request));
}

}  // namespace rgw::app
