#include "providers/sim/order_api.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <set>

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

// The slow_body fault: the answer leaves a few bytes at a time, so a client's deadline runs out mid-body.
asio::awaitable<void> trickle(std::string body, http::BodySink& sink) {
  for (std::size_t at = 0; at < body.size(); at += 8) {
    if (!co_await sink.write(std::string_view(body).substr(at, 8))) co_return;
    co_await wait(std::chrono::milliseconds(200));
  }
}

long cents(const std::string& amount) {
  const auto dot = amount.find('.');
  const long whole = std::stol(amount.substr(0, dot));
  const long frac = dot == std::string::npos ? 0 : std::stol((amount.substr(dot + 1) + "00").substr(0, 2));
  return whole * 100 + frac;
}

}  // namespace

OrderApi::OrderApi(Dialect dialect, Authority& authority)
    : dialect_(dialect),
      authority_(authority),
      name_(dialect == Dialect::raas ? "raas" : dialect == Dialect::orders ? "orders" : "billing"),
      prefix_(dialect == Dialect::raas ? "/raas/" : dialect == Dialect::orders ? "/orders-api/" : "/billing/"),
      collection_(dialect == Dialect::credits ? "credits" : "orders"),
      ref_field_(dialect == Dialect::raas ? "externalRefID" : dialect == Dialect::orders ? "external_id" : "idempotency_key") {}

asio::awaitable<std::optional<http::Reply>> OrderApi::handle(const http::Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  if (target == "/admin/" + name_ + "/auth" && request.method() == verb::post)
    co_return authority_.configure(name_, json::parse(request.body(), nullptr, false));
  if (target.starts_with("/admin/" + name_)) co_return admin(request);
  if (!target.starts_with(prefix_)) co_return std::nullopt;
  if (!authority_.allows(name_, request)) co_return unauthorized();
  if (latency_ms_) {
    const auto delay = std::chrono::microseconds(static_cast<long>((*latency_ms_)(random_) * 1000));
    co_await wait(delay);
  }
  if (target == prefix_ + collection_ && request.method() == verb::post) co_return co_await create(request);
  co_return co_await serve(request);
}

asio::awaitable<http::Response> OrderApi::serve(const http::Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  const auto orders_path = prefix_ + collection_;
  if (target.starts_with(orders_path + "?") && request.method() == verb::get) {
    json found = json::array();
    if (auto it = orders_.find(query_value(target, ref_field_)); it != orders_.end()) found.push_back(settled(it->second));
    co_return reply(http::Status::ok, {{collection_, found}});
  }
  if (target.starts_with(prefix_ + "accounts/") || target == prefix_ + "funding") {
    char balance[32];
    std::snprintf(balance, sizeof balance, "%ld.%02ld", balance_cents_ / 100, balance_cents_ % 100);
    if (dialect_ == Dialect::raas) co_return reply(http::Status::ok, {{"currentBalance", balance}, {"currencyCode", "EUR"}});
    co_return reply(http::Status::ok, {{"funding_source", {{"available", balance}, {"currency_code", "EUR"}}}});
  }
  co_return reply(http::Status::not_found, {{"errors", {{{"message", "no such endpoint"}}}}});
}

// An order as lookups (and replays) see it: complete — only the creating POST's answer may show it pending.
json OrderApi::settled(json order) const {
  if (dialect_ == Dialect::raas) {
    order["status"] = "COMPLETE";
  } else if (dialect_ == Dialect::credits) {
    order["state"] = "applied";
  } else {
    order["status"] = "EXECUTED";
    order["rewards"][0]["delivery"]["status"] = "SUCCEEDED";
  }
  return order;
}

json& OrderApi::make(const std::string& ref, const json& body, bool pending) {
  auto& order = orders_[ref];
  payloads_[ref] = body;
  ++created_[ref];
  const auto n = std::to_string(created_.size());
  const auto code = name_ + "-" + n + "-" + ref.substr(ref.size() > 6 ? ref.size() - 6 : 0);
  if (dialect_ == Dialect::raas) {
    balance_cents_ -= cents(body.at("amount").get<std::string>());
    order = {{"referenceOrderID", "RA-" + n},
             {"externalRefID", ref},
             {"status", pending ? "PENDING" : "COMPLETE"},
             {"reward", {{"credentials", {{"code", code}, {"pin", "0" + n}, {"url", "https://raas.example/claim/" + n}}}}}};
  } else if (dialect_ == Dialect::credits) {
    order = {{"id", "CR-" + n}, {"idempotency_key", ref}, {"state", pending ? "pending" : "applied"}};
  } else {
    balance_cents_ -= cents(body.at("reward").at("value").at("denomination").get<std::string>());
    order = {{"id", "OR-" + n},
             {"external_id", ref},
             {"status", pending ? "PENDING_APPROVAL" : "EXECUTED"},
             {"rewards", {{{"id", code}, {"delivery", {{"status", pending ? "PENDING" : "SUCCEEDED"}, {"link", "https://orders.example/r/" + n}}}}}}};
  }
  return order;
}

asio::awaitable<http::Reply> OrderApi::create(const http::Request& request) {
  const auto body = json::parse(request.body(), nullptr, false);
  const bool shaped = body.is_object() && body.contains(ref_field_) && body[ref_field_].is_string() &&
                      (dialect_ == Dialect::orders ? body.contains("reward") && body["reward"].is_object() && body["reward"].contains("value")
                                                   : body.contains("amount") && body["amount"].is_string());
  if (!shaped) co_return reply(http::Status::bad_request, {{"errors", {{{"message", ref_field_ + " and an amount are required"}}}}});
  const auto now = std::chrono::steady_clock::now();
  while (!recent_posts_.empty() && recent_posts_.front() < now - std::chrono::seconds(1)) recent_posts_.pop_front();
  if (rate_per_s_ > 0 && static_cast<int>(recent_posts_.size()) >= rate_per_s_) {
    auto r = reply(http::Status::too_many_requests, {{"errors", {{{"message", "rate limit exceeded"}}}}});
    r.set(boost::beast::http::field::retry_after, "1");
    co_return r;
  }
  recent_posts_.push_back(now);
  const std::string ref = body[ref_field_];
  const auto wrap = [this](const json& order) {
    if (dialect_ == Dialect::orders) return json{{"order", order}};
    if (dialect_ == Dialect::credits) return json{{"credit", order}};
    return order;
  };
  // A replay of the reference answers the original order, whatever mode is set; with another payload the
  // orders dialect refuses it.
  if (auto it = orders_.find(ref); it != orders_.end()) {
    if (dialect_ == Dialect::orders && payloads_[ref] != body)
      co_return reply(http::Status::conflict, {{"errors", {{"message", "external_id was used with a different payload"}}}});
    co_return reply(http::Status::ok, wrap(settled(it->second)));
  }

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
  const auto& made = make(ref, body, mode == "pending");
  if (mode == "error503") co_return reply(http::Status::service_unavailable, {{"errors", {{{"message", "try later"}}}}});
  if (mode == "lost") {
    co_await wait(std::chrono::seconds(30));
    co_return reply(http::Status::gateway_timeout, json::object());
  }
  if (mode == "slow_body") {
    auto text = wrap(made).dump();
    co_return http::Reply(reply(http::Status::created, json::object()), [text](http::BodySink& sink) { return trickle(text, sink); });
  }
  if (mode == "malformed") co_return http::make_response(http::Status::created, wrap(made).dump().substr(0, 25), "application/json");
  if (mode == "unknown_status") {
    auto shown = made;
    shown[dialect_ == Dialect::credits ? "state" : "status"] = "IN_REVIEW";
    co_return reply(http::Status::created, wrap(shown));
  }
  co_return reply(http::Status::created, wrap(made));
}

// 401 as each dialect's public API words it.
http::Response OrderApi::unauthorized() const {
  json body;
  if (dialect_ == Dialect::raas) body = {{"httpCode", 401}, {"httpPhrase", "Unauthorized"}, {"message", "Full authentication is required to access this resource"}};
  else if (dialect_ == Dialect::orders) body = {{"errors", {{"message", "Unauthorized"}, {"payload", json::object()}}}};
  else body = {{"error", "unauthorized"}};
  return reply(http::Status::unauthorized, body);
}

http::Response OrderApi::admin(const http::Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  if (target == "/admin/" + name_ + "/issued") return reply(http::Status::ok, json(created_));
  const auto body = json::parse(request.body(), nullptr, false);
  if (request.method() != verb::post || !body.is_object()) return reply(http::Status::bad_request, {{"error", "POST a JSON object"}});
  if (body.contains("rate_per_s")) rate_per_s_ = body["rate_per_s"].get<int>();
  if (body.contains("latency_ms")) {
    const auto& l = body["latency_ms"];
    const double p50 = l.is_object() ? l.value("p50", 0.0) : 0.0;
    const double p99 = l.is_object() ? std::max(l.value("p99", p50), p50) : 0.0;
    // A log-normal has median e^mu, and its 99th percentile lies 2.326 standard deviations above in log space.
    latency_ms_.reset();
    if (p50 > 0) latency_ms_.emplace(std::log(p50), std::log(p99 / p50) / 2.326);
  }
  if (body.contains("mode")) {
    // A misspelt mode must not quietly act as "ok": a test injecting it would prove nothing.
    static const std::set<std::string> modes{"ok",   "refuse",    "error500",       "error503", "rate429",  "timeout",
                                             "lost", "malformed", "unknown_status", "pending",  "slow_body"};
    if (!body["mode"].is_string() || !modes.contains(body["mode"].get<std::string>()))
      return reply(http::Status::bad_request, {{"error", "unknown mode"}, {"modes", modes}});
    mode_ = body["mode"].get<std::string>();
    times_ = body.value("times", 1);
  }
  return reply(http::Status::ok, {{"mode", mode_}, {"times", times_}, {"rate_per_s", rate_per_s_}});
}

}  // namespace rgw::sim
