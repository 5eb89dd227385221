#pragma once
// The Idempotency-Key mechanism for POSTs (IETF draft "The Idempotency-Key HTTP Header Field"): within the
// request's own transaction the key is claimed, the work done, and the response stored, so a key's response
// exists exactly when its work was committed.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <span>
#include <string>

#include "gateway/pg/pool.hpp"

namespace rgw::idempotency {

enum class claim_state {
  claimed,      // first use: do the work, then remember() the response in the same transaction
  replay,       // done before with the same request: answer the stored response
  reuse,        // done before with a different request: 422 idempotency_key_reuse
  in_progress,  // another request with this key is running now: 409 idempotency_in_progress
};

struct Claim {
  claim_state state;
  unsigned status = 0;  // the stored response, for replay
  std::string body;
};

// Fingerprint of what makes two requests "the same": method, path and the canonical (re-serialised) body.
std::string fingerprint(std::string_view method, std::string_view path, std::string_view canonical_body);

// Claims as a statement, for callers that pipeline them with their work (the redemption batches): `marker`,
// stored as the response body while the claim is open, lets later statements of the same transaction check
// "this claim is mine" in SQL.
struct ClaimRequest {
  std::string program_id, key, fingerprint;
  std::chrono::hours keep_for;
  std::optional<std::string> marker;
};
// One row per request, in their order; the (program, key) pairs must be distinct. claim_from() reads a row.
pg::Statement claim_statement(std::span<const ClaimRequest> requests);
Claim claim_from(const pg::Row& row, const std::string& fingerprint);

// Never waits on a concurrent holder of the key: that is reported as in_progress.
boost::asio::awaitable<Claim> claim(pg::Transaction& tx, const std::string& program_id, const std::string& key,
                                    const std::string& fingerprint, std::chrono::hours keep_for);

// The statement that stores the response; send it with the transaction's commit.
pg::Statement remember(const std::string& program_id, const std::string& key, unsigned status, const std::string& body);

}  // namespace rgw::idempotency
