#include "gateway/api/api.hpp"

#include <algorithm>
#include <chrono>
#include <variant>

#include "fx/utf8.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/families.hpp"
#include "gateway/api/cors.hpp"
#include "gateway/accounts/pricing_reads.hpp"
#include "gateway/redemptions/accept_batcher.hpp"

namespace rgw::api {
namespace {

// A client's X-Request-Id is kept (and echoed) only if it is short printable ASCII: it ends up in our logs. It
// is the client's, not unique: our own id is what logs and audit rows are keyed by.
std::optional<std::string> client_request_id_of(const http::Request& request) {
  const auto given = request["X-Request-Id"];
  const bool usable = !given.empty() && given.size() <= 128 && fx::visible_ascii(given);
  return usable ? std::optional<std::string>(given) : std::nullopt;
}

std::string_view bearer_token(const http::Request& request) {
  const auto header = request[http::beast::http::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() <= scheme.size()) return {};
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(scheme[i]))) return {};
  return header.substr(scheme.size());
}

// A principal's rate limit bucket: its key's, a member's its account's (built in member_bucket). A key's id is
// used as it is, not copied per request.
const std::string& rate_bucket(const auth::Principal& principal, std::string& member_bucket) {
  static const std::string bootstrap = "bootstrap";
  if (principal.bootstrap) return bootstrap;
  if (!principal.account_id) return principal.key_id;
  member_bucket = "member " + *principal.account_id;
  return member_bucket;
}

// A member token's claims, or the refusal of one that is not valid or has expired.
std::variant<auth::MemberClaims, http::Response> claims_of(const auth::MemberTokens& tokens, std::string_view token) {
  auto claims = tokens.verify(token);
  if (!claims) return refusal(errc::unauthorized, "the member token is not valid");
  if (claims->expires_at <= std::chrono::system_clock::now())
    return refusal(errc::unauthorized, "the member token has expired: the cabinet's server mints a new one");
  return std::move(*claims);
}

// What an identification answers: its principal, or the refusal (throttled, or no such live key).
std::variant<auth::Principal, http::Response> caller_of(auth::Identified who) {
  if (who.throttled) return refusal_to_retry(errc::rate_limited, "too many unknown API keys from this address", *who.throttled);
  if (!who.principal) return refusal(errc::unauthorized, "a valid API key or member token is required: Authorization: Bearer <key>");
  return std::move(*who.principal);
}

// A 405 names the methods the path is served with (RFC 9110 15.5.6).
http::Response method_not_allowed(const std::string& allowed) {
  auto answer = refusal(errc::method_not_allowed, "method not allowed on this path");
  answer.set(http::beast::http::field::allow, allowed);
  return answer;
}

// What the access log and the HTTP metrics record of a request, kept until its body is written.
struct Served {
  RequestMetrics::Series series;
  std::string request_id, method, path;
  unsigned status = 0;
  std::optional<std::string> client_request_id, key_id, program_id, member_account_id, error;
  std::optional<std::int64_t> bytes;  // of a streamed body, with whether the client took all of it
  bool complete = true;
};

void record(const Served& served, std::chrono::steady_clock::time_point started) {
  const auto took = std::chrono::steady_clock::now() - started;
  served.series.requests->add();
  served.series.duration->observe(took);
  log::Line line(served.status >= 500 ? log::level::error : log::level::info, "request");
  line.field("request_id", served.request_id).field("method", served.method).field("path", served.path).field("status", std::int64_t{served.status});
  auto optional = [&line](std::string_view name, const std::optional<std::string>& value) {
    if (value) line.field(name, *value);
  };
  optional("client_request_id", served.client_request_id);
  optional("key_id", served.key_id);
  optional("program_id", served.program_id);
  optional("member_account_id", served.member_account_id);
  optional("error", served.error);
  if (served.bytes) line.field("bytes", *served.bytes).flag("complete", served.complete);
  line.milliseconds("ms", std::chrono::duration<double, std::milli>(took).count());
  line.write();
}

// A streamed body (a report): the request is timed and logged once the body is written, with its size and
// whether the client took all of it.
boost::asio::awaitable<void> stream_then_record(http::BodyWriter body, Served served, std::chrono::steady_clock::time_point started,
                                                http::BodySink& sink) {
  std::int64_t bytes = 0;
  bool complete = true;
  http::BodySink counting{[&](std::string_view piece) -> boost::asio::awaitable<bool> {
    bytes += static_cast<std::int64_t>(piece.size());
    const bool taken = co_await sink.write(piece);
    complete = complete && taken;
    co_return taken;
  }};
  try {
    co_await body(counting);
  } catch (const std::exception& e) {
    served.error = e.what();
    complete = false;
  }
  served.bytes = bytes;
  served.complete = complete;
  record(served, started);
  if (served.error) throw std::runtime_error(*served.error);
}

}  // namespace

Routes all_routes() {
  Routes routes;
  add_health_routes(routes);
  add_program_routes(routes);
  add_account_routes(routes);
  add_fx_routes(routes);
  add_catalog_routes(routes);
  add_quote_routes(routes);
  add_redemption_routes(routes);
  add_metrics_routes(routes);
  add_ops_routes(routes);
  add_finance_routes(routes);
  add_cabinet_routes(routes);
  return routes;
}

Api::Api(Services services, Settings settings)
    : services_(std::move(services)),
      settings_(settings),
      limiter_(settings.rate_limit_per_second, settings.rate_limit_burst),
      routes_(all_routes()) {
  const redemptions::AcceptCounters counters{services_.metrics->counter(metrics::accepts_passed_over), services_.metrics->counter(metrics::accepts_shed)};
  const redemptions::AcceptLimits limits{64, settings_.accept_writers, settings_.accept_max_wait};
  auto& pricing_read_statements = services_.metrics->counter(metrics::pricing_read_statements);
  for (const auto& pool : services_.pools) {
    accepts_.push_back(std::make_shared<redemptions::AcceptBatcher>(pool, counters, limits));
    pricing_reads_.push_back(std::make_shared<ledger::PricingReads>(pool, pricing_read_statements));
  }
  cors_.resize(services_.pools.size());
  request_metrics_.assign(services_.pools.size(), RequestMetrics(services_.metrics));
}

RequestMetrics::Series RequestMetrics::series(std::string_view route, http::beast::http::verb method, unsigned status) {
  auto& found = known_[Key{route.data(), route.size(), method, status}];
  if (!found.requests) {
    const std::string method_name(http::beast::http::to_string(method));
    found.requests = &registry_->counter(metrics::http_requests, {{"route", std::string(route)}, {"method", method_name}, {"status", std::to_string(status)}});
    found.duration = &registry_->histogram(metrics::http_duration, {{"route", std::string(route)}, {"method", method_name}});
  }
  return found;
}

// What a request is known by from its arrival to its log line; dispatch fills in who called and on which route.
struct Api::Exchange {
  explicit Exchange(const http::Request& request) : client_request_id(client_request_id_of(request)) {}
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string request_id = new_id("req");
  std::optional<std::string> client_request_id;
  auth::Principal principal;
  std::string_view route = "unmatched";  // a pattern, not the path: bounded label values
  std::string error;
  std::optional<std::string> readable_by;  // a browser page's origin that may read this answer
};

boost::asio::awaitable<http::Reply> Api::dispatch(http::Request& request, std::size_t shard, const boost::asio::ip::address& peer, Exchange& exchange) {
  const auto target = request.target();
  const auto path = target.substr(0, target.find('?'));
  pg::Pool& db = *services_.pools[shard];
  if (is_preflight(request)) {
    exchange.route = "preflight";
    if (!routes_.match(request.method(), path).path_known) co_return refusal(errc::not_found, "no such endpoint");
    const std::string origin = request[http::beast::http::field::origin];
    const bool listed = co_await cors_[shard].listed(db, origin);
    co_return preflight_answer(origin, listed);
  }
  auto match = routes_.match(request.method(), path);
  exchange.route = match.route ? match.pattern : "unmatched";
  if (!match.route) co_return match.path_known ? method_not_allowed(routes_.allowed(path)) : refusal(errc::not_found, "no such endpoint");
  // Ids, SKUs and codes are printable ASCII: a segment that is not names nothing here.
  for (const auto& param : match.params)
    if (!fx::visible_ascii(param)) co_return refusal(errc::not_found, "no such resource");
  if (!match.route->access.open) {
    auto who = co_await authorize(db, request, peer, *match.route, match.params);
    if (auto* refused = std::get_if<http::Response>(&who)) co_return std::move(*refused);
    exchange.principal = std::move(std::get<auth::Principal>(who));
  }
  Call call{request, exchange.request_id, exchange.client_request_id, std::move(match.params), exchange.principal, db, *accepts_[shard], *pricing_reads_[shard], services_, settings_};
  co_return co_await match.route->handler(call);
}

boost::asio::awaitable<Api::Caller> Api::authorize(pg::Pool& db, const http::Request& request, const boost::asio::ip::address& peer, const Route& route,
                                                   const std::vector<std::string>& params) {
  const auto bearer = bearer_token(request);
  auto who = known_caller(bearer);
  if (!who) who = co_await look_up_caller(db, bearer, peer);
  const auto* principal = std::get_if<auth::Principal>(&*who);
  if (!principal) co_return std::move(*who);
  if (const auto origin = request[http::beast::http::field::origin]; !origin.empty()) {
    if (principal->role != auth::Role::member) co_return refusal(errc::browser_key_refused);
    const auto catalog = co_await services_.catalog->get(db, principal->program_id);
    const auto& listed = catalog->program().cors_origins;
    if (std::find(listed.begin(), listed.end(), origin) == listed.end()) co_return refusal(errc::origin_not_allowed);
  }
  if (!route.access.allows(*principal)) co_return refusal(errc::forbidden, "this key's role may not do this");
  if (route.access.account_in_path && principal->account_id && *principal->account_id != params.front()) co_return refusal(errc::not_found, "no such account");
  std::string member_bucket;
  if (auto wait = limiter_.admit(rate_bucket(*principal, member_bucket))) co_return refusal_to_retry(errc::rate_limited, "too many requests for this API key", *wait);
  co_return std::move(*who);
}

std::optional<Api::Caller> Api::known_caller(std::string_view bearer) const {
  std::optional<auth::Identified> known;
  if (auth::is_member_token(bearer)) {
    auto claims = claims_of(*services_.tokens, bearer);
    if (auto* refused = std::get_if<http::Response>(&claims)) return std::move(*refused);
    known = services_.keys->remembered_member(std::get<auth::MemberClaims>(claims));
  } else {
    known = services_.keys->remembered(bearer);
  }
  if (!known) return std::nullopt;
  return caller_of(std::move(*known));
}

boost::asio::awaitable<Api::Caller> Api::look_up_caller(pg::Pool& db, std::string_view bearer, const boost::asio::ip::address& peer) {
  auth::Identified who;
  if (auth::is_member_token(bearer)) {
    auto claims = claims_of(*services_.tokens, bearer);  // verified again: a miss is a key's first use or re-check
    if (auto* refused = std::get_if<http::Response>(&claims)) co_return std::move(*refused);
    who = co_await services_.keys->authenticate_member(db, std::get<auth::MemberClaims>(claims), peer);
  } else {
    who = co_await services_.keys->authenticate(db, bearer, peer);
  }
  co_return caller_of(std::move(who));
}

void Api::stop() {
  for (auto& batcher : accepts_) batcher->stop();
}

boost::asio::awaitable<http::Reply> Api::handle(http::Request& request, std::size_t shard, const boost::asio::ip::address& peer) {
  Exchange exchange(request);
  http::Reply reply = http::Response{};
  try {
    if (const std::string origin = request[http::beast::http::field::origin]; !origin.empty() && !is_preflight(request)) {
      const bool listed = co_await cors_[shard].listed(*services_.pools[shard], origin);
      if (listed) exchange.readable_by = origin;
    }
    reply = co_await dispatch(request, shard, peer, exchange);
  } catch (const pg::Error& e) {
    // Unreachable or timed-out database: the transaction, if any, did not commit.
    const bool unavailable = e.unavailable() || e.code() == pg::sqlstate::query_canceled;
    exchange.error = e.what();
    reply.response = unavailable ? http::problem_response(to_problem(errc::unavailable, "the database is unavailable; nothing was changed"))
                                 : http::problem_response({http::Status::internal_server_error, "internal", "internal error"});
  } catch (const std::exception& e) {
    exchange.error = e.what();
    reply.response = http::problem_response({http::Status::internal_server_error, "internal", "internal error"});
  }
  finish(reply, request, shard, exchange);
  co_return reply;
}

void Api::finish(http::Reply& reply, const http::Request& request, std::size_t shard, Exchange& exchange) {
  auto& response = reply.response;
  response.set("X-Request-Id", exchange.client_request_id.value_or(exchange.request_id));
  if (exchange.readable_by) allow_origin(response, *exchange.readable_by);

  Served served;
  served.status = response.result_int();
  served.series = request_metrics_[shard].series(exchange.route, request.method(), served.status);
  // Moved, not copied: the exchange ends here.
  auto& principal = exchange.principal;
  served.request_id = std::move(exchange.request_id);
  served.method = request.method_string();
  served.path = request.target().substr(0, request.target().find('?'));
  served.client_request_id = std::move(exchange.client_request_id);
  if (!principal.key_id.empty()) served.key_id = std::move(principal.key_id), served.program_id = std::move(principal.program_id);
  served.member_account_id = std::move(principal.account_id);
  if (principal.bootstrap) served.key_id = "bootstrap";
  if (!exchange.error.empty()) served.error = std::move(exchange.error);
  if (reply.stream) {
    reply.stream = [body = std::move(reply.stream), served = std::move(served), started = exchange.started](http::BodySink& sink) {
      return stream_then_record(body, served, started, sink);
    };
  } else {
    record(served, exchange.started);
  }
}

}  // namespace rgw::api
