#include "gateway/reports/pulls.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <date/tz.h>
#include <set>

#include "gateway/core/families.hpp"
#include "gateway/core/log.hpp"
#include "gateway/reports/days.hpp"
#include "gateway/reports/reconciliation.hpp"

namespace rgw::reports {
namespace {

namespace asio = boost::asio;

// Taken when nobody has it, or its lease ran out without a reconciliation (the holder died or failed).
const pg::Query claim_day{
    "pull_claim_day",
    "INSERT INTO pulled_reconciliations (program_id, provider, day, worker, lease_until)"
    " VALUES ($1, $2, $3::date, $4, now() + make_interval(mins => $5::int))"
    " ON CONFLICT (program_id, provider, day) DO UPDATE SET worker = EXCLUDED.worker, lease_until = EXCLUDED.lease_until"
    "   WHERE pulled_reconciliations.reconciliation_id IS NULL AND pulled_reconciliations.lease_until < now()"
    " RETURNING day"};
const pg::Query finish_day{"pull_finish_day",
                           "UPDATE pulled_reconciliations SET reconciliation_id = $4, error = NULL WHERE program_id = $1 AND provider = $2 AND day = $3::date"};
const pg::Query fail_day{"pull_fail_day", "UPDATE pulled_reconciliations SET error = $4 WHERE program_id = $1 AND provider = $2 AND day = $3::date"};
// The references on the list that are another program's orders: theirs to reconcile, not ours to report.
const pg::Query others_orders{"pull_others_orders",
                              "SELECT provider_key FROM redemptions WHERE provider_key = ANY($1::text[]) AND program_id <> $2"};
const pg::Query all_programs{"pull_all_programs", "SELECT id FROM programs ORDER BY id"};

}  // namespace

asio::awaitable<std::optional<nlohmann::json>> pull_day(pg::Pool& db, const programs::Program& program, providers::Provider& provider,
                                                         date::local_days day, const PullConfig& config) {
  const auto day_text = date::format("%F", day);
  const auto minutes = static_cast<std::int64_t>(config.lease.count());
  if ((co_await db.exec(pg::statement(claim_day, program.id, provider.name(), day_text, config.worker, minutes))).empty()) co_return std::nullopt;

  const auto* zone = date::locate_zone(program.timezone);
  const Period period{day_start(*zone, day), day_start(*zone, day + date::days(1))};
  auto listed = co_await provider.orders_between(period.from, period.to);
  if (auto* error = std::get_if<std::string>(&listed)) {
    co_await db.exec(pg::statement(fail_day, program.id, provider.name(), day_text, *error));
    throw std::runtime_error("listing " + provider.name() + "'s orders failed: " + *error);
  }
  const auto& orders = std::get<std::vector<providers::ListedOrder>>(listed);
  std::vector<std::string> references;
  for (const auto& o : orders)
    if (!o.reference.empty()) references.push_back(o.reference);
  std::set<std::string> theirs;
  const auto others = co_await db.exec(pg::statement(others_orders, references, program.id));
  for (int i = 0; i < others.size(); ++i) theirs.insert(std::string(others[i].text("provider_key")));

  // Only what the provider says it issued is billed; a failed or pending order on its list is not a payout.
  Statement statement;
  int line = 1;
  for (const auto& o : orders) {
    if (o.outcome != providers::Outcome::issued || theirs.contains(o.reference)) continue;
    std::optional<fx::Money> charged;
    if (o.cost) charged = o.cost->charged;
    statement.lines.push_back({++line, o.provider_ref, o.reference, o.face, o.created_at, charged});
  }
  const ReconcileRequest request{program.id, provider.name(), period, std::nullopt};  // named: a braced temporary in a co_await dies twice (GCC 12)
  auto result = co_await reconcile(db, request, statement);
  co_await db.exec(pg::statement(finish_day, program.id, provider.name(), day_text, result.at("id").get<std::string>()));
  co_return result;
}

asio::awaitable<void> run_pulls(std::shared_ptr<pg::Pool> db, std::shared_ptr<const providers::LiveRegistry> live, std::shared_ptr<metrics::Registry> metrics,
                                PullConfig config) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    try {
      const auto ids = co_await db->exec(pg::statement(all_programs));
      for (int i = 0; i < ids.size(); ++i) {
        const auto program = co_await programs::find(*db, std::string(ids[i].text("id")));
        const auto yesterday = local_day(program.timezone, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())) - date::days(1);
        const auto providers = live->current();
        for (const auto& provider : providers->all()) {
          if (!provider->lists_orders()) continue;
          const bool used = co_await has_orders_at(*db, program.id, provider->name());  // named: no co_await in a || (GCC 12)
          if (!used) continue;
          try {
            const auto done = co_await pull_day(*db, program, *provider, yesterday, config);
            if (!done) continue;
            metrics->counter(metrics::reconciliation_pulls, {{"provider", provider->name()}, {"outcome", "done"}}).add();
            count_findings(*metrics, provider->name(), *done);
            log::write(log::level::info, "pulled reconciliation done",
                       {{"program_id", program.id}, {"provider", provider->name()}, {"reconciliation_id", done->at("id").get<std::string>()}});
          } catch (const std::runtime_error& e) {
            metrics->counter(metrics::reconciliation_pulls, {{"provider", provider->name()}, {"outcome", "failed"}}).add();
            log::write(log::level::warn, "pulled reconciliation failed; tried again when its lease ends",
                       {{"program_id", program.id}, {"provider", provider->name()}, {"detail", e.what()}});
          }
        }
      }
    } catch (const pg::Error& e) {
      log::write(log::level::warn, "pulled reconciliations failed; retrying", {{"detail", e.what()}});
    }
    timer.expires_after(config.interval);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace rgw::reports
