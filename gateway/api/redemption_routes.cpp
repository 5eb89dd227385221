// POST /v1/redemptions (accept), GET /v1/redemptions[/{id}] (rewards masked), POST /v1/redemptions/{id}/reveal
// and GET /v1/redemptions/{id}/events (Server-Sent Events).
#include <charconv>

#include "gateway/accounts/ledger.hpp"
#include "gateway/api/input.hpp"
#include "gateway/dispatch/ops.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/redemptions/accept_batcher.hpp"
#include "gateway/api/views.hpp"
#include "gateway/core/masks.hpp"
#include "gateway/core/families.hpp"
#include "gateway/pricing/offer.hpp"
#include "gateway/redemptions/events.hpp"
#include "gateway/redemptions/recipient.hpp"
#include "gateway/redemptions/rewards.hpp"
#include "gateway/redemptions/status.hpp"
#include "gateway/redemptions/store.hpp"

namespace rgw::api {
namespace {

using auth::Role;

std::optional<redemptions::Recipient> recipient(const nlohmann::json& body, Input& in) {
  auto it = body.find("recipient");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) {
    in.refuse(errc::invalid_request, "'recipient' must be an object {\"email\", \"name\"}");
    return std::nullopt;
  }
  in.only_fields(*it, {"email", "name"});
  redemptions::Recipient out{in.optional_string(*it, "email", 254), in.optional_string(*it, "name", 200)};
  if (out.email && (out.email->find('@') == std::string::npos || out.email->find(' ') != std::string::npos))
    in.refuse(errc::invalid_request, "'recipient.email' is not an email address");
  if (!out.email && !out.name) return std::nullopt;
  return out;
}

// The price to charge: the quote's if one is given and still valid, else the price now.
// Refusals carry their detail: a quote's refusal says which quote and why.
boost::asio::awaitable<result<redemptions::NewRedemption>> priced(Call& call, const std::string& account_id, const std::string& sku,
                                                                 const fx::Money& face, const std::optional<std::string>& quote_id) {
  if (!quote_id) {
    auto offer = co_await pricing::price_offer(call.pricing(), call.program_id(), AccountId(account_id), sku, face);
    if (!offer) co_return offer.error();
    co_return redemptions::NewRedemption{std::move(offer->terms), std::nullopt, std::nullopt};
  }
  const auto quote = co_await pricing::find_quote(call.db, call.program(), *quote_id);
  if (!quote || quote->terms.account_id != account_id) co_return errc::no_such_quote;
  if (quote->expired) co_return errc::quote_expired;
  if (quote->terms.sku != sku || !(quote->terms.face == face)) co_return errc::quote_mismatch;
  // The price is locked; the product must still be available.
  if (auto available = co_await pricing::checked_product(call.pricing(), call.program_id(), sku, face); !available) co_return available.error();
  co_return redemptions::NewRedemption{quote->terms, quote->id, std::nullopt};
}

boost::asio::awaitable<http::Reply> create_redemption(Call& call) {
  Input in(call.request);
  const auto key = idempotency_key(call.request, in);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"account_id", "sku", "face_value", "quote_id", "recipient"});
  const auto account_id = in.required_string(body, "account_id");
  const auto sku = in.required_string(body, "sku", 64);
  const auto face = in.required_money(body, "face_value", errc::denomination_invalid);
  const auto quote_id = in.optional_string(body, "quote_id", 64);
  const auto to = recipient(body, in);
  if (in.refused()) co_return in.refusal();
  if (!call.sees(account_id)) co_return refusal(errc::not_found, "no such account");
  auto priced_order = co_await priced(call, account_id, sku, *face, quote_id);
  if (!priced_order) co_return refusal(priced_order.error());
  // Refused before anything is debited: an order no provider takes now would be debited and reversed later.
  if (auto unavailable = co_await unavailable_refusal(call, sku, *face)) co_return std::move(*unavailable);
  auto order = std::move(*priced_order);
  const auto ids = redemptions::OrderIds::mint();
  if (to) {  // sealed under the account's own key before it is stored (docs/privacy.md)
    const auto account_key = co_await ledger::account_key(call.db, call.program_id(), AccountId(account_id), *call.services.sealer);
    if (!account_key) co_return refusal(account_key.error());
    order.recipient_sealed = redemptions::seal_recipient(*account_key, ids.id, *to);
  }

  const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  redemptions::AcceptWork work{call.program(), key, request_fingerprint(call, body), call.settings.idempotency_ttl, std::move(order), ids,
                               rfc3339(now), ""};
  const auto& terms = work.order.terms;
  const nlohmann::json response = {{"id", work.ids.id.str()},
                                   {"status", "accepted"},
                                   {"points", terms.price.points},
                                   {"face_value", money_json(terms.face)},
                                   {"fx", fx_json(terms)},
                                   {"created_at", rfc3339(std::chrono::floor<std::chrono::seconds>(now))}};
  std::string response_body = http::to_text(response);
  work.response_body = response_body;
  const auto points = terms.price.points;
  auto result = co_await call.accepts.submit(std::move(work));
  if (result.shed) {
    co_return refusal_to_retry(errc::overloaded, "the gateway is behind with redemptions; nothing was written: retry with the same Idempotency-Key", std::chrono::seconds(1));
  }
  if (result.quote_taken) co_return refusal(errc::conflict, "the quote has been used by another redemption");
  if (result.claim.state != idempotency::claim_state::claimed) co_return answer_refused_claim(std::move(result.claim));
  if (result.account_blocked) co_return refusal(errc::account_blocked, "the account is blocked: it may not redeem");
  if (result.account_erased) co_return refusal(errc::account_erased, "the account was erased: it may not redeem");
  if (!result.accepted) co_return refusal(errc::insufficient_points, "the account's spendable points are fewer than " + std::to_string(points));
  call.services.metrics->counter(metrics::redemptions, {{"status", "accepted"}}).add();
  co_return http::make_response(http::Status::accepted, std::move(response_body), "application/json");
}

// What a provider charged is the program's business: a member (the cabinet) is shown null.
bool shows_cost(const Call& call) { return call.principal.role != auth::Role::member; }

nlohmann::json to_json(const redemptions::Redemption& r, bool with_cost) {
  nlohmann::json cost = nullptr;
  if (r.cost && with_cost) {
    const auto optional_money = [](const std::optional<fx::Money>& m) { return m ? money_json(*m) : nlohmann::json(nullptr); };
    cost = {{"charged", money_json(r.cost->charged)}, {"fee", optional_money(r.cost->fee)}, {"discount", optional_money(r.cost->discount)}};
  }
  nlohmann::json failure = nullptr;
  if (r.failure_code) failure = {{"code", *r.failure_code}, {"detail", or_null(r.failure_detail)}};
  nlohmann::json waiting = nullptr;
  if (r.wait_reason) waiting = {{"reason", *r.wait_reason}, {"next_attempt_at", or_null(r.next_attempt_at)}};
  return {{"id", r.id},
          {"status", r.status},
          {"account_id", r.account_id},
          {"sku", r.sku},
          {"face_value", money_json(r.face)},
          {"points", r.points},
          {"fx", {{"rate", r.applied_rate}, {"mid_rate", r.mid_rate}, {"as_of", r.rates_as_of}, {"source", r.rates_source}}},
          {"provider", or_null(r.provider)},
          {"provider_ref", or_null(r.provider_ref)},
          {"cost", cost},
          {"attempts", r.attempts},
          {"reward", r.reward_masked ? nlohmann::json::parse(*r.reward_masked) : nlohmann::json(nullptr)},
          {"failure", failure},
          {"waiting", waiting},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at},
          {"issued_at", or_null(r.issued_at)}};
}

nlohmann::json recipient_json(const redemptions::Recipient& to, bool masked) {
  const auto shown = [&](const std::optional<std::string>& value, std::string (*mask)(std::string_view)) {
    if (!value) return nlohmann::json(nullptr);
    return nlohmann::json(masked ? mask(*value) : *value);
  };
  return {{"email", shown(to.email, personal::mask_email)}, {"name", shown(to.name, personal::mask_name)}};
}

// The one read that shows an order's recipient: masked for finance and ops, else in clear and audited.
boost::asio::awaitable<http::Reply> get_redemption(Call& call) {
  const auto r = co_await redemptions::find(call.db, call.program_id(), RedemptionId(call.params[0]));
  if (!r || !call.sees(r->account_id)) co_return refusal(errc::not_found, "no such redemption");
  auto view = to_json(*r, shows_cost(call));
  view["recipient"] = nullptr;
  if (const auto to = redemptions::open_recipient(r->recipient, r->id, *call.services.sealer)) {
    const bool masked = masks_personal_data(call);
    view["recipient"] = recipient_json(*to, masked);
    const std::vector<std::string> shown{"recipient"};  // named: no braced lists in a co_await (GCC 12)
    if (!masked) co_await audit_personal_read(call, r->id, shown);
  }
  co_return json_response(http::Status::ok, view);
}

boost::asio::awaitable<http::Reply> list_redemptions(Call& call) {
  Input in(call.request);
  redemptions::Filter filter;
  filter.account_id = in.query("account_id");
  if (filter.account_id && !call.sees(*filter.account_id)) co_return refusal(errc::not_found, "no such account");
  if (call.principal.account_id) filter.account_id = call.principal.account_id;  // a member lists its own
  filter.status = in.query("status");
  filter.before = in.cursor();
  filter.limit = in.page_limit();
  if (filter.status && !redemptions::parse_status(*filter.status))
    in.refuse(errc::invalid_request, "'status' must be one of accepted, dispatching, issued, retrying, unknown, failed");
  if (auto from = in.timestamp_param("from")) filter.from = rfc3339(*from);
  if (auto to = in.timestamp_param("to")) filter.to = rfc3339(*to);
  if (in.refused()) co_return in.refusal();
  const auto page = co_await redemptions::list(call.db, call.program_id(), filter);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : page.items) items.push_back(to_json(r, shows_cost(call)));
  co_return json_response(http::Status::ok, {{"items", items}, {"next_cursor", next_cursor(page.next_before)}});
}

// The unmasked reward, for the cabinet showing it to its owner; every reveal is in the audit log.
boost::asio::awaitable<http::Reply> reveal_reward(Call& call) {
  const auto& id = call.params[0];
  nlohmann::json detail = nullptr;
  if (call.client_request_id) detail = {{"client_request_id", *call.client_request_id}};
  const auto entry = audit_entry(call, "reward.reveal", id, std::nullopt, detail);
  const auto sealed = co_await redemptions::reveal(call.db, call.program_id(), RedemptionId(id), call.principal.account_id, entry);
  if (!sealed) co_return refusal(errc::not_found, "no such redemption");
  if (!sealed->blob && sealed->issued) co_return refusal(errc::reward_erased, "the reward was erased with the account's personal data");
  if (!sealed->blob) co_return refusal(errc::conflict, "the reward is not issued (yet); nothing to reveal");
  auto reward = redemptions::open_reward(*call.services.sealer, id, *sealed->key_id, *sealed->blob);
  reward["id"] = id;
  auto response = json_response(http::Status::ok, reward);
  response.set(http::beast::http::field::cache_control, "no-store");
  co_return response;
}

// One event of the stream. An earlier status than the order's own shows its status and time, without what came
// after it (reward, failure, waiting).
std::string status_event(const redemptions::StatusEvent& event, const redemptions::Redemption& order, bool with_cost) {
  auto view = to_json(order, with_cost);
  if (event.status != order.status) {
    view["status"] = event.status;
    view["updated_at"] = event.at;
    view["reward"] = view["failure"] = view["waiting"] = view["issued_at"] = nullptr;
  }
  return "id: " + std::to_string(event.seq) + "\nevent: status\ndata: " + http::to_text(view) + "\n\n";
}

bool is_final(const std::string& status) {
  const auto parsed = redemptions::parse_status(status);
  return parsed && redemptions::is_final(*parsed);
}

// The event a client last had (Last-Event-ID, sent by a reconnecting EventSource); nullopt if none or unusable.
std::optional<std::int64_t> last_event_id(const http::Request& request) {
  const auto text = request["Last-Event-ID"];
  std::int64_t id = 0;
  if (text.empty() || std::from_chars(text.data(), text.data() + text.size(), id).ptr != text.data() + text.size() || id < 0) return std::nullopt;
  return id;
}

struct Stream {
  std::shared_ptr<pg::Pool> db;
  ProgramId program;
  RedemptionId id;
  std::optional<std::int64_t> resume;
  std::chrono::milliseconds heartbeat;
  std::shared_ptr<redemptions::StatusFeed::Follower> follower;
  bool with_cost = false;
};

// Writes every status of the order after `resume` (or the one in force, for a new stream) as it happens; ends
// after a final status, when the client is gone, or at shutdown.
boost::asio::awaitable<void> stream_statuses(Stream stream, http::BodySink& sink) {
  auto& db = *stream.db;
  std::int64_t sent = 0;
  const auto latest = co_await redemptions::latest_event(db, stream.id);
  if (!latest) co_return;
  if (stream.resume && *stream.resume <= latest->seq) {
    sent = *stream.resume;
    if (sent == latest->seq && is_final(latest->status)) co_return;  // it has the end already
  } else {
    sent = latest->seq - 1;  // new (or an id that was never this order's): start with the status in force
  }
  constexpr int page = 100;
  for (;;) {
    const auto events = co_await redemptions::events_after(db, stream.id, sent, page);
    if (!events.empty()) {
      const auto order = co_await redemptions::find(db, stream.program, stream.id);
      if (!order) co_return;
      for (const auto& event : events) {
        if (!co_await sink.write(status_event(event, *order, stream.with_cost))) co_return;
        sent = event.seq;
        if (is_final(event.status)) co_return;
      }
      if (events.size() == page) continue;
    }
    const bool woken = co_await stream.follower->wait(stream.heartbeat);
    if (stream.follower->stopped()) co_return;
    if (!woken) {
      // A comment keeps proxies from closing an idle stream; the loop then reads again, in case a wake-up was lost.
      const bool delivered = co_await sink.write(": heartbeat\n\n");
      if (!delivered) co_return;
    }
  }
}

boost::asio::awaitable<http::Reply> follow_redemption(Call& call) {
  const RedemptionId id(call.params[0]);
  const auto order = co_await redemptions::find(call.db, call.program_id(), id);
  if (!order || !call.sees(order->account_id)) co_return refusal(errc::not_found, "no such redemption");
  std::shared_ptr<redemptions::StatusFeed::Follower> follower = call.services.feed->follow(id.str());
  if (!follower) {
    co_return refusal_to_retry(errc::too_many_streams, "this gateway process serves its maximum of event streams; try again shortly or poll GET /v1/redemptions/{id}", std::chrono::seconds(5));
  }
  http::Response head{http::Status::ok, 11};
  head.set(http::beast::http::field::content_type, "text/event-stream");
  head.set(http::beast::http::field::cache_control, "no-store");
  head.set("X-Accel-Buffering", "no");  // nginx and the like: pass each event on at once
  Stream stream{call.db.shared_from_this(), call.program_id(), id, last_event_id(call.request), call.settings.event_heartbeat, std::move(follower),
                shows_cost(call)};
  co_return http::Reply{std::move(head), [stream = std::move(stream)](http::BodySink& sink) { return stream_statuses(stream, sink); }};
}

// An ops action's refusal, or the order as it is now.
boost::asio::awaitable<http::Reply> after_action(Call& call, dispatch::ops::Refused refused, errc when_final) {
  using dispatch::ops::Refused;
  switch (refused) {
    case Refused::none: break;
    case Refused::no_such_order: co_return refusal(errc::not_found, "no such redemption");
    case Refused::final: co_return refusal(when_final, "the order is final already");
    case Refused::may_exist_at_provider:
      co_return refusal(errc::cannot_cancel, "a provider may already hold this order (dispatching or unknown); wait for its outcome, or resolve it");
    case Refused::not_unknown: co_return refusal(errc::cannot_resolve, "the order's outcome is not unknown; only an unknown order is resolved by hand");
    case Refused::busy: {
      auto busy = refusal(errc::conflict, "a dispatcher is calling the provider for this order right now; try again in a moment");
      busy.set(http::beast::http::field::retry_after, "1");
      co_return busy;
    }
  }
  co_return co_await get_redemption(call);
}

boost::asio::awaitable<http::Reply> retry_redemption(Call& call) {
  Input in(call.request);
  const auto body = call.request.body().empty() ? nlohmann::json::object() : in.body(2);
  in.only_fields(body, {"reason"});
  const auto reason = in.optional_reason(body);
  if (in.refused()) co_return in.refusal();
  const auto& id = call.params[0];
  const auto refused = co_await dispatch::ops::retry(call.db, call.program(), id, audit_entry(call, "redemption.retry", id, reason));
  co_return co_await after_action(call, refused, errc::conflict);
}

boost::asio::awaitable<http::Reply> cancel_redemption(Call& call) {
  Input in(call.request);
  const auto body = in.body(2);
  in.only_fields(body, {"reason"});
  const auto reason = in.required_reason(body);
  if (in.refused()) co_return in.refusal();
  const auto& id = call.params[0];
  const auto refused = co_await dispatch::ops::cancel(call.db, call.program(), id, reason, audit_entry(call, "redemption.cancel", id, reason));
  if (refused == dispatch::ops::Refused::none) call.services.metrics->counter(metrics::redemptions, {{"status", "failed"}}).add();  // as the dispatcher counts
  co_return co_await after_action(call, refused, errc::cannot_cancel);
}

boost::asio::awaitable<http::Reply> resolve_redemption(Call& call) {
  Input in(call.request);
  const auto body = in.body(2);
  in.only_fields(body, {"outcome", "provider_ref", "reason"});
  const auto outcome = in.required_string(body, "outcome", 16);
  auto provider_ref = in.optional_string(body, "provider_ref", 200);
  const auto reason = in.required_reason(body);
  if (!in.refused() && outcome != "issued" && outcome != "not_issued") in.refuse(errc::invalid_request, "'outcome' must be issued or not_issued");
  if (!in.refused() && outcome == "issued" && !provider_ref)
    in.refuse(errc::invalid_request, "'provider_ref' is required with outcome issued: the provider's id of the order that was found");
  if (in.refused()) co_return in.refusal();
  const auto& id = call.params[0];
  const dispatch::ops::Resolution resolution{outcome == "issued", provider_ref.value_or(""), reason};
  nlohmann::json detail = {{"outcome", outcome}, {"provider_ref", or_null(provider_ref)}};
  const auto refused = co_await dispatch::ops::resolve(call.db, call.program(), id, resolution, audit_entry(call, "redemption.resolve", id, reason, detail));
  if (refused == dispatch::ops::Refused::none && resolution.issued) call.services.metrics->counter(metrics::redemptions, {{"status", "issued"}}).add();
  co_return co_await after_action(call, refused, errc::cannot_resolve);
}

}  // namespace

void add_redemption_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::post, "/v1/redemptions", {create_redemption, Access::keys(false, {Role::cabinet, Role::admin, Role::member})});
  routes.add(verb::get, "/v1/redemptions",
             {list_redemptions, Access::keys(false, {Role::cabinet, Role::finance, Role::ops, Role::admin, Role::member})});
  routes.add(verb::post, "/v1/redemptions/{redemption_id}/reveal", {reveal_reward, Access::keys(false, {Role::cabinet, Role::member})});
  routes.add(verb::get, "/v1/redemptions/{redemption_id}/events",
             {follow_redemption, Access::keys(false, {Role::cabinet, Role::ops, Role::admin, Role::member})});
  routes.add(verb::get, "/v1/redemptions/{redemption_id}",
             {get_redemption, Access::keys(false, {Role::cabinet, Role::finance, Role::ops, Role::admin, Role::member})});
  const auto ops = Access::keys(false, {Role::ops, Role::admin});
  routes.add(verb::post, "/v1/redemptions/{redemption_id}/retry", {retry_redemption, ops});
  routes.add(verb::post, "/v1/redemptions/{redemption_id}/cancel", {cancel_redemption, ops});
  routes.add(verb::post, "/v1/redemptions/{redemption_id}/resolve", {resolve_redemption, ops});
}

}  // namespace rgw::api
