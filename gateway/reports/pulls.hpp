#pragma once
// Pulled reconciliation (docs/finance.md): once per program, provider and local business day — across all
// processes, whichever runs it first — the provider's own list of the orders it made that day is read page by
// page and reconciled like an uploaded statement (reconciliation.hpp), and stored with its findings. Every
// process runs the job; a claim row with a lease (pulled_reconciliations) makes one of them do each day.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <date/date.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gateway/accounts/programs.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/pg/pool.hpp"
#include "providers/registry.hpp"

namespace rgw::reports {

struct PullConfig {
  std::chrono::milliseconds interval{600'000};  // between looks for a day to pull; 0: this process pulls nothing
  std::chrono::minutes lease{10};               // a claimed day is another process's after this (it died, or failed)
  std::string worker;                           // this process, in the claim row
};

// Reconciles `provider`'s orders of the program's local `day` unless it is done or another process holds it:
// the stored reconciliation, or nullopt when not claimed here. A provider that cannot list its orders leaves the
// claim with its error, taken again once the lease ends.
boost::asio::awaitable<std::optional<nlohmann::json>> pull_day(pg::Pool& db, const programs::Program& program, providers::Provider& provider,
                                                               date::local_days day, const PullConfig& config);

// Until cancelled, every interval: for each program and each provider that can list its orders and was sent
// one of the program's orders, the program's previous local day. Counts rewardgw_reconciliation_pulls_total and
// the findings (rewardgw_reconciliation_findings_total).
boost::asio::awaitable<void> run_pulls(std::shared_ptr<pg::Pool> db, std::shared_ptr<const providers::LiveRegistry> providers,
                                       std::shared_ptr<metrics::Registry> metrics, PullConfig config);

}  // namespace rgw::reports
