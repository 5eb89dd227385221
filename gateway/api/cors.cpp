#include "gateway/api/cors.hpp"

#include "gateway/accounts/programs.hpp"

namespace rgw::api {

using field = http::beast::http::field;

boost::asio::awaitable<bool> CorsOrigins::listed(pg::Pool& db, const std::string& origin) {
  const auto now = std::chrono::steady_clock::now();
  if (!read_once_ || now - read_at_ >= std::chrono::seconds(1)) {
    read_at_ = now;  // before the read: requests meanwhile use the last list instead of reading it too
    origins_ = co_await programs::all_cors_origins(db);
    read_once_ = true;
  }
  co_return origins_.contains(origin);
}

bool is_preflight(const http::Request& request) {
  return request.method() == http::beast::http::verb::options && request.count(field::origin) > 0 &&
         request.count(field::access_control_request_method) > 0;
}

void allow_origin(http::Response& response, const std::string& origin) {
  response.set(field::access_control_allow_origin, origin);
  response.set(field::access_control_expose_headers, "X-Request-Id, Retry-After, ETag");
  response.set(field::vary, "Origin");
}

http::Response preflight_answer(const std::string& origin, bool listed) {
  http::Response response{http::Status::no_content, 11};
  response.set(field::vary, "Origin");
  if (!listed) return response;
  allow_origin(response, origin);
  response.set(field::access_control_allow_methods, "GET, POST, PUT, PATCH, DELETE");
  response.set(field::access_control_allow_headers, "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, X-Request-Id");
  response.set(field::access_control_max_age, "600");
  return response;
}

}  // namespace rgw::api
