#include "gateway/pg/query.hpp"

namespace rgw::pg {
namespace {

// `item` null is SQL NULL.
void append_element(std::string& out, const std::string* item) {
  if (out.size() > 1) out += ',';
  if (!item) {
    out += "NULL";
    return;
  }
  out += '"';
  for (char c : *item) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

Param to_param(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) append_element(out, &item);
  return out + "}";
}

Param to_param(const std::vector<Param>& items) {
  std::string out = "{";
  for (const auto& item : items) append_element(out, item ? &*item : nullptr);
  return out + "}";
}

}  // namespace rgw::pg
