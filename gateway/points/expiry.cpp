#include "gateway/points/expiry.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "gateway/accounts/ledger.hpp"
#include "gateway/core/families.hpp"
#include "gateway/core/log.hpp"
#include "gateway/pg/error.hpp"
#include "gateway/points/tiers.hpp"
#include "gateway/webhooks/outbox.hpp"

namespace rgw::points {
namespace {

namespace asio = boost::asio;

// Lots that hold points and lapse within their program's notice window, marked once. The mark changes no points,
// so it takes lot rows with SKIP LOCKED instead of the account's lock, and never waits for anyone.
const pg::Query mark_expiring{
    "points_mark_expiring",
    "WITH due AS (SELECT l.id FROM point_lots l JOIN accounts a ON a.id = l.account_id JOIN programs p ON p.id = a.program_id"
    "             WHERE l.unspent AND l.notified_at IS NULL AND l.expires_at > now()"
    "               AND l.expires_at <= now() + make_interval(days => (SELECT max(expiry_notice_days) FROM programs))"
    "               AND l.expires_at <= now() + make_interval(days => p.expiry_notice_days)"
    "             ORDER BY l.expires_at LIMIT $1::int FOR UPDATE OF l SKIP LOCKED)"
    " UPDATE point_lots l SET notified_at = now() FROM due, accounts a WHERE l.id = due.id AND a.id = l.account_id"
    " RETURNING l.id, l.account_id, a.program_id, l.remaining, rgw_ts(l.expires_at) AS expires_at"};

// The tiers' pass runs in one process per day: the one that moves the mark.
const pg::Query claim_daily{
    "points_claim_daily",
    "INSERT INTO periodic_runs (name, last_run) VALUES ($1, now())"
    " ON CONFLICT (name) DO UPDATE SET last_run = now() WHERE periodic_runs.last_run <= now() - interval '1 day'"
    " RETURNING name"};

}  // namespace

boost::asio::awaitable<std::size_t> expire_lapsed(pg::Pool& db, const ExpiryConfig& config) {
  auto tx = co_await pg::Transaction::begin(db);
  auto locked = co_await tx.exec(ledger::lock_lapsed_statement(config.window, config.accounts_per_batch));
  if (locked.empty()) {
    co_await tx.rollback();
    co_return 0;
  }
  std::vector<std::string> accounts;
  for (int i = 0; i < locked.size(); ++i) accounts.emplace_back(locked[i].text("id"));
  auto swept = co_await tx.exec(ledger::expiry_statement(accounts, config.lots_per_batch));
  std::vector<webhooks::AccountEvent> events;
  for (int i = 0; i < swept.size(); ++i) {
    auto e = ledger::expired_from(swept[i]);
    nlohmann::json data = {{"account_id", e.account_id}, {"lot_id", e.lot_id}, {"points", e.points}, {"expired_at", e.effective_at}, {"entry_id", e.entry_id}};
    events.push_back({std::move(e.program_id), std::move(e.account_id), "points.expired", std::move(data)});
  }
  std::vector<pg::Statement> last;
  if (!events.empty()) last.push_back(webhooks::enqueue(events));
  co_await tx.commit(std::move(last));
  co_return static_cast<std::size_t>(swept.size());
}

boost::asio::awaitable<std::size_t> send_expiry_notices(pg::Pool& db, const ExpiryConfig& config) {
  auto tx = co_await pg::Transaction::begin(db);
  auto marked = co_await tx.exec(pg::statement(mark_expiring, config.notices_per_batch));
  std::vector<webhooks::AccountEvent> events;
  for (int i = 0; i < marked.size(); ++i) {
    const auto& r = marked[i];
    nlohmann::json data = {{"account_id", r.text("account_id")}, {"lot_id", r.int64("id")}, {"points", r.int64("remaining")}, {"expires_at", r.text("expires_at")}};
    events.push_back({std::string(r.text("program_id")), std::string(r.text("account_id")), "points.expiring", std::move(data)});
  }
  std::vector<pg::Statement> last;
  if (!events.empty()) last.push_back(webhooks::enqueue(events));
  co_await tx.commit(std::move(last));
  co_return events.size();
}

boost::asio::awaitable<void> run(std::shared_ptr<pg::Pool> db, std::shared_ptr<metrics::Registry> registry, ExpiryConfig config) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto& expired = registry->counter(metrics::points_expired_lots);
  for (;;) {
    try {
      while (const auto lots = co_await expire_lapsed(*db, config)) expired.add(lots);
      while (co_await send_expiry_notices(*db, config) == static_cast<std::size_t>(config.notices_per_batch)) {
      }
      if (!(co_await db->exec(pg::statement(claim_daily, "tiers"))).empty()) {
        const auto changed = co_await retier_all(*db);
        log::write(log::level::info, "daily tier pass done", {{"changed", changed}});
      }
    } catch (const pg::Error& e) {
      log::write(log::level::warn, "points jobs failed; retrying", {{"detail", e.what()}});
    }
    timer.expires_after(config.interval);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace rgw::points
