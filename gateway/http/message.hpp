#pragma once
// HTTP messages as the gateway handles them: whole string bodies (bounded by the server's limits).
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace rgw::http {

namespace beast = boost::beast;
using Request = beast::http::request<beast::http::string_body>;
using Response = beast::http::response<beast::http::string_body>;
using Status = beast::http::status;

// RFC 9457 problem details; `code` is the stable machine-readable name from API.md.
struct Problem {
  Status status;
  std::string code;
  std::string detail;
};

// JSON text for a response; bytes that are not UTF-8 (echoed client input) become U+FFFD instead of throwing.
std::string to_text(const nlohmann::json& value);

Response make_response(Status status, std::string body, std::string_view content_type);
Response problem_response(const Problem& problem);

}  // namespace rgw::http
