#include "gateway/api/api.hpp"

#include <algorithm>
#include <chrono>
#include <variant>

#include "fx/utf8.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/families.hpp"
#include "gateway/api/cors.hpp"
#include "gateway/redemptions/accept_batcher.hpp"

namespace rgw::api {
namespace {

// A client's X-Request-Id is kept (and echoed) only if it is short printable ASCII: it ends up in our logs. It
// is the client's, not unique: our own id is what logs and audit rows are keyed by.
std::optional<std::string> client_request_id(const http::Request& request) {
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
  for (const auto& pool : services_.pools) accepts_.push_back(std::make_shared<redemptions::AcceptBatcher>(pool, counters, limits));
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

boost::asio::awaitable<http::Reply> Api::dispatch(http::Request& request, std::size_t shard, const boost::asio::ip::address& peer,
                                                     auth::Principal& principal, const std::string& request_id,
                                                     const std::optional<std::string>& client_request_id, std::string_view& route) {
  const auto target = request.target();
  const auto path = target.substr(0, target.find('?'));
  pg::Pool& db = *services_.pools[shard];
  const std::string origin = request[http::beast::http::field::origin];
  if (is_preflight(request)) {
    route = "preflight";
    if (!routes_.match(request.method(), path).path_known) co_return refusal(errc::not_found, "no such endpoint");
    const bool listed = co_await cors_[shard].listed(db, origin);
    co_return preflight_answer(origin, listed);
  }
  auto match = routes_.match(request.method(), path);
  route = match.route ? match.pattern : "unmatched";
  if (!match.route)
    co_return match.path_known ? refusal(errc::method_not_allowed, "method not allowed on this path") : refusal(errc::not_found, "no such endpoint");
  // Ids, SKUs and codes are printable ASCII: a segment that is not names nothing here.
  for (const auto& param : match.params)
    if (!fx::visible_ascii(param)) co_return refusal(errc::not_found, "no such resource");
  if (!match.route->access.open) {
    auto who = co_await authenticate(db, bearer_token(request), peer);
    if (auto* refused = std::get_if<http::Response>(&who)) co_return std::move(*refused);
    principal = std::move(std::get<auth::Principal>(who));
    if (!origin.empty()) {
      if (principal.role != auth::Role::member) co_return refusal(errc::browser_key_refused);
      const auto catalog = co_await services_.catalog->get(db, principal.program_id);
      const auto& listed = catalog->program().cors_origins;
      if (std::find(listed.begin(), listed.end(), origin) == listed.end()) co_return refusal(errc::origin_not_allowed);
    }
    if (!match.route->access.allows(principal)) co_return refusal(errc::forbidden, "this key's role may not do this");
    if (match.route->access.account_in_path && principal.account_id && *principal.account_id != match.params.front())
      co_return refusal(errc::not_found, "no such account");
    // The bucket is the key's (a member's: its account's); a key's id is passed as it is, not copied per request.
    static const std::string bootstrap_bucket = "bootstrap";
    const std::string member_bucket = principal.account_id ? "member " + *principal.account_id : std::string();
    const std::string& bucket = principal.bootstrap ? bootstrap_bucket : principal.account_id ? member_bucket : principal.key_id;
    if (auto wait = limiter_.admit(bucket))
      co_return refusal_to_retry(errc::rate_limited, "too many requests for this API key", *wait);
  }
  Call call{request, request_id, client_request_id, std::move(match.params), principal, db, *accepts_[shard], services_, settings_};
  co_return co_await match.route->handler(call);
}

boost::asio::awaitable<std::variant<auth::Principal, http::Response>> Api::authenticate(pg::Pool& db, std::string_view bearer, const boost::asio::ip::address& peer) {
  auth::Identified who;
  if (auth::is_member_token(bearer)) {
    const auto claims = services_.tokens->verify(bearer);
    if (!claims) co_return refusal(errc::unauthorized, "the member token is not valid");
    if (claims->expires_at <= std::chrono::system_clock::now())
      co_return refusal(errc::unauthorized, "the member token has expired: the cabinet's server mints a new one");
    if (auto known = services_.keys->remembered_member(*claims)) who = std::move(*known);  // most requests, as below
    else who = co_await services_.keys->authenticate_member(db, *claims, peer);
  } else if (auto known = services_.keys->remembered(bearer)) {
    who = std::move(*known);  // from the cache without the look-up's coroutines: most requests
  } else {
    who = co_await services_.keys->authenticate(db, bearer, peer);
  }
  if (who.throttled) co_return refusal_to_retry(errc::rate_limited, "too many unknown API keys from this address", *who.throttled);
  if (!who.principal) co_return refusal(errc::unauthorized, "a valid API key or member token is required: Authorization: Bearer <key>");
  co_return std::move(*who.principal);
}

void Api::stop() {
  for (auto& batcher : accepts_) batcher->stop();
}

boost::asio::awaitable<http::Reply> Api::handle(http::Request& request, std::size_t shard, const boost::asio::ip::address& peer) {
  const auto started = std::chrono::steady_clock::now();
  std::string id = new_id("req");
  const auto client_id = client_request_id(request);
  auth::Principal principal;
  std::string_view route = "unmatched";  // a pattern, not the path: bounded label values
  http::Reply reply = http::Response{};
  auto& response = reply.response;
  std::string error;
  std::optional<std::string> readable_by;  // a browser page's origin that may read this answer
  try {
    if (const std::string origin = request[http::beast::http::field::origin]; !origin.empty() && !is_preflight(request)) {
      const bool listed = co_await cors_[shard].listed(*services_.pools[shard], origin);
      if (listed) readable_by = origin;
    }
    reply = co_await dispatch(request, shard, peer, principal, id, client_id, route);
  } catch (const pg::Error& e) {
    // Unreachable or timed-out database: the transaction, if any, did not commit.
    const bool unavailable = e.unavailable() || e.code() == pg::sqlstate::query_canceled;
    error = e.what();
    response = unavailable ? http::problem_response(to_problem(errc::unavailable, "the database is unavailable; nothing was changed"))
                           : http::problem_response({http::Status::internal_server_error, "internal", "internal error"});
  } catch (const std::exception& e) {
    error = e.what();
    response = http::problem_response({http::Status::internal_server_error, "internal", "internal error"});
  }
  response.set("X-Request-Id", client_id.value_or(id));
  if (readable_by) allow_origin(response, *readable_by);

  Served served;  // assigned member by member: aggregate initialisation in coroutines trips GCC 12
  served.status = response.result_int();
  served.series = request_metrics_[shard].series(route, request.method(), served.status);
  // Moved, not copied: the id and the principal are not used after this.
  served.request_id = std::move(id);
  served.method = request.method_string();
  served.path = request.target().substr(0, request.target().find('?'));
  served.client_request_id = client_id;
  if (!principal.key_id.empty()) served.key_id = std::move(principal.key_id), served.program_id = std::move(principal.program_id);
  served.member_account_id = std::move(principal.account_id);
  if (principal.bootstrap) served.key_id = "bootstrap";
  if (!error.empty()) served.error = error;
  if (reply.stream) {
    reply.stream = [body = std::move(reply.stream), served = std::move(served), started](http::BodySink& sink) {
      return stream_then_record(body, served, started, sink);
    };
  } else {
    record(served, started);
  }
  co_return reply;
}

}  // namespace rgw::api
