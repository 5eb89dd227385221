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
  const char* run = item->data();  // the next byte not yet appended
  const char* const end = run + item->size();
  for (const char* p = run; p != end; ++p) {
    if (*p != '"' && *p != '\\') continue;
    out.append(run, p).push_back('\\');
    run = p;  // the quote or backslash itself starts the next run
  }
  out.append(run, end);
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
