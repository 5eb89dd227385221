#include "gateway/reports/csv.hpp"

#include "fx/utf8.hpp"

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

namespace {

// The length of the line end at `at`: 2 for CRLF, 1 for a lone LF or CR (old Mac exports), 0 for none.
std::size_t line_end(std::string_view text, std::size_t at) {
  if (at >= text.size()) return 0;
  if (text[at] == '\r') return at + 1 < text.size() && text[at + 1] == '\n' ? 2 : 1;
  return text[at] == '\n' ? 1 : 0;
}

}  // namespace

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
      if (const auto end = line_end(text, at); end > 0) {
        ++line;
        if (quoted) {
          field.append(text.substr(at, end));  // a line end inside quotes is data, and still a line
        } else {
          record.fields.push_back(std::move(field));
          done = true;
        }
        at += end;
        continue;
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
          field += c;
        }
      } else if (c == ',') {
        record.fields.push_back(std::move(field));
        field.clear();
        after_quote = false;
      } else if (c == '"' && field.empty() && !after_quote) {
        quoted = true;
      } else if (c == '"' || after_quote) {
        record.error = after_quote ? "text after a closing quote" : "a quote inside an unquoted field";
        // Skip to the end of this line (whatever its kind) so the next record starts clean.
        while (at < text.size() && line_end(text, at) == 0) ++at;
        at += line_end(text, at);
        ++line;
        done = true;
      } else {
        field += c;
      }
    }
    // Fields become text in the database: bytes that are not UTF-8 (or a NUL) make the record unreadable here,
    // not the whole statement fail there.
    if (record.error.empty())
      for (const auto& f : record.fields)
        if (!fx::valid_utf8(f) || f.find('\0') != std::string::npos) record.error = "not UTF-8 text";
    const bool blank = record.error.empty() && record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) records.push_back(std::move(record));
  }
  return records;
}

}  // namespace rgw::reports
