#include "gateway/core/json_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

namespace rgw::json_text {

// A table, not four comparisons per byte: every request's log line goes through here.
bool plain(std::string_view text) {
  static constexpr auto plain_byte = [] {
    std::array<bool, 256> table{};
    for (int c = 0x20; c <= 0x7e; ++c) table[c] = c != '"' && c != '\\';
    return table;
  }();
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return plain_byte[c]; });
}

// std::string's own appends (a length check and a call each, push_back for a quote) were most of a log line's cost.
void append(std::string& out, std::initializer_list<std::string_view> pieces) {
  std::size_t size = 0;
  for (const auto piece : pieces) size += piece.size();
  const auto at = out.size();
  out.resize(at + size);
  char* to = out.data() + at;
  for (const auto piece : pieces) to = std::copy(piece.begin(), piece.end(), to);
}

void append_string(std::string& out, std::string_view text) {
  if (plain(text)) return append(out, {"\"", text, "\""});
  // Replace, not throw, on invalid UTF-8 from a client: a log line must never take a request down.
  out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_integer(std::string& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

void append_name(std::string& out, std::string_view name) {
  if (plain(name)) return append(out, {",\"", name, "\":"});
  out += ',';
  append_string(out, name);
  out += ':';
}

void append_member(std::string& out, std::string_view name, std::string_view value) {
  if (plain(name) && plain(value)) return append(out, {",\"", name, "\":\"", value, "\""});  // nearly always: one append
  append_name(out, name);
  append_string(out, value);
}

void append_member_or_null(std::string& out, std::string_view name, const std::optional<std::string>& value) {
  if (value) return append_member(out, name, *value);
  append_name(out, name);
  out += "null";
}

}  // namespace rgw::json_text
