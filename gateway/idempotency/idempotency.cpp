#include "gateway/idempotency/idempotency.hpp"

#include "gateway/core/digest.hpp"

namespace rgw::idempotency {
namespace {

// Claims keys, one row per key in the order given (`n`, from 1); the keys are distinct. The transaction-scoped
// advisory lock turns "someone else holds this key" into an immediate answer instead of a wait on the unique
// index. An expired key (past keep_for) is taken over as new.
const pg::Query claim_keys{
    "idem_claim",
    "WITH lock AS (SELECT r.*, pg_try_advisory_xact_lock(hashtextextended(r.program_id || chr(31) || r.idem_key, 7260311)) AS got"
    "              FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[]) WITH ORDINALITY"
    "                AS r(program_id, idem_key, fingerprint, keep_hours, marker, n)),"
    " fresh AS ("
    "  INSERT INTO idempotency_keys (program_id, idem_key, fingerprint, expires_at, response_body)"
    "  SELECT program_id, idem_key, fingerprint, now() + make_interval(hours => keep_hours), marker FROM lock WHERE got"
    "  ON CONFLICT (program_id, idem_key) DO UPDATE"
    "    SET fingerprint = EXCLUDED.fingerprint, response_status = NULL, response_body = EXCLUDED.response_body,"
    "        created_at = now(), expires_at = EXCLUDED.expires_at"
    "    WHERE idempotency_keys.expires_at < now()"
    "  RETURNING program_id, idem_key)"
    " SELECT lock.n, lock.got, fresh.idem_key IS NOT NULL AS claimed, k.fingerprint, k.response_status, k.response_body"
    " FROM lock LEFT JOIN fresh ON fresh.program_id = lock.program_id AND fresh.idem_key = lock.idem_key"
    "  LEFT JOIN idempotency_keys k ON k.program_id = lock.program_id AND k.idem_key = lock.idem_key"
    " ORDER BY lock.n"};

const pg::Query remember_response{
    "idem_remember",
    "UPDATE idempotency_keys SET response_status = $3::int, response_body = $4 WHERE program_id = $1 AND idem_key = $2"};

}  // namespace

std::string fingerprint(std::string_view method, std::string_view path, std::string_view canonical_body) {
  std::string material;
  material.append(method).append(1, '\n').append(path).append(1, '\n').append(canonical_body);
  return crypto::sha256_hex(material);
}

pg::Statement claim_statement(std::span<const ClaimRequest> requests) {
  std::vector<std::string> programs, keys, fingerprints, hours;
  std::vector<pg::Param> markers;
  for (auto* column : {&programs, &keys, &fingerprints, &hours}) column->reserve(requests.size());
  markers.reserve(requests.size());
  for (const auto& r : requests) {
    programs.push_back(r.program_id);
    keys.push_back(r.key);
    fingerprints.push_back(r.fingerprint);
    hours.push_back(std::to_string(r.keep_for.count()));
    markers.push_back(r.marker);
  }
  return pg::statement(claim_keys, programs, keys, fingerprints, hours, markers);
}

Claim claim_from(const pg::Row& row, const std::string& fingerprint) {
  if (!row.boolean("got")) return Claim{claim_state::in_progress, 0, {}};
  if (row.boolean("claimed")) return Claim{claim_state::claimed, 0, {}};
  // The row was committed by a request that finished after this statement's snapshot began: it is not
  // visible yet, but asking again will see it. (Or it is another request's claim in this same transaction.)
  if (row.is_null("fingerprint") || row.is_null("response_status")) return Claim{claim_state::in_progress, 0, {}};
  if (row.text("fingerprint") != fingerprint) return Claim{claim_state::reuse, 0, {}};
  return Claim{claim_state::replay, static_cast<unsigned>(row.int64("response_status")), std::string(row.text("response_body"))};
}

boost::asio::awaitable<Claim> claim(pg::Transaction& tx, const std::string& program_id, const std::string& key,
                                    const std::string& fingerprint, std::chrono::hours keep_for) {
  const ClaimRequest one{program_id, key, fingerprint, keep_for, std::nullopt};
  auto rows = co_await tx.exec(claim_statement(std::span(&one, 1)));
  co_return claim_from(rows.front(), fingerprint);
}

pg::Statement remember(const std::string& program_id, const std::string& key, unsigned status, const std::string& body) {
  return pg::statement(remember_response, program_id, key, status, body);
}

}  // namespace rgw::idempotency
