#include "gateway/api/errc.hpp"

namespace rgw::api {
namespace {

struct code_info {
  http::Status status;
  const char* code;
};

code_info info(errc e) {
  using S = http::Status;
  switch (e) {
    case errc::invalid_request: return {S::bad_request, "invalid_request"};
    case errc::idempotency_key_required: return {S::bad_request, "idempotency_key_required"};
    case errc::unauthorized: return {S::unauthorized, "unauthorized"};
    case errc::forbidden: return {S::forbidden, "forbidden"};
    case errc::not_found: return {S::not_found, "not_found"};
    case errc::method_not_allowed: return {S::method_not_allowed, "method_not_allowed"};
    case errc::conflict: return {S::conflict, "conflict"};
    case errc::idempotency_in_progress: return {S::conflict, "idempotency_in_progress"};
    case errc::quote_expired: return {S::gone, "quote_expired"};
    case errc::payload_too_large: return {S::payload_too_large, "payload_too_large"};
    case errc::insufficient_points: return {S::unprocessable_entity, "insufficient_points"};
    case errc::idempotency_key_reuse: return {S::unprocessable_entity, "idempotency_key_reuse"};
    case errc::denomination_invalid: return {S::unprocessable_entity, "denomination_invalid"};
    case errc::product_unavailable: return {S::unprocessable_entity, "product_unavailable"};
    case errc::rate_limited: return {S::too_many_requests, "rate_limited"};
    case errc::fx_unavailable: return {S::service_unavailable, "fx_unavailable"};
    case errc::unavailable: return {S::service_unavailable, "unavailable"};
  }
  return {S::internal_server_error, "internal"};
}

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "rgw.api"; }
  std::string message(int ev) const override { return info(static_cast<errc>(ev)).code; }
};

}  // namespace

const boost::system::error_category& api_category() noexcept {
  static const category instance;
  return instance;
}

http::Problem to_problem(errc code, std::string detail) {
  const auto i = info(code);
  return {i.status, i.code, std::move(detail)};
}

}  // namespace rgw::api
