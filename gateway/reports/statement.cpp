#include "gateway/reports/statement.hpp"

#include <algorithm>

#include "gateway/core/format.hpp"
#include "gateway/reports/csv.hpp"
#include "gateway/reports/days.hpp"

namespace rgw::reports {
namespace {

std::optional<StatementLine> read_line(const CsvRecord& record, bool with_charged, std::vector<BadRow>& bad) {
  auto fail = [&](std::string error) {
    bad.push_back({record.line, std::move(error)});
    return std::nullopt;
  };
  if (!record.error.empty()) return fail(record.error);
  const std::size_t fields = with_charged ? 7 : 5;
  if (record.fields.size() != fields) return fail("expected " + std::to_string(fields) + " fields, found " + std::to_string(record.fields.size()));
  const auto& f = record.fields;
  if (f[0].empty() && f[1].empty()) return fail("neither provider_ref nor order_id is given");
  if (f[0].size() > 200 || f[1].size() > 200) return fail("provider_ref and order_id are at most 200 characters");
  const auto amount = fx::Money::parse(f[2], f[3]);
  if (!amount) return fail("amount '" + f[2].substr(0, 40) + "' is not an amount of currency '" + f[3].substr(0, 10) + "'");
  if (amount->amount().is_negative() || amount->amount().is_zero()) return fail("amount must be positive");
  const auto issued = parse_rfc3339(f[4]);
  if (!issued) return fail("issued_at must be an RFC 3339 timestamp with offset, such as 2026-11-02T09:00:00Z");
  const auto issued_at = date::floor<std::chrono::seconds>(*issued);
  std::optional<fx::Money> charged;
  if (with_charged && !(f[5].empty() && f[6].empty())) {
    const auto parsed = fx::Money::parse(f[5], f[6]);
    if (!parsed) return fail("charged_amount '" + f[5].substr(0, 40) + "' is not an amount of currency '" + f[6].substr(0, 10) + "'");
    charged = *parsed;
  }
  return StatementLine{record.line, f[0], f[1], *amount, issued_at, charged};
}

}  // namespace

std::optional<Statement> parse_statement(std::string_view csv) {
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);  // a byte order mark from spreadsheet exports
  const auto records = parse_csv(csv);
  if (records.empty() || !records.front().error.empty()) return std::nullopt;
  const auto header = csv_line(records.front().fields);
  const bool with_charged = header == std::string(statement_header) + "," + charged_columns + "\r\n";
  if (!with_charged && header != std::string(statement_header) + "\r\n") return std::nullopt;
  Statement statement;
  for (std::size_t i = 1; i < records.size(); ++i)
    if (auto line = read_line(records[i], with_charged, statement.bad_rows)) statement.lines.push_back(std::move(*line));
  return statement;
}

std::optional<Period> statement_period(const Statement& statement, const std::string& timezone) {
  if (statement.lines.empty()) return std::nullopt;
  auto [first, last] = std::minmax_element(statement.lines.begin(), statement.lines.end(),
                                           [](const auto& a, const auto& b) { return a.issued_at < b.issued_at; });
  // Two day starts, not every day between: a statement's dates come from outside (a line of year 1 and one of
  // year 9999 would otherwise mean 3.65 million days).
  const auto* zone = date::locate_zone(timezone);
  return Period{day_start(*zone, local_day(timezone, first->issued_at)), day_start(*zone, local_day(timezone, last->issued_at) + date::days(1))};
}

}  // namespace rgw::reports
