#pragma once
// Reconciling a provider's statement against our orders at that provider. Each statement line is matched by
// the provider's reference (provider_ref) or ours (order_id: the redemption id or the idempotency reference we
// sent the provider). Findings: lines with no order here (missing_here), our issued orders of the statement's
// period not on it (missing_there), matched lines whose amount, currency or status differ or that repeat an
// order (mismatched), and lines that cannot be read (bad_rows, by line number; the rest is still processed).
// Every reconciliation is stored with its findings.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/metrics.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/reports/statement.hpp"

namespace rgw::reports {

// The kinds of findings, as the result names them.
inline constexpr const char* finding_kinds[] = {"missing_here", "missing_there", "mismatched", "bad_rows"};

struct ReconcileRequest {
  std::string program_id, provider;
  std::optional<Period> period;  // nullopt: nothing is expected (no line could be read)
  std::optional<std::string> api_key_id;
};

// Whether any order of the program was ever sent to `provider` (a provider may be gone from the configuration
// and still send its last statement).
boost::asio::awaitable<bool> has_orders_at(pg::Pool& db, const std::string& program_id, const std::string& provider);

// Matches, stores and returns the reconciliation as the API shows it.
boost::asio::awaitable<nlohmann::json> reconcile(pg::Pool& db, const ReconcileRequest& request, const Statement& statement);
// Adds a reconciliation's findings (as reconcile() returned it) to rewardgw_reconciliation_findings_total.
void count_findings(metrics::Registry& registry, const std::string& provider, const nlohmann::json& reconciliation);

// A stored reconciliation with its findings; nullopt when the program has none with that id.
boost::asio::awaitable<std::optional<nlohmann::json>> find_reconciliation(pg::Pool& db, const std::string& program_id, const std::string& id);

struct ReconciliationPage {
  std::vector<nlohmann::json> items;  // summaries: counts of each finding, no findings
  std::optional<std::int64_t> next_before;
};
// Newest first, optionally one provider's.
boost::asio::awaitable<ReconciliationPage> list_reconciliations(pg::Pool& db, const std::string& program_id, const std::optional<std::string>& provider,
                                                                 std::optional<std::int64_t> before, int limit);

}  // namespace rgw::reports
