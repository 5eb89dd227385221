#pragma once
// Outcomes the API reports to clients, each with the stable `code` of API.md; to_problem() is the one mapping
// from outcome to HTTP status.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "gateway/http/message.hpp"

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
};

const boost::system::error_category& api_category() noexcept;
inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), api_category()}; }

template <class T>
using result = boost::system::result<T>;

http::Problem to_problem(errc code, std::string detail);

// Thrown by request parsing and handlers for an outcome the client must see; caught once at the edge.
class Failure : public std::runtime_error {
 public:
  Failure(errc code, std::string detail, std::optional<std::chrono::seconds> retry_after = std::nullopt)
      : std::runtime_error(detail), code_(code), retry_after_(retry_after) {}
  errc code() const noexcept { return code_; }
  // Sent as Retry-After (rate limits).
  std::optional<std::chrono::seconds> retry_after() const noexcept { return retry_after_; }

 private:
  errc code_;
  std::optional<std::chrono::seconds> retry_after_;
};

}  // namespace rgw::api

template <>
struct boost::system::is_error_code_enum<rgw::api::errc> : std::true_type {};
