#pragma once
// What a route handler gets: the request, its path parameters, the caller, this shard's database pool, accept
// batcher and pricing reads, and the process's services (api/services.hpp, included by the routes that use them).
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fx/money.hpp"
#include "gateway/accounts/keys.hpp"
#include "gateway/audit/audit.hpp"
#include "gateway/api/errc.hpp"
#include "gateway/api/settings.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/json.hpp"
#include "gateway/idempotency/idempotency.hpp"
#include "gateway/net/message.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::pricing {
struct Sources;
}
namespace rgw::catalog {
struct Product;
}
namespace rgw::redemptions {
class AcceptBatcher;
}
namespace rgw::ledger {
class PricingReads;
}

namespace rgw::api {

struct Services;
class Input;

struct Call {
  http::Request& request;
  const std::string& request_id;  // ours, unique: logged and audited
  const std::optional<std::string>& client_request_id;  // the client's X-Request-Id (echoed back), when usable
  std::vector<std::string> params;  // "{name}" path segments, in order
  const auth::Principal& principal;  // the request's, kept by Api::handle until the answer is sent
  pg::Pool& db;
  redemptions::AcceptBatcher& accepts;  // this shard's group commit for redemptions
  ledger::PricingReads& pricing_reads;   // this shard's reads of accounts for pricing, many per statement
  const Services& services;
  const Settings& settings;

  // The caller's program; program-scoped routes are never open to the bootstrap key.
  const std::string& program() const { return principal.program_id; }
  ProgramId program_id() const { return ProgramId(principal.program_id); }
  // Whether the caller may see `account_id`'s resources: a member its own account's only, a key all of its
  // program's (the program itself is checked by every query).
  bool sees(std::string_view account_id) const { return !principal.account_id || *principal.account_id == account_id; }
  // Where this shard's prices come from.
  pricing::Sources pricing() const;
  // Why no route of `product` would take an order of `face` now, as this process's providers know it
  // (providers/registry.hpp); nullopt when one would.
  std::optional<std::string> unavailable(const catalog::Product& product, const fx::Money& face) const;
};

// The audit row of an action this call takes on `target`: who (key, role, program), why, and our request id.
audit::Entry audit_entry(const Call& call, std::string action, std::string target, std::optional<std::string> reason,
                         nlohmann::json detail = nullptr);

// Personal data in an answer (docs/privacy.md): finance and ops see it masked; a read of it in clear is written to
// the audit log (action personal_data.read, the fields in `detail`).
bool masks_personal_data(const Call& call);
boost::asio::awaitable<void> audit_personal_read(const Call& call, std::string target, std::vector<std::string> fields);

http::Response json_response(http::Status status, const nlohmann::json& body);
// A strong ETag for a body: the first 128 bits of its SHA-256, quoted.
std::string etag_of(std::string_view body);
// `body` with its ETag (sent from where it is kept, not copied), or 304 (ETag only) when the client's If-None-Match
// names this version.
http::Reply conditional(const http::Request& request, std::shared_ptr<const std::string> body, const std::string& etag, std::string_view content_type);

// 422 product_unavailable when no route of product `sku` would take an order of `face` now (Call::unavailable);
// nullopt when one would, or there is no such product (the pricing answers that).
boost::asio::awaitable<std::optional<http::Response>> unavailable_refusal(const Call& call, const std::string& sku, const fx::Money& face);

// The request's Idempotency-Key: exactly one header of 1-255 printable ASCII characters, else a problem in `in`.
std::string idempotency_key(const http::Request& request, Input& in);
// What makes two requests with one key "the same" (idempotency::fingerprint of this request).
std::string request_fingerprint(const Call& call, const nlohmann::json& body);
// The answer to a request whose key is not its own to use: the stored response (replay), or the refusal (in
// progress, reused with another request).
http::Response answer_refused_claim(idempotency::Claim claim);
// Claims the key in `tx` for this request. Returns the response to send instead of doing the work (a replay, or
// the refusal of reuse and in-progress, both after rolling `tx` back), or nullopt: go ahead, then remember()
// before commit, or roll back explicitly before refusing.
boost::asio::awaitable<std::optional<http::Response>> claim_idempotency(Call& call, pg::Transaction& tx, const std::string& key,
                                                                        const nlohmann::json& body);

}  // namespace rgw::api
