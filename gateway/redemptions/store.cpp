#include "gateway/redemptions/store.hpp"

#include "gateway/idempotency/idempotency.hpp"
#include "gateway/core/ids.hpp"

namespace rgw::redemptions {
namespace {

// One request's accept inside a shared transaction (a batch): each statement acts only if the one before it
// succeeded for this request, so batched requests stay all-or-nothing each. The claim stores `marker` as the
// key's response body; "the claim is mine" is that marker still being there.
//
// The debit, the order, its ledger entry and its job are one statement: the balance check and the debit are
// one conditional update whose row lock serialises every change to the account's points; no row, no writes.
const pg::Query accept_order{
    "redemptions_accept",
    "WITH mine AS (SELECT 1 FROM idempotency_keys WHERE program_id = $2 AND idem_key = $19 AND response_status IS NULL AND response_body = $20),"
    " debit AS (UPDATE accounts SET balance = balance - $7::bigint"
    "           WHERE id = $3 AND program_id = $2 AND balance >= $7::bigint AND EXISTS (SELECT 1 FROM mine) RETURNING balance),"
    " made AS (INSERT INTO redemptions (id, program_id, account_id, sku, status, face_amount, face_currency, points, base_amount, base_currency,"
    "                                   mid_rate, applied_rate, markup_bps, tier_discount_bps, rates_source, rates_as_of, quote_id, provider_key,"
    "                                   recipient, created_at, updated_at)"
    "          SELECT $1, $2, $3, $4, 'accepted', $5::numeric, $6, $7::bigint, $8::numeric, $9, $10::numeric, $11::numeric, $12::int, $13::int,"
    "                 $14, $15::timestamptz, $16, $17, $18::jsonb, $21::timestamptz, $21::timestamptz FROM debit RETURNING id),"
    " entry AS (INSERT INTO ledger_entries (id, program_id, account_id, kind, points, balance_after, redemption_id, created_at)"
    "           SELECT $22, $2, $3, 'debit', -$7::bigint, debit.balance, $1, $21::timestamptz FROM debit)"
    " INSERT INTO dispatch_jobs (redemption_id) SELECT id FROM made RETURNING redemption_id"};

// A statement of its own, after the debit: in READ COMMITTED it reads the lots with a snapshot taken after the
// account lock was granted, so two debits never consume the same points. What it took is remembered for a reversal.
const pg::Query consume_lots{
    "redemptions_consume_lots",
    "WITH open AS (SELECT id, remaining, sum(remaining) OVER (ORDER BY expires_at NULLS LAST, id) AS running"
    "              FROM point_lots WHERE account_id = $1 AND remaining > 0 AND EXISTS (SELECT 1 FROM redemptions WHERE id = $3)),"
    " take AS (SELECT id, least(remaining, $2::bigint - (running - remaining)) AS amount FROM open WHERE running - remaining < $2::bigint),"
    " taken AS (UPDATE point_lots l SET remaining = l.remaining - take.amount FROM take WHERE l.id = take.id RETURNING l.id, take.amount)"
    " INSERT INTO redemption_lots (redemption_id, lot_id, points) SELECT $3, id, amount FROM taken"};

const pg::Query remember_accepted{
    "redemptions_remember",
    "UPDATE idempotency_keys SET response_status = 202, response_body = $4"
    " WHERE program_id = $1 AND idem_key = $2 AND response_body = $5 AND EXISTS (SELECT 1 FROM redemptions WHERE id = $3)"};

// Refused (short of points): the claim is let go, as if the request had never come.
const pg::Query release_claim{
    "redemptions_release_claim",
    "DELETE FROM idempotency_keys WHERE program_id = $1 AND idem_key = $2 AND response_status IS NULL AND response_body = $3"};

const pg::Query notify_dispatch{"redemptions_notify", "SELECT pg_notify('rgw_dispatch', '')"};

#define RGW_REDEMPTION_COLUMNS                                                                                                    \
  "SELECT seq, id, status, account_id, sku, face_amount::text AS face_amount, face_currency, points, applied_rate::text AS applied_rate," \
  "       mid_rate::text AS mid_rate, rgw_ts(rates_as_of) AS rates_as_of, rates_source, provider, provider_ref, attempts, failure_code,"  \
  "       failure_detail, rgw_ts(created_at) AS created_at, rgw_ts(updated_at) AS updated_at, rgw_ts(issued_at) AS issued_at,"           \
  "       reward_masked::text AS reward_masked, j.reason AS wait_reason, rgw_ts(j.due_at) AS next_attempt_at"                         \
  " FROM redemptions LEFT JOIN dispatch_jobs j ON j.redemption_id = redemptions.id "

const pg::Query select_redemption{"redemptions_select", RGW_REDEMPTION_COLUMNS "WHERE id = $1 AND program_id = $2"};

const pg::Query list_redemptions{
    "redemptions_list",
    RGW_REDEMPTION_COLUMNS
    "WHERE program_id = $1 AND ($2::text IS NULL OR account_id = $2) AND ($3::text IS NULL OR status = $3)"
    "  AND ($4::timestamptz IS NULL OR created_at >= $4::timestamptz) AND ($5::timestamptz IS NULL OR created_at < $5::timestamptz)"
    "  AND ($6::bigint IS NULL OR seq < $6::bigint)"
    " ORDER BY seq DESC LIMIT $7::int"};
#undef RGW_REDEMPTION_COLUMNS

const pg::Query select_sealed_reward{"redemptions_sealed_reward",
                                     "SELECT reward_key_id, reward_sealed FROM redemptions WHERE id = $1 AND program_id = $2"};

const pg::Query insert_reveal_audit{"redemptions_reveal_audit",
                                    "INSERT INTO reveal_audit (program_id, redemption_id, api_key_id, request_id, client_request_id) VALUES ($1, $2, $3, $4, $5)"};

Redemption redemption_from(const pg::Row& r) {
  return Redemption{std::string(r.text("id")),
                       std::string(r.text("status")),
                       std::string(r.text("account_id")),
                       std::string(r.text("sku")),
                       fx::Money::parse(r.text("face_amount"), r.text("face_currency")).value(),
                       r.int64("points"),
                       std::string(r.text("applied_rate")),
                       std::string(r.text("mid_rate")),
                       std::string(r.text("rates_as_of")),
                       std::string(r.text("rates_source")),
                       r.optional_string("provider"),
                       r.optional_string("provider_ref"),
                       r.int64("attempts"),
                       r.optional_string("failure_code"),
                       r.optional_string("failure_detail"),
                       std::string(r.text("created_at")),
                       std::string(r.text("updated_at")),
                       r.optional_string("issued_at"),
                       r.optional_string("reward_masked"),
                       r.optional_string("wait_reason"),
                       r.optional_string("next_attempt_at")};
}

}  // namespace

std::vector<pg::Statement> accept_statements(const AcceptWork& w) {
  const auto& t = w.order.terms;
  const auto points = t.price.points;
  const auto marker = "pending:" + w.id;
  std::vector<pg::Statement> out;
  out.push_back(idempotency::claim_statement(w.program_id, w.idempotency_key, w.fingerprint, w.keep_for, marker));
  out.push_back(pg::statement(accept_order, w.id, w.program_id, t.account_id, t.sku, t.face.amount_string(), t.face.currency().code(), points,
                              t.price.base_value.amount_string(), t.price.base_value.currency().code(), t.price.mid_rate.to_string(),
                              t.price.applied_rate.to_string(), t.markup_bps, t.tier_discount_bps, t.rates_source, t.rates_as_of, w.order.quote_id,
                              new_id("rgw"), w.order.recipient_json, w.idempotency_key, marker, w.created_at, new_id("led")));
  out.push_back(pg::statement(consume_lots, t.account_id, points, w.id));
  out.push_back(pg::statement(remember_accepted, w.program_id, w.idempotency_key, w.id, w.response_body, marker));
  out.push_back(pg::statement(release_claim, w.program_id, w.idempotency_key, marker));
  return out;
}

AcceptResult accept_result(std::span<const pg::Result> results, const AcceptWork& w) {
  return AcceptResult{idempotency::claim_from(results[0], w.fingerprint), !results[1].empty()};
}

pg::Statement wake_dispatchers() { return pg::statement(notify_dispatch); }

boost::asio::awaitable<std::optional<SealedReward>> reveal(pg::Pool& db, const std::string& program_id, const std::string& id,
                                                          const std::string& api_key_id, const std::string& request_id,
                                                          const std::optional<std::string>& client_request_id) {
  auto tx = co_await pg::Transaction::begin(db);
  auto rows = co_await tx.exec(pg::statement(select_sealed_reward, id, program_id));
  if (rows.empty()) {
    co_await tx.rollback();
    co_return std::nullopt;
  }
  SealedReward sealed{rows.front().optional_string("reward_key_id"), rows.front().optional_string("reward_sealed")};
  std::vector<pg::Statement> audit;
  if (sealed.blob) audit.push_back(pg::statement(insert_reveal_audit, program_id, id, api_key_id, request_id, client_request_id));
  co_await tx.commit(std::move(audit));
  co_return sealed;
}

boost::asio::awaitable<std::optional<Redemption>> find(pg::Pool& db, const std::string& program_id, const std::string& id) {
  auto rows = co_await db.exec(pg::statement(select_redemption, id, program_id));
  if (rows.empty()) co_return std::nullopt;
  co_return redemption_from(rows.front());
}

boost::asio::awaitable<Page> list(pg::Pool& db, const std::string& program_id, const Filter& f) {
  auto rows = co_await db.exec(pg::statement(list_redemptions, program_id, f.account_id, f.status, f.from, f.to, f.before, f.limit + 1));
  Page page;
  for (int i = 0; i < rows.size() && i < f.limit; ++i) page.items.push_back(redemption_from(rows[i]));
  if (rows.size() > f.limit) page.next_before = rows[f.limit - 1].int64("seq");
  co_return page;
}

}  // namespace rgw::redemptions
