// What clients send: JSON bodies (no duplicate members, no NUL, bounded depth), query parameters (printable
// UTF-8 after decoding), cursors (one spelling each), RFC 3339 timestamps (what parses prints and parses back
// to the same instant).
#include "fx/utf8.hpp"
#include "gateway/api/input.hpp"
#include "tests/fuzz/check.hpp"

using namespace rgw;

namespace {

void check_no_nul(const nlohmann::json& v) {
  if (v.is_string()) FUZZ_CHECK(v.get_ref<const std::string&>().find('\0') == std::string::npos);
  if (v.is_object())
    for (const auto& [key, value] : v.items()) {
      FUZZ_CHECK(key.find('\0') == std::string::npos);
      check_no_nul(value);
    }
  if (v.is_array())
    for (const auto& e : v) check_no_nul(e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto text = fuzz_text(data, size);
  if (const auto t = parse_rfc3339(text)) {
    const auto again = parse_rfc3339(rfc3339(*t));
    FUZZ_CHECK(again && *again == *t);
  }
  http::Request query;
  query.target("/x?a=" + std::string(text));
  api::Input in(query);
  if (const auto value = in.query("a")) FUZZ_CHECK(fx::printable_utf8(*value) && !in.refused());
  http::Request cursor;
  cursor.target("/x?cursor=" + std::string(text));
  api::Input cursors(cursor);
  if (const auto position = cursors.cursor()) {
    FUZZ_CHECK(*position > 0);
    FUZZ_CHECK(api::encode_cursor(*position) == cursors.query("cursor"));  // one spelling per position
  }
  http::Request request;
  request.set(http::beast::http::field::content_type, "application/json");
  request.body() = std::string(text);
  api::Input bodies(request);
  const auto body = bodies.body(8);
  FUZZ_CHECK(body.is_object());
  if (!bodies.refused()) check_no_nul(body);
  return 0;
}
