#pragma once
// JSON written as text, piece by piece, without a document: for the hot paths (each request's log line, each
// redemption batch's orders), where building an nlohmann::json and dumping it cost more than the work it described.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace rgw::json_text {

// Text that needs no escaping in a JSON string: printable ASCII but the quote and the backslash.
bool plain(std::string_view text);
// Pieces appended with one size change and a plain copy each.
void append(std::string& out, std::initializer_list<std::string_view> pieces);
// A JSON string, quoted and escaped; invalid UTF-8 is replaced (U+FFFD), never thrown on.
void append_string(std::string& out, std::string_view text);
// An integer's digits.
void append_integer(std::string& out, std::int64_t value);
// `,"name":` — a member's name after an object's first member; its value is appended next.
void append_name(std::string& out, std::string_view name);
// `,"name":"value"` — a member whose value is a string.
void append_member(std::string& out, std::string_view name, std::string_view value);
// `,"name":"value"`, or `,"name":null` without one.
void append_member_or_null(std::string& out, std::string_view name, const std::optional<std::string>& value);

}  // namespace rgw::json_text
