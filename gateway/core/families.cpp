#include "gateway/core/families.hpp"

namespace rgw::metrics {

std::shared_ptr<Registry> gateway_registry() {
  auto r = std::make_shared<Registry>();
  r->describe_counter(http_requests, "HTTP requests answered, by route pattern, method and status.");
  r->describe_histogram(http_duration, "Time to answer HTTP requests, by route pattern and method.");
  r->describe_counter(redemptions, "Redemptions by status reached in this process: accepted (202), issued, failed.");
  r->describe_counter(dispatch_attempts, "Provider calls by provider, call (issue, status) and outcome.");
  r->describe_histogram(provider_duration, "Provider call latency by provider and call.");
  r->describe_counter(webhook_deliveries, "Webhook delivery attempts by result (delivered: a 2xx; failed: anything else).");
  r->describe_counter(reconciliation_pulls, "Pulled reconciliations of a provider's previous-day order list by this process, by provider and outcome (done, failed).");
  r->describe_counter(reconciliation_findings, "Findings of provider statement reconciliations, by provider and kind (missing_here, missing_there, mismatched, bad_rows).");
  r->describe_counter(points_expired_lots, "Point lots written down as expired by this process's expiry job.");
  r->describe_counter(accepts_shed, "Redemption requests answered 503 overloaded: they waited for an accept batch longer than REWARDGW_ACCEPT_MAX_WAIT_MS; nothing was written.");
  r->describe_counter(pricing_read_statements, "Statements that read accounts' tiers and spendable points for quotes and redemptions; each carries every read asked while the one before it ran.");
  r->describe_counter(accepts_passed_over, "Redemption requests an accept batch passed over because another transaction held their account (another process's or thread's batch, a points job); each waits for it in a later batch.");
  r->describe_counter(connections_refused, "Connections closed at accept because REWARDGW_MAX_CONNECTIONS were open.");
  return r;
}

}  // namespace rgw::metrics
