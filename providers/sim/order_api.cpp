#include "providers/sim/order_api.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <set>

#include "providers/sim/form.hpp"

namespace rgw::sim {

namespace asio = boost::asio;
using nlohmann::json;
using verb = boost::beast::http::verb;

namespace {

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

// bps basis points of `cents`, rounded half up to the cent.
long share(long cents, long bps) { return (cents * bps + 5'000) / 10'000; }

}  // namespace

OrderApi::OrderApi(std::unique_ptr<Dialect> dialect, Authority& authority) : dialect_(std::move(dialect)), authority_(authority) {}

asio::awaitable<std::optional<http::Reply>> OrderApi::handle(const http::Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  const auto admin_path = "/admin/" + dialect_->name();
  if (target == admin_path + "/auth" && request.method() == verb::post)
    co_return authority_.configure(dialect_->name(), json::parse(request.body(), nullptr, false));
  if (target == admin_path || target.starts_with(admin_path + "/")) co_return admin(request);
  const auto prefix = dialect_->prefix();
  if (!target.starts_with(prefix)) co_return std::nullopt;
  if (!authority_.allows(dialect_->name(), request)) co_return dialect_->error(http::Status::unauthorized, "Full authentication is required to access this resource");
  if (latency_ms_) {
    const auto delay = std::chrono::microseconds(static_cast<long>((*latency_ms_)(random_) * 1000));
    co_await wait(delay);
  }
  const auto path = target.substr(0, target.find('?'));
  if (path == dialect_->orders_path() && request.method() == verb::post) co_return co_await create(request);
  if (request.method() == verb::get && lookups_fail_) co_return dialect_->error(http::Status::internal_server_error, "look-ups are down");
  if (request.method() == verb::get)
    if (auto answer = dialect_->get(path.substr(prefix.size()), query_of(target), Book{orders_, balance_cents_, page_size_, out_of_stock_})) co_return std::move(*answer);
  co_return dialect_->error(http::Status::not_found, "no such endpoint");
}

SimOrder& OrderApi::make(const Dialect::Wanted& wanted, const json& body) {
  auto& order = orders_[wanted.ref];
  ++created_[wanted.ref];
  order = SimOrder{++made_, wanted.ref, wanted.sku, wanted.currency, wanted.face, share(wanted.face, fee_bps_), share(wanted.face, discount_bps_),
                   std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()), body};
  balance_cents_ -= order.charged();
  return order;
}

asio::awaitable<http::Reply> OrderApi::create(const http::Request& request) {
  const auto body = json::parse(request.body(), nullptr, false);
  const auto wanted = body.is_object() ? dialect_->wanted(body) : std::nullopt;
  if (!wanted) co_return dialect_->error(http::Status::bad_request, "the order's reference, product and amount are required");
  const auto now = std::chrono::steady_clock::now();
  while (!recent_posts_.empty() && recent_posts_.front() < now - std::chrono::seconds(1)) recent_posts_.pop_front();
  if (rate_per_s_ > 0 && static_cast<int>(recent_posts_.size()) >= rate_per_s_) {
    auto r = dialect_->error(http::Status::too_many_requests, "rate limit exceeded");
    r.set(boost::beast::http::field::retry_after, "1");
    co_return r;
  }
  recent_posts_.push_back(now);
  // A replay of the reference is answered from the original order, whatever mode is set.
  if (auto it = orders_.find(wanted->ref); it != orders_.end()) co_return dialect_->created(it->second, Shown::settled, true);

  std::string mode = "ok";
  if (times_ != 0) {
    mode = mode_;
    if (times_ > 0) --times_;
  }
  if (mode == "refuse") co_return dialect_->error(http::Status::bad_request, "the product is not orderable");
  if (out_of_stock_.contains(wanted->sku)) co_return dialect_->error(http::Status::bad_request, "the product is out of stock");
  if (mode == "no_funds") co_return dialect_->error(http::Status::payment_required, "insufficient funds in the account");
  if (mode == "error500") co_return dialect_->error(http::Status::internal_server_error, "internal error");
  if (mode == "rate429") {
    auto r = dialect_->error(http::Status::too_many_requests, "slow down");
    r.set(boost::beast::http::field::retry_after, "1");
    co_return r;
  }
  if (mode == "timeout") {
    co_await wait(std::chrono::seconds(30));
    co_return json_response(http::Status::gateway_timeout, json::object());
  }
  const auto& made = make(*wanted, body);
  if (mode == "error503") co_return dialect_->error(http::Status::service_unavailable, "try later");
  if (mode == "lost") {
    co_await wait(std::chrono::seconds(30));
    co_return json_response(http::Status::gateway_timeout, json::object());
  }
  const auto shown = mode == "pending" ? Shown::pending : mode == "unknown_status" ? Shown::strange : Shown::settled;
  auto answer = dialect_->created(made, shown, false);
  if (mode == "slow_body") {
    auto text = answer.body();
    co_return http::Reply(json_response(answer.result(), json::object()), [text](http::BodySink& sink) { return trickle(text, sink); });
  }
  if (mode == "malformed") {
    answer.body().resize(std::min<std::size_t>(answer.body().size(), 25));
    answer.prepare_payload();
  }
  co_return answer;
}

http::Response OrderApi::admin(const http::Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  const auto base = "/admin/" + dialect_->name();
  if (target == base + "/issued") return json_response(http::Status::ok, json(created_));
  if (target == base + "/charged") {
    json charged = json::object();
    for (const auto& [ref, order] : orders_) charged[ref] = cents_text(order.charged());
    return json_response(http::Status::ok, charged);
  }
  const auto body = json::parse(request.body(), nullptr, false);
  if (request.method() != verb::post || !body.is_object()) return json_response(http::Status::bad_request, {{"error", "POST a JSON object"}});
  if (target == base + "/orders") {
    const auto cents = cents_of(body.value("amount", json()));
    if (!body.value("ref", json()).is_string() || !cents) return json_response(http::Status::bad_request, {{"error", "ref and amount are required"}});
    const auto& made = make({body["ref"], body.value("sku", "SIM"), body.value("currency", "EUR"), *cents}, body);
    return json_response(http::Status::created, {{"ref", made.ref}, {"n", made.n}});
  }
  if (target == base + "/forget") {
    const auto erased = orders_.erase(body.value("ref", ""));
    return json_response(erased ? http::Status::ok : http::Status::not_found, {{"forgotten", erased}});
  }
  if (body.contains("rate_per_s")) rate_per_s_ = body["rate_per_s"].get<int>();
  if (body.contains("fee_bps")) fee_bps_ = body["fee_bps"].get<long>();
  if (body.contains("discount_bps")) discount_bps_ = body["discount_bps"].get<long>();
  if (body.contains("page_size")) page_size_ = std::max<std::size_t>(body["page_size"].get<std::size_t>(), 1);
  if (body.contains("lookups_fail")) lookups_fail_ = body["lookups_fail"].get<bool>();
  if (body.contains("out_of_stock")) out_of_stock_ = body["out_of_stock"].get<std::set<std::string>>();
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
    static const std::set<std::string> modes{"ok",   "refuse",    "error500",       "error503", "rate429",   "timeout",
                                             "lost", "malformed", "unknown_status", "pending",  "slow_body", "no_funds"};
    if (!body["mode"].is_string() || !modes.contains(body["mode"].get<std::string>()))
      return json_response(http::Status::bad_request, {{"error", "unknown mode"}, {"modes", modes}});
    mode_ = body["mode"].get<std::string>();
    times_ = body.value("times", 1);
  }
  return json_response(http::Status::ok, {{"mode", mode_}, {"times", times_}, {"rate_per_s", rate_per_s_}, {"fee_bps", fee_bps_}, {"discount_bps", discount_bps_}});
}

}  // namespace rgw::sim
