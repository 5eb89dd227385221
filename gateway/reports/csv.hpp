#pragma once
// RFC 4180 CSV: what finance exports and what providers send as statements.
#include <string>
#include <string_view>
#include <vector>

namespace rgw::reports {

// One record: fields quoted only when they hold a comma, quote, CR or LF (quotes doubled); ends with CRLF.
std::string csv_line(const std::vector<std::string>& fields);

struct CsvRecord {
  int line = 0;  // the line the record starts on (1: the header); a quoted field may span lines
  std::vector<std::string> fields;
  std::string error;  // non-empty: this record could not be read (e.g. a stray quote); fields then undefined
};

// All records of `text` (CRLF, LF or lone CR line ends; a final line end optional; blank lines skipped). A
// malformed record (a stray quote, bytes that are not UTF-8) is returned with its error and reading goes on at
// the next line.
std::vector<CsvRecord> parse_csv(std::string_view text);

}  // namespace rgw::reports
