#include "gateway/api/errc.hpp"

#include <algorithm>
#include <cstdint>

#include "fx/errc.hpp"
#include "gateway/accounts/errc.hpp"
#include "gateway/pricing/errc.hpp"

namespace rgw::api {
namespace {

struct code_info {
  http::Status status;
  const char* code;
  const char* detail;  // when the handler gives none
};

code_info info(errc e) {
  using S = http::Status;
  switch (e) {
    case errc::invalid_request: return {S::bad_request, "invalid_request", "the request is not valid"};
    case errc::idempotency_key_required: return {S::bad_request, "idempotency_key_required", "an Idempotency-Key header is required"};
    case errc::unauthorized: return {S::unauthorized, "unauthorized", "a valid API key is required"};
    case errc::forbidden: return {S::forbidden, "forbidden", "this key may not do this"};
    case errc::not_found: return {S::not_found, "not_found", "no such resource"};
    case errc::method_not_allowed: return {S::method_not_allowed, "method_not_allowed", "method not allowed on this path"};
    case errc::conflict: return {S::conflict, "conflict", "the request conflicts with the resource's state"};
    case errc::idempotency_in_progress: return {S::conflict, "idempotency_in_progress", "a request with this Idempotency-Key is in progress"};
    case errc::quote_expired: return {S::gone, "quote_expired", "the quote has expired"};
    case errc::reward_erased: return {S::gone, "reward_erased", "the reward was erased with the account's personal data"};
    case errc::payload_too_large: return {S::payload_too_large, "payload_too_large", "the body is too large"};
    case errc::insufficient_points: return {S::unprocessable_entity, "insufficient_points", "the account's balance is too low"};
    case errc::idempotency_key_reuse: return {S::unprocessable_entity, "idempotency_key_reuse", "the Idempotency-Key was used for another request"};
    case errc::denomination_invalid: return {S::unprocessable_entity, "denomination_invalid", "the product does not offer this face value"};
    case errc::product_unavailable: return {S::unprocessable_entity, "product_unavailable", "the product is not available"};
    case errc::rate_limited: return {S::too_many_requests, "rate_limited", "too many requests"};
    case errc::fx_unavailable: return {S::service_unavailable, "fx_unavailable", "exchange rates are unavailable"};
    case errc::unavailable: return {S::service_unavailable, "unavailable", "the service is unavailable"};
    case errc::no_such_quote: return {S::not_found, "not_found", "no such quote for this account"};
    case errc::quote_mismatch: return {S::bad_request, "invalid_request", "the quote is for another product or face value"};
    case errc::account_blocked: return {S::unprocessable_entity, "account_blocked", "the account is blocked"};
    case errc::account_erased:
      return {S::unprocessable_entity, "account_erased", "the account's personal data was erased: it may not redeem or be credited"};
    case errc::immutable_field: return {S::unprocessable_entity, "immutable_field", "the field is fixed at creation"};
    case errc::browser_key_refused:
      return {S::forbidden, "browser_key_refused", "API keys never belong in a browser: use a member token (POST /v1/accounts/{id}/sessions)"};
    case errc::origin_not_allowed: return {S::forbidden, "origin_not_allowed", "the program does not list this origin in cors_origins"};
    case errc::overloaded: return {S::service_unavailable, "overloaded", "the gateway is overloaded"};
    case errc::too_many_streams: return {S::service_unavailable, "too_many_streams", "this gateway process serves its maximum of event streams"};
    case errc::cannot_cancel: return {S::conflict, "cannot_cancel", "a provider may already hold this order"};
    case errc::cannot_resolve: return {S::conflict, "cannot_resolve", "only an order whose outcome is unknown can be resolved"};
  }
  return {S::internal_server_error, "internal", "internal error"};
}

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "rgw.api"; }
  std::string message(int ev) const override { return info(static_cast<errc>(ev)).detail; }
};

// What each domain outcome means to a client.
errc api_code(pricing::errc e) {
  switch (e) {
    case pricing::errc::no_rates:
    case pricing::errc::stale_rates:
    case pricing::errc::no_rate: return errc::fx_unavailable;
    case pricing::errc::no_such_account:
    case pricing::errc::no_such_product: return errc::not_found;
    case pricing::errc::product_unavailable: return errc::product_unavailable;
    case pricing::errc::denomination_invalid: return errc::denomination_invalid;
    case pricing::errc::rounds_to_zero:
    case pricing::errc::too_large: return errc::invalid_request;
  }
  return errc::unavailable;
}

errc api_code(ledger::errc e) {
  switch (e) {
    case ledger::errc::no_such_account: return errc::not_found;
    case ledger::errc::insufficient_points: return errc::insufficient_points;
    case ledger::errc::account_blocked: return errc::account_blocked;
    case ledger::errc::account_erased: return errc::account_erased;
  }
  return errc::unavailable;
}

}  // namespace

const boost::system::error_category& api_category() noexcept {
  static const category instance;
  return instance;
}

http::Problem to_problem(errc code, std::string detail) {
  const auto i = info(code);
  return {i.status, i.code, std::move(detail)};
}

http::Problem to_problem(const boost::system::error_code& outcome, std::string detail) {
  if (detail.empty()) detail = outcome.message();
  const auto& category = outcome.category();
  if (category == api_category()) return to_problem(static_cast<errc>(outcome.value()), std::move(detail));
  if (category == ledger::ledger_category()) return to_problem(api_code(static_cast<ledger::errc>(outcome.value())), std::move(detail));
  if (category == pricing::pricing_category()) return to_problem(api_code(static_cast<pricing::errc>(outcome.value())), std::move(detail));
  // Money and FX outcomes reach the API only from the client's own amounts.
  if (category == fx::fx_category()) return to_problem(errc::invalid_request, std::move(detail));
  return {http::Status::internal_server_error, "internal", "internal error"};
}

http::Response refusal(const boost::system::error_code& outcome, std::string detail) {
  return http::problem_response(to_problem(outcome, std::move(detail)));
}

http::Response refusal_to_retry(const boost::system::error_code& outcome, std::string detail, std::chrono::milliseconds after) {
  auto response = refusal(outcome, std::move(detail));
  response.set(http::beast::http::field::retry_after, std::to_string(std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(after).count())));
  return response;
}

}  // namespace rgw::api
