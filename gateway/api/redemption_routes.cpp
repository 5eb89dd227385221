// POST /v1/redemptions (accept), GET /v1/redemptions[/{id}] (rewards masked) and POST /v1/redemptions/{id}/reveal.
#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/redemptions/accept_batcher.hpp"
#include "gateway/api/views.hpp"
#include "gateway/core/families.hpp"
#include "gateway/pricing/offer.hpp"
#include "gateway/redemptions/rewards.hpp"
#include "gateway/redemptions/status.hpp"
#include "gateway/redemptions/store.hpp"

namespace rgw::api {
namespace {

using auth::Role;

std::optional<std::string> recipient(const nlohmann::json& body, Input& in) {
  auto it = body.find("recipient");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) {
    in.refuse(errc::invalid_request, "'recipient' must be an object {\"email\", \"name\"}");
    return std::nullopt;
  }
  in.only_fields(*it, {"email", "name"});
  auto email = in.optional_string(*it, "email", 254);
  if (email && (email->find('@') == std::string::npos || email->find(' ') != std::string::npos))
    in.refuse(errc::invalid_request, "'recipient.email' is not an email address");
  in.optional_string(*it, "name", 200);
  return it->dump();
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
  auto recipient_json = recipient(body, in);
  if (in.refused()) co_return in.refusal();
  auto priced_order = co_await priced(call, account_id, sku, *face, quote_id);
  if (!priced_order) co_return refusal(priced_order.error());
  auto order = std::move(*priced_order);
  order.recipient_json = std::move(recipient_json);

  const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  redemptions::AcceptWork work{call.program(), key, request_fingerprint(call, body), call.settings.idempotency_ttl, std::move(order), redemptions::OrderIds::mint(),
                               rfc3339(now), ""};
  const auto& terms = work.order.terms;
  const nlohmann::json response = {{"id", work.ids.id.str()},
                                   {"status", "accepted"},
                                   {"points", terms.price.points},
                                   {"face_value", money_json(terms.face)},
                                   {"fx", fx_json(terms)},
                                   {"created_at", rfc3339(std::chrono::floor<std::chrono::seconds>(now))}};
  work.response_body = http::to_text(response);
  const auto points = terms.price.points;
  auto result = co_await call.accepts.submit(work);
  if (result.quote_taken) co_return refusal(errc::conflict, "the quote has been used by another redemption");
  if (result.claim.state != idempotency::claim_state::claimed) co_return answer_refused_claim(std::move(result.claim));
  if (result.account_blocked) co_return refusal(errc::account_blocked, "the account is blocked: it may not redeem");
  if (!result.accepted) co_return refusal(errc::insufficient_points, "the account's spendable points are fewer than " + std::to_string(points));
  call.services.metrics->counter(metrics::redemptions, {{"status", "accepted"}}).add();
  co_return http::make_response(http::Status::accepted, work.response_body, "application/json");
}

nlohmann::json to_json(const redemptions::Redemption& r) {
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
          {"attempts", r.attempts},
          {"reward", r.reward_masked ? nlohmann::json::parse(*r.reward_masked) : nlohmann::json(nullptr)},
          {"failure", failure},
          {"waiting", waiting},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at},
          {"issued_at", or_null(r.issued_at)}};
}

boost::asio::awaitable<http::Reply> get_redemption(Call& call) {
  const auto r = co_await redemptions::find(call.db, call.program_id(), RedemptionId(call.params[0]));
  if (!r) co_return refusal(errc::not_found, "no such redemption");
  co_return json_response(http::Status::ok, to_json(*r));
}

boost::asio::awaitable<http::Reply> list_redemptions(Call& call) {
  Input in(call.request);
  redemptions::Filter filter;
  filter.account_id = in.query("account_id");
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
  for (const auto& r : page.items) items.push_back(to_json(r));
  co_return json_response(http::Status::ok, {{"items", items}, {"next_cursor", next_cursor(page.next_before)}});
}

// The unmasked reward, for the cabinet showing it to its owner; every reveal is in the audit log.
boost::asio::awaitable<http::Reply> reveal_reward(Call& call) {
  const auto& id = call.params[0];
  const auto sealed = co_await redemptions::reveal(call.db, call.program_id(), RedemptionId(id), call.principal.key_id, call.request_id, call.client_request_id);
  if (!sealed) co_return refusal(errc::not_found, "no such redemption");
  if (!sealed->blob) co_return refusal(errc::conflict, "the reward is not issued (yet); nothing to reveal");
  auto reward = redemptions::open_reward(*call.services.sealer, id, *sealed->key_id, *sealed->blob);
  reward["id"] = id;
  auto response = json_response(http::Status::ok, reward);
  response.set(http::beast::http::field::cache_control, "no-store");
  co_return response;
}

}  // namespace

void add_redemption_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::post, "/v1/redemptions", {create_redemption, Access::keys(false, {Role::cabinet, Role::admin})});
  routes.add(verb::get, "/v1/redemptions", {list_redemptions, Access::keys(false, {Role::cabinet, Role::finance, Role::ops, Role::admin})});
  routes.add(verb::post, "/v1/redemptions/{redemption_id}/reveal", {reveal_reward, Access::keys(false, {Role::cabinet})});
  routes.add(verb::get, "/v1/redemptions/{redemption_id}",
             {get_redemption, Access::keys(false, {Role::cabinet, Role::finance, Role::ops, Role::admin})});
}

}  // namespace rgw::api
