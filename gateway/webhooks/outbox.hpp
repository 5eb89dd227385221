#pragma once
// The webhook outbox (docs/webhooks.md): final statuses become events in the transaction that made them final,
// and a sender POSTs them, signed, until the program's endpoint answers 2xx.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gateway/core/sealer.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/net/url.hpp"

namespace rgw::webhooks {

// Queues event `type` ("redemption.issued", "redemption.failed") with `data`; writes nothing when the program
// has no webhook_url. Send it inside the transaction that changes the status.
pg::Statement enqueue(const std::string& program_id, const std::string& redemption_id, std::string_view type, const nlohmann::json& data);

// The Rewardgw-Signature header value: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>.
std::string signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

struct SenderConfig {
  std::chrono::milliseconds poll{1000};
  std::chrono::seconds lease{60};
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds retry_cap{10 * 60'000};
  std::chrono::milliseconds timeout{10'000};
  std::optional<std::string> ca_file;  // for https endpoints; default: the system's trust store
  std::size_t batch = 16;
  http::DestinationPolicy destinations{true, {}};  // checked on every resolved address
};

// Delivers due events until cancelled: claims them with SKIP LOCKED, POSTs each, records the delivery, and
// schedules a failed one again with full-jitter backoff.
boost::asio::awaitable<void> deliver(std::shared_ptr<pg::Pool> db, std::shared_ptr<const crypto::Sealer> sealer, std::shared_ptr<metrics::Registry> registry,
                                     SenderConfig config);

}  // namespace rgw::webhooks
