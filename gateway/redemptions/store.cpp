#include "gateway/redemptions/store.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "gateway/accounts/ledger.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/json_text.hpp"
#include "gateway/idempotency/idempotency.hpp"

namespace rgw::redemptions {
namespace {

// A batch's accept, one statement per step for all its requests (accept_statements). Each step acts for a request
// only if the one before it succeeded for that request, so every request stays all or nothing. The claim stores
// `marker` as the key's response body; "the claim is mine" is that marker still being there.
//
// The orders and their jobs, for each request whose claim is mine, whose account is active and whose spendable
// points cover it; and the claims' end: an accepted request's key keeps its 202, a refused one's (short of
// points, blocked or erased) is let go, as if the request had never come. Runs after ledger::lock_statement locked
// the accounts, so its snapshot sees every earlier change to their lots and balances, and the debit that follows
// (ledger::debit_statement) cannot find them short. Each order travels as a JSON object whose member names are the
// columns, with its request's `i`, `idem_key`, `marker` and 202 `body`; the accounts are distinct.
const pg::Query accept_orders{
    "redemptions_accept",
    "WITH o AS (SELECT (x->>'i')::int AS i, x->>'idem_key' AS idem_key, x->>'marker' AS marker, x->>'body' AS body, r.*"
    "           FROM jsonb_array_elements($1::jsonb) x, jsonb_populate_record(NULL::redemptions, x) r),"
    " funded AS (SELECT o.* FROM o JOIN accounts a ON a.id = o.account_id AND a.program_id = o.program_id"
    "            WHERE a.status = 'active' AND a.balance - rgw_lapsed_points(a.id) >= o.points"
    "              AND EXISTS (SELECT 1 FROM idempotency_keys k WHERE k.program_id = o.program_id AND k.idem_key = o.idem_key"
    "                            AND k.response_status IS NULL AND k.response_body = o.marker)),"
    " made AS (INSERT INTO redemptions (id, program_id, account_id, sku, status, face_amount, face_currency, points, base_amount, base_currency,"
    "                                   mid_rate, applied_rate, markup_bps, tier_discount_bps, rates_source, rates_as_of, quote_id, provider_key,"
    "                                   recipient_sealed, created_at, updated_at)"
    "          SELECT id, program_id, account_id, sku, 'accepted', face_amount, face_currency, points, base_amount, base_currency, mid_rate,"
    "                 applied_rate, markup_bps, tier_discount_bps, rates_source, rates_as_of, quote_id, provider_key, recipient_sealed, created_at, created_at"
    "          FROM funded RETURNING id),"
    " jobs AS (INSERT INTO dispatch_jobs (redemption_id) SELECT id FROM made),"
    " kept AS (UPDATE idempotency_keys k SET response_status = 202, response_body = o.body FROM o JOIN made ON made.id = o.id"
    "          WHERE k.program_id = o.program_id AND k.idem_key = o.idem_key AND k.response_body = o.marker),"
    " let_go AS (DELETE FROM idempotency_keys k USING o"
    "            WHERE o.id NOT IN (SELECT id FROM made) AND k.program_id = o.program_id AND k.idem_key = o.idem_key"
    "              AND k.response_status IS NULL AND k.response_body = o.marker)"
    " SELECT o.i FROM o JOIN made ON made.id = o.id"};

// A batch's statements are planned once per connection, not for each batch: with arrays for parameters the
// planner judges a plan for the values at hand cheaper than a generic one and would plan every execution anew,
// which cost more than running them (most of the database's time, measured with pg_stat_statements and perf).
// And planned to touch only the rows they name, by index: for a small program's accounts (or lots) the planner
// picks a scan of the table, which every debit's dead row version makes slower until vacuum — 27 ms per statement
// for 1,000 accounts a few seconds into a load (auto_explain), and the plan stays; and without scans it read the
// whole accounts index into a hash to join a batch's orders to their accounts (0.5-0.8 ms of each batch at 1,000
// accounts). Every join of a batch statement is from a handful of rows to a key. And never compiled (JIT): with
// scans off, a plan that still needs one is costed at 10^10, far over jit_above_cost, and would be compiled at
// every execution — a tenth of a second each (seen in psql).
const pg::Query batch_plans{"redemptions_batch_plans",
                            "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true),"
                            "       set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),"
                            "       set_config('jit', 'off', true)"};

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

namespace {

std::string marker_of(const AcceptWork& w) { return "pending:" + w.ids.id.str(); }

// An order as accept_orders reads it, appended to the batch's JSON array as text: an nlohmann::json object per
// order, built and dumped, was a quarter of a redemption's instructions in the gateway.
void append_order(std::string& out, const AcceptWork& w, std::size_t i, std::string_view marker) {
  using namespace json_text;
  const auto& t = w.order.terms;
  out += out.size() > 1 ? ",{\"i\":" : "{\"i\":";
  append_integer(out, static_cast<std::int64_t>(i));
  append_member(out, "idem_key", w.idempotency_key);
  append_member(out, "marker", marker);
  append_member(out, "body", w.response_body);
  append_member(out, "id", w.ids.id.str());
  append_member(out, "provider_key", w.ids.provider_key.str());
  append_member(out, "program_id", w.program_id);
  append_member(out, "account_id", t.account_id);
  append_member(out, "sku", t.sku);
  append_member(out, "face_amount", t.face.amount_string());
  append_member(out, "face_currency", t.face.currency().code());
  append_name(out, "points");
  append_integer(out, t.price.points);
  append_member(out, "base_amount", t.price.base_value.amount_string());
  append_member(out, "base_currency", t.price.base_value.currency().code());
  append_member(out, "mid_rate", t.price.mid_rate.to_string());
  append_member(out, "applied_rate", t.price.applied_rate.to_string());
  append_name(out, "markup_bps");
  append_integer(out, t.price.markup_bps);
  append_name(out, "tier_discount_bps");
  append_integer(out, t.tier_discount_bps);
  append_member(out, "rates_source", t.rates_source);
  append_member(out, "rates_as_of", t.rates_as_of);
  append_member_or_null(out, "quote_id", w.order.quote_id);
  append_member_or_null(out, "recipient_sealed", w.order.recipient_sealed);
  append_member(out, "created_at", w.created_at);
  out += '}';
}

// The requests in rounds: a request runs in the round after every earlier request of the batch on its account or
// with its key, so within a round accounts and keys are distinct, and a later round sees what the earlier ones
// did, as if the requests had run one after another. Most batches are one round.
std::vector<std::vector<std::size_t>> rounds_of(const std::vector<const AcceptWork*>& batch) {
  using Name = std::pair<std::string_view, std::string_view>;  // (program, account or key): views, not a string per order
  std::map<Name, std::size_t> next_for_account, next_for_key;  // the first round free for each
  std::vector<std::vector<std::size_t>> rounds;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& w = *batch[i];
    auto& account = next_for_account[Name(w.program_id, w.order.terms.account_id)];
    auto& key = next_for_key[Name(w.program_id, w.idempotency_key)];
    const auto round = std::max(account, key);
    account = key = round + 1;
    if (rounds.size() <= round) rounds.resize(round + 1);
    rounds[round].push_back(i);
  }
  return rounds;
}

constexpr std::size_t statements_per_round = 3;  // claim, orders (with the claims' end), debit

}  // namespace

std::vector<pg::Statement> lock_statements(const std::vector<const AcceptWork*>& batch, const std::vector<bool>& waits) {
  std::vector<std::pair<ProgramId, AccountId>> waiting, free_only;
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (seen.emplace(batch[i]->program_id, batch[i]->order.terms.account_id).second)
      (waits[i] ? waiting : free_only).emplace_back(ProgramId(batch[i]->program_id), AccountId(batch[i]->order.terms.account_id));
  std::vector<pg::Statement> out;
  out.push_back(pg::statement(batch_plans));
  // The waiting locks first: while a transaction waits it holds only accounts it locked in id order before, so
  // no two batches can wait for each other.
  out.push_back(ledger::lock_statement(waiting, ledger::if_held::wait));
  out.push_back(ledger::lock_statement(free_only, ledger::if_held::skip));
  return out;
}

Locks locks_from(std::span<const pg::Result> results, const std::vector<const AcceptWork*>& batch, const std::vector<bool>& waits) {
  Locks locks;
  for (const auto& locked : results.subspan(1, 2))
    for (int r = 0; r < locked.size(); ++r) locks.status_of.emplace(locked[r].text("id"), locked[r].text("status"));
  std::set<std::string> passed_accounts, passed_keys;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& w = *batch[i];
    const auto key = w.program_id + '\x1f' + w.idempotency_key;
    const bool ahead = (waits[i] || locks.status_of.contains(w.order.terms.account_id)) && !passed_accounts.contains(w.order.terms.account_id) &&
                       !passed_keys.contains(key);
    locks.ahead.push_back(ahead);
    if (ahead) continue;
    passed_accounts.insert(w.order.terms.account_id);
    passed_keys.insert(key);
  }
  return locks;
}

std::vector<pg::Statement> accept_statements(const std::vector<const AcceptWork*>& batch) {
  std::vector<pg::Statement> out;
  for (const auto& round : rounds_of(batch)) {
    std::vector<idempotency::ClaimRequest> claims;
    std::string orders = "[";
    std::vector<RedemptionId> ids;
    claims.reserve(round.size());
    ids.reserve(round.size());
    for (const auto i : round) {
      const auto& w = *batch[i];
      auto marker = marker_of(w);
      append_order(orders, w, i, marker);
      claims.push_back({w.program_id, w.idempotency_key, w.fingerprint, w.keep_for, std::move(marker)});
      ids.push_back(w.ids.id);
    }
    out.push_back(idempotency::claim_statement(claims));
    orders += ']';
    out.push_back(pg::statement(accept_orders, orders));
    out.push_back(ledger::debit_statement(ids));
  }
  return out;
}

std::vector<AcceptResult> accept_results(std::span<const pg::Result> results, const std::vector<const AcceptWork*>& batch, const Locks& locks) {
  std::vector<AcceptResult> out(batch.size());
  const auto rounds = rounds_of(batch);
  for (std::size_t round = 0; round < rounds.size(); ++round) {
    const auto& claims = results[round * statements_per_round];
    const auto& made = results[1 + round * statements_per_round];
    for (std::size_t n = 0; n < rounds[round].size(); ++n) {
      const auto i = rounds[round][n];
      out[i].claim = idempotency::claim_from(claims[static_cast<int>(n)], batch[i]->fingerprint);
    }
    for (int r = 0; r < made.size(); ++r) out[static_cast<std::size_t>(made[r].int64("i"))].accepted = true;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (out[i].accepted) continue;
    const auto found = locks.status_of.find(batch[i]->order.terms.account_id);
    const std::string status = found == locks.status_of.end() ? "active" : found->second;
    out[i].account_blocked = status == "blocked";
    out[i].account_erased = status == "erased";
  }
  return out;
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
