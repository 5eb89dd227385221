#include "providers/sim/authority.hpp"

#include "gateway/net/client.hpp"
#include "providers/sim/form.hpp"

#include <random>

namespace rgw::sim {
namespace {

using nlohmann::json;

http::Response answer(http::Status status, const json& body) { return http::make_response(status, body.dump(), "application/json"); }

}  // namespace

std::optional<http::Response> Authority::handle(const http::Request& request) {
  const std::string target(request.target());
  const bool post = request.method() == boost::beast::http::verb::post;
  if (target == "/oauth/token" && post) return issue_token(request);
  if (target == "/admin/oauth/revoke" && post) {
    tokens_.clear();
    return answer(http::Status::ok, {{"revoked", true}});
  }
  if (target == "/admin/oauth/stats") return answer(http::Status::ok, {{"token_requests", token_requests_}, {"tokens_issued", tokens_issued_}});
  if (target == "/admin/oauth" && post) {
    const auto body = json::parse(request.body(), nullptr, false);
    if (!body.is_object() || !body.contains("token_ttl_s") || !body["token_ttl_s"].is_number_integer())
      return answer(http::Status::bad_request, {{"error", "POST {\"token_ttl_s\": N}"}});
    token_ttl_ = std::chrono::seconds(body["token_ttl_s"].get<int>());
    return answer(http::Status::ok, {{"token_ttl_s", token_ttl_.count()}});
  }
  return std::nullopt;
}

http::Response Authority::configure(const std::string& api, const json& body) {
  if (!body.is_object()) return answer(http::Status::bad_request, {{"error", "POST an object: basic, bearer, api_key, oauth2 or {}"}});
  if (body.empty()) demands_.erase(api);
  else demands_[api] = body;
  return answer(http::Status::ok, {{"auth", body.empty() ? "none" : body.begin().key()}});
}

http::Response Authority::issue_token(const http::Request& request) {
  ++token_requests_;
  const auto content_type = std::string(request[boost::beast::http::field::content_type]);
  std::map<std::string, std::string> fields;
  if (content_type.starts_with("application/json")) {
    const auto doc = json::parse(request.body(), nullptr, false);
    if (doc.is_object())
      for (const auto& [key, value] : doc.items())
        if (value.is_string()) fields[key] = value.get<std::string>();
  } else {
    fields = form_fields(request.body());
  }
  if (fields["grant_type"] != "client_credentials") return answer(http::Status::bad_request, {{"error", "unsupported_grant_type"}});
  for (const auto& [api, demand] : demands_) {
    if (!demand.contains("oauth2")) continue;
    const auto& client = demand["oauth2"];
    if (client.value("client_id", "") != fields["client_id"] || client.value("client_secret", "") != fields["client_secret"]) continue;
    if (client.contains("audience") && client["audience"] != fields["audience"])
      return answer(http::Status::bad_request, {{"error", "invalid_request"}, {"error_description", "unknown audience"}});
    const auto token = "sim-token-" + std::to_string(++next_token_) + "-" + std::to_string(std::random_device{}());
    tokens_[token] = Token{api, std::chrono::steady_clock::now() + token_ttl_};
    ++tokens_issued_;
    return answer(http::Status::ok, {{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", token_ttl_.count()}});
  }
  return answer(http::Status::unauthorized, {{"error", "invalid_client"}});
}

bool Authority::allows(const std::string& api, const http::Request& request) const {
  const auto it = demands_.find(api);
  if (it == demands_.end()) return true;
  const auto& demand = it->second;
  const std::string authorization(request[boost::beast::http::field::authorization]);
  if (demand.contains("basic"))
    return authorization == http::basic_authorization(demand["basic"].value("username", ""), demand["basic"].value("password", ""));
  if (demand.contains("bearer")) return authorization == "Bearer " + demand["bearer"].get<std::string>();
  if (demand.contains("api_key")) return std::string(request[demand["api_key"].value("header", "X-Api-Key")]) == demand["api_key"].value("key", "");
  if (demand.contains("oauth2")) {
    if (!authorization.starts_with("Bearer ")) return false;
    const auto token = tokens_.find(authorization.substr(7));
    return token != tokens_.end() && token->second.api == api && std::chrono::steady_clock::now() < token->second.expires;
  }
  return false;
}

}  // namespace rgw::sim
