#include "providers/sim/raas_api.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rgw::sim {

namespace asio = boost::asio;
using nlohmann::json;
using verb = boost::beast::http::verb;

namespace {

http::Response reply(http::Status status, const json& body) { return http::make_response(status, body.dump(), "application/json"); }

std::string query_value(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return "";
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    if (pair.substr(0, pair.find('=')) == name && pair.find('=') != std::string_view::npos) return std::string(pair.substr(pair.find('=') + 1));
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
  }
  return "";
}

asio::awaitable<void> wait(std::chrono::steady_clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

long cents(const std::string& amount) {
  const auto dot = amount.find('.');
  const long whole = std::stol(amount.substr(0, dot));
  const long frac = dot == std::string::npos ? 0 : std::stol((amount.substr(dot + 1) + "00").substr(0, 2));
  return whole * 100 + frac;
}

}  // namespace

asio::awaitable<std::optional<http::Response>> RaasApi::handle(const http::Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  if (target.starts_with("/admin/raas")) co_return admin(request);
  if (!target.starts_with("/raas/")) co_return std::nullopt;
  if (target.starts_with("/raas/orders") && request.method() == verb::post) co_return co_await create(request);
  if (target.starts_with("/raas/orders?") && request.method() == verb::get) {
    json found = json::array();
    if (auto it = orders_.find(query_value(target, "externalRefID")); it != orders_.end()) found.push_back(it->second);
    co_return reply(http::Status::ok, {{"orders", found}});
  }
  if (target.starts_with("/raas/accounts/")) {
    char balance[32];
    std::snprintf(balance, sizeof balance, "%ld.%02ld", balance_cents_ / 100, balance_cents_ % 100);
    co_return reply(http::Status::ok, {{"currentBalance", balance}, {"currencyCode", "EUR"}});
  }
  co_return reply(http::Status::not_found, {{"errors", {{{"message", "no such endpoint"}}}}});
}

json& RaasApi::make(const json& body, const std::string& status) {
  const std::string ref = body.at("externalRefID");
  auto& order = orders_[ref];
  ++created_[ref];
  balance_cents_ -= cents(body.at("amount").get<std::string>());
  const auto n = std::to_string(created_.size());
  order = {{"referenceOrderID", "RA-" + n},
           {"externalRefID", ref},
           {"status", status},
           {"reward", {{"credentials", {{"code", "RAAS-" + n + "-" + ref.substr(ref.size() > 6 ? ref.size() - 6 : 0)}, {"pin", "0" + n}, {"url", "https://raas.example/claim/" + n}}}}}};
  return order;
}

asio::awaitable<http::Response> RaasApi::create(const http::Request& request) {
  const auto body = json::parse(request.body(), nullptr, false);
  if (!body.is_object() || !body.contains("externalRefID") || !body["externalRefID"].is_string() || !body.contains("amount") || !body["amount"].is_string())
    co_return reply(http::Status::bad_request, {{"errors", {{{"message", "externalRefID and amount are required"}}}}});
  const auto now = std::chrono::steady_clock::now();
  while (!recent_posts_.empty() && recent_posts_.front() < now - std::chrono::seconds(1)) recent_posts_.pop_front();
  if (rate_per_s_ > 0 && static_cast<int>(recent_posts_.size()) >= rate_per_s_) {
    auto r = reply(http::Status::too_many_requests, {{"errors", {{{"message", "rate limit exceeded"}}}}});
    r.set(boost::beast::http::field::retry_after, "1");
    co_return r;
  }
  recent_posts_.push_back(now);
  const std::string ref = body["externalRefID"];
  // A replay of the reference answers the original order, whatever mode is set.
  if (auto it = orders_.find(ref); it != orders_.end()) co_return reply(http::Status::ok, it->second);

  std::string mode = "ok";
  if (times_ != 0) {
    mode = mode_;
    if (times_ > 0) --times_;
  }
  if (mode == "refuse") co_return reply(http::Status::bad_request, {{"errors", {{{"message", "utid is not orderable"}}}}});
  if (mode == "error500") co_return reply(http::Status::internal_server_error, {{"errors", {{{"message", "internal error"}}}}});
  if (mode == "rate429") {
    auto r = reply(http::Status::too_many_requests, {{"errors", {{{"message", "slow down"}}}}});
    r.set(boost::beast::http::field::retry_after, "1");
    co_return r;
  }
  if (mode == "timeout") {
    co_await wait(std::chrono::seconds(30));
    co_return reply(http::Status::gateway_timeout, json::object());
  }
  auto& order = make(body, mode == "pending" ? "PENDING" : "COMPLETE");
  if (mode == "error503") co_return reply(http::Status::service_unavailable, {{"errors", {{{"message", "try later"}}}}});
  if (mode == "lost") {
    co_await wait(std::chrono::seconds(30));
    co_return reply(http::Status::gateway_timeout, json::object());
  }
  if (mode == "malformed") co_return http::make_response(http::Status::created, order.dump().substr(0, 25), "application/json");
  if (mode == "unknown_status") {
    auto shown = order;
    shown["status"] = "IN_REVIEW";
    co_return reply(http::Status::created, shown);
  }
  const auto answer = order;
  if (mode == "pending") order["status"] = "COMPLETE";  // found complete when asked later
  co_return reply(http::Status::created, answer);
}

http::Response RaasApi::admin(const http::Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  if (target == "/admin/raas/issued") return reply(http::Status::ok, json(created_));
  const auto body = json::parse(request.body(), nullptr, false);
  if (request.method() != verb::post || !body.is_object()) return reply(http::Status::bad_request, {{"error", "POST a JSON object"}});
  if (body.contains("rate_per_s")) rate_per_s_ = body["rate_per_s"].get<int>();
  if (body.contains("mode")) {
    mode_ = body["mode"].get<std::string>();
    times_ = body.value("times", 1);
  }
  return reply(http::Status::ok, {{"mode", mode_}, {"times", times_}, {"rate_per_s", rate_per_s_}});
}

}  // namespace rgw::sim
