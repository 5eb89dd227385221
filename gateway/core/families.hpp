#pragma once
// The gateway's metric families, by name, declared once with their help text (docs/operations.md lists them).
#include "gateway/core/metrics.hpp"

namespace rgw::metrics {

inline const std::string http_requests = "rewardgw_http_requests_total";                  // route, method, status
inline const std::string http_duration = "rewardgw_http_request_duration_seconds";        // route, method
inline const std::string redemptions = "rewardgw_redemptions_total";                      // status
inline const std::string dispatch_attempts = "rewardgw_dispatch_attempts_total";          // provider, call, outcome
inline const std::string provider_duration = "rewardgw_provider_call_duration_seconds";   // provider, call
inline const std::string webhook_deliveries = "rewardgw_webhook_deliveries_total";        // result
inline const std::string reconciliation_findings = "rewardgw_reconciliation_findings_total";  // provider, kind
inline const std::string reconciliation_pulls = "rewardgw_reconciliation_pulls_total";        // provider, outcome
inline const std::string points_expired_lots = "rewardgw_points_expired_lots_total";          // (none)
inline const std::string accepts_passed_over = "rewardgw_accepts_passed_over_total";      // (none)
inline const std::string accepts_shed = "rewardgw_accepts_shed_total";                    // (none)
inline const std::string pricing_read_statements = "rewardgw_pricing_read_statements_total";  // (none)
inline const std::string connections_refused = "rewardgw_http_connections_refused_total";    // (none)

std::shared_ptr<Registry> gateway_registry();

}  // namespace rgw::metrics
