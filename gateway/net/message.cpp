#include "gateway/net/message.hpp"

#include <nlohmann/json.hpp>

namespace rgw::http {

std::string to_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response make_response(Status status, std::string body, std::string_view content_type) {
  Response res{status, 11};
  res.set(beast::http::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response problem_response(const Problem& problem) {
  const auto status = static_cast<unsigned>(problem.status);
  nlohmann::json body = {
      {"type", "https://rewardgw.dev/problems/" + problem.code},
      {"title", std::string(beast::http::obsolete_reason(problem.status))},
      {"status", status},
      {"code", problem.code},
      {"detail", problem.detail},
  };
  return make_response(problem.status, to_text(body), "application/problem+json");
}

}  // namespace rgw::http
