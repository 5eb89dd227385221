#pragma once
// HTTP messages as the gateway handles them: whole string bodies (bounded by the server's limits), and answers
// whose body is written piece by piece (reports) so it never has to be held in memory.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace rgw::http {

namespace beast = boost::beast;
using Request = beast::http::request<beast::http::string_body>;
using Response = beast::http::response<beast::http::string_body>;
using Status = beast::http::status;

// Where a streamed body goes: write() sends one piece and answers false once the client is gone (stop then).
struct BodySink {
  std::function<boost::asio::awaitable<bool>(std::string_view piece)> write;
};
// Produces a streamed body. It runs after the header is sent, on the request's thread, and must own what it uses.
using BodyWriter = std::function<boost::asio::awaitable<void>(BodySink& sink)>;

// What a handler answers: a whole response, or a header whose body `stream` writes (chunked transfer coding), or
// a header whose body is kept elsewhere and sent as it is (a cached catalog listing: not copied per request).
struct Reply {
  Reply(Response whole) : response(std::move(whole)) {}  // implicit: most handlers answer whole responses
  Reply(Response head, BodyWriter body) : response(std::move(head)), stream(std::move(body)) {}
  Reply(Response head, std::shared_ptr<const std::string> body) : response(std::move(head)), shared_body(std::move(body)) {
    response.content_length(shared_body->size());
  }
  // The bytes of a whole answer.
  std::string_view body() const { return shared_body ? std::string_view(*shared_body) : std::string_view(response.body()); }
  Response response;
  BodyWriter stream;
  std::shared_ptr<const std::string> shared_body;  // set: sent instead of response.body()
};

// RFC 9457 problem details; `code` is the stable machine-readable name of docs/openapi.yaml.
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
