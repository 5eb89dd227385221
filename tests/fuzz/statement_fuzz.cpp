// CSV and provider statements: records come with increasing line numbers; a record read without error is
// written back by csv_line and read again as the same fields; statement lines have positive amounts and a
// period whose start is before its end.
#include "fx/utf8.hpp"
#include "gateway/reports/csv.hpp"
#include "gateway/reports/statement.hpp"
#include "tests/fuzz/check.hpp"

using namespace rgw;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto text = fuzz_text(data, size);
  const auto records = reports::parse_csv(text);
  int previous = 0;
  for (const auto& r : records) {
    FUZZ_CHECK(r.line > previous);
    previous = r.line;
    if (!r.error.empty()) continue;
    for (const auto& f : r.fields) FUZZ_CHECK(fx::valid_utf8(f));
    const bool blank = r.fields.size() == 1 && r.fields[0].empty();
    FUZZ_CHECK(!blank);
    const auto again = reports::parse_csv(reports::csv_line(r.fields));
    FUZZ_CHECK(again.size() == 1 && again[0].error.empty() && again[0].fields == r.fields);
  }
  const auto parsed = reports::parse_statement(std::string(reports::statement_header) + "\r\n" + std::string(text));
  FUZZ_CHECK(parsed.has_value());  // the header row is there, so a statement is read, bad rows and all
  const auto& statement = *parsed;
  for (const auto& line : statement.lines) FUZZ_CHECK(!line.amount.amount().is_negative() && !line.amount.amount().is_zero());
  if (const auto period = reports::statement_period(statement, "Europe/Moscow")) FUZZ_CHECK(period->from < period->to);
  return 0;
}
