#pragma once
// Outcomes the API reports to clients, each with the stable `code` of docs/openapi.yaml; to_problem() is the one
// mapping from any module's outcome (api, ledger, pricing, fx categories) to an HTTP answer.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <string>

#include "gateway/net/message.hpp"

namespace rgw::api {

enum class errc {
  invalid_request = 1,
  idempotency_key_required,
  unauthorized,
  forbidden,
  not_found,
  method_not_allowed,
  conflict,  // a unique field (e.g. an account's external_ref) is taken
  idempotency_in_progress,
  quote_expired,
  payload_too_large,
  insufficient_points,
  idempotency_key_reuse,
  denomination_invalid,
  product_unavailable,
  rate_limited,
  fx_unavailable,
  unavailable,
  no_such_quote,   // not_found: no quote of that id for this account
  quote_mismatch,  // invalid_request: the quote is for another product or face value
  account_blocked,
  account_erased,  // added: the account was erased (docs/privacy.md)
  reward_erased,   // added: a reward made unrevealable by its account's erasure
  immutable_field,  // a PATCH of a field fixed at creation
  browser_key_refused,  // a long-lived API key in a request with Origin (from a browser)
  origin_not_allowed,   // a member token used from an origin its program does not list
  too_many_streams,     // this process serves its maximum of event streams
  cannot_cancel,        // cancel of an order a provider may already hold (or a final one)
  cannot_resolve,       // resolve of an order whose outcome is not unknown
  overloaded,           // a redemption waited longer than REWARDGW_ACCEPT_MAX_WAIT_MS for a batch; nothing written
};

const boost::system::error_category& api_category() noexcept;
inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), api_category()}; }

template <class T>
using result = boost::system::result<T>;

http::Problem to_problem(errc code, std::string detail);
// `outcome` of any module as the client sees it; the detail is the outcome's message unless one is given.
http::Problem to_problem(const boost::system::error_code& outcome, std::string detail = {});
// A handler's answer for an expected outcome: returned as a value, never thrown.
http::Response refusal(const boost::system::error_code& outcome, std::string detail = {});
// A refusal the client may retry: with Retry-After in whole seconds (at least 1).
http::Response refusal_to_retry(const boost::system::error_code& outcome, std::string detail, std::chrono::milliseconds after);

}  // namespace rgw::api

template <>
struct boost::system::is_error_code_enum<rgw::api::errc> : std::true_type {};
