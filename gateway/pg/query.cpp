#include "gateway/pg/query.hpp"

namespace rgw::pg {
namespace {

// `item` null is SQL NULL. The text between quotes and backslashes is copied in runs, not byte by byte: a batch's
// arrays hold every order's ids, keys and bodies.
void append_element(std::string& out, const std::string* item) {
  if (out.size() > 1) out += ',';
  if (!item) {
    out += "NULL";
    return;
  }
  out += '"';
  std::string_view rest = *item;
  for (auto at = rest.find_first_of("\"\\"); at != std::string_view::npos; at = rest.find_first_of("\"\\")) {
    out.append(rest.substr(0, at)).push_back('\\');
    out += rest[at];
    rest.remove_prefix(at + 1);
  }
  out.append(rest);
  out += '"';
}

}  // namespace

Param to_param(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) append_element(out, &item);
  out += '}';
  return out;
}

Param to_param(const std::vector<Param>& items) {
  std::string out = "{";
  for (const auto& item : items) append_element(out, item ? &*item : nullptr);
  out += '}';
  return out;
}

}  // namespace rgw::pg
