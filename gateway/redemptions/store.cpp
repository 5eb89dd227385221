#include "gateway/redemptions/store.hpp"

#include <nlohmann/json.hpp>

#include "gateway/accounts/ledger.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/idempotency/idempotency.hpp"

namespace rgw::redemptions {
namespace {

// One request's accept inside a shared transaction (a batch): each statement acts only if the one before it
// succeeded for this request, so batched requests stay all-or-nothing each. The claim stores `marker` as the
// key's response body; "the claim is mine" is that marker still being there.
//
// The order and its job, if the claim is mine, the account is active and its spendable points cover the order.
// Runs after ledger::lock_statement locked the account row, so its snapshot sees every earlier change to the
// account's lots and balance, and the debit that follows (ledger::debit_statement) cannot find them short. The
// order travels as one JSON object whose member names are the columns.
const pg::Query accept_order{
    "redemptions_accept",
    "WITH o AS (SELECT * FROM jsonb_populate_record(NULL::redemptions, $1::jsonb)),"
    " mine AS (SELECT 1 FROM idempotency_keys WHERE program_id = $2 AND idem_key = $3 AND response_status IS NULL AND response_body = $4),"
    " funded AS (SELECT 1 FROM accounts JOIN o ON accounts.id = o.account_id AND accounts.program_id = o.program_id"
    "            WHERE accounts.status = 'active' AND accounts.balance - rgw_lapsed_points(accounts.id) >= o.points"
    "              AND EXISTS (SELECT 1 FROM mine)),"
    " made AS (INSERT INTO redemptions (id, program_id, account_id, sku, status, face_amount, face_currency, points, base_amount, base_currency,"
    "                                   mid_rate, applied_rate, markup_bps, tier_discount_bps, rates_source, rates_as_of, quote_id, provider_key,"
    "                                   recipient_sealed, created_at, updated_at)"
    "          SELECT id, program_id, account_id, sku, 'accepted', face_amount, face_currency, points, base_amount, base_currency, mid_rate,"
    "                 applied_rate, markup_bps, tier_discount_bps, rates_source, rates_as_of, quote_id, provider_key, recipient_sealed, created_at, created_at"
    "          FROM o WHERE EXISTS (SELECT 1 FROM funded) RETURNING id)"
    " INSERT INTO dispatch_jobs (redemption_id) SELECT id FROM made RETURNING redemption_id"};

const pg::Query remember_accepted{
    "redemptions_remember",
    "UPDATE idempotency_keys SET response_status = 202, response_body = $4"
    " WHERE program_id = $1 AND idem_key = $2 AND response_body = $5 AND EXISTS (SELECT 1 FROM redemptions WHERE id = $3)"};

// Refused (short of points, blocked or erased): the claim is let go, as if the request had never come.
const pg::Query release_claim{
    "redemptions_release_claim",
    "DELETE FROM idempotency_keys WHERE program_id = $1 AND idem_key = $2 AND response_status IS NULL AND response_body = $3"};

const pg::Query notify_dispatch{"redemptions_notify", "SELECT pg_notify('rgw_dispatch', '')"};

#define RGW_REDEMPTION_COLUMNS                                                                                                    \
  "SELECT seq, id, status, account_id, sku, face_amount::text AS face_amount, face_currency, points, applied_rate::text AS applied_rate," \
  "       mid_rate::text AS mid_rate, rgw_ts(rates_as_of) AS rates_as_of, rates_source, provider, provider_ref, attempts, failure_code,"  \
  "       failure_detail, rgw_ts(created_at) AS created_at, rgw_ts(updated_at) AS updated_at, rgw_ts(issued_at) AS issued_at,"           \
  "       reward_masked::text AS reward_masked, j.reason AS wait_reason, rgw_ts(j.due_at) AS next_attempt_at,"                        \
  "       cost_amount::text AS cost_amount, cost_currency, cost_fee::text AS cost_fee, cost_discount::text AS cost_discount,"            \
  RGW_RECIPIENT_COLUMNS " FROM redemptions r LEFT JOIN dispatch_jobs j ON j.redemption_id = r.id "

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
                                     "SELECT CASE WHEN gone THEN NULL ELSE reward_key_id END AS reward_key_id,"
                                     "       CASE WHEN gone THEN NULL ELSE reward_sealed END AS reward_sealed, status = 'issued' AS issued"
                                     " FROM redemptions r,"
                                     "  LATERAL (SELECT a.status = 'erased' AND NOT p.erasure_keeps_rewards AS gone FROM accounts a"
                                     "           JOIN programs p ON p.id = a.program_id WHERE a.id = r.account_id) erased"
                                     " WHERE r.id = $1 AND r.program_id = $2 AND ($3::text IS NULL OR r.account_id = $3)"};


// The stored cost; the columns were written from parsed money, so they read back.
std::optional<providers::Cost> cost_from(const pg::Row& r) {
  const auto amount = r.optional_string("cost_amount"), currency = r.optional_string("cost_currency");
  if (!amount || !currency) return std::nullopt;
  auto in_currency = [&](const std::optional<std::string>& a) -> std::optional<fx::Money> {
    if (!a) return std::nullopt;
    return fx::Money::parse(*a, *currency).value();
  };
  return providers::Cost{fx::Money::parse(*amount, *currency).value(), in_currency(r.optional_string("cost_fee")), in_currency(r.optional_string("cost_discount"))};
}

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
                       r.optional_string("next_attempt_at"),
                       cost_from(r),
                       sealed_recipient(r)};
}

}  // namespace

OrderIds OrderIds::mint() { return {RedemptionId(new_id("red")), ProviderKey(new_id("rgw"))}; }

std::vector<pg::Statement> accept_statements(const AcceptWork& w) {
  const auto& t = w.order.terms;
  const auto marker = "pending:" + w.ids.id.str();
  const nlohmann::json order = {{"id", w.ids.id.str()},
                                {"provider_key", w.ids.provider_key.str()},
                                {"program_id", w.program_id},
                                {"account_id", t.account_id},
                                {"sku", t.sku},
                                {"face_amount", t.face.amount_string()},
                                {"face_currency", t.face.currency().code()},
                                {"points", t.price.points},
                                {"base_amount", t.price.base_value.amount_string()},
                                {"base_currency", t.price.base_value.currency().code()},
                                {"mid_rate", t.price.mid_rate.to_string()},
                                {"applied_rate", t.price.applied_rate.to_string()},
                                {"markup_bps", t.price.markup_bps},
                                {"tier_discount_bps", t.tier_discount_bps},
                                {"rates_source", t.rates_source},
                                {"rates_as_of", t.rates_as_of},
                                {"quote_id", w.order.quote_id ? nlohmann::json(*w.order.quote_id) : nlohmann::json(nullptr)},
                                {"recipient_sealed", w.order.recipient_sealed ? nlohmann::json(*w.order.recipient_sealed) : nlohmann::json(nullptr)},
                                {"created_at", w.created_at}};
  std::vector<pg::Statement> out;
  out.push_back(idempotency::claim_statement(w.program_id, w.idempotency_key, w.fingerprint, w.keep_for, marker));
  out.push_back(ledger::lock_statement(ProgramId(w.program_id), AccountId(t.account_id)));
  out.push_back(pg::statement(accept_order, order.dump(), w.program_id, w.idempotency_key, marker));
  out.push_back(ledger::debit_statement(w.ids.id));
  out.push_back(pg::statement(remember_accepted, w.program_id, w.idempotency_key, w.ids.id, w.response_body, marker));
  out.push_back(pg::statement(release_claim, w.program_id, w.idempotency_key, marker));
  return out;
}

AcceptResult accept_result(std::span<const pg::Result> results, const AcceptWork& w) {
  AcceptResult result{idempotency::claim_from(results[0], w.fingerprint)};
  result.accepted = !results[2].empty();
  const auto status = !result.accepted && !results[1].empty() ? std::string(results[1].front().text("status")) : std::string("active");
  result.account_blocked = status == "blocked";
  result.account_erased = status == "erased";
  return result;
}

pg::Statement wake_dispatchers() { return pg::statement(notify_dispatch); }

boost::asio::awaitable<std::optional<SealedReward>> reveal(pg::Pool& db, const ProgramId& program_id, const RedemptionId& id,
                                                          const std::optional<std::string>& account_id, const audit::Entry& audit) {
  auto tx = co_await pg::Transaction::begin(db);
  auto rows = co_await tx.exec(pg::statement(select_sealed_reward, id, program_id, account_id));
  if (rows.empty()) {
    co_await tx.rollback();
    co_return std::nullopt;
  }
  SealedReward sealed{rows.front().optional_string("reward_key_id"), rows.front().optional_string("reward_sealed"), rows.front().boolean("issued")};
  std::vector<pg::Statement> audited;
  if (sealed.blob) audited.push_back(audit::record(audit));
  co_await tx.commit(std::move(audited));
  co_return sealed;
}

boost::asio::awaitable<std::optional<Redemption>> find(pg::Pool& db, const ProgramId& program_id, const RedemptionId& id) {
  auto rows = co_await db.exec(pg::statement(select_redemption, id, program_id));
  if (rows.empty()) co_return std::nullopt;
  co_return redemption_from(rows.front());
}

boost::asio::awaitable<Page> list(pg::Pool& db, const ProgramId& program_id, const Filter& f) {
  auto rows = co_await db.exec(pg::statement(list_redemptions, program_id, f.account_id, f.status, f.from, f.to, f.before, f.limit + 1));
  Page page;
  for (int i = 0; i < rows.size() && i < f.limit; ++i) page.items.push_back(redemption_from(rows[i]));
  if (rows.size() > f.limit) page.next_before = rows[f.limit - 1].int64("seq");
  co_return page;
}

}  // namespace rgw::redemptions
