#include "gateway/api/call.hpp"

#include "gateway/api/input.hpp"
#include "gateway/api/services.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/pricing/offer.hpp"

namespace rgw::api {

pricing::Sources Call::pricing() const { return {db, *services.catalog, pricing_reads, *services.rates}; }

std::optional<std::string> Call::unavailable(const catalog::Product& product, const fx::Money& face) const {
  std::vector<providers::Registry::Route> routes;
  for (const auto& route : product.routes) routes.push_back({route.provider, route.provider_sku});
  return services.providers->current()->unavailable(routes, face);
}

boost::asio::awaitable<std::optional<http::Response>> unavailable_refusal(const Call& call, const std::string& sku, const fx::Money& face) {
  const auto snapshot = co_await call.services.catalog->get(call.db, call.program());
  const auto* product = snapshot->find(sku);
  if (!product) co_return std::nullopt;
  auto why = call.unavailable(*product, face);
  if (!why) co_return std::nullopt;
  co_return refusal(errc::product_unavailable, "no provider would take this order now: " + *why);
}

audit::Entry audit_entry(const Call& call, std::string action, std::string target, std::optional<std::string> reason, nlohmann::json detail) {
  if (call.principal.bootstrap)  // no program, no key row: named as what it is
    return {std::move(action), std::nullopt, "bootstrap", "bootstrap", std::move(target), std::move(reason), call.request_id, std::move(detail)};
  return {std::move(action), call.principal.program_id, call.principal.key_id, std::string(auth::role_name(call.principal.role)), std::move(target),
          std::move(reason), call.request_id, std::move(detail)};
}

bool masks_personal_data(const Call& call) { return call.principal.role == auth::Role::finance || call.principal.role == auth::Role::ops; }

boost::asio::awaitable<void> audit_personal_read(const Call& call, std::string target, std::vector<std::string> fields) {
  const nlohmann::json detail = {{"fields", std::move(fields)}};  // named: no braced temporaries in a co_await (GCC 12)
  const auto entry = audit_entry(call, "personal_data.read", std::move(target), std::nullopt, detail);
  co_await call.db.exec(audit::record(entry));
}

std::string etag_of(std::string_view body) { return "\"" + crypto::sha256_hex(body).substr(0, 32) + "\""; }

http::Reply conditional(const http::Request& request, std::shared_ptr<const std::string> body, const std::string& etag, std::string_view content_type) {
  const bool unchanged = request[http::beast::http::field::if_none_match] == etag;
  http::Response head{unchanged ? http::Status::not_modified : http::Status::ok, 11};
  head.set(http::beast::http::field::etag, etag);
  if (unchanged) return head;
  head.set(http::beast::http::field::content_type, content_type);
  return {std::move(head), std::move(body)};
}

http::Response json_response(http::Status status, const nlohmann::json& body) {
  return http::make_response(status, http::to_text(body), "application/json");
}

std::string idempotency_key(const http::Request& request, Input& in) {
  constexpr std::string_view field = "Idempotency-Key";
  if (request.count(field) != 1) {
    in.refuse(errc::idempotency_key_required, "send exactly one Idempotency-Key header");
    return "";
  }
  const std::string key(request[field]);
  const bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (key.empty() || key.size() > 255 || !printable)
    in.refuse(errc::idempotency_key_required, "Idempotency-Key must be 1 to 255 printable ASCII characters");
  return key;
}

std::string request_fingerprint(const Call& call, const nlohmann::json& body) {
  const std::string path(call.request.target().substr(0, call.request.target().find('?')));
  return idempotency::fingerprint(call.request.method_string(), path, body.dump());
}

boost::asio::awaitable<std::optional<http::Response>> claim_idempotency(Call& call, pg::Transaction& tx, const std::string& key,
                                                                        const nlohmann::json& body) {
  auto claim = co_await idempotency::claim(tx, call.program(), key, request_fingerprint(call, body), call.settings.idempotency_ttl);
  // Not ours to do: let go of the key's lock before answering, or a request right behind would see it held.
  if (claim.state != idempotency::claim_state::claimed) co_await tx.rollback();
  if (claim.state == idempotency::claim_state::claimed) co_return std::nullopt;
  co_return answer_refused_claim(std::move(claim));
}

http::Response answer_refused_claim(idempotency::Claim claim) {
  switch (claim.state) {
    case idempotency::claim_state::claimed:
      throw std::logic_error("a claimed key is not refused");
    case idempotency::claim_state::in_progress:
      return refusal(errc::idempotency_in_progress, "a request with this Idempotency-Key is still being processed");
    case idempotency::claim_state::reuse:
      return refusal(errc::idempotency_key_reuse, "this Idempotency-Key was used with a different request");
    case idempotency::claim_state::replay:
      break;
  }
  auto response = http::make_response(static_cast<http::Status>(claim.status), std::move(claim.body), "application/json");
  response.set("Idempotent-Replayed", "true");
  return response;
}

}  // namespace rgw::api
