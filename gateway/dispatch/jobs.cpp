#include "gateway/dispatch/jobs.hpp"

#include "gateway/core/ids.hpp"
#include "gateway/webhooks/outbox.hpp"

namespace rgw::dispatch {
namespace {

const pg::Query claim_due{
    "dispatch_claim",
    "UPDATE dispatch_jobs j SET lease_token = nextval('dispatch_lease_tokens'), lease_owner = $1,"
    "       lease_until = now() + make_interval(secs => $3::int), due_at = now() + make_interval(secs => $3::int)"
    " FROM (SELECT redemption_id FROM dispatch_jobs WHERE due_at <= now() ORDER BY due_at LIMIT $2::int FOR UPDATE SKIP LOCKED) due"
    " WHERE j.redemption_id = due.redemption_id"
    " RETURNING j.redemption_id, j.lease_token"};

const pg::Query load_order{
    "dispatch_load",
    "SELECT r.id, r.program_id, r.sku, r.provider_key, r.status, r.face_amount::text AS face_amount, r.face_currency, r.provider,"
    "       array_to_string(r.failed_providers, ',') AS failed_providers, r.recipient->>'email' AS recipient_email,"
    "       r.recipient->>'name' AS recipient_name, (extract(epoch FROM r.created_at) * 1000)::bigint AS created_ms, j.tries"
    " FROM dispatch_jobs j JOIN redemptions r ON r.id = j.redemption_id WHERE j.redemption_id = $1 AND j.lease_token = $2::bigint"};

#define RGW_LEASE_HELD "EXISTS (SELECT 1 FROM dispatch_jobs WHERE redemption_id = $1 AND lease_token = $2::bigint)"

const pg::Query start_call{
    "dispatch_begin_call",
    "WITH moved AS (UPDATE redemptions SET status = $4, provider = $5, attempts = attempts + 1, updated_at = now()"
    "               WHERE id = $1 AND status = $3 AND " RGW_LEASE_HELD " RETURNING id)"
    " INSERT INTO dispatch_attempts (redemption_id, provider, call, worker) SELECT id, $5, $6, $7 FROM moved RETURNING id"};

const pg::Query move_order{
    "dispatch_move",
    "UPDATE redemptions SET status = $4, updated_at = now(),"
    "       failed_providers = CASE WHEN $5::text IS NULL THEN failed_providers ELSE array_append(failed_providers, $5::text) END,"
    "       provider_ref = coalesce($6, provider_ref), reward_sealed = coalesce($7, reward_sealed),"
    "       reward_key_id = coalesce($8, reward_key_id), reward_masked = coalesce($9::jsonb, reward_masked),"
    "       issued_at = CASE WHEN $4 = 'issued' THEN now() ELSE issued_at END, failure_code = $10, failure_detail = $11"
    " WHERE id = $1 AND status = $3 AND " RGW_LEASE_HELD
    " RETURNING program_id, account_id, sku, face_amount::text AS face_amount, face_currency, points, provider, attempts,"
    "           rgw_ts(updated_at) AS updated_at, rgw_ts(issued_at) AS issued_at"};

const pg::Query record_call{
    "dispatch_record_call",
    "UPDATE dispatch_attempts SET finished_at = now(), outcome = $2, latency_ms = $3::int, error = $4 WHERE id = $1::bigint"};

const pg::Query reschedule{
    "dispatch_reschedule",
    "UPDATE dispatch_jobs SET due_at = now() + $3::bigint * interval '1 millisecond', tries = tries + $4::int, reason = $5,"
    "       lease_token = NULL, lease_owner = NULL, lease_until = NULL"
    " WHERE redemption_id = $1 AND lease_token = $2::bigint"};

// Waiting before any call (funds short at the provider) shows as `retrying`, so the cabinet sees it is held up.
const pg::Query hold_before_call{
    "dispatch_hold",
    "UPDATE redemptions SET status = 'retrying', updated_at = now() WHERE id = $1 AND status = 'accepted' AND " RGW_LEASE_HELD};

#undef RGW_LEASE_HELD

const pg::Query drop_job{"dispatch_drop_job", "DELETE FROM dispatch_jobs WHERE redemption_id = $1"};

// The points go back to the account and to the lots they were taken from; the partial unique index on
// ledger_entries makes a second reversal of one redemption impossible even for a buggy caller.
const pg::Query reverse_points{
    "dispatch_reverse",
    "WITH r AS (SELECT program_id, account_id, points FROM redemptions WHERE id = $1),"
    " a AS (UPDATE accounts SET balance = balance + r.points FROM r WHERE accounts.id = r.account_id RETURNING accounts.balance),"
    " lots AS (UPDATE point_lots l SET remaining = l.remaining + rl.points FROM redemption_lots rl"
    "          WHERE rl.redemption_id = $1 AND l.id = rl.lot_id)"
    " INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, redemption_id, reason)"
    " SELECT $2, r.program_id, r.account_id, 'reversal', r.points, a.balance, $1, $3 FROM r, a"};

std::vector<std::string> split(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    out.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return out;
}

nlohmann::json event_data(const std::string& id, Status status, const pg::Row& r, const Move& move) {
  nlohmann::json failure = nullptr;
  if (status == Status::failed) failure = {{"code", move.failure_code}, {"detail", move.reason}};
  return {{"id", id},
          {"status", redemptions::status_name(status)},
          {"account_id", r.text("account_id")},
          {"sku", r.text("sku")},
          {"face_value", {{"amount", r.text("face_amount")}, {"currency", r.text("face_currency")}}},
          {"points", r.int64("points")},
          {"provider", r.optional_string("provider") ? nlohmann::json(*r.optional_string("provider")) : nlohmann::json(nullptr)},
          {"attempts", r.int64("attempts")},
          {"reward", move.reward ? nlohmann::json::parse(move.reward->masked_json) : nlohmann::json(nullptr)},
          {"failure", failure},
          {"updated_at", r.text("updated_at")},
          {"issued_at", r.optional_string("issued_at") ? nlohmann::json(*r.optional_string("issued_at")) : nlohmann::json(nullptr)}};
}

}  // namespace

namespace jobs {

boost::asio::awaitable<std::vector<Claim>> claim(pg::Pool& db, const std::string& worker, std::size_t limit, std::chrono::seconds lease) {
  auto rows = co_await db.exec(pg::statement(claim_due, worker, limit, lease.count()));
  std::vector<Claim> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(Claim{std::string(rows[i].text("redemption_id")), rows[i].int64("lease_token")});
  co_return out;
}

boost::asio::awaitable<std::optional<Order>> load(pg::Pool& db, const Claim& c) {
  auto rows = co_await db.exec(pg::statement(load_order, c.redemption_id, c.token));
  if (rows.empty()) co_return std::nullopt;
  const auto& r = rows.front();
  Order o{std::string(r.text("id")),
          std::string(r.text("program_id")),
          std::string(r.text("sku")),
          std::string(r.text("provider_key")),
          redemptions::parse_status(r.text("status")).value(),
          fx::Money::parse(r.text("face_amount"), r.text("face_currency")).value(),
          r.optional_string("provider"),
          split(r.text("failed_providers")),
          r.optional_string("recipient_email"),
          r.optional_string("recipient_name"),
          std::chrono::system_clock::time_point(std::chrono::milliseconds(r.int64("created_ms"))),
          static_cast<int>(r.int64("tries"))};
  co_return o;
}

boost::asio::awaitable<std::optional<std::int64_t>> begin_call(pg::Pool& db, const Claim& c, Status from, Status to, const std::string& provider,
                                                               std::string_view call, const std::string& worker) {
  auto rows = co_await db.exec(pg::statement(start_call, c.redemption_id, c.token, redemptions::status_name(from), redemptions::status_name(to),
                                             provider, call, worker));
  if (rows.empty()) co_return std::nullopt;
  co_return rows.front().int64("id");
}

boost::asio::awaitable<bool> finish(pg::Pool& db, const Claim& c, Status from, const std::optional<CallRecord>& call, const Move& m) {
  auto tx = co_await pg::Transaction::begin(db);
  std::optional<std::string> sealed, key_id, masked;
  if (m.reward) {
    sealed = m.reward->sealed.blob;
    key_id = m.reward->sealed.key_id;
    masked = m.reward->masked_json;
  }
  const bool failed = m.to == Status::failed;
  std::optional<std::string> provider_ref, failure_code, failure_detail;
  if (!m.provider_ref.empty()) provider_ref = m.provider_ref;
  if (failed) {
    failure_code = m.failure_code;
    failure_detail = m.reason;
  }
  // Built outside the co_await: GCC 12 destroys temporaries of conditionals inside one twice.
  const auto move = pg::statement(move_order, c.redemption_id, c.token, redemptions::status_name(from), redemptions::status_name(m.to),
                                  m.failed_provider, provider_ref, sealed, key_id, masked, failure_code, failure_detail);
  auto moved = co_await tx.exec(move);
  if (moved.empty()) {
    co_await tx.rollback();
    co_return false;
  }
  std::vector<pg::Statement> writes;
  if (call)
    writes.push_back(pg::statement(record_call, call->attempt_id, providers::outcome_name(call->outcome), call->latency_ms, call->detail));
  if (redemptions::is_final(m.to)) {
    writes.push_back(pg::statement(drop_job, c.redemption_id));
    if (failed) writes.push_back(pg::statement(reverse_points, c.redemption_id, new_id("led"), "redemption failed: " + m.failure_code));
    const auto& row = moved.front();
    writes.push_back(webhooks::enqueue(std::string(row.text("program_id")), c.redemption_id,
                                       failed ? "redemption.failed" : "redemption.issued", event_data(c.redemption_id, m.to, row, m)));
  } else {
    writes.push_back(pg::statement(reschedule, c.redemption_id, c.token, m.due_in.count(), call ? 1 : 0, m.reason));
  }
  co_await tx.commit(std::move(writes));
  co_return true;
}

boost::asio::awaitable<void> postpone(pg::Pool& db, const Claim& c, std::chrono::milliseconds due_in, const std::string& reason) {
  co_await db.exec(pg::statement(reschedule, c.redemption_id, c.token, due_in.count(), 0, reason));
}

boost::asio::awaitable<void> hold(pg::Pool& db, const Claim& c, std::chrono::milliseconds due_in, const std::string& reason) {
  const std::vector<pg::Statement> writes{pg::statement(hold_before_call, c.redemption_id, c.token),
                                          pg::statement(reschedule, c.redemption_id, c.token, due_in.count(), 0, reason)};
  co_await db.pipeline(writes);
}

}  // namespace jobs
}  // namespace rgw::dispatch
