#include "gateway/reports/csv.hpp"

namespace rgw::reports {

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const auto& f = fields[i];
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += '"';
  }
  return out + "\r\n";
}

std::vector<CsvRecord> parse_csv(std::string_view text) {
  std::vector<CsvRecord> records;
  std::size_t at = 0;
  int line = 1;
  while (at < text.size()) {
    CsvRecord record{line, {}, {}};
    std::string field;
    bool quoted = false, after_quote = false, done = false;
    while (!done) {
      if (at >= text.size()) {
        if (quoted) record.error = "a quoted field is not closed";
        record.fields.push_back(std::move(field));
        break;
      }
      const char c = text[at++];
      if (quoted) {
        if (c == '"' && at < text.size() && text[at] == '"') {
          field += '"';
          ++at;
        } else if (c == '"') {
          quoted = false;
          after_quote = true;
        } else {
          if (c == '\n') ++line;
          field += c;
        }
      } else if (c == ',') {
        record.fields.push_back(std::move(field));
        field.clear();
        after_quote = false;
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && at < text.size() && text[at] == '\n') ++at;
        ++line;
        record.fields.push_back(std::move(field));
        done = true;
      } else if (c == '"' && field.empty() && !after_quote) {
        quoted = true;
      } else if (c == '"' || after_quote) {
        record.error = after_quote ? "text after a closing quote" : "a quote inside an unquoted field";
        // Skip to the end of this line so the next record starts clean.
        while (at < text.size() && text[at] != '\n') ++at;
        if (at < text.size()) ++at;
        ++line;
        done = true;
      } else {
        field += c;
      }
    }
    const bool blank = record.error.empty() && record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) records.push_back(std::move(record));
  }
  return records;
}

}  // namespace rgw::reports
