#include "gateway/dispatch/jobs.hpp"

#include "gateway/accounts/ledger.hpp"
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
    "       array_to_string(r.failed_providers, ',') AS failed_providers, (extract(epoch FROM r.created_at) * 1000)::bigint AS created_ms,"
    "       j.tries," RGW_RECIPIENT_COLUMNS
    " FROM dispatch_jobs j JOIN redemptions r ON r.id = j.redemption_id WHERE j.redemption_id = $1 AND j.lease_token = $2::bigint"};

const pg::Query record_call{
    "dispatch_record_call",
    "UPDATE dispatch_attempts SET finished_at = now(), outcome = $2, latency_ms = $3::int, error = $4 WHERE id = $1::bigint"};

const pg::Query reschedule{
    "dispatch_reschedule",
    "UPDATE dispatch_jobs SET due_at = now() + $3::bigint * interval '1 millisecond', tries = tries + $4::int, reason = $5,"
    "       lease_token = NULL, lease_owner = NULL, lease_until = NULL"
    " WHERE redemption_id = $1 AND lease_token = $2::bigint"};

const pg::Query drop_job{"dispatch_drop_job", "DELETE FROM dispatch_jobs WHERE redemption_id = $1"};

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
          redemptions::sealed_recipient(r),
          std::chrono::system_clock::time_point(std::chrono::milliseconds(r.int64("created_ms"))),
          static_cast<int>(r.int64("tries"))};
  co_return o;
}

boost::asio::awaitable<std::optional<std::int64_t>> begin_call(pg::Pool& db, const Claim& c, Status from, Status to, const std::string& provider,
                                                               std::string_view call, const std::string& worker) {
  auto rows = co_await db.exec(redemptions::begin_call_statement(c, from, to, provider, call, worker));
  if (rows.empty()) co_return std::nullopt;
  co_return rows.front().int64("id");
}

boost::asio::awaitable<bool> finish(pg::Pool& db, const Claim& c, Status from, const std::optional<CallRecord>& call, const Move& m) {
  auto tx = co_await pg::Transaction::begin(db);
  const bool failed = m.to == Status::failed;
  redemptions::Outcome outcome;
  outcome.failed_provider = m.failed_provider;
  if (!m.provider_ref.empty()) outcome.provider_ref = m.provider_ref;
  outcome.reward = m.reward;
  outcome.cost = m.cost;
  if (failed) {
    outcome.failure_code = m.failure_code;
    outcome.failure_detail = m.reason;
  }
  // Built outside the co_await: GCC 12 destroys temporaries of conditionals inside one twice.
  const auto move = redemptions::move_statement(c, from, m.to, outcome);
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
    if (failed) writes.push_back(ledger::reversal_statement(RedemptionId(c.redemption_id), "redemption failed: " + m.failure_code));
    const auto& row = moved.front();
    writes.push_back(webhooks::enqueue(std::string(row.text("program_id")), c.redemption_id,
                                       failed ? "redemption.failed" : "redemption.issued", event_data(c.redemption_id, m.to, row, m)));
  } else {
    writes.push_back(pg::statement(reschedule, c.redemption_id, c.token, m.due_in.count(), call ? 1 : 0, m.reason));
  }
  writes.insert(writes.end(), m.also.begin(), m.also.end());
  co_await tx.commit(std::move(writes));
  co_return true;
}

boost::asio::awaitable<void> postpone(pg::Pool& db, const Claim& c, std::chrono::milliseconds due_in, const std::string& reason) {
  co_await db.exec(pg::statement(reschedule, c.redemption_id, c.token, due_in.count(), 0, reason));
}

boost::asio::awaitable<void> hold(pg::Pool& db, const Claim& c, std::chrono::milliseconds due_in, const std::string& reason) {
  const std::vector<pg::Statement> writes{redemptions::hold_statement(c),
                                          pg::statement(reschedule, c.redemption_id, c.token, due_in.count(), 0, reason)};
  co_await db.pipeline(writes);
}

}  // namespace jobs
}  // namespace rgw::dispatch
