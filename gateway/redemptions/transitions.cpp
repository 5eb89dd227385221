#include "gateway/redemptions/transitions.hpp"

#include <stdexcept>

namespace rgw::redemptions {
namespace {

#define RGW_LEASE_HELD "EXISTS (SELECT 1 FROM dispatch_jobs WHERE redemption_id = $1 AND lease_token = $2::bigint)"

const pg::Query start_call{
    "redemptions_begin_call",
    "WITH moved AS (UPDATE redemptions SET status = $4, provider = $5, attempts = attempts + 1, updated_at = now()"
    "               WHERE id = $1 AND status = $3 AND " RGW_LEASE_HELD " RETURNING id)"
    " INSERT INTO dispatch_attempts (redemption_id, provider, call, worker) SELECT id, $5, $6, $7 FROM moved RETURNING id"};

const pg::Query move_order{
    "redemptions_move",
    "UPDATE redemptions SET status = $4, updated_at = now(),"
    "       failed_providers = CASE WHEN $5::text IS NULL THEN failed_providers ELSE array_append(failed_providers, $5::text) END,"
    "       provider_ref = coalesce($6, provider_ref), reward_sealed = coalesce($7, reward_sealed),"
    "       reward_key_id = coalesce($8, reward_key_id), reward_masked = coalesce($9::jsonb, reward_masked),"
    "       issued_at = CASE WHEN $4 = 'issued' THEN now() ELSE issued_at END, failure_code = $10, failure_detail = $11,"
    "       cost_amount = coalesce($12::numeric, cost_amount), cost_currency = coalesce($13, cost_currency),"
    "       cost_fee = coalesce($14::numeric, cost_fee), cost_discount = coalesce($15::numeric, cost_discount)"
    " WHERE id = $1 AND status = $3 AND " RGW_LEASE_HELD
    " RETURNING program_id, account_id, sku, face_amount::text AS face_amount, face_currency, points, provider, attempts,"
    "           rgw_ts(updated_at) AS updated_at, rgw_ts(issued_at) AS issued_at"};

const pg::Query hold_before_call{
    "redemptions_hold",
    "UPDATE redemptions SET status = 'retrying', updated_at = now() WHERE id = $1 AND status = 'accepted' AND " RGW_LEASE_HELD};

#undef RGW_LEASE_HELD

}  // namespace

void require_move(Status from, Status to) {
  // Staying in a non-final status (asking again, waiting again) moves nothing.
  if (from == to && !is_final(from)) return;
  if (!can_move(from, to))
    throw std::logic_error("illegal status move " + std::string(status_name(from)) + " -> " + std::string(status_name(to)));
}

pg::Statement begin_call_statement(const Lease& lease, Status from, Status to, const std::string& provider, std::string_view call,
                                   const std::string& worker) {
  require_move(from, to);
  return pg::statement(start_call, lease.redemption_id, lease.token, status_name(from), status_name(to), provider, call, worker);
}

pg::Statement move_statement(const Lease& lease, Status from, Status to, const Outcome& o) {
  require_move(from, to);
  std::optional<std::string> sealed, key_id, masked, cost, cost_currency, fee, discount;
  if (o.cost) {
    cost = o.cost->charged.amount_string();
    cost_currency = std::string(o.cost->charged.currency().code());
    if (o.cost->fee) fee = o.cost->fee->amount_string();
    if (o.cost->discount) discount = o.cost->discount->amount_string();
  }
  if (o.reward) {
    sealed = o.reward->sealed.blob;
    key_id = o.reward->sealed.key_id;
    masked = o.reward->masked_json;
  }
  return pg::statement(move_order, lease.redemption_id, lease.token, status_name(from), status_name(to), o.failed_provider, o.provider_ref,
                       sealed, key_id, masked, o.failure_code, o.failure_detail, cost, cost_currency, fee, discount);
}

pg::Statement hold_statement(const Lease& lease) {
  require_move(Status::accepted, Status::retrying);
  return pg::statement(hold_before_call, lease.redemption_id, lease.token);
}

}  // namespace rgw::redemptions
