#pragma once
// Provider statements as they arrive (docs/finance.md): CSV lines read one by one, bad rows kept by line number
// with the reason, and the local days the statement covers. Plain functions: no I/O, so they can be fuzzed.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fx/money.hpp"

namespace rgw::reports {

// The header row a statement must start with (docs/finance.md); with the two optional columns after it, each
// line may also say what the provider charged for the order.
inline constexpr const char* statement_header = "provider_ref,order_id,amount,currency,issued_at";
inline constexpr const char* charged_columns = "charged_amount,charged_currency";

struct StatementLine {
  int line = 0;
  std::string provider_ref, order_id;  // at least one of them
  fx::Money amount;
  std::chrono::sys_seconds issued_at;
  std::optional<fx::Money> charged;  // what the provider charged, when the statement says
};

struct BadRow {
  int line = 0;
  std::string error;
};

struct Statement {
  std::vector<StatementLine> lines;
  std::vector<BadRow> bad_rows;
};

// Reads a statement; nullopt when it does not start with the header row `statement_header`.
std::optional<Statement> parse_statement(std::string_view csv);

struct Period {
  std::chrono::sys_seconds from, to;  // [from, to)
};

// The whole local days (in `timezone`) from the first to the last issued_at of the statement's lines.
std::optional<Period> statement_period(const Statement& statement, const std::string& timezone);

}  // namespace rgw::reports
